/**
 * Driving the web console in headless Chromium (Debian's, not a downloaded one) against a real
 * local runtime, by role and label as a person finds things, with axe-core on every screen.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import type { LocalRuntime } from '../../infra/local/runtime';
import { repositoryRoot } from '../../infra/local/web-build';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import { makeDynamoUnitRegistry } from '../../shared/adapters/dynamodb/unit-registry';
import { connectToBrowser } from './chromium';

/**
 * The few browser globals the tests touch inside the page. The test program is type-checked
 * without the DOM library (its `fetch` types would clash with Node's), so callbacks passed to
 * `page.evaluate` read them as `(globalThis as unknown as InPage)`, which runs as `globalThis`.
 */
export interface InPage {
  readonly document: { readonly activeElement: { readonly id: string } | null };
  readonly localStorage: { setItem(key: string, value: string): void };
  readonly sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  readonly navigator: {
    readonly serviceWorker: {
      readonly ready: Promise<unknown>;
      readonly controller: unknown;
      addEventListener(type: 'controllerchange', listener: () => void, options?: { once: boolean }): void;
    };
  };
  readonly axe: { run(context: unknown): Promise<{ violations: unknown[] }> };
}

/**
 * The run's one Chromium, started by the suite's global setup: each file opens its own contexts
 * (own storage, as separate devices) in it instead of starting a browser of its own, which costs
 * about half a second of CPU a start and a browser process's upkeep for the file's length.
 */
export const connectBrowser = (): Promise<Browser> => connectToBrowser(inject('chromiumEndpoint'));

/** A phone-sized window, as a township official would hold it. */
export const PHONE = { width: 390, height: 844 };

/** A duty desk's screen. */
export const DESK = { width: 1280, height: 900 };

export interface Console {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Content-Security-Policy refusals and uncaught errors seen on any page of the context. */
  readonly problems: string[];
}

export const watch = (page: Page, problems: string[]): void => {
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text())) {
      problems.push(message.text());
    }
  });
  page.on('pageerror', (error) => problems.push(error.message));
};

/** A new browser context (its own storage, as a new device), with the console open at `path`. */
export const openConsole = async (
  browser: Browser,
  runtime: Pick<LocalRuntime, 'url'>,
  options: {
    readonly lang?: 'zh-CN' | 'en';
    readonly path?: string;
    /** The page's clock starts here and runs on (a runtime whose `Date` the test moved). */
    readonly clock?: Date;
    readonly viewport?: { readonly width: number; readonly height: number };
  } = {},
): Promise<Console> => {
  const context = await browser.newContext({
    viewport: options.viewport ?? PHONE,
    baseURL: runtime.url,
    locale: 'zh-CN',
  });
  if (options.clock) await context.clock.install({ time: options.clock });
  if (options.lang === 'en') {
    await context.addInitScript(() => (globalThis as unknown as InPage).localStorage.setItem('console.lang', 'en'));
  }
  const problems: string[] = [];
  const page = await context.newPage();
  watch(page, problems);
  await page.goto(options.path ?? '/');
  return { context, page, problems };
};

export const heading = (page: Page, name: string | RegExp): Locator => page.getByRole('heading', { name, level: 1 });

/** Waits until the element is visible (Playwright's own wait, by role or label). */
export const visible = async (locator: Locator, timeout = 10_000): Promise<Locator> => {
  await locator.first().waitFor({ state: 'visible', timeout });
  return locator;
};

export const signIn = async (page: Page, identity: string | RegExp, button = '登录'): Promise<void> => {
  await page.getByLabel(identity).check();
  await page.getByRole('button', { name: button, exact: true }).click();
};

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs every axe-core rule on the page as it is and expects no violation. axe is evaluated through
 * the devtools protocol: the console's Content-Security-Policy refuses injected script tags, as it
 * should.
 */
export const expectAccessible = async (page: Page, screen: string): Promise<void> => {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const page = globalThis as unknown as InPage;
    return (await page.axe.run(page.document)).violations;
  });
  expect(
    (violations as AxeViolation[]).map(
      (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    ),
    `axe on ${screen}`,
  ).toEqual([]);
};

/** With `SCREENSHOTS=1` (`npm run screenshots`), saves the screen to docs/screenshots/. */
export const screenshot = async (page: Page, name: string): Promise<void> => {
  if (!process.env.SCREENSHOTS) return;
  const dir = join(repositoryRoot, 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true, animations: 'disabled' });
};

