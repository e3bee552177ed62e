/**
 * `npm run bench:audit`: what the inspectors' views cost on a jurisdiction with a real history.
 * Seeds the local runtime (fast drill policy: deadlines of seconds) with reports spread over
 * Beijing's counties; a third of the county offices forward at once, a third after their deadline,
 * a third stay silent and are escalated past. When nothing is pending any more it reads, side by
 * side and in rotation so the machine's noise falls on all alike:
 *
 * - the baseline: every page of `GET /v1/incidents` for the region (the same incident heads);
 * - every page of `GET /v1/audit/late`, of `GET /v1/audit/missed`, and of the missed list as CSV;
 * - `GET /v1/audit/offices` (one answer over every head);
 * - every page of `GET /v1/audit/verify` (each chain recomputed: reads every event).
 *
 * It reports the median time of a full pass of each, and its ratio to the baseline pass.
 *
 * Options: --reports N (600), --rounds R (5).
 */
import { parseArgs } from 'node:util';
import { childrenOf } from '../../shared/domain/regions/regions';
import { seedAuditHistory } from './audit-seed';
import { median, startRuntimeProcess } from './support';

process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

const { values } = parseArgs({
  options: { reports: { type: 'string', default: '600' }, rounds: { type: 'string', default: '5' } },
});
const total = Number(values.reports);
const rounds = Number(values.rounds);
const REGION = '110000';

const main = async (): Promise<void> => {
  const counties = childrenOf('110100').map((c) => c.code);
  console.log(`bench:audit — ${total} reports over ${counties.length} counties of ${REGION}, ${rounds} rounds`);
  const runtime = await startRuntimeProcess({ POLICY: 'test/fixtures/policies/fast-drill.json' });
  try {
    const { inspector, api } = await seedAuditHistory(runtime, { total, region: REGION, counties });

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
      'GET /v1/audit/offices': () => fullPass(`/v1/audit/offices?region=${REGION}`, items('offices')),
      'GET /v1/audit/verify': () =>
        fullPass(
          `/v1/audit/verify?region=${REGION}`,
          (body) => (body as { counts?: { chains?: number } }).counts?.chains ?? 0,
        ),
    } as const;
    const timings = new Map<string, number[]>(Object.keys(passes).map((name) => [name, []]));
    const rowCounts = new Map<string, number>();
    for (let round = 0; round < rounds; round++) {
      // Rotate the order each round so no view always runs first (or last) in the round.
      const names = Object.keys(passes) as (keyof typeof passes)[];
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
  } finally {
    await runtime.stop();
  }
};

await main();
