/**
 * The head items the inspectors' views read, held to the logs they must be projected from. A
 * scenario of real incidents on the local runtime (windows of seconds, steady-drill.json): one
 * escalated past its silent county office, one forwarded up two levels with the grade raised by
 * the office, followed up and closed, one whose follow-up crossed a grade threshold, forwarded and
 * given an inspector's finding — every one notified. Then a head's obligation is turned from
 * missed to met directly in DynamoDB Local (the row vanishes from /v1/audit/missed), and another
 * head is deleted, its events left behind (the incident vanishes from the views and the endpoint).
 * `npm run verify-audit` and `GET /v1/audit/verify` must name the first; the CLI must name both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeleteItemCommand, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import { HEAD_SK, incidentPk } from '../../shared/adapters/dynamodb/keys';
import { makeDynamoOfficerDirectory } from '../../shared/adapters/dynamodb/officer-directory';
import type { Obligation } from '../../shared/domain/obligation';
import type { Officer } from '../../shared/domain/officers';
import { call, everyPage, initialReport, runScript, startTestRuntime, type TestRuntime, tokenFor } from './support';

// Windows of 8 s: the offices below act in time, and the silent one is reminded before its
// deadline, even while other test files load the machine.
const POLICY = fileURLToPath(new URL('../fixtures/policies/steady-drill.json', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface BrokenLink {
  kind: string;
  id: string;
  region: string;
  seq: number;
  reason: string;
  detail: string;
}

interface VerifyReport {
  complete: boolean;
  counts: { chains: number; intact: number; broken: number };
  byKind: { incident: { chains: number } };
  broken: BrokenLink[];
  next?: string;
}

interface Incident {
  incident: { incidentId: string; status: string; grade: string };
  obligations: Obligation[];
}

const officer = (office: string, personId: string, role: Officer['roles'][number]): Officer => ({
  office,
  personId,
  name: personId,
  roles: [role],
  endpoints: { email: `${personId.toLowerCase()}@example.cn` },
});

const casualties = (dead: number) => ({ casualties: { dead, injured: 0, missing: 0, trapped: 0 } });

describe('verifying the heads the views read', () => {
  let runtime: TestRuntime;
  let dynamodb: DynamoDBClient;
  let inspector: string;
  let folder: string;
  /** Escalated past Xicheng, which never forwarded: a missed duty. */
  let silent: string;
  /** Forwarded by Dongcheng with the grade raised to III, then by the city; followed up and closed. */
  let forwarded: string;
  /** A follow-up's figures crossed into grade III; forwarded by both offices; an inspector's finding. */
  let corrected: string;

  const get = (path: string) => call(runtime, 'GET', path, { token: inspector });
  const incident = async (id: string) => (await get(`/v1/incidents/${id}`)).body as Incident;
  const eventTypes = async (id: string) =>
    ((await get(`/v1/incidents/${id}/audit`)).body as { events: { type: string }[] }).events.map((e) => e.type);

  const verifyCli = (...args: string[]) => runScript(runtime, 'verify-audit', ...args);

  /** Every page of `GET /v1/audit/verify`, followed to the end, as one report. */
  const verifyApi = async (query: string) => {
    const pages = await everyPage<VerifyReport>(runtime, `/v1/audit/verify?${query}`, inspector);
    return {
      chains: pages.reduce((sum, p) => sum + p.byKind.incident.chains, 0),
      broken: pages.flatMap((p) => p.broken),
    };
  };

  const report = async (token: string, body: Record<string, unknown>) => {
    const answer = await call(runtime, 'POST', '/v1/reports', { token, body });
    expect(answer.status).toBe(201);
    return (answer.body as { incidentId: string }).incidentId;
  };

  const forward = async (token: string, id: string, body: Record<string, unknown> = {}) => {
    const answer = await call(runtime, 'POST', `/v1/incidents/${id}/forward`, { token, body });
    expect(answer.status).toBe(200);
  };

  /** Waits until no duty is pending and the logs have stopped growing (notifications come after). */
  const settle = async (ids: readonly string[], timeoutMs: number) => {
    const until = Date.now() + timeoutMs;
    let last = '';
    for (let stable = 0; stable < 3; ) {
      if (Date.now() > until) throw new Error(`the incidents did not settle in ${timeoutMs} ms`);
      await sleep(400);
      const states = await Promise.all(ids.map(incident));
      const lengths = await Promise.all(ids.map(async (id) => (await eventTypes(id)).length));
      const pending = states.some((s) => s.obligations.some((o) => o.status === 'pending'));
      const now = lengths.join(',');
      stable = !pending && now === last ? stable + 1 : 0;
      last = now;
    }
  };

  beforeAll(async () => {
    runtime = await startTestRuntime(POLICY, { sweepIntervalMs: 1_000 });
    dynamodb = new DynamoDBClient({
      region: LOCAL_REGION,
      credentials: localCredentials,
      endpoint: runtime.endpoints.dynamodb,
    });
    folder = mkdtempSync(join(tmpdir(), 'verify-heads-'));
    inspector = await tokenFor(runtime, { sub: 'insp-bj', role: 'inspector', region: '110000' });
    await makeDynamoOfficerDirectory({
      client: makeDocumentClient(dynamodb),
      table: runtime.resources.tables.officers,
    }).replaceOffices(
      ['110000', '110100', '110101', '110102'],
      [
        officer('110000', 'P-BJP', 'first-responsible'),
        officer('110100', 'P-BJC', 'first-responsible'),
        officer('110101', 'P-DC', 'first-responsible'),
        officer('110102', 'P-XC', 'first-responsible'),
      ],
      [],
      new Date(),
    );
    const dongchengUnit = await tokenFor(runtime, { sub: 'u-dc', role: 'reporter', region: '110101', unit: 'U-DC' });
    const xichengUnit = await tokenFor(runtime, { sub: 'u-xc', role: 'reporter', region: '110102', unit: 'U-XC' });
    const dongcheng = await tokenFor(runtime, { sub: 'dc', role: 'office', region: '110101', level: 'county' });
    const beijing = await tokenFor(runtime, { sub: 'bj', role: 'office', region: '110100', level: 'city' });

    silent = await report(xichengUnit, initialReport('110102', 'U-XC', { grade: 'IV' }));

    forwarded = await report(dongchengUnit, initialReport('110101', 'U-DC', { grade: 'IV' }));
    await forward(dongcheng, forwarded, { grade: 'III', note: 'more trapped than reported' });
    await forward(beijing, forwarded);
    await report(dongchengUnit, initialReport('110101', 'U-DC', { kind: 'follow-up', incidentId: forwarded }));
    await report(dongchengUnit, initialReport('110101', 'U-DC', { kind: 'final', incidentId: forwarded }));

    corrected = await report(dongchengUnit, initialReport('110101', 'U-DC', { grade: undefined, ...casualties(1) }));
    await report(
      dongchengUnit,
      initialReport('110101', 'U-DC', { kind: 'follow-up', incidentId: corrected, grade: undefined, ...casualties(4) }),
    );
    await forward(dongcheng, corrected);
    await forward(beijing, corrected);
    const finding = await call(runtime, 'POST', `/v1/incidents/${corrected}/findings`, {
      token: inspector,
      body: { finding: 'false-report', basis: 'Four dead by the first report’s time.', responsible: ['U-DC'] },
    });
    expect(finding.status).toBe(201);

    await settle([silent, forwarded, corrected], 30_000);
  });

  afterAll(async () => {
    dynamodb?.destroy();
    await runtime?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('recorded what the scenario set up, and calls every head intact: no false positive', async () => {
    const missed = (await incident(silent)).obligations;
    expect(missed.map((o) => [o.office, o.status, Boolean(o.escalatedAt)])).toEqual([['110102', 'missed', true]]);
    const closed = await incident(forwarded);
    expect(closed.incident).toMatchObject({ status: 'closed', grade: 'III' });
    expect(closed.obligations.map((o) => [o.office, o.status])).toEqual([
      ['110101', 'met'],
      ['110100', 'met'],
    ]);
    const all = new Set([
      ...(await eventTypes(silent)),
      ...(await eventTypes(forwarded)),
      ...(await eventTypes(corrected)),
    ]);
    for (const type of [
      'AutoEscalated',
      'DeadlineMissed',
      'DeadlineWarned',
      'GradeAssessed',
      'IncidentClosed',
      'InspectionFinding',
      'NotificationSent',
      'ReportForwarded',
    ]) {
      expect(all).toContain(type);
    }

    const cli = await verifyCli('--region', '110000');
    expect(cli.stderr).not.toContain('Error');
    expect(cli.stdout).toContain('incident event logs: 3 chains');
    expect(cli.stdout).toContain('RESULT: intact');
    expect(cli.code).toBe(0);
    expect(await verifyApi('region=110000&limit=1')).toEqual({ chains: 3, broken: [] });
  });

  it('names a head whose missed obligation was turned into met, which the missed view then hides', async () => {
    const missedRows = async () =>
      ((await get('/v1/audit/missed?region=110000')).body as { items: { incident: { id: string } | null }[] }).items;
    expect((await missedRows()).map((r) => r.incident?.id)).toContain(silent);
    const version = (await eventTypes(silent)).length;

    await dynamodb.send(
      new UpdateItemCommand({
        TableName: runtime.resources.tables.incidents,
        Key: { pk: { S: incidentPk(silent) }, sk: { S: HEAD_SK } },
        UpdateExpression: 'SET obligations[0].#status = :met',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':met': { S: 'met' } },
      }),
    );
    // What the review saw: the row is gone from the view, with nothing in the log to say so.
    expect((await missedRows()).map((r) => r.incident?.id)).not.toContain(silent);

    const expected = {
      kind: 'incident',
      id: silent,
      region: '110102',
      seq: version,
      reason: 'head-projection-mismatch',
      detail: expect.stringContaining('obligations[0].status: stored met, events say missed'),
    };
    const api = await verifyApi('region=110000&limit=1');
    expect(api.broken).toEqual([expected]);

    const cli = await verifyCli('--region', '110000');
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain(`incident ${silent} (110102) at event ${version}: head-projection-mismatch`);
    expect(cli.stdout).toContain('obligations[0].status: stored met, events say missed');
    expect(cli.stdout).toContain('RESULT: BROKEN — 1 of 3 chains do not hold');
    const json = JSON.parse((await verifyCli('--region', '110102', '--json')).stdout) as VerifyReport;
    expect(json.broken).toEqual([expected]);
  });

  it('names, from the CLI, an incident whose head was deleted with its events left behind', async () => {
    const digestFile = join(folder, 'digest.json');
    // The digest is taken while only the tampered head is broken: it anchors the other two.
    expect((await verifyCli('--region', '110000', '--save-digest', digestFile)).code).toBe(1);
    const types = await eventTypes(corrected);
    await dynamodb.send(
      new DeleteItemCommand({
        TableName: runtime.resources.tables.incidents,
        Key: { pk: { S: incidentPk(corrected) }, sk: { S: HEAD_SK } },
      }),
    );
    expect((await get(`/v1/incidents/${corrected}`)).status).toBe(404);

    // The endpoint finds incidents through their heads, as the views do: this one is gone from it.
    const api = await verifyApi('region=110000');
    expect(api.chains).toBe(2);
    expect(api.broken.map((l) => l.id)).toEqual([silent]);

    const expected = {
      kind: 'incident',
      id: corrected,
      region: '110101',
      seq: types.length,
      reason: 'head-missing',
      detail: expect.stringContaining('the incident is in none of the views'),
    };
    const cli = await verifyCli('--region', '110000');
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain(`incident ${corrected} (110101) at event ${types.length}: head-missing`);
    expect(cli.stdout).toContain('RESULT: BROKEN — 2 of 3 chains do not hold');
    const county = JSON.parse((await verifyCli('--region', '110101', '--json')).stdout) as VerifyReport;
    expect(county.broken).toEqual([expected]);
    // Another county's run does not look at it.
    const other = JSON.parse((await verifyCli('--region', '110102', '--json')).stdout) as VerifyReport;
    expect(other.broken.map((l) => l.id)).toEqual([silent]);
    // Held to the digest, the log is still found (by its events): a missing head, not a missing chain.
    const held = JSON.parse(
      (await verifyCli('--region', '110000', '--against', digestFile, '--json')).stdout,
    ) as VerifyReport;
    expect(held.broken.map(({ id, reason }) => ({ id, reason })).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [
        { id: silent, reason: 'head-projection-mismatch' },
        { id: corrected, reason: 'head-missing' },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
  });
});
