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
import { openLocalSigner } from '../../infra/local/auth';
import { childrenOf } from '../../shared/domain/regions/regions';
import { median, startRuntimeProcess } from './support';

process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

const { values } = parseArgs({
  options: { reports: { type: 'string', default: '600' }, rounds: { type: 'string', default: '5' } },
});
const total = Number(values.reports);
const rounds = Number(values.rounds);
const REGION = '110000';
const CONCURRENCY = 16;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` over `items` with at most CONCURRENCY in flight. */
const pool = async <T>(items: readonly T[], work: (item: T, index: number) => Promise<void>): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index] as T, index);
      }
    }),
  );
};

const main = async (): Promise<void> => {
  const counties = childrenOf('110100').map((c) => c.code);
  console.log(`bench:audit — ${total} reports over ${counties.length} counties of ${REGION}, ${rounds} rounds`);
  const runtime = await startRuntimeProcess({ POLICY: 'test/fixtures/policies/fast-drill.json' });
  try {
    const signer = await openLocalSigner(runtime.dataDir);
    const inspector = await signer.sign({ sub: 'bench-inspector', role: 'inspector', region: REGION });
    const reporterOf = new Map<string, string>();
    const officeOf = new Map<string, string>();
    for (const county of counties) {
      reporterOf.set(
        county,
        await signer.sign({ sub: `u-${county}`, role: 'reporter', region: county, unit: `U-${county}` }),
      );
      officeOf.set(county, await signer.sign({ sub: `o-${county}`, role: 'office', region: county, level: 'county' }));
    }
    const api = async (method: 'GET' | 'POST', path: string, token: string, body?: unknown): Promise<Response> =>
      fetch(`${runtime.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });

    // Seed: reports, then the county offices' answers (on time, late, or never).
    const seeded: { id: string; county: string; fate: 'on-time' | 'late' | 'silent' }[] = [];
    const seedStarted = Date.now();
    await pool(
      Array.from({ length: total }, (_, i) => i),
      async (i) => {
        const county = counties[i % counties.length] as string;
        const now = Date.now();
        const response = await api('POST', '/v1/reports', reporterOf.get(county) as string, {
          kind: 'initial',
          category: 'accident',
          subtype: 'workshop fire',
          grade: 'IV',
          occurredAt: new Date(now - 20 * 60_000).toISOString(),
          learnedAt: new Date(now - 10 * 60_000).toISOString(),
          regionCode: county,
          location: { address: `bench ${i}` },
          casualties: { dead: 0, injured: i % 3, missing: 0 },
          affectedPeople: 5,
          directLossYuan: 10_000,
          summary: `audit benchmark ${i}`,
          reporter: { name: 'Bench', phone: '+86 10 0000 0000', unit: `U-${county}` },
        });
        if (response.status !== 201) throw new Error(`report ${i}: ${response.status} ${await response.text()}`);
        const { incidentId } = (await response.json()) as { incidentId: string };
        const fate = (['on-time', 'late', 'silent'] as const)[i % 3] ?? 'silent';
        seeded.push({ id: incidentId, county, fate });
        if (fate === 'on-time') {
          const forwarded = await api(
            'POST',
            `/v1/incidents/${incidentId}/forward`,
            officeOf.get(county) as string,
            {},
          );
          if (forwarded.status !== 200) throw new Error(`forward ${incidentId}: ${forwarded.status}`);
        }
      },
    );
    // The late ones answer once their 3 s window has passed (escalated past or not, a forward is recorded).
    await sleep(4_000);
    await pool(
      seeded.filter((s) => s.fate === 'late'),
      async ({ id, county }) => {
        const forwarded = await api('POST', `/v1/incidents/${id}/forward`, officeOf.get(county) as string, {});
        if (forwarded.status !== 200)
          throw new Error(`late forward ${id}: ${forwarded.status} ${await forwarded.text()}`);
      },
    );
    // Wait until no obligation is pending anywhere: the history is then final.
    for (const deadline = Date.now() + 180_000; ; ) {
      const offices = (await (await api('GET', `/v1/audit/offices?region=${REGION}`, inspector)).json()) as {
        offices: { pending: number }[];
      };
      const pending = offices.offices.reduce((n, o) => n + o.pending, 0);
      if (pending === 0) break;
      if (Date.now() > deadline) throw new Error(`${pending} obligations still pending after 180 s`);
      await sleep(1_000);
    }
    console.log(`seeded in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);

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
