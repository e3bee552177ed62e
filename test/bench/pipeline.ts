/**
 * `npm run bench:pipeline`: what the whole pipeline writes per accepted report. Drives the
 * realistic mix of `pipeline-mix.ts` (drill policy) through the local runtime, started as its own
 * process with its DynamoDB writes counted (DYNAMODB_COUNT_WRITES=true, write-counter.ts), waits
 * until nothing is pending and nothing more is written, and prints the item writes and write units
 * per accepted report by stage, then by function and kind of item. It also checks that the
 * summaries equal their recomputation from the log, counts the log's events by type (what the
 * cost model prices beyond DynamoDB), and saves it all as JSON for `npm run cost`.
 *
 * Options: --reports N initial reports (300), --rate R a second (10), --province CODE (420000),
 * --out FILE (.bench/pipeline.json).
 *
 * `--consumers 1,4,8`: the roll-up alone (initial reports only, national policy) with that many
 * concurrent roll-up consumers (ROLLUP_CONSUMERS) in turn: refused roll-up transactions (write
 * conflicts and markers already there, each one a retry), lag, and the provincial item's writes.
 *
 * `--search`: the highest rate the whole mix sustains for --seconds (60) with roll-up lag p99
 * ≤ 2 s and timer lateness p99 ≤ 1 s, climbing from --rate by a quarter a step, each step beside
 * DynamoDB Local's raw single-item write rate measured on the same engine (32 in flight).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { WRITE_COUNTS_FILE } from '../../infra/local/runtime';
import { tables as described } from '../../infra/resources';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import { makeDynamoIncidentStore } from '../../shared/adapters/dynamodb/incident-store';
import { makeDynamoSummaryStore } from '../../shared/adapters/dynamodb/summary-store';
import type { WriteTally } from '../../shared/adapters/dynamodb/write-counter';
import { makeReconcile } from '../../shared/application/roll-up';
import { regionOf } from '../../shared/domain/regions/regions';
import { DEFAULT_MIX, driveMix, type MixOptions, type MixResult } from './pipeline-mix';
import { sampleProvinceCount, waitForCount } from './rollup-lag';
import { billedUnits, STAGES, type Stage, stageOf } from './stages';
import { type BenchRuntime, createRawWriteTable, median, percentile, rawWrites, startRuntimeProcess } from './support';

// The runtime inherits it: its handlers' errors are what a failed request is explained by.
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';

const { values } = parseArgs({
  options: {
    reports: { type: 'string', default: '300' },
    rate: { type: 'string', default: '10' },
    province: { type: 'string', default: DEFAULT_MIX.province },
    out: { type: 'string', default: '.bench/pipeline.json' },
    consumers: { type: 'string' },
    search: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '60' },
  },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What `npm run cost` reads. */
export interface PipelineCounts {
  readonly measuredAt: string;
  readonly mix: { readonly reports: number; readonly rate: number; readonly province: string };
  readonly accepted: MixResult['accepted'];
  readonly forwards: MixResult['forwards'];
  /** API requests answered (reports and forwards; reads by people are not part of the mix). */
  readonly apiRequests: number;
  readonly eventsByType: Readonly<Record<string, number>>;
  readonly tally: WriteTally;
}

const readTally = (runtime: BenchRuntime): WriteTally => {
  try {
    return JSON.parse(readFileSync(`${runtime.dataDir}/${WRITE_COUNTS_FILE}`, 'utf8')) as WriteTally;
  } catch {
    return { writes: [], refusals: [], invocations: [], reads: [] };
  }
};
const itemsWritten = (tally: WriteTally) => tally.writes.reduce((n, w) => n + w.items, 0);

/** Waits until no obligation is pending in the province and nothing more has been written for 3 s. */
const waitForQuiet = async (runtime: BenchRuntime, province: string, counting: boolean): Promise<void> => {
  const { openLocalSigner } = await import('../../infra/local/auth');
  const signer = await openLocalSigner(runtime.dataDir);
  const inspector = await signer.sign({ sub: 'bench-inspector', role: 'inspector', region: province });
  const deadline = Date.now() + 240_000;
  for (;;) {
    const response = await fetch(`${runtime.url}/v1/audit/offices?region=${province}`, {
      headers: { authorization: `Bearer ${inspector}` },
    });
    const { offices } = (await response.json()) as { offices: { pending: number }[] };
    if (offices.reduce((n, o) => n + o.pending, 0) === 0) break;
    if (Date.now() > deadline) throw new Error('obligations still pending after 240 s');
    await sleep(1_000);
  }
  if (!counting) {
    await sleep(3_000);
    return;
  }
  let last = -1;
  let stableSince = Date.now();
  while (Date.now() - stableSince < 3_000 && Date.now() < deadline) {
    const now = itemsWritten(readTally(runtime));
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    }
    await sleep(500);
  }
};

