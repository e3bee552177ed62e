/**
 * `npm run bench:pipeline`: what the whole pipeline writes per accepted report. Drives the
 * realistic mix of `pipeline-mix.ts` (drill policy) through the local runtime, started as its own
 * process with its DynamoDB writes counted (DYNAMODB_COUNT_WRITES=true, write-counter.ts), waits
 * until nothing is pending and nothing more is written, and prints the item writes and write units
 * per accepted report by stage, then by function and kind of item, and every call made to DynamoDB
 * Local in the run's CPU window (the stream poller's and this script's lag sampler's too) by kind
 * and by function (calls.ts). It also checks that the
 * summaries equal their recomputation from the log, counts the log's events by type (what the
 * cost model prices beyond DynamoDB), and saves it all as JSON for `npm run cost`.
 *
 * Options: --reports N initial reports (300), --rate R a second (10), --province CODE (420000),
 * --out FILE (.bench/pipeline.json).
 *
 * Before the mix, every office of the province is given its leaders and a 24-hour duty roster
 * (bench-directory.ts, through `npm run officers -- import`), as in a deployment: notifications
 * are sent, and their SMS delivered through the stand-in provider. `--no-officers` leaves the
 * directory empty (every notification recorded as nobody on record: the most events per
 * notification); `--side-by-side` runs the mix both ways, one after the other, and prints both.
 * `--search` loads the directory too (unless `--no-officers`); `--consumers`, the roll-up alone,
 * does not.
 *
 * `--consumers 1,4,8`: the roll-up alone (initial reports only, national policy) with that many
 * concurrent roll-up consumers (ROLLUP_CONSUMERS) in turn: refused roll-up transactions (write
 * conflicts and markers already there, each one a retry), lag, and the provincial item's writes.
 *
 * `--search`: the highest rate the whole mix sustains for --seconds (60) with roll-up lag p99
 * ≤ 2 s and timer lateness p99 ≤ 1 s, as a ratio of DynamoDB Local's raw single-item write rate.
 * Each step is a fresh runtime: its raw rate is measured first on its engine (32 in flight), then
 * the mix is sent at --ratio (0.2, the target) times that rate; the ratio is raised by a quarter
 * after a sustained step and lowered after a failed one, then halved between the two, until the
 * next step would not fit in --minutes (10). Searching in ratios, not rates, keeps a step on a
 * slower moment of a shared machine comparable with the others.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { WRITE_COUNTS_FILE } from '../../infra/local/runtime';
import { tables as described } from '../../infra/resources';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import { makeDynamoIncidentStore } from '../../shared/adapters/dynamodb/incident-store';
import { makeDynamoSummaryStore } from '../../shared/adapters/dynamodb/summary-store';
import {
  type CallCount,
  resetWriteTally,
  type WriteTally,
  withWriteCounter,
  writeTally,
} from '../../shared/adapters/dynamodb/write-counter';
import { makeReconcile } from '../../shared/application/roll-up';
import { regionOf } from '../../shared/domain/regions/regions';
import { importBenchDirectory } from './bench-directory';
import { callsBetween, describeInFlight, inFlightBetween, printCalls } from './calls';
import { type OfficerMessages, officerMessagesIn } from './officer-messages';
import { DEFAULT_MIX, driveMix, type MixOptions, type MixResult } from './pipeline-mix';
import { sampleProvinceCount, waitForCount } from './rollup-lag';
import { printSideBySide } from './side-by-side';
import { allStages, billedUnits, writesByStage } from './stages';
import {
  type BenchRuntime,
  combineThreads,
  createRawWriteTable,
  describeThreads,
  type JvmThreadCpu,
  median,
  type ProcessCpu,
  percentile,
  type RawWrites,
  rawWrites,
  startRuntimeProcess,
} from './support';

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
    ratio: { type: 'string', default: '0.2' },
    minutes: { type: 'string', default: '10' },
    officers: { type: 'boolean', default: true },
    'side-by-side': { type: 'boolean', default: false },
  },
  allowNegative: true,
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
  /** What DynamoDB Local was asked and spent in the run's CPU window, for `npm run bench:engine`. */
  readonly engine?: EngineWindow;
  /** Whether the province's offices had officers on record; absent in counts saved before. */
  readonly officers?: boolean;
  /** What reached the officers (officer-messages.ts); absent in counts saved before. */
  readonly officerMessages?: OfficerMessages;
}

