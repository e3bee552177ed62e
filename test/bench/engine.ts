/**
 * `npm run bench:engine`: what each kind of call the pipeline makes costs DynamoDB Local in CPU,
 * measured side by side on one engine, and from it where the engine's CPU per report goes.
 *
 * The engine holds real data: a short run of the pipeline mix (`--reports`, drill policy, the
 * officer directory of bench:pipeline) on the local runtime, started as `npm start` starts it, so
 * the tables have the project's shapes (keys, indexes, stream: `infra/resources.ts`) and the
 * items the pipeline writes. The runtime is then
 * stopped and DynamoDB Local started alone on its files, so that nothing but the probe calls it.
 * Each kind of call (`kinds` below, named as `bench:pipeline` names the calls it counts) is made
 * for `--seconds` with `--concurrency` calls in flight (1, 4 and 32 by default), and its JVM's
 * CPU (from /proc) per call, net of what the idle engine spends over as long, is kept. Rounds
 * alternate the kinds (each round in another order), so that a noisy moment of a shared machine
 * hits all kinds alike; the raw single-item write of the intake benchmark is a kind like the
 * others, the unit of the table.
 *
 * With `--counts FILE,…` (`.bench/pipeline.json`, written by `npm run bench:pipeline`) it then
 * explains each run: its calls per accepted report by kind, times this run's CPU per call of the
 * kind, against the Java CPU per report that run measured. `--jvm short` runs the probe's engine
 * with the test runs' JVM options (`SHORT_RUN_JVM_OPTIONS`: the quick compiler alone).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type AttributeValue,
  BatchGetItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { SHORT_RUN_JVM_OPTIONS, startDynamoDbLocal } from '../../infra/local/dynamodb-local';
import { callStreams } from '../../infra/local/stream-poller';
import { tables } from '../../infra/resources';
import { EVENT_SK_PREFIX, eventSk, HEAD_SK, OPEN_SHARDS } from '../../shared/adapters/dynamodb/keys';
import { itemBand, withWriteCounter } from '../../shared/adapters/dynamodb/write-counter';
import { importBenchDirectory } from './bench-directory';
import { kindOf } from './calls';
import type { PipelineCounts } from './pipeline';
import { DEFAULT_MIX, driveMix } from './pipeline-mix';
import {
  combineThreads,
  cpuSecondsOf,
  createRawWriteTable,
  describeThreads,
  jvmThreads,
  median,
  percentile,
  startRuntimeProcess,
} from './support';

const { values } = parseArgs({
  options: {
    reports: { type: 'string', default: '30' },
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '1,4,32' },
    // One or more runs of bench:pipeline to explain, separated by commas.
    counts: { type: 'string', default: '.bench/pipeline.json' },
    // `short`: the probe's engine with the test runs' JVM options (the quick compiler alone).
    jvm: { type: 'string', default: 'default' },
  },
});
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const CONCURRENCY = (values.concurrency ?? '1,4,32').split(',').map(Number);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Item = Record<string, AttributeValue>;
const S = (s: string): AttributeValue => ({ S: s });
const N = (n: number): AttributeValue => ({ N: String(n) });
const text = (v: AttributeValue | undefined): string => v?.S ?? '';
const pick = <T>(items: readonly T[], i: number): T => items[i % items.length] as T;

// 1. Real data: the mix on the runtime, which is then stopped with its files kept.
console.log(`bench:engine — seeding with ${values.reports} reports of the pipeline mix (drill policy)`);
const seeding = await startRuntimeProcess({ POLICY: 'drill' });
try {
  // Every office's officers on record, as bench:pipeline loads them.
  await importBenchDirectory(seeding, DEFAULT_MIX.province);
  const mix = await driveMix(seeding, { ...DEFAULT_MIX, reports: Number(values.reports), rate: 5 });
  // The last escalations and notifications of the late forwards.
  await sleep(5_000);
  console.log(`  ${mix.accepted.initial} initial reports accepted, ${mix.failed} failed`);
} finally {
  await seeding.stop({ keepData: true });
}
// Whatever way the probe ends, the throw-away data goes with it (the engine is killed on exit too).
process.once('exit', () => rmSync(seeding.dataDir, { recursive: true, force: true }));

// 2. DynamoDB Local alone on those files, as the runtime runs it.
const engine = await startDynamoDbLocal({
  dataDir: join(seeding.dataDir, 'dynamodb'),
  ...(values.jvm === 'short' ? { jvmOptions: SHORT_RUN_JVM_OPTIONS } : {}),
});
const pid = engine.pid;
if (pid === undefined) throw new Error('DynamoDB Local has no process id');
const javaSeconds = (): number => {
  const seconds = cpuSecondsOf(pid);
  if (seconds === undefined) throw new Error('no CPU figures for DynamoDB Local: /proc is needed (Linux)');
  return seconds;
};
const clientOf = () =>
  new DynamoDBClient({
    region: LOCAL_REGION,
    credentials: localCredentials,
    endpoint: engine.endpoint,
    maxAttempts: 1,
  });
// The calls as bench:pipeline's counted runtime makes them: the write counter asks every write for
// its units by index and every read for its total (write-counter.ts); `plain` as the uncounted one.
const client = withWriteCounter(clientOf());
const plain = clientOf();

const scanAll = async (table: string): Promise<Item[]> => {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

const INCIDENTS = tables.incidents.localName;
const SUMMARIES = tables.summaries.localName;
const incidentItems = await scanAll(INCIDENTS);
const heads = incidentItems.filter((i) => text(i.sk) === HEAD_SK);
const events = incidentItems.filter((i) => text(i.sk).startsWith(EVENT_SK_PREFIX));
const summaryItems = (await scanAll(SUMMARIES)).filter((i) => text(i.pk).startsWith('SUM#'));
if (heads.length === 0 || events.length === 0 || summaryItems.length === 0) {
  throw new Error('the seeding run left no incidents or summaries to copy');
}
const sizeOf = (items: readonly Item[]) => median(items.map((i) => JSON.stringify(i).length));
console.log(
  `  copied from: ${heads.length} incident heads (median ${sizeOf(heads)} bytes as JSON), ${events.length} events (median ${sizeOf(events)} bytes), ${summaryItems.length} summary items`,
);
const rawTable = await createRawWriteTable(client);
const streamArn = (await client.send(new DescribeTableCommand({ TableName: INCIDENTS }))).Table?.LatestStreamArn;
if (!streamArn) throw new Error('the incidents table has no stream');

// 3. The kinds of call, each as the pipeline makes it.

/** Incidents the probe appends to, one set per worker so that their versions never race. */
interface ProbeIncident {
  readonly pk: string;
  readonly head: Item;
  version: number;
  seq: number;
}
const probeIncidents = new Map<number, ProbeIncident>();
const incidentOf = (worker: number): ProbeIncident => {
  let incident = probeIncidents.get(worker);
  if (!incident) {
    const head = pick(heads, worker);
    incident = { pk: `INC#probe-${worker}-${randomUUID()}`, head, version: -1, seq: 0 };
    probeIncidents.set(worker, incident);
  }
  return incident;
};

