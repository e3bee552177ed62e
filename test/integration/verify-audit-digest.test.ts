/**
 * What the chains alone cannot catch, and a digest kept outside the system can: an event rewritten
 * with its hash recomputed and the head rebuilt to match (a "perfect" forgery of a log's end), and
 * an incident deleted whole, head and all — or a day of refused requests deleted whole, its head
 * with it. `npm run verify-audit -- --save-digest` records where every chain ends; `--against` that
 * file names them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import { headItem } from '../../shared/adapters/dynamodb/incident-store';
import { eventSk, HEAD_SK, incidentPk } from '../../shared/adapters/dynamodb/keys';
import type { AuditDigest } from '../../shared/domain/audit-digest';
import { hashOf } from '../../shared/domain/hash-chain';
import { replayHead } from '../../shared/domain/head-projection';
import type { IncidentEvent } from '../../shared/domain/incident';
import { call, initialReport, runScript, startTestRuntime, type TestRuntime, tokenFor } from './support';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('verifying against a digest kept outside the system', () => {
  let runtime: TestRuntime;
  let documents: ReturnType<typeof makeDocumentClient>;
  let folder: string;
  const created: string[] = [];

  const verifyCli = (...args: string[]) => runScript(runtime, 'verify-audit', ...args);

  const eventsOf = async (incidentId: string) =>
    (
      await documents.send(
        new QueryCommand({
          TableName: runtime.resources.tables.incidents,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': incidentPk(incidentId) },
        }),
      )
    ).Items ?? [];

  beforeAll(async () => {
    runtime = await startTestRuntime();
    documents = makeDocumentClient(
      new DynamoDBClient({ region: LOCAL_REGION, credentials: localCredentials, endpoint: runtime.endpoints.dynamodb }),
    );
    folder = mkdtempSync(join(tmpdir(), 'verify-digest-'));
    const reporter = await tokenFor(runtime, { sub: 'unit-u1', role: 'reporter', region: '110101', unit: 'U-1' });
    for (let i = 0; i < 3; i++) {
      const answer = await call(runtime, 'POST', '/v1/reports', {
        token: reporter,
        body: initialReport('110101', 'U-1'),
      });
      expect(answer.status).toBe(201);
      created.push((answer.body as { incidentId: string }).incidentId);
    }
    // Notifications are appended moments after each report: wait until the logs stop growing.
    let last = '';
    for (let stable = 0; stable < 3; ) {
      await sleep(400);
      const now = (await Promise.all(created.map(async (id) => (await eventsOf(id)).length))).join(',');
      stable = now === last ? stable + 1 : 0;
      last = now;
    }
  });

  afterAll(async () => {
    await runtime?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('catches a forged log end and a deleted incident that the chains alone call intact', async () => {
    // PREPARE: the digest, taken while the trail is intact.
    const digestFile = join(folder, 'digest.json');
    const saved = await verifyCli('--region', '110000', '--save-digest', digestFile);
    expect(saved.code).toBe(0);
    const digest = JSON.parse(readFileSync(digestFile, 'utf8')) as AuditDigest;
    expect(digest.chains.map((c) => c.id).sort()).toEqual([...created].sort());
    expect(saved.stdout).toContain(`root ${digest.root}`);

    const [forged, deleted, untouched] = created as [string, string, string];
    const table = runtime.resources.tables.incidents;
    // The last event of one log rewritten, its hash recomputed, the head rebuilt from the rewritten
    // log: a forgery with access to the table, the hashing rule and the projection.
    const items = await eventsOf(forged);
    const head = items.find((item) => item.sk === HEAD_SK) as Record<string, unknown>;
    const version = head.version as number;
    const { pk, sk, ...lastEvent } = items.find((item) => item.sk === eventSk(version)) as Record<string, unknown>;
    const rewritten = { ...lastEvent, at: '2020-01-01T00:00:00.000Z' };
    const rehashed = { ...rewritten, hash: hashOf(rewritten) };
    const log = items
      .filter((item) => item.sk !== HEAD_SK)
      .map(({ pk: _pk, sk: eventKey, ...event }) => (eventKey === sk ? rehashed : event)) as unknown as IncidentEvent[];
    const rebuilt = replayHead(log);
    expect(rebuilt).toMatchObject({ lastHash: rehashed.hash, updatedAt: rewritten.at });
    await documents.send(new PutCommand({ TableName: table, Item: { pk, sk, ...rehashed } }));
    // The whole head item as the store writes it, index keys included (they follow the projection too).
    if (!rebuilt) throw new Error('the forged log projects to no head');
    await documents.send(new PutCommand({ TableName: table, Item: headItem(rebuilt) }));
    // Another incident deleted whole: head and every event.
    for (const item of await eventsOf(deleted)) {
      await documents.send(new DeleteCommand({ TableName: table, Key: { pk: item.pk, sk: item.sk } }));
    }
    expect(
      (await documents.send(new GetCommand({ TableName: table, Key: { pk: incidentPk(deleted), sk: HEAD_SK } }))).Item,
    ).toBeUndefined();

    // ACT
    const alone = await verifyCli('--region', '110000');
    const held = await verifyCli('--region', '110000', '--against', digestFile, '--json');

    // ASSESS: the chains alone hold, and the head is what the forged log projects to — which is
    // why the digest exists.
    expect(alone.code).toBe(0);
    expect(alone.stdout).toContain('RESULT: intact');
    expect(held.code).toBe(1);
    const report = JSON.parse(held.stdout) as { broken: { id: string; seq: number; reason: string }[] };
    expect(
      report.broken.map(({ id, seq, reason }) => ({ id, seq, reason })).sort((a, b) => a.id.localeCompare(b.id)),
    ).toEqual(
      [
        { id: forged, seq: version, reason: 'anchor-mismatch' },
        { id: deleted, seq: digest.chains.find((c) => c.id === deleted)?.seq, reason: 'chain-missing' },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
    expect(report.broken.map((b) => b.id)).not.toContain(untouched);
  });

  it('refuses a digest file that was changed after it was written', async () => {
    const digestFile = join(folder, 'digest-2.json');
    expect((await verifyCli('--region', '110000', '--save-digest', digestFile)).code).toBe(0);
    const digest = JSON.parse(readFileSync(digestFile, 'utf8')) as AuditDigest;
    // Dropping a chain from the digest would hide its deletion: the root no longer recomputes.
    writeFileSync(digestFile, JSON.stringify({ ...digest, chains: digest.chains.slice(1) }));

    const run = await verifyCli('--region', '110000', '--against', digestFile);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('its root does not recompute');
  });

  it('holds the daily chains of refused requests to the digest: a day deleted whole, head and all, is named', async () => {
    // One refusal on record: the first link of Beijing's chain for today.
    const reporter = await tokenFor(runtime, { sub: 'unit-u2', role: 'reporter', region: '110101', unit: 'U-1' });
    expect((await call(runtime, 'GET', '/v1/audit/verify?region=110000', { token: reporter })).status).toBe(403);
    const digestFile = join(folder, 'digest-3.json');
    // The first test broke the incidents' trail on purpose; the digest is written all the same.
    await verifyCli('--region', '110000', '--save-digest', digestFile);
    const digest = JSON.parse(readFileSync(digestFile, 'utf8')) as AuditDigest;
    const day = digest.chains.find((c) => c.kind === 'access-denied');
    expect(day).toMatchObject({ id: expect.stringMatching(/^110000\/\d{4}-\d{2}-\d{2}$/), region: '110000', seq: 1 });

    // Every refusal of the province deleted, and the day's head with them: no chain is left to break.
    const table = runtime.resources.tables.accessLog;
    for (const pk of ['DENIED#110000', 'DENIED_HEADS#110000']) {
      const items =
        (
          await documents.send(
            new QueryCommand({
              TableName: table,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': pk },
            }),
          )
        ).Items ?? [];
      for (const item of items) {
        await documents.send(new DeleteCommand({ TableName: table, Key: { pk: item.pk, sk: item.sk } }));
      }
    }

    const alone = JSON.parse((await verifyCli('--region', '110000', '--json')).stdout) as {
      broken: { kind: string }[];
    };
    const held = JSON.parse((await verifyCli('--region', '110000', '--against', digestFile, '--json')).stdout) as {
      broken: { kind: string; id: string; seq: number; reason: string }[];
    };

    expect(alone.broken.filter((b) => b.kind === 'access-denied')).toEqual([]);
    expect(
      held.broken
        .filter((b) => b.kind === 'access-denied')
        .map(({ kind, id, seq, reason }) => ({ kind, id, seq, reason })),
    ).toEqual([{ kind: 'access-denied', id: day?.id, seq: 1, reason: 'chain-missing' }]);
  });
});
