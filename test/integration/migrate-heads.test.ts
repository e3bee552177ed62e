/**
 * Heads written before the boards' index keys existed, on the local runtime (DynamoDB Local):
 * their keys removed by hand, as an older version wrote them, the boards miss the incidents and
 * verification finds the heads not matching their logs. Rewriting the heads from their logs (the
 * use case, `npm run migrate-heads`, and `npm start` on data that needs it) puts them back on the
 * boards and makes verification clean, changes nothing on a second run, and leaves alone a head
 * an append moved while it was being rewritten.
 */
import { rmSync } from 'node:fs';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { startLocalRuntime } from '../../infra/local/runtime';
import { tables } from '../../infra/resources';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import { makeDynamoIncidentStore } from '../../shared/adapters/dynamodb/incident-store';
import { HEAD_SK, incidentPk } from '../../shared/adapters/dynamodb/keys';
import { type HeadRewriteProgress, makeRewriteHeads } from '../../shared/application/rewrite-heads';
import type { IncidentStore } from '../../shared/ports/incident-store';
import { call, initialReport, runScript, startTestRuntime, type TestRuntime, tokenFor } from './support';

interface Board {
  items: { incidentId: string; version: number }[];
}

interface VerifyPage {
  broken: { id: string; reason: string }[];
  next?: string;
}