/** A head as an append rewrites it: a version up, and the sort keys of its indexes moved. */
const headPut = (incident: ProbeIncident, expected: number | null): TransactWriteItem => {
  const now = new Date().toISOString();
  const id = incident.pk.slice('INC#'.length);
  const item: Item = { ...incident.head, pk: S(incident.pk), incidentId: S(id), version: N(incident.version + 1) };
  if (item.changeKey) item.changeKey = S(`${now}#${id}`);
  if (item.nextDueAt) item.nextDueAt = S(now);
  return {
    Put: {
      TableName: INCIDENTS,
      Item: item,
      ...(expected === null
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': N(expected) } }),
    },
  };
};

const eventPut = (incident: ProbeIncident, n: number): TransactWriteItem => {
  incident.seq += 1;
  return {
    Put: {
      TableName: INCIDENTS,
      Item: {
        ...pick(events, incident.seq + n),
        pk: S(incident.pk),
        sk: S(eventSk(incident.seq)),
        seq: N(incident.seq),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
};

/** An append of `n` events to the worker's incident (the first one creates it). */
const append = async (db: DynamoDBClient, worker: number, n: number): Promise<void> => {
  const incident = incidentOf(worker);
  const expected = incident.version < 0 ? null : incident.version;
  const items = [headPut(incident, expected), ...Array.from({ length: n }, (_, k) => eventPut(incident, k))];
  await db.send(new TransactWriteItemsCommand({ TransactItems: items }));
  incident.version += 1;
};

/** A report accepted: a new incident's head and two events, and the idempotency record. */
const intake = async (db: DynamoDBClient, worker: number): Promise<void> => {
  const incident: ProbeIncident = {
    pk: `INC#probe-${randomUUID()}`,
    head: pick(heads, worker),
    version: -1,
    seq: 0,
  };
  const record: TransactWriteItem = {
    Put: {
      TableName: tables.idempotency.localName,
      Item: {
        id: S(`report#bench#${randomUUID()}`),
        expiration: N(Math.floor(Date.now() / 1000) + 86_400),
        answer: S(JSON.stringify({ status: 201, incidentId: incident.pk })),
      },
      ConditionExpression: 'attribute_not_exists(id) OR expiration < :now',
      ExpressionAttributeValues: { ':now': N(Math.floor(Date.now() / 1000)) },
    },
  };
  await db.send(
    new TransactWriteItemsCommand({
      TransactItems: [headPut(incident, null), eventPut(incident, 0), eventPut(incident, 1), record],
    }),
  );
};

/** The roll-up's transaction: `markers` applied-markers and `sums` summaries counted up. */
const rollUp = async (db: DynamoDBClient, markers: number, sums: number): Promise<void> => {
  // Distinct summaries (a transaction may name an item once), from a random place.
  const first = Math.floor(Math.random() * summaryItems.length);
  const now = new Date().toISOString();
  const items: TransactWriteItem[] = [
    ...Array.from({ length: markers }, () => ({
      Put: {
        TableName: SUMMARIES,
        Item: { pk: S(`APPLIED#probe-${randomUUID()}`), sk: S('0000000001'), appliedAt: S(now) },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    })),
    ...Array.from({ length: sums }, (_, k) => {
      const sum = pick(summaryItems, first + k);
      return {
        Update: {
          TableName: SUMMARIES,
          Key: { pk: sum.pk as AttributeValue, sk: sum.sk as AttributeValue },
          UpdateExpression: 'SET #u = :u ADD #w :one, #c :one',
          ExpressionAttributeNames: { '#u': 'updatedAt', '#w': 'writes', '#c': 'c_probe' },
          ExpressionAttributeValues: { ':u': S(now), ':one': N(1) },
        },
      };
    }),
  ];
  await db.send(new TransactWriteItemsCommand({ TransactItems: items }));
};

interface Shard {
  readonly ShardId: string;
  readonly SequenceNumberRange?: { readonly EndingSequenceNumber?: string };
}
const shards = async (): Promise<Shard[]> =>
  (
    await callStreams<{ StreamDescription: { Shards: Shard[] } }>(engine.endpoint, 'DescribeStream', {
      StreamArn: streamArn,
    })
  ).StreamDescription.Shards;
const iterator = async (shardId: string, type: 'LATEST' | 'TRIM_HORIZON'): Promise<string> =>
  (
    await callStreams<{ ShardIterator: string }>(engine.endpoint, 'GetShardIterator', {
      StreamArn: streamArn,
      ShardId: shardId,
      ShardIteratorType: type,
    })
  ).ShardIterator;
const getRecords = (shardIterator: string, limit: number) =>
  callStreams<{ Records?: unknown[]; NextShardIterator?: string }>(engine.endpoint, 'GetRecords', {
    ShardIterator: shardIterator,
    Limit: limit,
  });

/** The open shard, where the poller waits for new records. */
const openShard = async (): Promise<string> => {
  const all = await shards();
  const open = all.find((s) => s.SequenceNumberRange?.EndingSequenceNumber === undefined) ?? all.at(-1);
  if (!open) throw new Error('the stream has no shard');
  return open.ShardId;
};

/** An iterator at a place with at least `limit` records after it, read again each time (a page of the backlog). */
const backlogIterator = async (limit: number): Promise<string> => {
  for (const shard of await shards()) {
    const at = await iterator(shard.ShardId, 'TRIM_HORIZON');
    if (((await getRecords(at, limit)).Records?.length ?? 0) >= limit) return at;
  }
  throw new Error(`no shard of the stream holds ${limit} records`);
};

/** Each worker's place at the end of the stream, where a read finds nothing, as the idle poller's. */
const latest = new Map<number, string>();
const readLatest = async (worker: number): Promise<void> => {
  const at = latest.get(worker) ?? (await iterator(await openShard(), 'LATEST'));
  const page = await getRecords(at, 100);
  latest.set(worker, page.NextShardIterator ?? at);
};

const backlog = new Map<number, string>();
for (const limit of [3, 10, 15]) backlog.set(limit, await backlogIterator(limit));
const readBacklog = async (limit: number): Promise<void> => {
  const page = await getRecords(backlog.get(limit) as string, limit);
  if ((page.Records?.length ?? 0) !== limit)
    throw new Error(`a page of ${limit} records came back with ${page.Records?.length}`);
};

interface Kind {
  /** As `bench:pipeline` names the calls it counts (calls.ts); a variant says how it differs. */
  readonly name: string;
  readonly call: (worker: number) => Promise<unknown>;
  /** Not a kind the pipeline makes: shown, but never used to price the pipeline's calls. */
  readonly variant?: true;
}

const RAW = 'PutItem BenchRawWrites';
const UNCOUNTED = '(not counted: no units asked)';
const rawPut = (db: DynamoDBClient) =>
  db.send(new PutItemCommand({ TableName: rawTable, Item: { pk: S(randomUUID()), payload: S('x'.repeat(1024)) } }));
const headGet = (db: DynamoDBClient) =>
  db.send(
    new GetItemCommand({
      TableName: INCIDENTS,
      Key: { pk: pick(heads, Math.floor(Math.random() * heads.length)).pk as AttributeValue, sk: S(HEAD_SK) },
      ConsistentRead: true,
    }),
  );
const counties = [...new Set(heads.map((h) => text(h.countyCode)).filter(Boolean))];
/** An office's directory, as the notification consumer reads it: every version, at once. */
const directoryRead = (worker: number) =>
  client.send(
    new QueryCommand({
      TableName: tables.officers.localName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': S(`OFFICE#${pick(counties, worker)}`) },
      ConsistentRead: true,
    }),
  );
const officeVersions = (await directoryRead(0)).Count ?? 0;
const province = text(pick(heads, 0).provinceCode);
const kinds: readonly Kind[] = [
  // The unit: the intake benchmark's raw write, as its yardstick makes it (no units asked).
  { name: RAW, call: () => rawPut(plain) },
  { name: 'GetItem Incidents', call: () => headGet(client) },
  {
    name: 'GetItem Idempotency',
    call: () =>
      client.send(
        new GetItemCommand({
          TableName: tables.idempotency.localName,
          Key: { id: S(`report#bench#${randomUUID()}`) },
          ConsistentRead: true,
        }),
      ),
  },
  { name: `Query Officers, ${itemBand(officeVersions)} returned`, call: (worker) => directoryRead(worker) },
  {
    name: 'Query Summaries, 1 returned',
    call: () =>
      client.send(
        new QueryCommand({
          TableName: SUMMARIES,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': S(`SUM#${province}`) },
          ConsistentRead: true,
        }),
      ),
  },
  {
    name: 'Query Incidents.openObligations, 0 returned',
    call: (worker) =>
      client.send(
        new QueryCommand({
          TableName: INCIDENTS,
          IndexName: 'openObligations',
          KeyConditionExpression: 'openShard = :shard AND nextDueAt <= :dueBy',
          ExpressionAttributeValues: { ':shard': S(`OPEN#${worker % OPEN_SHARDS}`), ':dueBy': S('2000-01-01') },
        }),
      ),
  },
  { name: 'TransactWriteItems Incidents, 2 items', call: (worker) => append(client, worker, 1) },
  { name: 'TransactWriteItems Incidents, 3 items', call: (worker) => append(client, worker, 2) },
  { name: 'TransactWriteItems Incidents, 5 items', call: (worker) => append(client, worker, 4) },
  { name: 'TransactWriteItems Incidents+Idempotency, 4 items', call: (worker) => intake(client, worker) },
  { name: 'TransactWriteItems Summaries, 11–20 items', call: () => rollUp(client, 10, 5) },
  { name: 'TransactWriteItems Summaries, 21–50 items', call: () => rollUp(client, 25, 5) },
  {
    name: 'BatchGetItem Summaries, 6–10 items',
    call: () =>
      client.send(
        new BatchGetItemCommand({
          RequestItems: {
            [SUMMARIES]: {
              Keys: Array.from({ length: 8 }, () => ({ pk: S(`APPLIED#${randomUUID()}`), sk: S('0000000001') })),
              ProjectionExpression: 'pk, sk',
              ConsistentRead: true,
            },
          },
        }),
      ),
  },
  // The commit barrier's: one after every transaction, locally (commit-barrier.ts).
  { name: 'ListTables', call: () => client.send(new ListTablesCommand({ Limit: 1 })) },
  { name: 'GetRecords stream, 0 returned', call: readLatest },
  { name: 'GetRecords stream, 3 returned', call: () => readBacklog(3) },
  { name: 'GetRecords stream, 6–10 returned', call: () => readBacklog(10) },
  { name: 'GetRecords stream, 11–20 returned', call: () => readBacklog(15) },
  { name: 'DescribeStream stream', call: shards },
  // What separates a transaction's cost from its items', and what counting adds to each call.
  {
    name: 'TransactWriteItems BenchRawWrites, 1 items (the raw write in a transaction)',
    call: () =>
      plain.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: rawTable, Item: { pk: S(randomUUID()), payload: S('x'.repeat(1024)) } } },
          ],
        }),
      ),
    variant: true,
  },
  { name: 'PutItem BenchRawWrites (counted: units asked)', call: () => rawPut(client), variant: true },
  { name: `GetItem Incidents ${UNCOUNTED}`, call: () => headGet(plain), variant: true },
  {
    name: `TransactWriteItems Incidents, 2 items ${UNCOUNTED}`,
    call: (worker) => append(plain, worker, 1),
    variant: true,
  },
  {
    name: `TransactWriteItems Incidents+Idempotency, 4 items ${UNCOUNTED}`,
    call: (worker) => intake(plain, worker),
    variant: true,
  },
  { name: `TransactWriteItems Summaries, 21–50 items ${UNCOUNTED}`, call: () => rollUp(plain, 25, 5), variant: true },
];

