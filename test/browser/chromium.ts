/**
 * Debian's Chromium as the browser suite and the web benchmark start it. Kept apart from
 * `support.ts`, which needs a test's context, so the suite's global setup can start it too.
 */
import { type Browser, type BrowserServer, chromium, type LaunchOptions } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Without the background-networking flags Chromium keeps trying to reach hosts this machine cannot. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const launchOptions: LaunchOptions = { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true };

/** A Chromium of this process's own (the benchmark's). */
export const launchBrowser = (): Promise<Browser> => chromium.launch(launchOptions);

/** One Chromium for a whole run, that test files connect to (`connectBrowser` in support.ts). */
export const launchBrowserServer = (): Promise<BrowserServer> => chromium.launchServer(launchOptions);

/** The run's Chromium at `wsEndpoint`; closing what this returns closes only this file's contexts. */
export const connectToBrowser = (wsEndpoint: string): Promise<Browser> => chromium.connect(wsEndpoint);
