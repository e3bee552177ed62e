/**
 * `npm run backup` and `npm run restore` on a real data folder: refused while the runtime runs;
 * a backup of the stopped runtime, restored over a folder that has since taken more reports and
 * then been killed mid-flight, brings back exactly the backed-up tables — every item of every
 * table — and every chain verifies; a digest taken before the restore names what it took away.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, expect, it } from 'vitest';
import { openLocalSigner } from '../../infra/local/auth';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { SHORT_RUN_JVM_OPTIONS } from '../../infra/local/dynamodb-local';
import { tables } from '../../infra/resources';
import { canonicalJson, type Json } from '../../shared/domain/canonical';
import { PROVINCE, reportBody, summariesMatchLog, tokensFor } from '../soak/crash-phases';
import { type RuntimeGroup, startRuntimeGroup } from '../soak/runtime-group';
import { runScript } from './support';

const root = mkdtempSync(join(tmpdir(), 'incident-pipeline-backup-'));
const dataDir = join(root, 'data');
const backup = join(root, 'backup');
const digest = join(root, 'digest.json');
let runtime: RuntimeGroup | undefined;
/** Each start's Java spending less CPU on a run this short. */
const env = { JAVA_TOOL_OPTIONS: SHORT_RUN_JVM_OPTIONS.join(' ') };

afterAll(async () => {
  await runtime?.stop();
  rmSync(root, { recursive: true, force: true });
}, 60_000);

/** Every item of every table, in a stable order: the whole state, to compare before and after. */
const everything = async (live: RuntimeGroup): Promise<Record<string, string[]>> => {
  const client = new DynamoDBClient({
    region: LOCAL_REGION,
    credentials: localCredentials,
    endpoint: live.dynamodbEndpoint,
  });
  try {
    const state: Record<string, string[]> = {};
    for (const def of Object.values(tables)) {
      const items: string[] = [];
      let start: Record<string, never> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({ TableName: def.localName, ConsistentRead: true, ExclusiveStartKey: start }),
        );
        for (const item of page.Items ?? []) {
          // The roll-up's bookkeeping of which events it has applied: every start's reconciliation
          // marks every event of the log applied again, stamped with its own time.
          if (item.pk?.S?.startsWith('APPLIED#')) continue;
          items.push(canonicalJson(item as unknown as Json));
        }
        start = page.LastEvaluatedKey as Record<string, never> | undefined;
      } while (start);
      state[def.localName] = items.sort();
    }
    return state;
  } finally {
    client.destroy();
  }
};

const submit = async (live: RuntimeGroup, token: string, county: string, n: number): Promise<string> => {
  const answer = await fetch(`${live.url}/v1/reports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `backup-${n}` },
    body: reportBody(n, county),
  });
  const text = await answer.text();
  expect(answer.status, text).toBe(201);
  return (JSON.parse(text) as { incidentId: string }).incidentId;
};

it('restores exactly the backed-up state over later writes and a crash, refusing while the runtime runs', async () => {
  // PREPARE: three reports, under the national policy (hours-long deadlines: nothing moves after).
  runtime = await startRuntimeGroup({ dataDir, env });
  const tokens = await tokensFor(dataDir);
  const kept = [
    await submit(runtime, tokens.reporter('110101'), '110101', 1),
    await submit(runtime, tokens.reporter('110102'), '110102', 2),
    await submit(runtime, tokens.reporter('110105'), '110105', 3),
  ];
  // The roll-ups and the notifications land asynchronously: let them, so that nothing moves
  // between this look and the stop (the same state twice, a second and a half apart).
  expect((await summariesMatchLog(runtime)).differences).toBe(0);
  let backedUp = await everything(runtime);
  for (let look = 0; look < 20; look++) {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const again = await everything(runtime);
    if (JSON.stringify(again) === JSON.stringify(backedUp)) break;
    backedUp = again;
  }
  expect(backedUp[tables.incidents.localName]?.length).toBeGreaterThan(3);

  const refused = await runScript({ dataDir }, 'backup', '--to', backup);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('the local runtime is running');
  await runtime.stop();
  runtime = undefined;

  // ACT: back up; then more reports, and a kill in the middle of writing; then restore.
  const made = await runScript({ dataDir }, 'backup', '--to', backup);
  expect(made.code, made.stderr).toBe(0);
  let later: RuntimeGroup | undefined = await startRuntimeGroup({ dataDir, env });
  const lost = await submit(later, tokens.reporter('110106'), '110106', 4);
  // One backed-up incident gets an event after the backup: its county office acknowledges it.
  const county = await (await openLocalSigner(dataDir)).sign({
    sub: 'dongcheng',
    role: 'office',
    region: '110101',
    level: 'county',
  });
  const acknowledged = await fetch(`${later.url}/v1/incidents/${kept[0]}/acknowledge`, {
    method: 'POST',
    headers: { authorization: `Bearer ${county}`, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(acknowledged.status).toBe(200);
  // An inspector's digest of the trail as it now stands, kept outside the data folder.
  const saved = await runScript({ dataDir }, 'verify-audit', '--region', PROVINCE, '--save-digest', digest);
  expect(saved.code, saved.stderr).toBe(0);
  const inFlight = fetch(`${later.url}/v1/reports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.reporter('110107')}`, 'content-type': 'application/json' },
    body: reportBody(5, '110107'),
  }).catch(() => undefined);
  await later.kill();
  await inFlight;
  later = undefined;
  const restored = await runScript({ dataDir }, 'restore', backup);
  expect(restored.code, restored.stderr).toBe(0);
  expect(restored.stdout).toContain('the data it replaced is in');

  // ASSESS: every table item for item as backed up; the later report is gone, the chains hold.
  runtime = await startRuntimeGroup({ dataDir, env });
  expect(await everything(runtime)).toEqual(backedUp);
  for (const id of [...kept, lost]) {
    const read = await fetch(`${runtime.url}/v1/incidents/${id}`, {
      headers: { authorization: `Bearer ${tokens.inspector}` },
    });
    expect(read.status).toBe(id === lost ? 404 : 200);
  }
  // The verification endpoint (the CLI does the same; the crash-restart test runs it).
  const verified = await fetch(`${runtime.url}/v1/audit/verify?region=${PROVINCE}`, {
    headers: { authorization: `Bearer ${tokens.inspector}` },
  });
  expect(verified.status).toBe(200);
  const report = (await verified.json()) as { complete: boolean; counts: { chains: number; broken: number } };
  expect(report).toMatchObject({ complete: true, counts: { chains: kept.length, broken: 0 } });
  // Held to the later digest, verification names exactly what the restore took away.
  const against = await runScript(runtime, 'verify-audit', '--region', PROVINCE, '--against', digest, '--json');
  expect(against.code).toBe(1);
  const { broken } = JSON.parse(against.stdout) as { broken: { id: string; reason: string }[] };
  expect(broken.map(({ id, reason }) => ({ id, reason })).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
    [
      { id: kept[0], reason: 'anchor-missing-events' },
      { id: lost, reason: 'chain-missing' },
    ].sort((a, b) => (a.id ?? '').localeCompare(b.id ?? '')),
  );
}, 300_000);