// 4. Each kind for SECONDS at each concurrency, in rounds of alternating order.

interface Measure {
  /** Java CPU ms per call, net of the idle engine's. */
  readonly ms: number;
  readonly calls: number;
  readonly failed: number;
  readonly p50: number;
}

const measure = async (kind: Kind, concurrency: number, seconds: number, idlePerSecond: number): Promise<Measure> => {
  const latencies: number[] = [];
  let failed = 0;
  const from = javaSeconds();
  const began = performance.now();
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (Date.now() < until) {
        const started = performance.now();
        const ok = await kind.call(worker).then(
          () => true,
          () => false,
        );
        if (ok) latencies.push(performance.now() - started);
        else failed += 1;
      }
    }),
  );
  const java = javaSeconds() - from - (idlePerSecond * (performance.now() - began)) / 1000;
  latencies.sort((a, b) => a - b);
  // A refused call was work for the engine all the same.
  const calls = latencies.length + failed;
  return { ms: (1000 * java) / Math.max(1, calls), calls, failed, p50: percentile(latencies, 50) };
};

const idleRate = async (): Promise<number> => {
  const from = javaSeconds();
  await sleep(2_000);
  return (javaSeconds() - from) / 2;
};

const threadsAt = () => jvmThreads(pid);
const started = threadsAt();
console.log(`  warming up: every kind for ${SECONDS} s at 4 in flight`);
for (const kind of kinds) await measure(kind, 4, SECONDS, 0);
const warm = threadsAt();

