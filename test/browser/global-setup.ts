/**
 * The browser suite's setup: the web console built (as `npm start` builds it, only when stale),
 * then the integration suite's DynamoDB Local and fauxqs for the suite's runtimes: the same engines
 * when both suites run, started here when the browser suite runs alone.
 */
import type { TestProject } from 'vitest/node';
import { ensureWebBuild } from '../../infra/local/web-build';
import startEngines from '../integration/global-setup';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureWebBuild();
  return startEngines(project);
}