/** DynamoDB Local's calls and CPU seconds over a window of a run. */
export interface EngineWindow {
  readonly seconds: number;
  readonly javaSeconds: number;
  readonly calls: readonly CallCount[];
  /** The same for the idle runtime, before the run. */
  readonly idle: { readonly seconds: number; readonly javaSeconds: number; readonly calls: readonly CallCount[] };
  /** Accepted reports in the window. */
  readonly reports: number;
  /** DynamoDB Local's CPU seconds per raw single-item write, on the same engine. */
  readonly javaPerRawWrite: number;
  /** Of `javaSeconds`, by what the JVM's threads do. */
  readonly javaThreads?: JvmThreadCpu;
}

const readTally = (runtime: BenchRuntime): WriteTally => {
  try {
    return JSON.parse(readFileSync(`${runtime.dataDir}/${WRITE_COUNTS_FILE}`, 'utf8')) as WriteTally;
  } catch {
    return { writes: [], refusals: [], invocations: [], reads: [], calls: [] };
  }
};
const itemsWritten = (tally: WriteTally) => tally.writes.reduce((n, w) => n + w.items, 0);

/** The runtime's CPU, and when it counts its calls, its counts as of the same moment. */
interface Snapshot {
  readonly cpu: ProcessCpu | undefined;
  readonly calls: readonly CallCount[];
  readonly inFlight?: Readonly<Record<string, number>>;
  readonly at: number;
}

/**
 * A snapshot of the runtime: when it counts, taken as it next saves its counts (every second), so
 * that the counts and the CPU are of the same moment.
 */
const snapshot = async (runtime: BenchRuntime, counting: boolean): Promise<Snapshot> => {
  if (counting) {
    const file = `${runtime.dataDir}/${WRITE_COUNTS_FILE}`;
    const saved = () => (existsSync(file) ? statSync(file).mtimeMs : 0);
    const before = saved();
    const until = Date.now() + 2_000;
    while (saved() === before && Date.now() < until) await sleep(5);
  }
  const tally = counting ? readTally(runtime) : undefined;
  return {
    cpu: runtime.cpu(),
    calls: tally?.calls ?? [],
    ...(tally?.inFlight ? { inFlight: tally.inFlight } : {}),
    at: Date.now(),
  };
};

/**
 * Waits until no obligation is pending in the province and nothing more has been written for 3 s;
 * answers how many are still pending when `waitMs` runs out (0: settled).
 */
