/**
 * The duty desk part of `npm run bench:web`: a province with 2,000 open incidents on its board
 * (reported by a unit of 东城区, forwarded by the county and the city through the API, under the
 * national policy so that no deadline moves the board while it is measured), then, unthrottled
 * and throttled to a slow office link (about 1.5 Mbit/s each way, 100 ms latency, through the
 * devtools protocol):
 *
 * - first render: from navigating to `/desk` on a fresh browser context (empty cache, signed in)
 *   until the province board's first row is shown;
 * - new arrival: a report accepted by the API (its 201) until it is on the county's open board,
 *   and the city's forward answered until it is on the province's open board.
 *
 * Targets: first render ≤ 2 s; new arrival ≤ 5 s p99.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { InPage } from '../browser/support';
import { initialReport } from '../fixtures/reports';
import { type BenchRuntime, median, percentile } from './support';

const KBIT = 1000 / 8;
export const NETWORKS = {
  unthrottled: undefined,
  'office link (1.5 Mbit/s, 100 ms)': {
    offline: false,
    latency: 100,
    downloadThroughput: 1_500 * KBIT,
    uploadThroughput: 1_500 * KBIT,
  },
} as const;

export interface Identity {
  readonly idToken: string;
  readonly session: string;
}

/** A local identity signed in, and the session the console keeps in its tab for it. */
export const signIn = async (runtime: BenchRuntime, identity: string): Promise<Identity> => {
  const answer = await fetch(`${runtime.url}/local/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identity }),
  });
  const { idToken } = (await answer.json()) as { idToken: string };
  const claims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8'));
  return { idToken, session: JSON.stringify({ idToken, claims, renewal: { kind: 'local', identity } }) };
};

const post = async (runtime: BenchRuntime, token: string, path: string, body: unknown, expected: number) => {
  const answer = await fetch(`${runtime.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await answer.text();
  if (answer.status !== expected) throw new Error(`${path}: ${answer.status} ${text}`);
  return JSON.parse(text) as { incidentId: string };
};

/** One incident all the way to the province: reported, forwarded by the county, then by the city. */
const toProvince = async (
  runtime: BenchRuntime,
  tokens: Record<'unit' | 'county' | 'city', string>,
  subtype: string,
  seen?: { county?: () => Promise<unknown>; province?: () => Promise<unknown> },
): Promise<{ countyMs?: number; provinceMs?: number }> => {
  const { incidentId } = await post(
    runtime,
    tokens.unit,
    '/v1/reports',
    initialReport('110101', 'DC-JDJ', { subtype, grade: 'III' }),
    201,
  );
  const accepted = performance.now();
  const countyMs = seen?.county ? await seen.county().then(() => performance.now() - accepted) : undefined;
  await post(runtime, tokens.county, `/v1/incidents/${incidentId}/forward`, {}, 200);
  await post(runtime, tokens.city, `/v1/incidents/${incidentId}/forward`, {}, 200);
  const handed = performance.now();
  const provinceMs = seen?.province ? await seen.province().then(() => performance.now() - handed) : undefined;
  return { ...(countyMs !== undefined ? { countyMs } : {}), ...(provinceMs !== undefined ? { provinceMs } : {}) };
};

/** A fresh browser context (empty cache) signed in as `who`, its page on `network`. */
export const signedInPage = async (
  browser: Browser,
  url: string,
  who: Identity,
  network: (typeof NETWORKS)[keyof typeof NETWORKS],
): Promise<{ context: BrowserContext; page: Page }> => {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    baseURL: url,
    locale: 'zh-CN',
  });
  await context.addInitScript((stored) => {
    const storage = (globalThis as unknown as InPage).sessionStorage;
    if (!storage.getItem('console.session')) storage.setItem('console.session', stored);
  }, who.session);
  const page = await context.newPage();
  if (network) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', network);
  }
  return { context, page };
};