interface Run {
  readonly mix: MixResult;
  readonly tally: WriteTally;
  /** Roll-up lag of each initial report, sorted (ms). */
  readonly lags: readonly number[];
  /** `DeadlineMissed.at − dueAt` of every deadline missed, sorted (ms). */
  readonly lateness: readonly number[];
  readonly eventsByType: Readonly<Record<string, number>>;
  readonly exact: boolean;
  readonly provinceWrites: number;
  /** DynamoDB Local's raw single-item writes a second on the same engine, when asked for. */
  readonly raw?: number;
}

/**
 * One run of the mix on a runtime of its own: sent, drained (every obligation settled, or only the
 * roll-up caught up when offices do not act), checked against the log, and counted.
 */
const runMix = async (
  env: Record<string, string>,
  mixOptions: MixOptions,
  options: { readonly counting: boolean; readonly raw?: boolean },
): Promise<Run> => {
  const runtime = await startRuntimeProcess({ ...env, ...(options.counting ? { DYNAMODB_COUNT_WRITES: 'true' } : {}) });
  const dynamodb = new DynamoDBClient({
    region: LOCAL_REGION,
    credentials: localCredentials,
    endpoint: runtime.dynamodbEndpoint,
  });
  const documents = makeDocumentClient(dynamodb);
  try {
    const summaries = makeDynamoSummaryStore({ client: documents, table: described.summaries.localName });
    const sampler = sampleProvinceCount(summaries, mixOptions.province);
    const mix = await driveMix(runtime, mixOptions);
    console.log(
      `  sent in ${(mix.sentInMs / 1000).toFixed(1)} s; accepted ${mix.accepted.initial} initial, ${mix.accepted['follow-up']} follow-up, ${mix.accepted.final} final; forwards ${mix.forwards['on-time']} on time, ${mix.forwards.late} late; ${mix.failed} failed`,
    );
    if (mix.failed > 0) {
      console.log('  the runtime said:');
      const errors = runtime
        .output()
        .split('\n')
        .filter((l) => /error|fail/i.test(l));
      console.log(
        errors
          .slice(-5)
          .map((l) => l.slice(0, 400))
          .join('\n'),
      );
    }
    await waitForCount(sampler, mix.accepted.initial, 120_000, 3_000);
    const lags = await sampler.stop(mix.acceptedAt);
    if (mixOptions.officesAct) await waitForQuiet(runtime, mixOptions.province, options.counting);

    const incidents = makeDynamoIncidentStore({ client: documents, incidentsTable: described.incidents.localName });
    const check = await makeReconcile({ incidents, summaries })({ fix: false });
    const eventsByType: Record<string, number> = {};
    const lateness: number[] = [];
    for await (const events of incidents.allEvents()) {
      for (const e of events) {
        eventsByType[e.type] = (eventsByType[e.type] ?? 0) + 1;
        if (e.type === 'DeadlineMissed') lateness.push(Date.parse(e.at) - Date.parse(e.data.dueAt));
      }
    }
    lateness.sort((a, b) => a - b);
    const provinceWrites = (await summaries.read(mixOptions.province, {})).reduce((n, i) => n + i.writes, 0);
    const raw = options.raw ? await rawWrites(dynamodb, await createRawWriteTable(dynamodb), 32, 8) : undefined;
    // The runtime saves its final counts as it stops; on an empty table it wrote nothing while starting.
    await runtime.stop({ keepData: true });
    return {
      mix,
      tally: readTally(runtime),
      lags,
      lateness,
      eventsByType,
      exact: check.differences.length === 0,
      provinceWrites,
      ...(raw !== undefined ? { raw } : {}),
    };
  } finally {
    dynamodb.destroy();
    await runtime.stop();
  }
};

const fixed = (n: number, digits = 2) => n.toFixed(digits).padStart(7);

