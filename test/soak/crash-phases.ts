/**
 * The crash-restart fault phases, shared by `npm run soak` (test/soak/crash-restart.ts) and the
 * small version in `npm test` (test/integration/crash-restart.test.ts).
 *
 * A phase sends reports to a running runtime, kills its whole process group with SIGKILL — right
 * after one 201, or in the middle of a burst — and, once the runtime is started again on the same
 * data folder, holds it to what a 201 promises: the incident is there, and a retry under the same
 * Idempotency-Key answers with the same incident instead of making a new one. A ledger of every
 * key ever sent, and the incident it stands for, runs across phases, so the number of incidents
 * stored can be held to it (nothing doubled, nothing extra).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { openLocalSigner } from '../../infra/local/auth';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { tables } from '../../infra/resources';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import { makeDynamoIncidentStore } from '../../shared/adapters/dynamodb/incident-store';
import { OPEN_SHARDS } from '../../shared/adapters/dynamodb/keys';
import { makeDynamoSummaryStore } from '../../shared/adapters/dynamodb/summary-store';
import { makeReconcile } from '../../shared/application/roll-up';
import type { Obligation } from '../../shared/domain/obligation';
import type { RuntimeGroup } from './runtime-group';

/** Beijing's counties: one province to verify, several counties and one city to roll up. */
export const COUNTIES = ['110101', '110102', '110105', '110106', '110107', '110108'] as const;
export const PROVINCE = '110000';

/** One report sent under one key, and what came back. */
export interface Attempt {
  readonly key: string;
  readonly county: string;
  readonly body: string;
  status?: number;
  text?: string;
  incidentId?: string;
  /** The request never got an answer (the runtime died under it, or was already gone). */
  cut?: boolean;
}

/** Everything sent so far, across phases: key → the incident it stands for, once known. */
export interface Ledger {
  readonly attempts: Map<string, Attempt>;
}

export const newLedger = (): Ledger => ({ attempts: new Map() });

export interface Tokens {
  readonly reporter: (county: string) => string;
  readonly inspector: string;
}

/** Tokens signed with the data folder's key (the runtime creates it on its first start). */
export const tokensFor = async (dataDir: string): Promise<Tokens> => {
  const signer = await openLocalSigner(dataDir);
  const reporters = new Map<string, string>();
  for (const county of COUNTIES) {
    reporters.set(
      county,
      await signer.sign({ sub: `unit-${county}`, role: 'reporter', region: county, unit: `U-${county}` }),
    );
  }
  const inspector = await signer.sign({ sub: 'crash-inspector', role: 'inspector', region: PROVINCE });
  return {
    reporter: (county) => reporters.get(county) ?? '',
    inspector,
  };
};

/** An initial report learned of a few minutes ago (so the unit is on time), different each time. */
export const reportBody = (n: number, county: string): string => {
  const learned = new Date(Date.now() - 5 * 60_000);
  return JSON.stringify({
    kind: 'initial',
    category: 'accident',
    subtype: 'road collapse',
    occurredAt: new Date(learned.getTime() - 60_000).toISOString(),
    learnedAt: learned.toISOString(),
    regionCode: county,
    location: { address: `crash test site ${n}` },
    casualties: { dead: 0, injured: n % 5, missing: 0 },
    affectedPeople: 10 + (n % 100),
    directLossYuan: 10_000 * (n % 50),
    summary: `Crash test report ${n}: a section of road collapsed after heavy rain.`,
    measuresTaken: 'Road closed; traffic diverted.',
    reporter: { name: 'Crash test', phone: '+86 10 0000 0000', unit: `U-${county}` },
  });
};

const newAttempt = (ledger: Ledger, n: number): Attempt => {
  const county = COUNTIES[n % COUNTIES.length] ?? '110101';
  const attempt: Attempt = { key: `crash-${randomUUID()}`, county, body: reportBody(n, county) };
  ledger.attempts.set(attempt.key, attempt);
  return attempt;
};

