/**
 * The inspector's part of `npm run bench:web`: a province with `incidents` incidents whose county
 * offices forwarded on time, late or never (`bench:audit`'s history, on its own runtime under the
 * fast drill's deadlines of seconds), then, unthrottled and on a slow office link, the first
 * render of the late list (`/inspect/late`, until its first row is shown) and of punctuality per
 * office (`/inspect/offices`, until its table is shown), each on a fresh browser context (empty
 * cache, signed in). Target: each ≤ 2 s.
 */
import type { Browser } from 'playwright-core';
import { childrenOf } from '../../shared/domain/regions/regions';
import { seedAuditHistory } from './audit-seed';
import { median, startRuntimeProcess } from './support';
import { type Identity, NETWORKS, signedInPage, signIn } from './web-desk';

const REGION = '110000';

/** Each screen, what shows it rendered, and the API read it waits for. */
const SCREENS = {
  'late list (`/inspect/late`), first row': {
    path: '/inspect/late',
    shown: 'table[data-list] tbody tr',
    api: `/v1/audit/late?region=${REGION}`,
  },
  'punctuality (`/inspect/offices`), table': {
    path: '/inspect/offices',
    shown: 'tr[data-office]',
    api: `/v1/audit/offices?region=${REGION}`,
  },
} as const;

const firstRender = async (
  browser: Browser,
  url: string,
  who: Identity,
  screen: (typeof SCREENS)[keyof typeof SCREENS],
  network: (typeof NETWORKS)[keyof typeof NETWORKS],
): Promise<number> => {
  const { context, page } = await signedInPage(browser, url, who, network);
  const started = performance.now();
  await page.goto(screen.path, { waitUntil: 'commit' });
  await page.locator(screen.shown).first().waitFor({ state: 'visible', timeout: 60_000 });
  const ms = performance.now() - started;
  await context.close();
  return ms;
};

export const benchInspect = async (
  browser: Browser,
  options: { readonly incidents: number; readonly rounds: number },
): Promise<string> => {
  const runtime = await startRuntimeProcess({ POLICY: 'test/fixtures/policies/fast-drill.json' });
  try {
    const counties = childrenOf('110100').map((c) => c.code);
    const seedStarted = performance.now();
    const { inspector, api } = await seedAuditHistory(runtime, { total: options.incidents, region: REGION, counties });
    const seededS = (performance.now() - seedStarted) / 1000;
    const late = (await (await api('GET', `/v1/audit/late?region=${REGION}`, inspector)).json()) as {
      items: unknown[];
    };
    const who = await signIn(runtime, 'inspector-beijing');
    const lines: string[] = [];
    // The API's own share: the same read from Node, unthrottled.
    for (const [name, screen] of Object.entries(SCREENS)) {
      const times: number[] = [];
      for (let round = 0; round < options.rounds; round++) {
        const started = performance.now();
        const answer = await api('GET', screen.api, inspector);
        await answer.text();
        times.push(performance.now() - started);
      }
      lines.push(`| ${name}: its API read alone (\`${screen.api}\`) | ${median(times).toFixed(0)} ms | |`);
    }
    for (const [network, conditions] of Object.entries(NETWORKS)) {
      for (const [name, screen] of Object.entries(SCREENS)) {
        const times: number[] = [];
        for (let round = 0; round < options.rounds; round++) {
          times.push(await firstRender(browser, runtime.url, who, screen, conditions));
        }
        lines.push(`| ${name}, ${network} | ${median(times).toFixed(0)} ms | ≤ 2,000 ms |`);
      }
    }
    return `Inspector's console: ${options.incidents} incidents in ${REGION} (seeded in ${seededS.toFixed(0)} s; the late list's first page holds ${late.items.length} rows), ${options.rounds} rounds, medians:

| measure | result | target |
|---|---:|---:|
${lines.join('\n')}
`;
  } finally {
    await runtime.stop();
  }
};