const printTable = (counts: PipelineCounts): void => {
  const reports = counts.accepted.initial + counts.accepted['follow-up'] + counts.accepted.final;
  const byStage = new Map<Stage, { items: number; units: number; indexUnits: number }>(
    STAGES.map((s) => [s, { items: 0, units: 0, indexUnits: 0 }]),
  );
  for (const w of counts.tally.writes) {
    const into = byStage.get(stageOf(w));
    if (!into) continue;
    into.items += w.items;
    into.units += billedUnits(w);
    into.indexUnits += w.indexUnits;
  }
  const total = [...byStage.values()].reduce(
    (t, s) => ({ items: t.items + s.items, units: t.units + s.units, indexUnits: t.indexUnits + s.indexUnits }),
    { items: 0, units: 0, indexUnits: 0 },
  );
  console.log(
    `\nper accepted report (${reports}: ${counts.accepted.initial} initial, ${counts.accepted['follow-up']} follow-up, ${counts.accepted.final} final)`,
  );
  console.log(`  ${'stage'.padEnd(24)} ${'items'.padStart(7)} ${'WCU'.padStart(7)} ${'of which'.padStart(9)}`);
  console.log(`  ${''.padEnd(24)} ${''.padStart(7)} ${''.padStart(7)} ${'indexes'.padStart(9)}`);
  for (const [stage, s] of byStage) {
    if (s.items === 0) continue;
    console.log(
      `  ${stage.padEnd(24)} ${fixed(s.items / reports)} ${fixed(s.units / reports)} ${fixed(s.indexUnits / reports, 2).padStart(9)}`,
    );
  }
  console.log(
    `  ${'total'.padEnd(24)} ${fixed(total.items / reports)} ${fixed(total.units / reports)} ${fixed(total.indexUnits / reports).padStart(9)}`,
  );

  const readUnits = (counts.tally.reads ?? []).reduce((n, r) => n + r.units, 0);
  console.log(`  reads: ${(readUnits / reports).toFixed(2)} RCU per report (write-counter.ts counts them by function)`);

  console.log('\nby function and item (per accepted report)');
  for (const w of [...counts.tally.writes].sort((a, b) => b.units - a.units)) {
    const table = w.table.replace(/^.*?(Incidents|Summaries|Idempotency|AccessLog|Officers|ZeroReports)$/, '$1');
    console.log(
      `  ${w.fn.padEnd(18)} ${table.padEnd(12)} ${w.kind.padEnd(10)} ${fixed(w.items / reports)} items ${fixed(billedUnits(w) / reports)} WCU`,
    );
  }
  if (counts.tally.refusals.length > 0) {
    console.log('\nrefused writes (whole run)');
    for (const r of counts.tally.refusals)
      console.log(`  ${r.fn.padEnd(18)} ${r.command.padEnd(26)} ${r.reason.padEnd(24)} ${r.count}`);
  }
};