/** One POST of the attempt's report; a 429 is waited out and sent again, as a client would. */
const post = async (url: string, tokens: Tokens, attempt: Attempt): Promise<{ status: number; text: string }> => {
  for (let tries = 1; ; tries += 1) {
    const answer = await fetch(`${url}/v1/reports`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens.reporter(attempt.county)}`,
        'content-type': 'application/json',
        'idempotency-key': attempt.key,
      },
      body: attempt.body,
    });
    const text = await answer.text();
    if (answer.status !== 429 || tries >= 10) return { status: answer.status, text };
    const after = Number(answer.headers.get('retry-after'));
    await new Promise((done) => setTimeout(done, Number.isFinite(after) && after > 0 ? after * 1000 : 100 * tries));
  }
};

const incidentIdOf = (text: string): string | undefined => {
  try {
    const id = (JSON.parse(text) as { incidentId?: unknown }).incidentId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
};

/** What one crash did: how the runtime was killed, and when. */
export interface Crash {
  readonly kind: 'after-201' | 'mid-burst';
  readonly attempts: readonly Attempt[];
  /** When the kill was sent (ms since the epoch). */
  readonly at: number;
  readonly sent: number;
  readonly created: number;
  readonly cut: number;
  readonly serverErrors: number;
}

/**
 * Sends one report and, the moment its 201 has been read, kills the runtime's whole process group:
 * no further request reaches DynamoDB Local in between.
 */
export const killRightAfter201 = async (
  runtime: RuntimeGroup,
  tokens: Tokens,
  ledger: Ledger,
  n: number,
): Promise<Crash> => {
  const attempt = newAttempt(ledger, n);
  const { status, text } = await post(runtime.url, tokens, attempt);
  const at = Date.now();
  if (status !== 201) {
    await runtime.kill();
    throw new Error(`expected 201, got ${status}: ${text}`);
  }
  await runtime.kill();
  attempt.status = status;
  attempt.text = text;
  attempt.incidentId = incidentIdOf(text);
  return { kind: 'after-201', attempts: [attempt], at, sent: 1, created: 1, cut: 0, serverErrors: 0 };
};

/**
 * Sends `reports` reports, `inFlight` at a time, and kills the runtime's process group once
 * `killAfter` of them have been answered 201 — with the others still in flight. Requests not yet
 * sent when the kill goes out are not sent.
 */
export const burstAndKill = async (
  runtime: RuntimeGroup,
  tokens: Tokens,
  ledger: Ledger,
  options: { readonly reports: number; readonly inFlight: number; readonly killAfter: number; readonly first: number },
): Promise<Crash> => {
  const attempts: Attempt[] = [];
  let next = 0;
  let created = 0;
  let serverErrors = 0;
  let killing: Promise<void> | undefined;
  let at = 0;
  const lane = async (): Promise<void> => {
    while (!killing && next < options.reports) {
      const attempt = newAttempt(ledger, options.first + next);
      next += 1;
      attempts.push(attempt);
      try {
        const { status, text } = await post(runtime.url, tokens, attempt);
        attempt.status = status;
        attempt.text = text;
        if (status === 201) {
          attempt.incidentId = incidentIdOf(text);
          created += 1;
          if (created === options.killAfter && !killing) {
            at = Date.now();
            killing = runtime.kill();
          }
        } else if (status >= 500) {
          serverErrors += 1;
        }
      } catch {
        attempt.cut = true;
      }
    }
  };
  await Promise.all(Array.from({ length: options.inFlight }, lane));
  if (!killing) {
    // Every report was answered before the kill point: kill now, still right after the last 201.
    at = Date.now();
    killing = runtime.kill();
  }
  await killing;
  return {
    kind: 'mid-burst',
    attempts,
    at,
    sent: attempts.length,
    created,
    cut: attempts.filter((a) => a.cut).length,
    serverErrors,
  };
};

/** What the restarted runtime showed of a crash. */
export interface Recovery {
  /** Answered 201 before the crash, and 404 (or anything but 200) after it. */
  readonly lost: readonly string[];
  /** A retry under a key answered 201 before the crash that names another incident. */
  readonly doubled: readonly string[];
  /** A retry whose answer is not byte for byte the first answer. */
  readonly changedAnswers: number;
  /** 5xx answers to the reads and retries after the restart. */
  readonly serverErrors: number;
  /** Requests the crash cut, answered 201 on the retry (their incident made then, or found made). */
  readonly completedByRetry: number;
  /** Of those, the ones that had landed before the kill (received before it): the retry replayed them. */
  readonly cutButLanded: number;
  /** Incidents stored, and keys in the ledger: equal when nothing was doubled or made up. */
  readonly incidentsStored: number;
  readonly keys: number;
}

const inParallel = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> => {
  let index = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (index < items.length) {
        const item = items[index] as T;
        index += 1;
        await work(item);
      }
    }),
  );
};

/**
 * After the restart: every 201 of the crash is readable, every key of the crash retried answers
 * with its first answer (or, for a request the crash cut, makes its incident once), and the store
 * holds exactly one incident per key of the ledger.
 */
export const recoverFrom = async (
  runtime: RuntimeGroup,
  tokens: Tokens,
  ledger: Ledger,
  crash: Crash,
  inFlight = 24,
): Promise<Recovery> => {
  const lost: string[] = [];
  const doubled: string[] = [];
  let changedAnswers = 0;
  let serverErrors = 0;
  let completedByRetry = 0;
  let cutButLanded = 0;
  await inParallel(crash.attempts, inFlight, async (attempt) => {
    if (attempt.status === 201 && attempt.incidentId) {
      const read = await fetch(`${runtime.url}/v1/incidents/${attempt.incidentId}`, {
        headers: { authorization: `Bearer ${tokens.inspector}` },
      });
      await read.text();
      if (read.status >= 500) serverErrors += 1;
      if (read.status !== 200) lost.push(attempt.key);
    }
    const retry = await post(runtime.url, tokens, attempt);
    if (retry.status >= 500) serverErrors += 1;
    if (retry.status !== 201) throw new Error(`retry of ${attempt.key}: ${retry.status} ${retry.text}`);
    const retried = incidentIdOf(retry.text);
    if (attempt.status === 201) {
      if (retried !== attempt.incidentId) doubled.push(attempt.key);
      if (retry.text !== attempt.text) changedAnswers += 1;
    } else {
      completedByRetry += 1;
      attempt.status = retry.status;
      attempt.text = retry.text;
      attempt.incidentId = retried;
      const read = await fetch(`${runtime.url}/v1/incidents/${retried}`, {
        headers: { authorization: `Bearer ${tokens.inspector}` },
      });
      const { receivedAt } = (await read.json()) as { receivedAt?: string };
      if (receivedAt && Date.parse(receivedAt) < crash.at) cutButLanded += 1;
    }
  });
  const heads = await incidentHeads(runtime);
  return {
    lost,
    doubled,
    changedAnswers,
    serverErrors,
    completedByRetry,
    cutButLanded,
    incidentsStored: heads.length,
    keys: ledger.attempts.size,
  };
};

/** The DynamoDB Local of a runtime, and the names of its tables (from DATA_DIR/runtime.json). */
const storeOf = (runtime: RuntimeGroup): { client: DynamoDBClient; incidentsTable: string; summariesTable: string } => {
  const announced = JSON.parse(readFileSync(join(runtime.dataDir, 'runtime.json'), 'utf8')) as {
    tables?: { incidents?: string; summaries?: string };
  };
  return {
    client: new DynamoDBClient({
      region: LOCAL_REGION,
      credentials: localCredentials,
      endpoint: runtime.dynamodbEndpoint,
    }),
    incidentsTable: announced.tables?.incidents ?? tables.incidents.localName,
    summariesTable: announced.tables?.summaries ?? tables.summaries.localName,
  };
};

interface Head {
  readonly incidentId: string;
  readonly obligations: readonly Obligation[];
}

const queryHeads = async (
  client: DynamoDBClient,
  input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'ExclusiveStartKey'>,
): Promise<Head[]> => {
  const heads: Head[] = [];
  let start: ConstructorParameters<typeof QueryCommand>[0]['ExclusiveStartKey'];
  do {
    const page = await client.send(new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }));
    for (const item of page.Items ?? []) heads.push(unmarshall(item) as Head);
    start = page.LastEvaluatedKey;
  } while (start);
  return heads;
};

/** Every incident head of the province, through the index the views read. */
export const incidentHeads = async (runtime: RuntimeGroup): Promise<Head[]> => {
  const { client, incidentsTable } = storeOf(runtime);
  try {
    return await queryHeads(client, {
      TableName: incidentsTable,
      IndexName: 'byProvince',
      KeyConditionExpression: 'provinceCode = :p',
      ExpressionAttributeValues: { ':p': { S: PROVINCE } },
    });
  } finally {
    client.destroy();
  }
};

/** The heads with a pending obligation, through the deadline sweeper's index. */
const openHeads = async (runtime: RuntimeGroup): Promise<Head[]> => {
  const { client, incidentsTable } = storeOf(runtime);
  try {
    const shards = await Promise.all(
      Array.from({ length: OPEN_SHARDS }, (_, shard) =>
        queryHeads(client, {
          TableName: incidentsTable,
          IndexName: 'openObligations',
          KeyConditionExpression: 'openShard = :s',
          ExpressionAttributeValues: { ':s': { S: `OPEN#${shard}` } },
        }),
      ),
    );
    return shards.flat();
  } finally {
    client.destroy();
  }
};