describe('rewriting heads written before the boards existed', () => {
  let runtime: TestRuntime;
  let dynamodb: DynamoDBClient;
  let store: IncidentStore;
  let reporter: string;
  let county: string;
  let inspector: string;
  const incidents: string[] = [];

  const boardIds = async (): Promise<string[]> => {
    const answer = await call(runtime, 'GET', '/v1/desk/board', { token: county });
    expect(answer.status, answer.text).toBe(200);
    return (answer.body as Board).items.map((row) => row.incidentId);
  };

  const brokenHeads = async (): Promise<string[]> => {
    const answer = await call(runtime, 'GET', '/v1/audit/verify?region=110000', { token: inspector });
    expect(answer.status, answer.text).toBe(200);
    const page = answer.body as VerifyPage;
    expect(page.next).toBeUndefined();
    return page.broken.filter((b) => b.reason === 'head-projection-mismatch').map((b) => b.id);
  };

  /** The head as an older version wrote it: without the boards' keys. */
  const writeOldStyle = async (incidentId: string): Promise<void> => {
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: runtime.resources.tables.incidents,
        Key: { pk: { S: incidentPk(incidentId) }, sk: { S: HEAD_SK } },
        UpdateExpression: 'REMOVE boardKey, changeKey',
        ConditionExpression: 'attribute_exists(boardKey)',
      }),
    );
  };

  /**
   * Waits until the logs stop growing: each report and forward is followed by its notifications'
   * events (no officer is on record), appended a moment later.
   */
  const settle = async (): Promise<void> => {
    const until = Date.now() + 20_000;
    let last = '';
    for (let stable = 0; stable < 3; ) {
      if (Date.now() > until) throw new Error('the logs did not settle in 20 s');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const now = (await Promise.all(incidents.map(async (id) => (await store.getEvents(id)).length))).join(',');
      stable = now === last ? stable + 1 : 0;
      last = now;
    }
  };

  const forward = async (incidentId: string): Promise<void> => {
    const answer = await call(runtime, 'POST', `/v1/incidents/${incidentId}/forward`, { token: county, body: {} });
    expect(answer.status, answer.text).toBe(200);
  };

  beforeAll(async () => {
    runtime = await startTestRuntime();
    dynamodb = new DynamoDBClient({
      region: LOCAL_REGION,
      credentials: localCredentials,
      endpoint: runtime.endpoints.dynamodb,
    });
    store = makeDynamoIncidentStore({
      client: makeDocumentClient(dynamodb),
      incidentsTable: runtime.resources.tables.incidents,
    });
    reporter = await tokenFor(runtime, { sub: 'u1', role: 'reporter', region: '110101', unit: 'U-1' });
    county = await tokenFor(runtime, { sub: 'dc', role: 'office', region: '110101', level: 'county' });
    inspector = await tokenFor(runtime, { sub: 'insp', role: 'inspector', region: '110000' });
    for (let i = 0; i < 3; i++) {
      const answer = await call(runtime, 'POST', '/v1/reports', {
        token: reporter,
        body: initialReport('110101', 'U-1'),
      });
      expect(answer.status, answer.text).toBe(201);
      incidents.push((answer.body as { incidentId: string }).incidentId);
    }
    await settle();
  });

  afterAll(async () => {
    await runtime?.close();
  });

  it('finds old-style heads missing from the board and not matching their logs, then rewrites them, leaving a head an append moved meanwhile', async () => {
    expect(await boardIds()).toEqual(expect.arrayContaining(incidents));
    expect(await brokenHeads()).toEqual([]);
    for (const id of incidents) await writeOldStyle(id);
    expect((await boardIds()).filter((id) => incidents.includes(id))).toEqual([]);
    expect((await brokenHeads()).sort()).toEqual([...incidents].sort());

    // The third is forwarded by its county just before its rewrite is written: the rewrite, decided
    // on the head before the forward, must not land over the forward's head.
    const [, , moved] = incidents as [string, string, string];
    let forwardedMeanwhile = false;
    const racing: IncidentStore = {
      ...store,
      rewriteHead: async (state) => {
        if (state.incidentId === moved && !forwardedMeanwhile) {
          forwardedMeanwhile = true;
          await forward(moved);
        }
        return (await store.rewriteHead?.(state)) ?? false;
      },
    };
    const progress: HeadRewriteProgress[] = [];
    const result = await makeRewriteHeads({ incidents: racing })({ progress: (p) => progress.push(p) });

    expect(forwardedMeanwhile).toBe(true);
    expect(result).toEqual({ heads: 3, rewritten: 2, unchanged: 1, moving: [], disagreeing: [] });
    await settle();
    // The forward's head stands (the county's duty met), and it is what the log says.
    const head = await store.getHeadItem?.(moved);
    expect(head?.state.obligations).toEqual([expect.objectContaining({ handover: 'countyToCity', status: 'met' })]);
    expect(head?.item).toMatchObject({ boardKey: 'BOARD#110000' });
    expect(await boardIds()).toEqual(expect.arrayContaining(incidents));
    expect(await brokenHeads()).toEqual([]);

    const again = await makeRewriteHeads({ incidents: store })();
    expect(again).toEqual({ heads: 3, rewritten: 0, unchanged: 3, moving: [], disagreeing: [] });
  });

  it('npm run migrate-heads rewrites old-style heads once, and refuses a position it did not give', async () => {
    const [first, second] = incidents as [string, string];
    await writeOldStyle(first);
    await writeOldStyle(second);
    expect(await brokenHeads()).toHaveLength(2);

    const run = await runScript(runtime, 'migrate-heads');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('3 incident heads read: 2 rewritten from their logs, 1 already right');
    expect(await brokenHeads()).toEqual([]);
    expect(await boardIds()).toEqual(expect.arrayContaining(incidents));

    const rerun = await runScript(runtime, 'migrate-heads');
    expect(rerun.stdout).toContain('3 incident heads read: 0 rewritten from their logs, 3 already right');

    const bad = await runScript(runtime, 'migrate-heads', '--after', 'not-a-position');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a position of the scan of heads');
  });

  it('stops when told to, and resumes from the position it reports', async () => {
    const progress: HeadRewriteProgress[] = [];
    const rewrite = makeRewriteHeads({ incidents: store });
    const whole = await rewrite({ pageSize: 2, progress: (p) => progress.push(p) });
    expect(whole.heads).toBe(3);
    const [first] = progress;
    expect(first?.heads).toBeGreaterThan(0);

    // Started where a page ended: exactly the heads after it.
    const rest = await rewrite({ pageSize: 2, after: first?.after ?? '' });
    expect((first?.heads ?? 0) + rest.heads).toBe(3);

    // Told to stop after its first page (as the function is, near its end): it says where to go on.
    const cut = await rewrite({ pageSize: 2, keepGoing: () => false });
    expect(cut.after).toEqual(expect.any(String));
    const remainder = await rewrite({ pageSize: 2, after: cut.after ?? '' });
    expect(cut.heads + remainder.heads).toBe(3);
    expect(remainder.after).toBeUndefined();
  });

  it('npm start rewrites heads that lack the boards’ keys when it starts on such data', async () => {
    const [first] = incidents as [string];
    await writeOldStyle(first);
    const lines: string[] = [];
    await runtime.stop();
    const restarted = await startLocalRuntime({
      port: 0,
      dataDir: runtime.dataDir,
      policy: 'national',
      engines: { dynamodbEndpoint: runtime.endpoints.dynamodb, messagingEndpoint: runtime.endpoints.messaging },
      resourcePrefix: runtime.resources.tables.incidents.slice(0, -tables.incidents.localName.length),
      log: (line) => lines.push(line),
    });
    runtime = {
      ...restarted,
      close: async () => {
        await restarted.stop();
        rmSync(restarted.dataDir, { recursive: true, force: true });
      },
    };
    expect(lines.join('\n')).toContain('3 incident heads read: 1 rewritten from their logs, 2 already right');
    expect(await brokenHeads()).toEqual([]);
    expect(await boardIds()).toEqual(expect.arrayContaining(incidents));
  });
});