const waitForQuiet = async (
  runtime: BenchRuntime,
  province: string,
  counting: boolean,
  waitMs: number,
): Promise<number> => {
  const { openLocalSigner } = await import('../../infra/local/auth');
  const signer = await openLocalSigner(runtime.dataDir);
  const inspector = await signer.sign({ sub: 'bench-inspector', role: 'inspector', region: province });
  const deadline = Date.now() + waitMs;
  for (;;) {
    const response = await fetch(`${runtime.url}/v1/audit/offices?region=${province}`, {
      headers: { authorization: `Bearer ${inspector}` },
    });
    const { offices } = (await response.json()) as { offices: { pending: number }[] };
    const pending = offices.reduce((n, o) => n + o.pending, 0);
    if (pending === 0) break;
    if (Date.now() > deadline) return pending;
    await sleep(1_000);
  }
  if (!counting) {
    await sleep(3_000);
    return 0;
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
  return 0;
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
  /** Obligations still pending when the drain gave up (0: every deadline was dealt with). */
  readonly pending: number;
  /** DynamoDB Local's raw single-item writes on the same engine, before the mix. */
  readonly raw: RawWrites;
  /** CPU seconds, where /proc tells them: see `cpuPerReport`. */
  readonly cpu?: RunCpu;
  /** The calls made to DynamoDB Local in the CPU windows, when counted, and the runtime's in flight. */
  readonly calls?: {
    readonly mix: readonly CallCount[];
    readonly idle: readonly CallCount[];
    readonly inFlight: Readonly<Record<string, number>>;
  };
  readonly officerMessages: OfficerMessages;
}

interface RunCpu {
  /** The idle runtime's, a second. */
  readonly idlePerSecond: ProcessCpu;
  /** DynamoDB Local's per raw single-item write. */
  readonly javaPerRawWrite: number;
  /** From the first report sent until everything was drained. */
  readonly mix: ProcessCpu;
  readonly mixSeconds: number;
  readonly idleSeconds: number;
  /** DynamoDB Local's threads over the raw writes, and how many there were. */
  readonly rawThreads?: JvmThreadCpu;
  readonly rawCount: number;
}

const IDLE_MS = 3_000;

const minus = (a: ProcessCpu, b: ProcessCpu, scale = 1): ProcessCpu => {
  const javaThreads = combineThreads(a.javaThreads, b.javaThreads, -1, scale);
  return { node: (a.node - b.node) * scale, java: (a.java - b.java) * scale, ...(javaThreads ? { javaThreads } : {}) };
};

/**
 * CPU per accepted report, net of what the runtime spends idle over the same time: the runtime's
 * Node process and DynamoDB Local's JVM, in ms, and DynamoDB Local's as a number of raw
 * single-item writes. Its inverse is the most reports a second the engine could take for each raw
 * write a second, whatever else loads the machine: a ceiling for the sustained-rate ratio.
 */
const cpuPerReport = (cpu: RunCpu, reports: number) => {
  // On a starved machine the idle seconds can cost more than the run's (the idle pollers wait
  // longer for the CPU): then the figure is not known, rather than zero.
  const net = (total: number, idle: number) => {
    const left = total - idle * cpu.mixSeconds;
    return left > 0 ? left / reports : Number.NaN;
  };
  const java = net(cpu.mix.java, cpu.idlePerSecond.java);
  return {
    nodeMs: 1000 * net(cpu.mix.node, cpu.idlePerSecond.node),
    javaMs: 1000 * java,
    rawWrites: java / cpu.javaPerRawWrite,
  };
};

const describeCpu = (cpu: RunCpu | undefined, reports: number): string => {
  if (!cpu) return 'CPU per report: not known here (it is read from /proc)';
  const per = cpuPerReport(cpu, reports);
  if (Number.isNaN(per.nodeMs) || Number.isNaN(per.rawWrites)) {
    return 'CPU per report: not measurable in this run (the idle runtime cost as much as the run, so the machine was starved)';
  }
  const threads = cpu.mix.javaThreads
    ? `\n  of DynamoDB Local's, by its threads (ms per report, idle included): ${describeThreads(cpu.mix.javaThreads, reports)}`
    : '';
  const raw = cpu.rawThreads
    ? `\n  a raw write's, by its threads (ms per raw write): ${describeThreads(cpu.rawThreads, cpu.rawCount)}`
    : '';
  return `CPU per accepted report, net of idle: runtime (Node) ${per.nodeMs.toFixed(1)} ms, DynamoDB Local (Java) ${per.javaMs.toFixed(1)} ms = ${per.rawWrites.toFixed(1)} raw single-item writes' worth (so at most ${(1 / per.rawWrites).toFixed(3)} reports per raw write while the engine is the limit)${threads}${raw}`;
};

/** How long a run waits, after sending, for the roll-up to catch up and the obligations to settle. */
interface Drain {
  readonly rollUpMs: number;
  readonly obligationsMs: number;
}
const PATIENT: Drain = { rollUpMs: 120_000, obligationsMs: 240_000 };

/**
 * One run of the mix on a runtime of its own: sent, drained (every obligation settled, or only the
 * roll-up caught up when offices do not act), checked against the log, and counted.
 */
const runMix = async (
  env: Record<string, string>,
  mixOf: (raw: RawWrites) => MixOptions,
  options: {
    readonly counting: boolean;
    readonly drain?: Drain;
    /** The province whose offices are given officers before the mix (bench-directory.ts); none when absent. */
    readonly officersOf?: string;
  },
): Promise<Run> => {
  const drain = options.drain ?? PATIENT;
  const runtime = await startRuntimeProcess({ ...env, ...(options.counting ? { DYNAMODB_COUNT_WRITES: 'true' } : {}) });
  const dynamodb = new DynamoDBClient({
    region: LOCAL_REGION,
    credentials: localCredentials,
    endpoint: runtime.dynamodbEndpoint,
  });
  // Counting, this process counts its own calls too: the lag sampler's reads are DynamoDB Local's work
  // in the run's window as much as the pipeline's are.
  if (options.counting) withWriteCounter(dynamodb);
  const documents = makeDocumentClient(dynamodb);
  try {
    if (options.officersOf) {
      const said = await importBenchDirectory(runtime, options.officersOf);
      // What was imported and how the subscriptions changed; not every subscription added.
      console.log(`  ${said.trim().split('\n').slice(0, 2).join('\n  ')}`);
    }
    // What the idle runtime spends (its pollers and sweeps), then the raw write rate and what a raw
    // write costs DynamoDB Local, on the engine before the mix, so a step's rate can be set from it.
    const idleFrom = await snapshot(runtime, options.counting);
    await sleep(IDLE_MS);
    const idleTo = await snapshot(runtime, options.counting);
    const raw = await rawWrites(dynamodb, await createRawWriteTable(dynamodb), 32, 8);
    const rawTo = runtime.cpu();
    const mixFrom = await snapshot(runtime, options.counting);
    resetWriteTally();
    const mixBegan = mixFrom.at;
    const mixOptions = mixOf(raw);
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
    await waitForCount(sampler, mix.accepted.initial, drain.rollUpMs, 3_000);
    const lags = await sampler.stop(mix.acceptedAt);
    const pending = mixOptions.officesAct
      ? await waitForQuiet(runtime, mixOptions.province, options.counting, drain.obligationsMs)
      : 0;
    const mixTo = await snapshot(runtime, options.counting);
    const ownCalls = (writeTally().calls ?? []).map((c) => ({ ...c, fn: 'bench (lag sampler)' }));
    const cpu =
      idleFrom.cpu && idleTo.cpu && rawTo && mixFrom.cpu && mixTo.cpu
        ? {
            idlePerSecond: minus(idleTo.cpu, idleFrom.cpu, 1000 / (idleTo.at - idleFrom.at)),
            javaPerRawWrite: (rawTo.java - idleTo.cpu.java) / raw.latencies.length,
            mix: minus(mixTo.cpu, mixFrom.cpu),
            mixSeconds: (mixTo.at - mixBegan) / 1000,
            idleSeconds: (idleTo.at - idleFrom.at) / 1000,
            rawCount: raw.latencies.length,
            ...(rawTo.javaThreads && idleTo.cpu.javaThreads
              ? { rawThreads: combineThreads(rawTo.javaThreads, idleTo.cpu.javaThreads, -1) }
              : {}),
          }
        : undefined;
    const calls = options.counting
      ? {
          mix: [...callsBetween(mixFrom.calls, mixTo.calls), ...ownCalls],
          idle: callsBetween(idleFrom.calls, idleTo.calls),
          inFlight: inFlightBetween(mixFrom.inFlight, mixTo.inFlight),
        }
      : undefined;
    if (pending > 0 && drain === PATIENT) throw new Error(`obligations still pending after ${drain.obligationsMs} ms`);

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
      pending,
      raw,
      ...(cpu ? { cpu } : {}),
      ...(calls ? { calls } : {}),
      officerMessages: officerMessagesIn(runtime.dataDir),
    };
  } finally {
    dynamodb.destroy();
    await runtime.stop();
  }
};