const writesPerReport = async (province: string, reports: number, rate: number): Promise<void> => {
  console.log(
    `bench:pipeline — ${reports} initial reports at ${rate}/s over ${regionOf(province).name} (${province}), drill policy`,
  );
  const run = await runMix({ POLICY: 'drill' }, { ...DEFAULT_MIX, province, reports, rate }, { counting: true });
  const { mix } = run;
  const counts: PipelineCounts = {
    measuredAt: new Date().toISOString(),
    mix: { reports, rate, province },
    accepted: mix.accepted,
    forwards: mix.forwards,
    apiRequests:
      mix.accepted.initial +
      mix.accepted['follow-up'] +
      mix.accepted.final +
      mix.forwards['on-time'] +
      mix.forwards.late,
    eventsByType: run.eventsByType,
    tally: run.tally,
  };
  printTable(counts);
  console.log(
    `\nevents in the log: ${Object.entries(run.eventsByType)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ')}`,
  );
  console.log(`roll-up lag: p50 ${percentile(run.lags, 50)} ms, p99 ${percentile(run.lags, 99)} ms`);
  console.log(
    `DeadlineMissed after dueAt: p50 ${percentile(run.lateness, 50)} ms, p99 ${percentile(run.lateness, 99)} ms (${run.lateness.length})`,
  );
  console.log(`summaries against their recomputation from the log: ${run.exact ? 'EQUAL' : 'DIFFERENT'}`);
  const out = values.out ?? '.bench/pipeline.json';
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(counts, null, 2)}\n`);
  console.log(`counts saved in ${out} (npm run cost reads them)`);
  if (!run.exact || mix.failed > 0) process.exitCode = 1;
};

const concurrentConsumers = async (province: string, reports: number, rate: number, consumers: readonly number[]) => {
  console.log(
    `bench:pipeline --consumers — ${reports} initial reports at ${rate}/s over ${province}, national policy, roll-up consumers ${consumers.join(', ')}`,
  );
  const rows: string[] = [];
  for (const n of consumers) {
    console.log(`\n${n} roll-up consumer${n === 1 ? '' : 's'}`);
    const run = await runMix(
      { POLICY: 'national', ROLLUP_CONSUMERS: String(n) },
      { ...DEFAULT_MIX, province, reports, rate, followUps: 0, finals: 0, lateUnits: 0, officesAct: false },
      { counting: true },
    );
    const refused = run.tally.refusals.filter((r) => r.fn === 'rollUp');
    const conflicts = refused.filter((r) => r.reason.includes('TransactionConflict')).reduce((x, r) => x + r.count, 0);
    const retries = refused.reduce((x, r) => x + r.count, 0);
    const transactions = run.tally.invocations.find((i) => i.fn === 'rollUp')?.count ?? 0;
    const seconds = run.mix.sentInMs / 1000;
    rows.push(
      `| ${n} | ${run.mix.accepted.initial} | ${transactions} | ${retries} | ${conflicts} | ${percentile(run.lags, 50)} ms | ${percentile(run.lags, 99)} ms | ${(run.provinceWrites / seconds).toFixed(2)} | ${run.exact ? 'equal' : 'DIFFERENT'} |`,
    );
    if (!run.exact) process.exitCode = 1;
  }
  console.log(
    '\n| consumers | reports | roll-up invocations | refused transactions (retries) | of which write conflicts | lag p50 | lag p99 | provincial item writes/s | recomputation |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const row of rows) console.log(row);
};

const sustainedRate = async (province: string, startRate: number, seconds: number) => {
  console.log(`bench:pipeline --search — the whole mix for ${seconds} s a step from ${startRate}/s, drill policy`);
  const rows: { rate: number; achieved: number; lagP99: number; latenessP99: number; raw: number; ok: boolean }[] = [];
  let best: (typeof rows)[number] | undefined;
  for (let rate = startRate; ; rate = Math.round(rate * 1.25 * 10) / 10) {
    console.log(`\n${rate} reports/s`);
    const run = await runMix(
      { POLICY: 'drill' },
      { ...DEFAULT_MIX, province, reports: Math.round(rate * seconds), rate },
      { counting: false, raw: true },
    );
    const achieved = run.mix.accepted.initial / (run.mix.sentInMs / 1000);
    const lagP99 = percentile(run.lags, 99);
    const latenessP99 = run.lateness.length > 0 ? percentile(run.lateness, 99) : 0;
    const ok = run.mix.failed === 0 && run.exact && achieved >= 0.95 * rate && lagP99 <= 2_000 && latenessP99 <= 1_000;
    const row = { rate, achieved, lagP99, latenessP99, raw: run.raw ?? Number.NaN, ok };
    rows.push(row);
    console.log(
      `  roll-up lag p99 ${lagP99} ms, timer lateness p99 ${latenessP99} ms, raw writes ${row.raw.toFixed(0)}/s: ${ok ? 'sustained' : 'not sustained'}`,
    );
    if (!ok) break;
    best = row;
  }
  console.log('\n| reports/s asked | achieved | roll-up lag p99 | timer lateness p99 | raw writes/s | sustained |');
  console.log('|---:|---:|---:|---:|---:|---|');
  for (const r of rows) {
    console.log(
      `| ${r.rate} | ${r.achieved.toFixed(1)} | ${r.lagP99} ms | ${r.latenessP99} ms | ${r.raw.toFixed(0)} | ${r.ok ? 'yes' : 'no'} |`,
    );
  }
  const raw = median(rows.map((r) => r.raw));
  console.log(
    best
      ? `\nsustained ${best.rate} reports/s against ${raw.toFixed(0)} raw writes/s: ratio ${(best.rate / raw).toFixed(3)} (target ≥ 0.2)`
      : `\nnot even ${startRate} reports/s is sustained here: start lower with --rate`,
  );
};

const province = values.province ?? DEFAULT_MIX.province;
const reports = Number(values.reports);
const rate = Number(values.rate);
if (values.consumers) {
  await concurrentConsumers(province, reports, rate, values.consumers.split(',').map(Number));
} else if (values.search) {
  await sustainedRate(province, rate, Number(values.seconds));
} else {
  await writesPerReport(province, reports, rate);
}
