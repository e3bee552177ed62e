/**
 * Stored numbers, tampered with directly in DynamoDB Local: one beyond 2^53 (1e20), which the SDK
 * would read as a BigInt that nothing can serialise, and one changed below double precision, which
 * the nearest double would hide. Verification — `npm run verify-audit` and `GET /v1/audit/verify` —
 * names exactly those chains and goes on with every other; the reads of those incidents answer.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { eventSk, incidentPk } from '../../shared/adapters/dynamodb/keys';
import { call, everyPage, initialReport, runScript, startTestRuntime, type TestRuntime, tokenFor } from './support';

interface VerifyPage {
  counts: { chains: number; intact: number; broken: number };
  broken: { id: string; seq: number; reason: string }[];
  next?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('numbers verified exactly as stored', () => {
  let runtime: TestRuntime;
  let dynamodb: DynamoDBClient;
  let inspector: string;
  let reporter: string;
  const created: string[] = [];

  const eventsOf = async (incidentId: string): Promise<number> => {
    const answer = await call(runtime, 'GET', `/v1/incidents/${incidentId}/audit`, { token: inspector });
    return (answer.body as { events: unknown[] }).events.length;
  };

  /** Waits until the pipeline has stopped appending (notifications land moments after each report). */
  const settle = async () => {
    let last = '';
    for (let stable = 0; stable < 3; ) {
      await sleep(400);
      const now = (await Promise.all(created.map(eventsOf))).join(',');
      stable = now === last ? stable + 1 : 0;
      last = now;
    }
  };

  /** Replaces one figure of an incident's first event with `digits`, as someone with table access could. */
  const tamper = (incidentId: string, figure: string, digits: string) =>
    dynamodb.send(
      new UpdateItemCommand({
        TableName: runtime.resources.tables.incidents,
        Key: { pk: { S: incidentPk(incidentId) }, sk: { S: eventSk(1) } },
        UpdateExpression: 'SET #data.#figures.#figure = :value',
        ExpressionAttributeNames: { '#data': 'data', '#figures': 'figures', '#figure': figure },
        ExpressionAttributeValues: { ':value': { N: digits } },
      }),
    );

  beforeAll(async () => {
    runtime = await startTestRuntime();
    dynamodb = new DynamoDBClient({
      region: LOCAL_REGION,
      credentials: localCredentials,
      endpoint: runtime.endpoints.dynamodb,
    });
    reporter = await tokenFor(runtime, { sub: 'unit-u1', role: 'reporter', region: '110101', unit: 'U-1' });
    inspector = await tokenFor(runtime, { sub: 'insp-bj', role: 'inspector', region: '110000' });
    for (let i = 0; i < 3; i++) {
      const answer = await call(runtime, 'POST', '/v1/reports', {
        token: reporter,
        // Fractions and small numbers too: what the current code writes must verify unchanged.
        body: initialReport('110101', 'U-1', {
          casualties: { dead: 10, injured: 1, missing: 0, trapped: 0 },
          location: { address: 'No. 3 shaft', lat: 39.9312345, lon: 116.4000001 },
        }),
      });
      expect(answer.status).toBe(201);
      created.push((answer.body as { incidentId: string }).incidentId);
    }
    await settle();
  });

  afterAll(async () => {
    dynamodb?.destroy();
    await runtime?.close();
  });

  it('calls chains written by the current code intact', async () => {
    const cli = await runScript(runtime, 'verify-audit', '--region', '110000');

    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('RESULT: intact');
  });

  describe('after one number is set beyond 2^53 and another changed below double precision', () => {
    let huge: string;
    let subtle: string;
    let untouched: string;

    beforeAll(async () => {
      [huge, subtle, untouched] = created as [string, string, string];
      await tamper(huge, 'directLossYuan', '1e20');
      await tamper(subtle, 'dead', '10.0000000000000000000001');
    });

    it('npm run verify-audit names both chains, at event 1, and calls the third intact (exit 1, a report)', async () => {
      const cli = await runScript(runtime, 'verify-audit', '--region', '110000', '--json');

      expect(cli.stderr).not.toContain('BigInt');
      expect(cli.code).toBe(1);
      const report = JSON.parse(cli.stdout) as VerifyPage;
      expect(report.counts).toMatchObject({ chains: 3, intact: 1, broken: 2 });
      expect(
        report.broken.map(({ id, seq, reason }) => ({ id, seq, reason })).sort((a, b) => a.id.localeCompare(b.id)),
      ).toEqual(
        [
          { id: huge, seq: 1, reason: 'hash-mismatch' },
          { id: subtle, seq: 1, reason: 'hash-mismatch' },
        ].sort((a, b) => a.id.localeCompare(b.id)),
      );
      expect(report.broken.map((link) => link.id)).not.toContain(untouched);
    });

    it('GET /v1/audit/verify names the same two, page by page', async () => {
      const pages = await everyPage<VerifyPage>(runtime, '/v1/audit/verify?region=110000&limit=1', inspector);

      expect(pages.flatMap((page) => page.broken.map((link) => link.id)).sort()).toEqual([huge, subtle].sort());
      expect(pages.reduce((sum, page) => sum + page.counts.intact, 0)).toBe(1);
    });

    it('GET /v1/incidents/{id} and its audit answer, showing what is stored and where the chain breaks', async () => {
      for (const [id, figure, stored] of [
        [huge, 'directLossYuan', 1e20],
        [subtle, 'dead', '10.0000000000000000000001'],
      ] as const) {
        const incident = await call(runtime, 'GET', `/v1/incidents/${id}`, { token: inspector });
        expect(incident.status).toBe(200);
        const audit = await call(runtime, 'GET', `/v1/incidents/${id}/audit`, { token: inspector });
        expect(audit.status).toBe(200);
        const body = audit.body as {
          events: { data: { figures?: Record<string, unknown> } }[];
          verification: { intact: boolean; brokenAtSeq?: number };
        };
        expect(body.verification).toMatchObject({ intact: false, brokenAtSeq: 1 });
        expect(body.events[0]?.data.figures?.[figure]).toBe(stored);
      }
    });
  });

  it('puts a head holding a number no double holds back with its digits when the incident is next appended to', async () => {
    // PREPARE: the head's copy of the figures changed below double precision
    const [, , incidentId] = created as [string, string, string];
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: runtime.resources.tables.incidents,
        Key: { pk: { S: incidentPk(incidentId) }, sk: { S: 'HEAD' } },
        UpdateExpression: 'SET #figures.#dead = :value',
        ExpressionAttributeNames: { '#figures': 'figures', '#dead': 'dead' },
        ExpressionAttributeValues: { ':value': { N: '10.0000000000000000000001' } },
      }),
    );
    const county = await tokenFor(runtime, { sub: 'dongcheng', role: 'office', region: '110101', level: 'county' });

    // ACT
    const acknowledged = await call(runtime, 'POST', `/v1/incidents/${incidentId}/acknowledge`, {
      token: county,
      body: {},
    });

    // ASSESS
    expect(acknowledged.status).toBe(200);
    const head = await dynamodb.send(
      new GetItemCommand({
        TableName: runtime.resources.tables.incidents,
        Key: { pk: { S: incidentPk(incidentId) }, sk: { S: 'HEAD' } },
        ConsistentRead: true,
      }),
    );
    expect(head.Item?.figures?.M?.dead).toEqual({ N: '10.0000000000000000000001' });
  });

  it('npm run verify-audit exits 2, not 1, when it cannot finish: no verdict is mistaken for "broken"', async () => {
    // PREPARE: a runtime announcement whose tables are not there
    const dataDir = mkdtempSync(join(tmpdir(), 'verify-audit-unreadable-'));
    writeFileSync(
      join(dataDir, 'runtime.json'),
      JSON.stringify({
        dynamodb: runtime.endpoints.dynamodb,
        tables: {
          incidents: 'no-such-incidents',
          accessLog: 'no-such-access-log',
          zeroReports: 'no-such-zero-reports',
        },
      }),
    );

    try {
      // ACT
      const cli = await runScript({ dataDir }, 'verify-audit', '--region', '110000');

      // ASSESS
      expect(cli.code).toBe(2);
      expect(cli.stderr).toContain('could not finish');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