export interface Deadlines {
  /** Obligations opened before the crash and not settled before it. */
  readonly pendingAtCrash: number;
  /** Of those, settled (missed, met or waived) after the restart. */
  readonly flagged: number;
  /** Of those, still pending when the wait ended: must be none. */
  readonly unflagged: readonly string[];
}

const settledAt = (o: Obligation): string | undefined => o.missedAt ?? o.metAt ?? o.waivedAt;

/**
 * Every obligation pending at the crash is flagged after the restart: waits, up to `graceMs` past
 * the last of their deadlines, until none of them is pending any more.
 */
export const deadlinesAfter = async (runtime: RuntimeGroup, crashAt: number, graceMs = 30_000): Promise<Deadlines> => {
  const crash = new Date(crashAt).toISOString();
  const pendingAtCrash = new Map<string, string>();
  for (const head of await incidentHeads(runtime)) {
    for (const o of head.obligations) {
      const settled = settledAt(o);
      if (o.openedAt <= crash && (o.status === 'pending' || (settled !== undefined && settled > crash))) {
        pendingAtCrash.set(o.obligationId, o.dueAt);
      }
    }
  }
  const lastDue = Math.max(crashAt, ...[...pendingAtCrash.values()].map((due) => Date.parse(due)));
  let unflagged: string[] = [];
  for (;;) {
    const pending = new Set(
      (await openHeads(runtime)).flatMap((head) =>
        head.obligations.filter((o) => o.status === 'pending').map((o) => o.obligationId),
      ),
    );
    unflagged = [...pendingAtCrash.keys()].filter((id) => pending.has(id));
    if (unflagged.length === 0 || Date.now() > lastDue + graceMs) break;
    await new Promise((done) => setTimeout(done, 500));
  }
  return { pendingAtCrash: pendingAtCrash.size, flagged: pendingAtCrash.size - unflagged.length, unflagged };
};

