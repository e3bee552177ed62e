/**
 * Debian's Chromium as the browser suite and the web benchmark start it. Kept apart from
 * `support.ts`, which needs a test's context, so the suite's global setup can start it too.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserServer, chromium, type LaunchOptions } from 'playwright-core';

/**
 * Debian's headless shell (package `chromium-headless-shell`) where it is installed: the same
 * engine as the browser, without the browser's own windows, tabs and address bar, as Playwright
 * itself runs headless tests. The browser suite cost about a third less CPU in it; otherwise
 * Debian's Chromium, in its headless mode.
 */
const HEADLESS_SHELL = '/usr/bin/chromium-headless-shell';

export const CHROMIUM =
  process.env.CHROMIUM_PATH ?? (existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : '/usr/bin/chromium');

/** Without the background-networking flags Chromium keeps trying to reach hosts this machine cannot. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The browser in its headless mode (where the shell is not installed) still prepares the address
 * bar's suggestion popups, as pages of their own (chrome://omnibox-popup.top-chrome/) in a renderer
 * process of their own, for every browser context: a test opens a context for each device it plays,
 * and each cost about 0.7 s of CPU for a popup no one can open.
 */
const UNSEEN_FEATURES = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup'];

/**
 * The features Playwright turns off itself. Chromium reads only the last `--disable-features`, so
 * ours must name them too; Playwright does not export them, so a stand-in for Chromium that writes
 * down its arguments and exits reads them from Playwright's launch.
 */
const playwrightsDisabledFeatures = async (): Promise<string[]> => {
  const folder = mkdtempSync(join(tmpdir(), 'chromium-args-'));
  try {
    const standIn = join(folder, 'chromium');
    const written = join(folder, 'arguments');
    writeFileSync(standIn, `#!/bin/sh\nprintf '%s\\n' "$@" > '${written}'\n`, { mode: 0o755 });
    await chromium.launch({ executablePath: standIn, headless: true }).then(
      (browser) => browser.close(),
      () => undefined, // The stand-in exits at once, so the launch fails: only its arguments count.
    );
    const flag = '--disable-features=';
    const disabled = readFileSync(written, 'utf8')
      .split('\n')
      .find((argument) => argument.startsWith(flag));
    return disabled?.slice(flag.length).split(',') ?? [];
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
};

const launchOptions = async (): Promise<LaunchOptions> => {
  const disabled = [...(await playwrightsDisabledFeatures()), ...UNSEEN_FEATURES];
  return { executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, `--disable-features=${disabled}`], headless: true };
};

/** A Chromium of this process's own (the benchmark's). */
export const launchBrowser = async (): Promise<Browser> => chromium.launch(await launchOptions());

/** One Chromium for a whole run, that test files connect to (`connectBrowser` in support.ts). */
export const launchBrowserServer = async (): Promise<BrowserServer> => chromium.launchServer(await launchOptions());

/** The run's Chromium at `wsEndpoint`; closing what this returns closes only this file's contexts. */
export const connectToBrowser = (wsEndpoint: string): Promise<Browser> => chromium.connect(wsEndpoint);
