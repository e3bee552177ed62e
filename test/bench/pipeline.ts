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
import { DEFAULT_MIX, driveMix, type MixResult } from './pipeline-mix';
import { billedUnits, STAGES, type Stage, stageOf } from './stages';
import { type BenchRuntime, percentile, startRuntimeProcess } from './support';

process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

const { values } = parseArgs({
  options: {
    reports: { type: 'string', default: '300' },
    rate: { type: 'string', default: '10' },
    province: { type: 'string', default: DEFAULT_MIX.province },
    out: { type: 'string', default: '.bench/pipeline.json' },
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
    return { writes: [], refusals: [], invocations: [] };
  }
};
const itemsWritten = (tally: WriteTally) => tally.writes.reduce((n, w) => n + w.items, 0);

/** Waits until no obligation is pending in the province and nothing more has been written for 3 s. */
const waitForQuiet = async (runtime: BenchRuntime, inspector: string, province: string): Promise<void> => {
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

const main = async (): Promise<void> => {
  const reports = Number(values.reports);
  const rate = Number(values.rate);
  const province = values.province ?? DEFAULT_MIX.province;
  console.log(
    `bench:pipeline — ${reports} initial reports at ${rate}/s over ${regionOf(province).name} (${province}), drill policy`,
  );
  const runtime = await startRuntimeProcess({ POLICY: 'drill', DYNAMODB_COUNT_WRITES: 'true' });
  const dynamodb = new DynamoDBClient({
    region: LOCAL_REGION,
    credentials: localCredentials,
    endpoint: runtime.dynamodbEndpoint,
  });
  const documents = makeDocumentClient(dynamodb);
  try {
    const mix = await driveMix(runtime, { ...DEFAULT_MIX, province, reports, rate });
    console.log(
      `sent in ${(mix.sentInMs / 1000).toFixed(1)} s; accepted ${mix.accepted.initial} initial, ${mix.accepted['follow-up']} follow-up, ${mix.accepted.final} final; forwards ${mix.forwards['on-time']} on time, ${mix.forwards.late} late; ${mix.failed} failed`,
    );
    const { openLocalSigner } = await import('../../infra/local/auth');
    const inspector = await (await openLocalSigner(runtime.dataDir)).sign({
      sub: 'bench-inspector',
      role: 'inspector',
      region: province,
    });
    await waitForQuiet(runtime, inspector, province);

    const incidents = makeDynamoIncidentStore({ client: documents, incidentsTable: described.incidents.localName });
    const summaries = makeDynamoSummaryStore({ client: documents, table: described.summaries.localName });
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
    // The runtime saves its final counts as it stops; on an empty table it wrote nothing while starting.
    await runtime.stop({ keepData: true });
    const tally = readTally(runtime);
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
      eventsByType,
      tally,
    };
    printTable(counts);
    console.log(
      `\nevents in the log: ${Object.entries(eventsByType)
        .map(([t, n]) => `${t} ${n}`)
        .join(', ')}`,
    );
    console.log(
      `DeadlineMissed after dueAt: p50 ${percentile(lateness, 50)} ms, p99 ${percentile(lateness, 99)} ms (${lateness.length})`,
    );
    console.log(
      `summaries against their recomputation from the log: ${check.differences.length === 0 ? 'EQUAL' : `${check.differences.length} DIFFERENCES`}`,
    );
    const out = values.out ?? '.bench/pipeline.json';
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(counts, null, 2)}\n`);
    console.log(`counts saved in ${out} (npm run cost reads them)`);
    if (check.differences.length > 0 || mix.failed > 0) process.exitCode = 1;
  } finally {
    dynamodb.destroy();
    await runtime.stop();
  }
};

await main();