export interface SummaryCheck {
  /** Counters where the stored summaries and the recomputation from the log differ (last look). */
  readonly differences: number;
  readonly incidents: number;
  readonly events: number;
  /** How long the roll-ups took to catch up with the log. */
  readonly waitedMs: number;
}

/**
 * The roll-up summaries equal a recomputation from the event log (`npm run reconcile`'s use case,
 * without repairing anything). The roll-up consumer is asynchronous and escalations keep
 * appending for a while, so it looks again until they agree or `timeoutMs` has passed.
 */
export const summariesMatchLog = async (runtime: RuntimeGroup, timeoutMs = 60_000): Promise<SummaryCheck> => {
  const { client, incidentsTable, summariesTable } = storeOf(runtime);
  const documents = makeDocumentClient(client);
  const reconcile = makeReconcile({
    incidents: makeDynamoIncidentStore({ client: documents, incidentsTable }),
    summaries: makeDynamoSummaryStore({ client: documents, table: summariesTable }),
  });
  const started = Date.now();
  try {
    for (;;) {
      const result = await reconcile({ fix: false });
      if (result.differences.length === 0 || Date.now() - started > timeoutMs) {
        return {
          differences: result.differences.length,
          incidents: result.incidents,
          events: result.events,
          waitedMs: Date.now() - started,
        };
      }
      await new Promise((done) => setTimeout(done, 1_000));
    }
  } finally {
    client.destroy();
  }
};