const results = new Map<string, Measure[]>();
const keyOf = (kind: string, concurrency: number) => `${kind}\t${concurrency}`;
for (let round = 0; round < ROUNDS; round++) {
  const idle = await idleRate();
  console.log(`  round ${round + 1} of ${ROUNDS}: idle engine ${(idle * 1000).toFixed(1)} ms of CPU a second`);
  for (const concurrency of CONCURRENCY) {
    // Each round in another order: the kinds shifted by a third of the list, every other round reversed.
    const shift = Math.round((round * kinds.length) / 3);
    const order = [...kinds.slice(shift), ...kinds.slice(0, shift)];
    if (round % 2 === 1) order.reverse();
    for (const kind of order) {
      const m = await measure(kind, concurrency, SECONDS, idle);
      const key = keyOf(kind.name, concurrency);
      results.set(key, [...(results.get(key) ?? []), m]);
    }
  }
}
const done = threadsAt();
const split = (from: typeof started, to: typeof started) => {
  const cpu = combineThreads(to, from, -1);
  return cpu ? describeThreads(cpu, 1000) : 'not known';
};
console.log(
  `  DynamoDB Local's threads, s of CPU: warming up ${split(started, warm)}; the rounds ${split(warm, done)}`,
);
client.destroy();
plain.destroy();
await engine.stop();

