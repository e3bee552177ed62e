/**
 * The browser suite's setup: the web console built (as `npm start` builds it, only when stale),
 * one Chromium that every file connects to, then the integration suite's DynamoDB Local and fauxqs
 * for the suite's runtimes: the same engines when both suites run, started here when the browser
 * suite runs alone.
 */
import type { TestProject } from 'vitest/node';
import { ensureWebBuild } from '../../infra/local/web-build';
import startEngines from '../integration/global-setup';
import { launchBrowserServer } from './chromium';

declare module 'vitest' {
  export interface ProvidedContext {
    chromiumEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureWebBuild();
  const chromium = await launchBrowserServer();
  try {
    project.provide('chromiumEndpoint', chromium.wsEndpoint());
    const stopEngines = await startEngines(project);
    return async () => {
      await Promise.all([chromium.close(), stopEngines()]);
    };
  } catch (error) {
    await chromium.close();
    throw error;
  }
}