const openDesk = async (
  browser: Browser,
  runtime: BenchRuntime,
  who: Identity,
  network: (typeof NETWORKS)[keyof typeof NETWORKS],
): Promise<{ context: BrowserContext; page: Page; firstRowMs: number }> => {
  const { context, page } = await signedInPage(browser, runtime.url, who, network);
  const started = performance.now();
  await page.goto('/desk', { waitUntil: 'commit' });
  await page.getByRole('listitem').first().waitFor({ state: 'visible', timeout: 60_000 });
  return { context, page, firstRowMs: performance.now() - started };
};

export const benchDesk = async (
  browser: Browser,
  runtime: BenchRuntime,
  options: { readonly incidents: number; readonly rounds: number; readonly arrivals: number },
): Promise<string> => {
  const [unit, county, city, province] = await Promise.all(
    ['unit-dongcheng', 'office-county', 'office-city', 'office-province'].map((id) => signIn(runtime, id)),
  );
  if (!unit || !county || !city || !province) throw new Error('local sign-in failed');
  const tokens = { unit: unit.idToken, county: county.idToken, city: city.idToken };

  const seedStarted = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let n = ++next; n <= options.incidents; n = ++next) {
        await toProvince(runtime, tokens, `种子事件 ${n}`);
      }
    }),
  );
  const board = await fetch(`${runtime.url}/v1/desk/board`, {
    headers: { authorization: `Bearer ${province.idToken}` },
  });
  const boardText = await board.text();
  const { total } = JSON.parse(boardText) as { total: number };
  console.log(
    `seeded ${options.incidents} incidents to the province in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s; ` +
      `the province board holds ${total}; its first read is ${(boardText.length / 1024).toFixed(1)} KB (uncompressed)`,
  );

  const lines: string[] = [];
  let sample = 0;
  for (const [name, network] of Object.entries(NETWORKS)) {
    const renders: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const desk = await openDesk(browser, runtime, province, network);
      renders.push(desk.firstRowMs);
      await desk.context.close();
    }
    const countyDesk = await openDesk(browser, runtime, county, network);
    const provinceDesk = await openDesk(browser, runtime, province, network);
    const countyMs: number[] = [];
    const provinceMs: number[] = [];
    for (let i = 0; i < options.arrivals; i++) {
      sample += 1;
      const subtype = `新到事件 ${sample}`;
      const row = (page: Page) => () =>
        page.getByRole('listitem', { name: new RegExp(`${subtype}$`) }).waitFor({ state: 'visible', timeout: 30_000 });
      const timed = await toProvince(runtime, tokens, subtype, {
        county: row(countyDesk.page),
        province: row(provinceDesk.page),
      });
      countyMs.push(timed.countyMs ?? Number.NaN);
      provinceMs.push(timed.provinceMs ?? Number.NaN);
    }
    await countyDesk.context.close();
    await provinceDesk.context.close();
    const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
    const ms = (value: number) => `${value.toFixed(0)} ms`;
    console.log(`${name}: first renders ${renders.map((r) => r.toFixed(0)).join(', ')} ms`);
    lines.push(
      `| ${name} | first render of the province board (median of ${options.rounds}, worst) | ${ms(median(renders))}, ${ms(Math.max(...renders))} | ≤ 2,000 ms |`,
      `| ${name} | new arrival on the county board, from the 201 (p50, p99 of ${options.arrivals}) | ${ms(percentile(sorted(countyMs), 50))}, ${ms(percentile(sorted(countyMs), 99))} | p99 ≤ 5,000 ms |`,
      `| ${name} | arrival on the province board, from the city's forward (p50, p99 of ${options.arrivals}) | ${ms(percentile(sorted(provinceMs), 50))}, ${ms(percentile(sorted(provinceMs), 99))} | p99 ≤ 5,000 ms |`,
    );
  }
  return `
Duty desk, ${total} open incidents on the province board:

| network | measure | result | target |
|---|---|---:|---:|
${lines.join('\n')}
`;
};