// 5. CPU per call by kind: the median of the rounds (and their spread), and in raw writes.

const msOf = (kind: string, concurrency: number): number =>
  median((results.get(keyOf(kind, concurrency)) ?? []).map((m) => m.ms));
const spread = (kind: string, concurrency: number): string => {
  const all = (results.get(keyOf(kind, concurrency)) ?? []).map((m) => m.ms);
  return `${Math.min(...all).toFixed(2)}–${Math.max(...all).toFixed(2)}`;
};
console.log(
  `\nDynamoDB Local's CPU per call, ms (median of ${ROUNDS} rounds of ${SECONDS} s; the rounds' range; in raw single-item writes at the same concurrency)`,
);
console.log(`| kind | ${CONCURRENCY.map((c) => `${c} in flight | raw writes | latency p50`).join(' | ')} |`);
console.log(`|---|${CONCURRENCY.map(() => '---:|---:|---:').join('|')}|`);
for (const kind of kinds) {
  const cells = CONCURRENCY.map((c) => {
    const failed = (results.get(keyOf(kind.name, c)) ?? []).reduce((n, m) => n + m.failed, 0);
    const p50 = median((results.get(keyOf(kind.name, c)) ?? []).map((m) => m.p50));
    return `${msOf(kind.name, c).toFixed(2)} (${spread(kind.name, c)})${failed > 0 ? ` ${failed} failed` : ''} | ${(msOf(kind.name, c) / msOf(RAW, c)).toFixed(2)} | ${p50.toFixed(1)} ms`;
  });
  console.log(`| ${kind.name} | ${cells.join(' | ')} |`);
}

