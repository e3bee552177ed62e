/**
 * `npm run bench:audit`: what the inspectors' views cost on a jurisdiction with a real history.
 * Seeds the local runtime (fast drill policy: deadlines of seconds) with reports spread over
 * Beijing's counties; a third of the county offices forward at once, a third after their deadline,
 * a third stay silent and are escalated past. When nothing is pending any more it reads, side by
 * side and in rotation so the machine's noise falls on all alike:
 *
 * - the baseline: every page of `GET /v1/incidents` for the region (the same incident heads);
 * - every page of `GET /v1/audit/late`, of `GET /v1/audit/missed`, and of the missed list as CSV;
 * - `GET /v1/audit/offices` over the last 30 whole China days, today's included: every day is
 *   read from the offices' punctuality counters, a read per office however many incidents;
 * - the same table for a period that ends now, cutting today: today's incidents — here all of them
 *   — are read from their heads, as the table was computed before the counters (the two answers
 *   must be equal, which the benchmark checks first);
 * - every page of `GET /v1/audit/verify` (each chain recomputed: reads every event).
 *
 * It reports the median time of a full pass of each, and its ratio to the baseline pass.
 *
 * Options: --reports N (600), --rounds R (5), --views a,b (only the views whose names contain one
 * of these words, besides the baseline; e.g. `--views offices`).
 */
import { parseArgs } from 'node:util';
import { chinaDateOf } from '../../shared/domain/china-time';
import { childrenOf } from '../../shared/domain/regions/regions';
import { seedAuditHistory } from './audit-seed';
import { median, startRuntimeProcess } from './support';

process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

const { values } = parseArgs({
  options: {
    reports: { type: 'string', default: '600' },
    rounds: { type: 'string', default: '5' },
    views: { type: 'string' },
  },
});
const only = values.views?.split(',').filter((word) => word !== '');
const total = Number(values.reports);
const rounds = Number(values.rounds);
const REGION = '110000';

const main = async (): Promise<void> => {
  const counties = childrenOf('110100').map((c) => c.code);
  console.log(`bench:audit — ${total} reports over ${counties.length} counties of ${REGION}, ${rounds} rounds`);
  const runtime = await startRuntimeProcess({ POLICY: 'test/fixtures/policies/fast-drill.json' });
  try {
    const { inspector, api } = await seedAuditHistory(runtime, { total, region: REGION, counties });

    // The whole days' table (counters) must equal the table read from the heads, once the roll-up
    // consumer has caught up with the seeding.
    const today = chinaDateOf(new Date());
    const firstDay = chinaDateOf(new Date(Date.now() - 29 * 86_400_000));
    const officesOf = async (query: string) =>
      JSON.stringify(
        (
          (await (await api('GET', `/v1/audit/offices?region=${REGION}${query}`, inspector)).json()) as {
            offices: unknown;
          }
        ).offices,
      );
    for (const deadline = Date.now() + 120_000; ; ) {
      const [counted, scanned] = [
        await officesOf(`&from=${firstDay}&to=${today}`),
        await officesOf(`&from=${firstDay}`),
      ];
      if (counted === scanned) break;
      if (Date.now() > deadline)
        throw new Error(`the counters' table differs from the heads':\n${counted}\n${scanned}`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    console.log('the offices table from the counters equals the one from the heads');

    /** Reads every page of a paged route; answers how long it took and how many rows it returned. */
    const fullPass = async (path: string, rowsOf: (body: unknown) => number, csv = false) => {
      const started = performance.now();
      let rows = 0;
      let cursor: string | undefined;
      do {
        const separator = path.includes('?') ? '&' : '?';
        const response = await api(
          'GET',
          `${path}${cursor ? `${separator}cursor=${encodeURIComponent(cursor)}` : ''}`,
          inspector,
        );
        if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
        if (csv) {
          rows += (await response.text()).trimEnd().split('\r\n').length - 1;
          cursor = response.headers.get('x-next-cursor') ?? undefined;
        } else {
          const body = (await response.json()) as { next?: string };
          rows += rowsOf(body);
          cursor = body.next;
        }
      } while (cursor);
      return { ms: performance.now() - started, rows };
    };
    const items = (key: string) => (body: unknown) => ((body as Record<string, unknown[]>)[key] ?? []).length;
    const passes = {
      'GET /v1/incidents (baseline)': () => fullPass(`/v1/incidents?region=${REGION}&limit=100`, items('items')),
      'GET /v1/audit/late': () => fullPass(`/v1/audit/late?region=${REGION}&limit=100`, items('items')),
      'GET /v1/audit/missed': () => fullPass(`/v1/audit/missed?region=${REGION}&limit=100`, items('items')),
      'GET /v1/audit/missed?format=csv': () =>
        fullPass(`/v1/audit/missed?region=${REGION}&limit=100&format=csv`, () => 0, true),
      'GET /v1/audit/offices (30 whole days: counters)': () =>
        fullPass(`/v1/audit/offices?region=${REGION}&from=${firstDay}&to=${today}`, items('offices')),
      'GET /v1/audit/offices (to now: today from heads)': () =>
        fullPass(`/v1/audit/offices?region=${REGION}&from=${firstDay}`, items('offices')),
      'GET /v1/audit/verify': () =>
        fullPass(
          `/v1/audit/verify?region=${REGION}`,
          (body) => (body as { counts?: { chains?: number } }).counts?.chains ?? 0,
        ),
    } as const;
    const chosen = (Object.keys(passes) as (keyof typeof passes)[]).filter(
      (name) => name.includes('baseline') || only === undefined || only.some((word) => name.includes(word)),
    );
    const timings = new Map<string, number[]>(chosen.map((name) => [name, []]));
    const rowCounts = new Map<string, number>();
    for (let round = 0; round < rounds; round++) {
      // Rotate the order each round so no view always runs first (or last) in the round.
      const names = chosen;
      const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
      for (const name of order) {
        const { ms, rows } = await passes[name]();
        timings.get(name)?.push(ms);
        rowCounts.set(name, rows);
      }
    }
    const baseline = median(timings.get('GET /v1/incidents (baseline)') ?? []);
    console.log('\n| view | rows | median full pass (ms) | ratio to baseline |');
    console.log('|---|---:|---:|---:|');
    for (const [name, list] of timings) {
      const ms = median(list);
      console.log(`| ${name} | ${rowCounts.get(name)} | ${ms.toFixed(0)} | ${(ms / baseline).toFixed(2)} |`);
    }
  } catch (error) {
    // What the runtime said last: why a request failed.
    console.error(runtime.output().slice(-4_000));
    throw error;
  } finally {
    await runtime.stop();
  }
};

await main();