/** Registers reporting units in the runtime's registry, as `npm run units -- import` would. */
export const registerUnit = async (runtime: LocalRuntime, unitId: string, county: string, name: string) => {
  const client = makeDocumentClient(
    new DynamoDBClient({ region: LOCAL_REGION, credentials: localCredentials, endpoint: runtime.endpoints.dynamodb }),
  );
  await makeDynamoUnitRegistry({ client, table: runtime.resources.tables.officers }).replaceCounties(
    [county],
    [{ unitId, name, county, kind: 'township', contact: { name: '刘明', phone: '+86 10 6512 0001' } }],
  );
  client.destroy();
};

/** Waits until the service worker controls the page: from then on the console opens offline. */
export const untilServiceWorkerControls = async (page: Page): Promise<void> => {
  await page.evaluate(async () => {
    const { serviceWorker } = (globalThis as unknown as InPage).navigator;
    await serviceWorker.ready;
    if (serviceWorker.controller) return;
    await new Promise<void>((resolve) => serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
  });
};

/** The identity the local sign-in page lists for the example reporting unit. */
export const UNIT = /东华门街道办事处/;
export const UNIT_EN = /Donghuamen Subdistrict Office/;
/** The identities it lists for the example offices' duty desks and for the inspector. */
export const COUNTY = /东城区应急管理局（县级）/;
export const CITY = /北京市应急管理局（市级）/;
export const PROVINCE = /北京市应急管理厅（省级）/;
export const INSPECTOR = /北京市督查人员/;

/** Fills a new report's required fields, in Chinese, as a township official would. */
export const fillReport = async (
  page: Page,
  fields: { readonly subtype: string; readonly dead?: string; readonly injured?: string },
): Promise<void> => {
  const label = (name: string) => page.getByLabel(name, { exact: true });
  await label('详细地点').fill('东华门街道 3 号院');
  await label('事件类别').selectOption({ label: '事故灾难' });
  await label('具体类型').fill(fields.subtype);
  await label('简要经过').fill('院内老旧平房倒塌，有人员被压。');
  await label('死亡人数').fill(fields.dead ?? '0');
  await label('受伤人数').fill(fields.injured ?? '0');
  await label('报告人姓名').fill('王丽');
  await label('报告人联系电话').fill('010 1234 5678');
};

/** Runs in the page (as text: the tests are type-checked without the DOM's types). */
const phonePhotoScript = (seed: number) => `(async () => {
  const width = 4000;
  const height = 3000;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  const sky = context.createLinearGradient(0, 0, 0, height);
  sky.addColorStop(0, '#6d8fb3');
  sky.addColorStop(0.55, '#c9c2a8');
  sky.addColorStop(1, '#5b4a35');
  context.fillStyle = sky;
  context.fillRect(0, 0, width, height);
  const light = context.createRadialGradient(width * 0.7, height * 0.3, 50, width * 0.7, height * 0.3, width * 0.6);
  light.addColorStop(0, 'rgba(255, 240, 200, 0.5)');
  light.addColorStop(1, 'rgba(0, 0, 0, 0)');
  context.fillStyle = light;
  context.fillRect(0, 0, width, height);
  const image = context.getImageData(0, 0, width, height);
  let seed = ${seed};
  for (let i = 0; i < image.data.length; i += 4) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const noise = ((seed >> 16) % 27) - 13;
    image.data[i] += noise;
    image.data[i + 1] += noise;
    image.data[i + 2] += noise;
  }
  context.putImageData(image, 0, 0);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.92));
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
})()`;

/**
 * A phone photo to attach: 4,000 × 3,000 px of gradients under per-pixel sensor-like noise,
 * encoded by the browser as a high-quality JPEG of about 4 MB — not a flat colour, which any
 * encoder shrinks to nothing. Made in the page (Node has no image encoder) and handed back as bytes;
 * each `seed` gives other noise, so other bytes and another hash.
 */
export const phonePhoto = async (
  page: Page,
  seed = 42,
): Promise<{ name: string; mimeType: string; buffer: Buffer }> => {
  const base64 = await page.evaluate<string>(phonePhotoScript(seed));
  const name = `IMG_20261205_1015${String(seed % 100).padStart(2, '0')}.jpg`;
  return { name, mimeType: 'image/jpeg', buffer: Buffer.from(base64, 'base64') };
};