// 6. The explanation of a pipeline run: its calls per report by kind, priced.

/** Prices the calls of the run saved in `counts` (`bench:pipeline`'s JSON), by kind. */
const explain = (counts: string): void => {
  const run = existsSync(counts) ? (JSON.parse(readFileSync(counts, 'utf8')) as PipelineCounts) : undefined;
  if (!run?.engine) {
    console.log(`\n(no calls counted in ${counts}: run \`npm run bench:pipeline\` first to have them explained)`);
    return;
  }
  const window = run.engine;
  const reports = window.reports;
  /** The probed kind that prices a counted kind: the same, or the same operation on the same table with the nearest count. */
  const bandOf = (name: string): number => Number(/(\d+)(?:–\d+)? (?:items|returned)/.exec(name)?.[1] ?? 0);
  const targetOf = (name: string): string => name.split(',')[0] ?? name;
  const priceOf = (name: string): Kind | undefined => {
    const priced = kinds.filter((k) => !k.variant);
    const exact = priced.find((k) => k.name === name);
    if (exact) return exact;
    const operation = name.split(' ')[0];
    const near = (candidates: readonly Kind[]) =>
      [...candidates].sort(
        (a, b) => Math.abs(bandOf(a.name) - bandOf(name)) - Math.abs(bandOf(b.name) - bandOf(name)),
      )[0];
    return (
      near(priced.filter((k) => targetOf(k.name) === targetOf(name))) ??
      near(priced.filter((k) => k.name.split(' ')[0] === operation))
    );
  };
  const perKind = new Map<string, number>();
  for (const call of window.calls) perKind.set(kindOf(call), (perKind.get(kindOf(call)) ?? 0) + call.count);
  const at = CONCURRENCY[0] ?? 1;
  const rows = [...perKind]
    .map(([name, count]) => {
      const priced = priceOf(name);
      const perReport = count / reports;
      return {
        name,
        perReport,
        priced: priced?.name,
        ms: CONCURRENCY.map((c) => (priced ? perReport * msOf(priced.name, c) : 0)),
      };
    })
    .sort((a, b) => (b.ms[0] ?? 0) - (a.ms[0] ?? 0));
  const measured = (1000 * window.javaSeconds) / reports;
  const idleMs = (1000 * window.idle.javaSeconds * window.seconds) / window.idle.seconds / reports;
  const total = CONCURRENCY.map((_, i) => rows.reduce((n, r) => n + (r.ms[i] ?? 0), 0));
  console.log(
    `\nWhere DynamoDB Local's CPU per report went in the run of ${run.measuredAt} (${reports} accepted reports, ${window.seconds.toFixed(0)} s): calls per report × this run's CPU per call`,
  );
  console.log(
    `| kind of call | calls per report | priced as | ${CONCURRENCY.map((c) => `ms per report at ${c} in flight`).join(' | ')} | share at ${at} |`,
  );
  console.log(`|---|---:|---|${CONCURRENCY.map(() => '---:').join('|')}|---:|`);
  for (const r of rows) {
    if (r.perReport < 0.005) continue;
    console.log(
      `| ${r.name} | ${r.perReport.toFixed(2)} | ${r.priced === r.name ? 'itself' : (r.priced ?? 'not probed')} | ${r.ms.map((m) => m.toFixed(2)).join(' | ')} | ${(((r.ms[0] ?? 0) / (total[0] ?? 1)) * 100).toFixed(0)} % |`,
    );
  }
  console.log(
    `| **the calls, summed** | ${rows.reduce((n, r) => n + r.perReport, 0).toFixed(2)} | | ${total.map((t) => `**${t.toFixed(1)}**`).join(' | ')} | |`,
  );
  console.log(
    `| Java CPU per report measured in that run | | | ${measured.toFixed(1)} (of which the idle engine's rate over the window: ${idleMs.toFixed(1)}) | |`,
  );
  if (window.javaThreads) {
    // A run's engine is a fresh JVM: its compiler threads' work is the JVM warming up, which the
    // probe's warmed-up prices leave out.
    const serving = measured - (1000 * window.javaThreads.jit) / reports;
    console.log(
      `| the same without its JIT compiler's threads | | | ${serving.toFixed(1)} | |\nthat run's DynamoDB Local by its threads, ms per report (idle included): ${describeThreads(window.javaThreads, reports)}`,
    );
  }
  console.log(
    `in raw single-item writes: the calls ${CONCURRENCY.map((c, i) => `${((total[i] ?? 0) / msOf(RAW, c)).toFixed(1)} at ${c} in flight`).join(', ')}; that run measured ${(measured / 1000 / window.javaPerRawWrite).toFixed(1)} (its raw write at 32 in flight, ${(window.javaPerRawWrite * 1000).toFixed(2)} ms)`,
  );
};

// Several runs can be explained with the same prices: `--counts a.json,b.json`.
for (const counts of (values.counts ?? '.bench/pipeline.json').split(',')) explain(counts);
