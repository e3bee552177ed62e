/**
 * What the HTTP fuzz needs from a running local runtime: tokens of every role and tokens that are
 * no good, incidents that exist, a valid body for every POST route, and a way to see whether the
 * tables a write lands in changed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { openLocalSigner } from '../../infra/local/auth';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import type { LocalRuntime } from '../../infra/local/runtime';
import { streamPollersCaughtUp } from '../../infra/local/stream-poller';
import type { Caller } from '../../shared/schemas/claims';
import { initialReport } from '../fixtures/reports';
import type { FuzzTargets } from './http-fuzz';

type Runtime = Pick<LocalRuntime, 'url' | 'dataDir' | 'endpoints' | 'resources'>;

/** A unit's initial report of now, valid as it stands. */
const report = (regionCode: string, unit: string) => initialReport(regionCode, unit);

const post = async (runtime: Runtime, path: string, token: string, body: unknown): Promise<Record<string, unknown>> => {
  const response = await fetch(`${runtime.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (!response.ok)
    throw new Error(`setting up the fuzz: POST ${path} answered ${response.status} ${JSON.stringify(answer)}`);
  return answer;
};

/** Tokens, incidents and bodies for a fuzz of `runtime`'s API. */
export const prepareFuzzTargets = async (runtime: Runtime): Promise<FuzzTargets> => {
  const signer = await openLocalSigner(runtime.dataDir);
  const otherKeyDir = mkdtempSync(join(tmpdir(), 'fuzz-other-key-'));
  const stranger = await openLocalSigner(otherKeyDir);
  rmSync(otherKeyDir, { recursive: true, force: true });
  const callers: Record<string, Caller> = {
    reporter: { sub: 'fuzz-unit-1', role: 'reporter', region: '110101', unit: 'U-1' },
    'reporter-shanghai': { sub: 'fuzz-unit-sh', role: 'reporter', region: '310101', unit: 'SH-1' },
    'office-county': { sub: 'fuzz-dongcheng', role: 'office', region: '110101', level: 'county' },
    'office-city': { sub: 'fuzz-beijing', role: 'office', region: '110100', level: 'city' },
    'office-province': { sub: 'fuzz-beijing-p', role: 'office', region: '110000', level: 'province' },
    inspector: { sub: 'fuzz-insp-bj', role: 'inspector', region: '110000' },
    'inspector-shanghai': { sub: 'fuzz-insp-sh', role: 'inspector', region: '310000' },
    'inspector-national': { sub: 'fuzz-insp-cn', role: 'inspector', region: '000000' },
  };
  const tokens: Record<string, string> = {};
  for (const [name, caller] of Object.entries(callers)) tokens[name] = await signer.sign(caller);
  tokens.expired = await signer.sign(callers.inspector as Caller, -60);
  tokens['other-key'] = await stranger.sign(callers.inspector as Caller);
  // Signed, but not the claims this API needs.
  tokens['no-region'] = await signer.sign({ sub: 'fuzz-x', role: 'inspector' } as Caller);
  tokens['unknown-role'] = await signer.sign({ sub: 'fuzz-x', role: 'admin', region: '110000' } as unknown as Caller);
  tokens['reporter-without-unit'] = await signer.sign({ sub: 'fuzz-x', role: 'reporter', region: '110101' } as Caller);
  tokens['not-a-jwt'] = 'a.b.c';

  const beijing = await post(runtime, '/v1/reports', tokens.reporter as string, report('110101', 'U-1'));
  const shanghai = await post(runtime, '/v1/reports', tokens['reporter-shanghai'] as string, report('310101', 'SH-1'));
  const nextYear = new Date().getUTCFullYear() + 1;
  const dutyPeriod = {
    region: '110101',
    firstDate: `${nextYear}-07-01`,
    lastDate: `${nextYear}-07-02`,
    cutoffHour: 16,
    reason: 'flood season',
  };
  const period = await post(runtime, '/v1/duty-periods', tokens['office-county'] as string, dutyPeriod);

  return {
    tokens,
    roles: Object.keys(callers),
    incidentIds: [String(beijing.incidentId), String(shanghai.incidentId)],
    bodies: {
      submitReport: report('110101', 'U-1'),
      acknowledge: { note: 'received' },
      forward: { grade: 'III', note: 'forwarded' },
      recordFinding: {
        finding: 'false-report',
        basis: 'figures contradict the hospital records',
        responsible: ['U-1'],
      },
      activateDutyPeriod: dutyPeriod,
      fileDailyReport: { periodId: String(period.periodId), date: `${nextYear}-07-01`, nothingToReport: true },
    },
  };
};

/**
 * How many items the tables an API write lands in hold (incident logs, zero-report logs, stored
 * idempotent answers), as one value; and a wait for them to stop changing. The access log is left
 * out: recording a refusal is the one write a refusal makes.
 */
export const evidenceCounter = (runtime: Runtime) => {
  const client = new DynamoDBClient({
    region: LOCAL_REGION,
    credentials: localCredentials,
    endpoint: runtime.endpoints.dynamodb,
  });
  const { incidents, zeroReports, idempotency } = runtime.resources.tables;
  const countOf = async (table: string): Promise<number> => {
    let total = 0;
    let start: Record<string, never> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ TableName: table, Select: 'COUNT', ConsistentRead: true, ExclusiveStartKey: start }),
      );
      total += page.Count ?? 0;
      start = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (start);
    return total;
  };
  const sqs = new SQSClient({
    region: LOCAL_REGION,
    credentials: localCredentials,
    endpoint: runtime.endpoints.messaging,
  });
  const writes = async (): Promise<string> =>
    (await Promise.all([incidents, zeroReports, idempotency].map(countOf))).join('/');
  /** Messages waiting or being handled in the pipeline's queues: what an accepted write set off and has not yet landed. */
  const inFlight = async (): Promise<number> => {
    const counts = await Promise.all(
      Object.values(runtime.resources.queues).map(async ({ url }) => {
        const { Attributes } = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: url,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        return (
          Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
          Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
        );
      }),
    );
    return counts.reduce((sum, count) => sum + count, 0);
  };
  // Settled: the counts unchanged over three reads 200 ms apart with the stream read past every
  // write and nothing in the queues at any of them. The counts alone once settled while a
  // notification was still on its way under the whole suite's load (more than 600 ms between the
  // event and its NotificationSent), and the next refusal was blamed for its write; with the queues
  // empty too it once happened again, the events not yet read from the stream.
  const settle = async (): Promise<string> => {
    let last = await writes();
    const deadline = Date.now() + 15_000;
    for (let stable = 0; stable < 3 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const [now, queued] = await Promise.all([writes(), inFlight()]);
      stable = now === last && queued === 0 && streamPollersCaughtUp() ? stable + 1 : 0;
      last = now;
    }
    return last;
  };
  return {
    writes,
    settle,
    close: () => {
      client.destroy();
      sqs.destroy();
    },
  };
};
