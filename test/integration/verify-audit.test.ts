/**
 * Tampering with the stored evidence, and finding it: incidents and a unit's zero-report log
 * written through the API, then one event's field changed, one event deleted, one head changed and
 * one zero report altered directly in DynamoDB Local.
 * `npm run verify-audit` (run as a person runs it) and `GET /v1/audit/verify` must both name each
 * incident and the sequence number where its chain breaks, and call intact data intact.
 */
import { DeleteItemCommand, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import { eventSk, HEAD_SK, incidentPk, zeroChainPk } from '../../shared/adapters/dynamodb/keys';
import { makeDynamoUnitRegistry } from '../../shared/adapters/dynamodb/unit-registry';
import {
  call,
  dayBeforeCutoff,
  everyPage,
  initialReport,
  runScript,
  startTestRuntime,
  type TestRuntime,
  tokenFor,
} from './support';

interface BrokenLink {
  kind: string;
  id: string;
  region: string;
  seq: number;
  reason: string;
  detail: string;
}

interface VerifyPage {
  region: string;
  complete: boolean;
  counts: { chains: number; events: number; intact: number; broken: number };
  broken: BrokenLink[];
  accessDenied?: { items: { action: string; reason: string }[] };
  next?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('verifying the audit trail after tampering', () => {
  let runtime: TestRuntime;
  let dynamodb: DynamoDBClient;
  let reporter: string;
  let inspector: string;
  const created: string[] = [];
  let periodId: string;

  /** The CLI in a child process, asynchronously so this process's runtime keeps serving. */
  const verifyCli = (...args: string[]) => runScript(runtime, 'verify-audit', ...args);

  /** Every page of `GET /v1/audit/verify`, followed to the end. */
  const verifyApi = (query: string) => everyPage<VerifyPage>(runtime, `/v1/audit/verify?${query}`, inspector);

  const versionOf = async (incidentId: string): Promise<number> => {
    const answer = await call(runtime, 'GET', `/v1/incidents/${incidentId}/audit`, { token: inspector });
    return (answer.body as { events: unknown[] }).events.length;
  };

  /**
   * Waits until the pipeline has stopped appending to the incidents (notifications are recorded in
   * the same logs moments after each event), so the tampering below is the last change to them.
   */
  const settle = async (ids: readonly string[]) => {
    let last = '';
    for (let stable = 0; stable < 3; ) {
      await sleep(400);
      const now = (await Promise.all(ids.map(versionOf))).join(',');
      stable = now === last ? stable + 1 : 0;
      last = now;
    }
  };

  beforeAll(async () => {
    runtime = await startTestRuntime();
    dynamodb = new DynamoDBClient({
      region: LOCAL_REGION,
      credentials: localCredentials,
      endpoint: runtime.endpoints.dynamodb,
    });
    reporter = await tokenFor(runtime, { sub: 'unit-u1', role: 'reporter', region: '110101', unit: 'U-1' });
    inspector = await tokenFor(runtime, { sub: 'insp-bj', role: 'inspector', region: '110000' });
    for (let i = 0; i < 4; i++) {
      const answer = await call(runtime, 'POST', '/v1/reports', {
        token: reporter,
        body: initialReport('110101', 'U-1', { casualties: { dead: 2, injured: 1, missing: 0, trapped: 0 } }),
      });
      expect(answer.status).toBe(201);
      const { incidentId } = answer.body as { incidentId: string };
      const followUp = await call(runtime, 'POST', '/v1/reports', {
        token: reporter,
        body: initialReport('110101', 'U-1', { kind: 'follow-up', incidentId }),
      });
      expect(followUp.status).toBe(201);
      created.push(incidentId);
    }
    // A duty period over Dongcheng and its one registered unit's zero report: a second kind of chain.
    await makeDynamoUnitRegistry({
      client: makeDocumentClient(dynamodb),
      table: runtime.resources.tables.officers,
    }).replaceCounties(
      ['110101'],
      [
        {
          unitId: 'U-1',
          name: 'Jingshan street office',
          county: '110101',
          kind: 'township',
          contact: { name: 'Li Ming', phone: '+86 10 6512 0000' },
        },
      ],
    );
    // A day whose 23:00 cut-off is still ahead, so its report can be filed now.
    const day = dayBeforeCutoff(23);
    const office = await tokenFor(runtime, { sub: 'dongcheng', role: 'office', region: '110101', level: 'county' });
    const period = await call(runtime, 'POST', '/v1/duty-periods', {
      token: office,
      body: { region: '110101', firstDate: day, lastDate: day, cutoffHour: 23, reason: 'flood season' },
    });
    expect(period.status).toBe(201);
    periodId = (period.body as { periodId: string }).periodId;
    const filed = await call(runtime, 'POST', '/v1/daily-reports', {
      token: reporter,
      body: { periodId, date: day, nothingToReport: true },
    });
    expect(filed.status).toBe(201);

    // One refusal on record, for the report to list beside the chains.
    expect((await call(runtime, 'GET', '/v1/audit/verify?region=110000', { token: reporter })).status).toBe(403);
    await settle(created);
  });

  afterAll(async () => {
    dynamodb?.destroy();
    await runtime?.close();
  });

  it('calls intact data intact: exit 0 from the CLI, no broken link from the API', async () => {
    const cli = await verifyCli('--region', '110000');
    expect(cli.stderr).not.toContain('Error');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('RESULT: intact');
    expect(cli.stdout).toContain('incident event logs: 4 chains');
    expect(cli.stdout).toContain('zero-report logs:    1 chains');
    // The one refusal on record is the first link of its province's chain for the day.
    expect(cli.stdout).toContain('refusals by day:     1 chains, 1 events');
    expect(cli.stdout).toContain('GET /v1/audit/verify');

    const pages = await verifyApi('region=110000');
    expect(pages.at(-1)?.complete).toBe(true);
    expect(pages.reduce((sum, p) => sum + p.counts.chains, 0)).toBe(6);
    expect(pages.flatMap((p) => p.broken)).toEqual([]);
    expect(pages[0]?.accessDenied?.items.map((d) => d.action)).toContain('GET /v1/audit/verify');
  });

  it('names the chain and the sequence number of a changed field, a deleted event, a changed head and an altered zero report', async () => {
    const [changed, deleted, headChanged, untouched] = created as [string, string, string, string];
    const table = runtime.resources.tables.incidents;
    // The initial report's dead lowered from 2 to 0, after the fact.
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: incidentPk(changed) }, sk: { S: eventSk(1) } },
        UpdateExpression: 'SET #data.#figures.#dead = :dead',
        ExpressionAttributeNames: { '#data': 'data', '#figures': 'figures', '#dead': 'dead' },
        ExpressionAttributeValues: { ':dead': { N: '0' } },
      }),
    );
    await dynamodb.send(
      new DeleteItemCommand({ TableName: table, Key: { pk: { S: incidentPk(deleted) }, sk: { S: eventSk(2) } } }),
    );
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: incidentPk(headChanged) }, sk: { S: HEAD_SK } },
        UpdateExpression: 'SET lastHash = :forged',
        ExpressionAttributeValues: { ':forged': { S: 'f'.repeat(64) } },
      }),
    );
    const headVersion = await versionOf(headChanged);
    // The unit's zero report said to have been filed late, after the fact.
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: runtime.resources.tables.zeroReports,
        Key: { pk: { S: zeroChainPk(periodId, 'U-1') }, sk: { S: eventSk(1) } },
        UpdateExpression: 'SET #data.#late = :late',
        ExpressionAttributeNames: { '#data': 'data', '#late': 'late' },
        ExpressionAttributeValues: { ':late': { BOOL: true } },
      }),
    );

    const expected = [
      { kind: 'incident', id: changed, region: '110101', seq: 1, reason: 'hash-mismatch' },
      { kind: 'incident', id: deleted, region: '110101', seq: 2, reason: 'sequence-gap' },
      { kind: 'incident', id: headChanged, region: '110101', seq: headVersion, reason: 'head-mismatch' },
      { kind: 'zero-report', id: `${periodId}/U-1`, region: '110101', seq: 1, reason: 'hash-mismatch' },
    ];
    const byId = (links: readonly BrokenLink[]) => [...links].sort((a, b) => a.id.localeCompare(b.id));

    const pages = await verifyApi('region=110000&limit=1');
    expect(pages.length).toBeGreaterThanOrEqual(6);
    const broken = byId(pages.flatMap((p) => p.broken));
    expect(broken).toEqual(byId(expected.map((e) => ({ ...e, detail: expect.any(String) }) as unknown as BrokenLink)));
    expect(broken.find((l) => l.id === untouched)).toBeUndefined();
    expect(pages.reduce((sum, p) => sum + p.counts.broken, 0)).toBe(4);
    expect(pages.reduce((sum, p) => sum + p.counts.intact, 0)).toBe(2);

    const cli = await verifyCli('--region', '110000');
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain('RESULT: BROKEN — 4 of 6 chains do not hold');
    expect(cli.stdout).toContain(`incident ${changed} (110101) at event 1: hash-mismatch`);
    expect(cli.stdout).toContain(`incident ${deleted} (110101) at event 2: sequence-gap`);
    expect(cli.stdout).toContain(`incident ${headChanged} (110101) at event ${headVersion}: head-mismatch`);
    expect(cli.stdout).toContain(`zero-report ${periodId}/U-1 (110101) at event 1: hash-mismatch`);

    const json = await verifyCli('--region', '110101', '--json');
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as VerifyPage;
    expect(report).toMatchObject({ region: '110101', complete: true, counts: { chains: 6, intact: 2, broken: 4 } });
    expect(byId(report.broken)).toEqual(byId(broken));
  });

  it('prints progress to stderr on long runs, and refuses a bad command line with exit 2', async () => {
    const run = await verifyCli('--region', '110000', '--progress-every', '2');
    expect(run.stderr).toContain('… 2 chains verified');
    expect(run.stderr).toContain('… 4 chains verified');
    expect(run.stderr).not.toContain('… 5 chains verified');
    const bad = await verifyCli('--region', '119999');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('119999');
    expect((await verifyCli()).code).toBe(2);
  });
});