/** Accepted reports of every kind. */
const reportsOf = (mix: MixResult): number => mix.accepted.initial + mix.accepted['follow-up'] + mix.accepted.final;

const fixed = (n: number, digits = 2) => n.toFixed(digits).padStart(7);

const printTable = (counts: PipelineCounts): void => {
  const reports = counts.accepted.initial + counts.accepted['follow-up'] + counts.accepted.final;
  const byStage = writesByStage(counts.tally.writes);
  const total = allStages(byStage);
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
  const told = counts.officerMessages;
  if (told) {
    console.log(
      `  officers ${counts.officers ? 'on record' : 'none on record'}: ${(told.published / reports).toFixed(2)} messages published per report, ${(told.sms / reports).toFixed(2)} SMS sent, ${(told.email / reports).toFixed(2)} for e-mail`,
    );
  }

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

/** One counted run of the mix, printed and saved in `out`; answers its counts. */
const writesPerReport = async (
  province: string,
  reports: number,
  rate: number,
  officers: boolean,
  out: string,
): Promise<PipelineCounts> => {
  console.log(
    `bench:pipeline — ${reports} initial reports at ${rate}/s over ${regionOf(province).name} (${province}), drill policy, ${officers ? "every office's officers on record" : 'no officer on record'}`,
  );
  const run = await runMix({ POLICY: 'drill' }, () => ({ ...DEFAULT_MIX, province, reports, rate }), {
    counting: true,
    ...(officers ? { officersOf: province } : {}),
  });
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
    ...(run.cpu && run.calls
      ? {
          engine: {
            seconds: run.cpu.mixSeconds,
            javaSeconds: run.cpu.mix.java,
            calls: run.calls.mix,
            idle: {
              seconds: run.cpu.idleSeconds,
              javaSeconds: run.cpu.idlePerSecond.java * run.cpu.idleSeconds,
              calls: run.calls.idle,
            },
            reports: reportsOf(mix),
            javaPerRawWrite: run.cpu.javaPerRawWrite,
            ...(run.cpu.mix.javaThreads ? { javaThreads: run.cpu.mix.javaThreads } : {}),
          },
        }
      : {}),
    officers,
    officerMessages: run.officerMessages,
  };
  printTable(counts);
  if (run.calls) {
    printCalls(run.calls.mix, reportsOf(mix), {
      calls: run.calls.idle,
      seconds: run.cpu?.idleSeconds ?? 0,
      windowSeconds: run.cpu?.mixSeconds ?? 0,
    });
    console.log(
      `  the runtime's calls in flight as each began, itself included: ${describeInFlight(run.calls.inFlight)}`,
    );
  }
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
  console.log(
    `raw single-item writes: ${run.raw.perSecond.toFixed(0)}/s, p50 ${Math.round(percentile(run.raw.latencies, 50))} ms, p99 ${Math.round(percentile(run.raw.latencies, 99))} ms at 32 in flight`,
  );
  console.log(describeCpu(run.cpu, reportsOf(mix)));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(counts, null, 2)}\n`);
  console.log(`counts saved in ${out} (npm run cost reads them)`);
  if (!run.exact || mix.failed > 0) process.exitCode = 1;
  return counts;
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
      () => ({ ...DEFAULT_MIX, province, reports, rate, followUps: 0, finals: 0, lateUnits: 0, officesAct: false }),
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

/** One step of the search: the mix at `ratio` × the raw write rate measured on its engine. */
interface Step {
  readonly ratio: number;
  readonly raw: number;
  readonly rawP99: number;
  readonly rate: number;
  readonly achieved: number;
  readonly lagP50: number;
  readonly lagP99: number;
  readonly latenessP50: number;
  readonly latenessP99: number;
  readonly pending: number;
  readonly failed: number;
  readonly exact: boolean;
  readonly sustained: boolean;
  readonly tookMs: number;
  /** DynamoDB Local's CPU per accepted report, in raw single-item writes (NaN where not known). */
  readonly engineCost: number;
}

/** The lag and lateness bounds of issue 19, and how close the sending must keep to its schedule. */
const BOUNDS = { lagP99Ms: 2_000, latenessP99Ms: 1_000, keptUp: 0.95 };

const sustainedRate = async (
  province: string,
  startRatio: number,
  seconds: number,
  minutes: number,
  officers: boolean,
) => {
  console.log(
    `bench:pipeline --search — the whole mix for ${seconds} s a step at a ratio of the raw write rate, from ${startRatio}, within ${minutes} min, drill policy`,
  );
  const began = Date.now();
  const steps: Step[] = [];
  // Once a step has passed and one has failed, the next ratio is half-way between them.
  let lo: number | undefined;
  let hi: number | undefined;
  let ratio = startRatio;
  for (;;) {
    const stepBegan = Date.now();
    console.log(`\nratio ${ratio.toFixed(3)} of the raw write rate`);
    const run = await runMix(
      { POLICY: 'drill' },
      (raw) => {
        const rate = Math.max(0.5, Math.round(ratio * raw.perSecond * 10) / 10);
        console.log(`  raw writes ${raw.perSecond.toFixed(0)}/s on this engine: sending ${rate} reports/s`);
        return { ...DEFAULT_MIX, province, reports: Math.round(rate * seconds), rate };
      },
      // Past the bounds a step has failed whatever the rest: waiting longer would only slow the search.
      {
        counting: false,
        drain: { rollUpMs: 30_000, obligationsMs: 90_000 },
        ...(officers ? { officersOf: province } : {}),
      },
    );
    const raw = run.raw.perSecond;
    const asked = Math.max(0.5, Math.round(ratio * raw * 10) / 10);
    const achieved = run.mix.accepted.initial / (run.mix.sentInMs / 1000);
    const step: Step = {
      ratio,
      raw,
      rawP99: Math.round(percentile(run.raw.latencies, 99)),
      rate: asked,
      achieved,
      lagP50: percentile(run.lags, 50),
      lagP99: percentile(run.lags, 99),
      latenessP50: run.lateness.length > 0 ? percentile(run.lateness, 50) : 0,
      latenessP99: run.lateness.length > 0 ? percentile(run.lateness, 99) : 0,
      pending: run.pending,
      failed: run.mix.failed,
      exact: run.exact,
      sustained: false,
      tookMs: Date.now() - stepBegan,
      engineCost: run.cpu ? cpuPerReport(run.cpu, reportsOf(run.mix)).rawWrites : Number.NaN,
    };
    const sustained =
      step.failed === 0 &&
      step.exact &&
      step.pending === 0 &&
      achieved >= BOUNDS.keptUp * asked &&
      step.lagP99 <= BOUNDS.lagP99Ms &&
      step.latenessP99 <= BOUNDS.latenessP99Ms;
    steps.push({ ...step, sustained });
    console.log(
      `  roll-up lag p50 ${step.lagP50} ms, p99 ${step.lagP99} ms; timer lateness p50 ${step.latenessP50} ms, p99 ${step.latenessP99} ms (${run.lateness.length} deadlines missed, ${step.pending} never dealt with); ${sustained ? 'sustained' : 'NOT sustained'} (${(step.tookMs / 1000).toFixed(0)} s)`,
    );
    if (sustained) lo = Math.max(lo ?? 0, ratio);
    else hi = Math.min(hi ?? Number.POSITIVE_INFINITY, ratio);
    ratio = lo !== undefined && hi !== undefined ? (lo + hi) / 2 : sustained ? ratio * 1.25 : ratio / 1.25;
    // Stop when the next step would not fit in the time given, or the two bounds are within 5 %.
    const longest = Math.max(...steps.map((s) => s.tookMs));
    if (Date.now() - began + longest > minutes * 60_000) break;
    if (lo !== undefined && hi !== undefined && hi / lo < 1.05) break;
  }

  console.log(
    '\n| ratio asked | raw writes/s | raw p99 | reports/s asked | achieved | roll-up lag p50 | p99 | timer lateness p50 | p99 | never dealt with | engine CPU per report (raw writes) | sustained |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const s of steps) {
    console.log(
      `| ${s.ratio.toFixed(3)} | ${s.raw.toFixed(0)} | ${s.rawP99} ms | ${s.rate} | ${s.achieved.toFixed(1)} | ${s.lagP50} ms | ${s.lagP99} ms | ${s.latenessP50} ms | ${s.latenessP99} ms | ${s.pending} | ${s.engineCost.toFixed(1)} | ${s.sustained ? 'yes' : 'no'} |`,
    );
  }
  const best = steps.filter((s) => s.sustained).sort((a, b) => b.ratio - a.ratio)[0];
  console.log(
    best
      ? `\nsustained for ${seconds} s: ${best.rate} reports/s against ${best.raw.toFixed(0)} raw single-item writes/s, ratio ${(best.rate / best.raw).toFixed(3)} (target ≥ 0.2), roll-up lag p99 ${best.lagP99} ms (≤ ${BOUNDS.lagP99Ms}), timer lateness p99 ${best.latenessP99} ms (≤ ${BOUNDS.latenessP99Ms})`
      : `\nno step was sustained: the lowest tried was ${Math.min(...steps.map((s) => s.ratio)).toFixed(3)} of the raw rate; start lower with --ratio`,
  );
  const costs = steps.map((s) => s.engineCost).filter((c) => !Number.isNaN(c));
  if (costs.length > 0) {
    const cost = median(costs);
    console.log(
      `DynamoDB Local's CPU per accepted report: ${cost.toFixed(1)} raw single-item writes' worth (median of the steps), so while the engine is the limit at most ${(1 / cost).toFixed(3)} reports per raw write`,
    );
  }
  console.log(`search took ${((Date.now() - began) / 60_000).toFixed(1)} min`);
};

const province = values.province ?? DEFAULT_MIX.province;
const reports = Number(values.reports);
const rate = Number(values.rate);
if (values.consumers) {
  await concurrentConsumers(province, reports, rate, values.consumers.split(',').map(Number));
} else if (values.search) {
  await sustainedRate(
    province,
    Number(values.ratio),
    Number(values.seconds),
    Number(values.minutes),
    values.officers ?? true,
  );
} else if (values['side-by-side']) {
  const out = values.out ?? '.bench/pipeline.json';
  const withOfficers = await writesPerReport(province, reports, rate, true, out);
  console.log('');
  const without = await writesPerReport(province, reports, rate, false, out.replace(/(\.json)?$/, '-no-officers.json'));
  printSideBySide(without, withOfficers);
} else {
  await writesPerReport(province, reports, rate, values.officers ?? true, values.out ?? '.bench/pipeline.json');
}
