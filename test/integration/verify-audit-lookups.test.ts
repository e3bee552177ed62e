/**
 * What the inspectors' views read beside the logs, held to the logs. On the local runtime, through
 * the API: a duty period over Dongcheng in which one unit files on time, one misses the cut-off and
 * files late, and one misses and never files (the runtime's check records the misses and tells the
 * duty officer); and two incidents whose county office still owes its forward. Then, directly in
 * DynamoDB Local: a miss's lookup deleted (the miss leaves the missed list), a lookup forged for the
 * unit that filed on time (a miss appears), the late filing taken out of a log's head (the miss no
 * longer shows it), and an incident head's list key moved out of its audit period. Every chain
 * still recomputes; `npm run verify-audit` and `GET /v1/audit/verify` must name each one.
 *
 * The runtime runs in this process, so faking `Date` here moves the clock its handlers read: the
 * test starts a minute before a 16:00 cut-off and steps past it, instead of waiting for one.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import { HEAD_SK, incidentPk, missedPk, zeroChainPk } from '../../shared/adapters/dynamodb/keys';
import { makeDynamoOfficerDirectory } from '../../shared/adapters/dynamodb/officer-directory';
import { makeDynamoUnitRegistry } from '../../shared/adapters/dynamodb/unit-registry';
import { makeDynamoZeroReportStore } from '../../shared/adapters/dynamodb/zero-report-store';
import { systemClock } from '../../shared/adapters/system';
import { makeImportOfficers } from '../../shared/application/officers';
import { CUTOFF_CHECK_GRACE_MS } from '../../shared/domain/zero-reports';
import { directoryRows } from '../../shared/schemas/officers';
import { call, everyPage, initialReport, runScript, startTestRuntime, type TestRuntime, tokenFor } from './support';

/** 15:59 on 1 July 2031 in Beijing: a minute before the day's 16:00 cut-off. */
const START = new Date('2031-07-01T07:59:00.000Z');
const DATE = '2031-07-01';
const CUTOFF = '2031-07-01T08:00:00.000Z';

// `Date` is faked, so time in the test's own loops is measured on the monotonic clock.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface BrokenLink {
  kind: string;
  id: string;
  region: string;
  seq: number;
  reason: string;
  detail: string;
}

interface VerifyPage {
  complete: boolean;
  counts: { chains: number; intact: number; broken: number };
  byKind: { incident: { chains: number }; 'zero-report': { chains: number } };
  broken: BrokenLink[];
  next?: string;
}

interface MissedRow {
  kind: string;
  unit: { id: string } | null;
  incident: { id: string } | null;
  metAt: string | null;
}

const byId = (links: readonly BrokenLink[]) => [...links].sort((a, b) => a.id.localeCompare(b.id));

describe('verifying the lookups and head keys the views read', () => {
  let runtime: TestRuntime;
  let dynamodb: DynamoDBClient;
  const tokens: Record<string, string> = {};
  let periodId: string;
  const incidents: string[] = [];

  const get = (path: string) => call(runtime, 'GET', path, { token: tokens.inspector });

  const missedRows = async (): Promise<MissedRow[]> => {
    const answer = await get('/v1/audit/missed?region=110101&kind=zero-report');
    expect(answer.status).toBe(200);
    return (answer.body as { items: MissedRow[] }).items;
  };

  const logLength = async (path: string) =>
    ((await get(path)).body as { events?: unknown[] } | undefined)?.events?.length ?? 0;

  const verifyCli = (...args: string[]) => runScript(runtime, 'verify-audit', ...args);

  /** Every page of `GET /v1/audit/verify`, followed to the end, as one report. */
  const verifyApi = async (query: string) => {
    const pages = await everyPage<VerifyPage>(runtime, `/v1/audit/verify?${query}`, tokens.inspector);
    return {
      incidents: pages.reduce((sum, p) => sum + p.byKind.incident.chains, 0),
      zeroReports: pages.reduce((sum, p) => sum + p.byKind['zero-report'].chains, 0),
      broken: pages.flatMap((p) => p.broken),
    };
  };

  /** Waits until the logs have stopped growing: notifications are appended moments after what they tell of. */
  const settle = async (paths: readonly string[]) => {
    const until = performance.now() + 20_000;
    let last = '';
    for (let stable = 0; stable < 3; ) {
      if (performance.now() > until) throw new Error('the logs did not settle in 20 s');
      await sleep(400);
      const now = (await Promise.all(paths.map(logLength))).join(',');
      stable = now === last ? stable + 1 : 0;
      last = now;
    }
  };

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true, now: START });
    runtime = await startTestRuntime('national', { zeroReportCheckIntervalMs: 250 });
    dynamodb = new DynamoDBClient({
      region: LOCAL_REGION,
      credentials: localCredentials,
      endpoint: runtime.endpoints.dynamodb,
    });
    const documents = makeDocumentClient(dynamodb);
    await makeImportOfficers({
      directory: makeDynamoOfficerDirectory({ client: documents, table: runtime.resources.tables.officers }),
      clock: systemClock,
    })(
      directoryRows(
        readFileSync(fileURLToPath(new URL('../fixtures/officers/dongcheng.json', import.meta.url)), 'utf8'),
        'json',
      ).rows,
    );
    const contact = { name: 'Li Ming', phone: '+86 10 6512 0000' };
    await makeDynamoUnitRegistry({ client: documents, table: runtime.resources.tables.officers }).replaceCounties(
      ['110101'],
      ['DC-ONTIME', 'DC-LATE', 'DC-NEVER'].map((unitId) => ({
        unitId,
        name: `${unitId} street office`,
        county: '110101',
        kind: 'township' as const,
        contact,
      })),
    );
    tokens.inspector = await tokenFor(runtime, { sub: 'insp-bj', role: 'inspector', region: '110000' });
    tokens.county = await tokenFor(runtime, { sub: 'dongcheng', role: 'office', region: '110101', level: 'county' });
    for (const unit of ['DC-ONTIME', 'DC-LATE', 'DC-NEVER']) {
      tokens[unit] = await tokenFor(runtime, { sub: `r-${unit}`, role: 'reporter', region: '110101', unit });
    }

    // Two incidents whose county office owes its forward for the next two hours.
    for (let i = 0; i < 2; i++) {
      const answer = await call(runtime, 'POST', '/v1/reports', {
        token: tokens['DC-ONTIME'],
        body: initialReport('110101', 'DC-ONTIME', { grade: 'IV' }),
      });
      expect(answer.status).toBe(201);
      incidents.push((answer.body as { incidentId: string }).incidentId);
    }

    const period = await call(runtime, 'POST', '/v1/duty-periods', {
      token: tokens.county,
      body: { region: '110101', firstDate: DATE, lastDate: DATE, reason: 'flood season' },
    });
    expect(period.status).toBe(201);
    periodId = (period.body as { periodId: string }).periodId;
    const onTime = await call(runtime, 'POST', '/v1/daily-reports', {
      token: tokens['DC-ONTIME'],
      body: { periodId, date: DATE, nothingToReport: true },
    });
    expect(onTime.status).toBe(201);

    // Past the cut-off and the grace after it: the runtime's check records the two misses and
    // tells the duty officer of each, and then the day is done.
    vi.setSystemTime(new Date(Date.parse(CUTOFF) + CUTOFF_CHECK_GRACE_MS + 1_000));
    const zeroReports = makeDynamoZeroReportStore({ client: documents, table: runtime.resources.tables.zeroReports });
    const until = performance.now() + 15_000;
    while (!(await zeroReports.checkedDays(periodId)).has(DATE)) {
      if (performance.now() > until) throw new Error('the check did not complete the day');
      await sleep(200);
    }
    const heads = await zeroReports.heads(periodId, ['DC-LATE', 'DC-NEVER']);
    expect([...heads.values()].map((h) => [h.unit, h.version, Boolean(h.days[DATE]?.notifiedAt)]).sort()).toEqual([
      ['DC-LATE', 2, true],
      ['DC-NEVER', 2, true],
    ]);
    const late = await call(runtime, 'POST', '/v1/daily-reports', {
      token: tokens['DC-LATE'],
      body: { periodId, date: DATE, nothingToReport: true },
    });
    expect(late.status).toBe(201);
    expect(late.body).toMatchObject({ late: true, afterMissed: true });
    await settle(incidents.map((id) => `/v1/incidents/${id}/audit`));
  });

  afterAll(async () => {
    dynamodb?.destroy();
    await runtime?.close();
    vi.useRealTimers();
  });

  it('calls intact data intact: a miss filed late after it, a miss never filed, incidents with duties pending', async () => {
    const rows = await missedRows();
    expect(rows.map((r) => [r.unit?.id, r.metAt !== null]).sort()).toEqual([
      ['DC-LATE', true],
      ['DC-NEVER', false],
    ]);
    for (const id of incidents) {
      const incident = (await get(`/v1/incidents/${id}`)).body as { obligations: { status: string }[] };
      expect(incident.obligations.map((o) => o.status)).toContain('pending');
    }

    const api = await verifyApi('region=110000&limit=2');
    expect(api).toEqual({ incidents: 2, zeroReports: 3, broken: [] });
    const cli = await verifyCli('--region', '110000');
    expect(cli.stderr).not.toContain('Error');
    expect(cli.stdout).toContain('zero-report logs:    3 chains');
    expect(cli.stdout).toContain('RESULT: intact');
    expect(cli.code).toBe(0);
  });

  it('names the tampered lookups, head and list key, each at its chain and event, while every chain recomputes', async () => {
    const zeroTable = runtime.resources.tables.zeroReports;
    const lookupSk = (unit: string) => `${CUTOFF}#110101#${periodId}#${unit}`;
    const missed = await dynamodb.send(
      new GetItemCommand({
        TableName: zeroTable,
        Key: { pk: { S: missedPk('110000') }, sk: { S: lookupSk('DC-NEVER') } },
      }),
    );
    const genuine = missed.Item ?? {};
    expect(genuine.missedSeq).toEqual({ N: '1' });

    // DC-NEVER's miss taken off the list.
    await dynamodb.send(
      new DeleteItemCommand({
        TableName: zeroTable,
        Key: { pk: { S: missedPk('110000') }, sk: { S: lookupSk('DC-NEVER') } },
      }),
    );
    // A miss put on the list for DC-ONTIME, which filed on time (its event 1).
    await dynamodb.send(
      new PutItemCommand({
        TableName: zeroTable,
        Item: {
          ...genuine,
          sk: { S: lookupSk('DC-ONTIME') },
          unit: { S: 'DC-ONTIME' },
          unitName: { S: 'DC-ONTIME street office' },
        },
      }),
    );
    // DC-LATE's late filing taken out of its head, where the list reads it.
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: zeroTable,
        Key: { pk: { S: zeroChainPk(periodId, 'DC-LATE') }, sk: { S: HEAD_SK } },
        UpdateExpression: 'REMOVE #days.#date.#filedAt',
        ExpressionAttributeNames: { '#days': 'days', '#date': DATE, '#filedAt': 'filedAt' },
      }),
    );
    // An incident's list key moved a year back: out of every audit period that holds its report.
    const [moved] = incidents as [string];
    const head = await dynamodb.send(
      new GetItemCommand({
        TableName: runtime.resources.tables.incidents,
        Key: { pk: { S: incidentPk(moved) }, sk: { S: HEAD_SK } },
      }),
    );
    const listKey = head.Item?.listKey?.S ?? '';
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: runtime.resources.tables.incidents,
        Key: { pk: { S: incidentPk(moved) }, sk: { S: HEAD_SK } },
        UpdateExpression: 'SET listKey = :moved',
        ExpressionAttributeValues: { ':moved': { S: `2030-07-01T00:00:00.000Z#${moved}` } },
      }),
    );
    // What the review would see: the list changed, with nothing in any log to say so.
    expect((await missedRows()).map((r) => [r.unit?.id, r.metAt !== null]).sort()).toEqual([
      ['DC-LATE', false],
      ['DC-ONTIME', false],
    ]);

    const version = await logLength(`/v1/incidents/${moved}/audit`);
    const lateVersion = 3; // the miss, the duty officer told, the late filing
    const expected = [
      {
        kind: 'zero-report',
        id: `${periodId}/DC-NEVER`,
        region: '110101',
        seq: 1,
        reason: 'lookup-mismatch',
        detail: expect.stringContaining(`the miss of ${DATE} (event 1) has no lookup item`),
      },
      {
        kind: 'zero-report',
        id: `${periodId}/DC-ONTIME`,
        region: '110101',
        seq: 1,
        reason: 'lookup-mismatch',
        detail: expect.stringContaining('a miss the log does not hold: event 1 is a DailyReportFiled, not a miss'),
      },
      {
        kind: 'zero-report',
        id: `${periodId}/DC-LATE`,
        region: '110101',
        seq: lateVersion,
        reason: 'head-projection-mismatch',
        detail: expect.stringContaining(`days.${DATE}.filedAt: stored nothing, events say`),
      },
      {
        kind: 'incident',
        id: moved,
        region: '110101',
        seq: version,
        reason: 'head-projection-mismatch',
        detail: expect.stringContaining(`listKey: stored 2030-07-01T00:00:00.000Z#${moved}, events say ${listKey}`),
      },
    ];

    const api = await verifyApi('region=110000&limit=2');
    expect(api.incidents).toBe(2);
    expect(api.zeroReports).toBe(3);
    expect(byId(api.broken)).toEqual(byId(expected as unknown as BrokenLink[]));

    const cli = await verifyCli('--region', '110000');
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain('RESULT: BROKEN — 4 of 5 chains do not hold');
    expect(cli.stdout).toContain(`zero-report ${periodId}/DC-NEVER (110101) at event 1: lookup-mismatch`);
    expect(cli.stdout).toContain(`zero-report ${periodId}/DC-ONTIME (110101) at event 1: lookup-mismatch`);
    expect(cli.stdout).toContain(
      `zero-report ${periodId}/DC-LATE (110101) at event ${lateVersion}: head-projection-mismatch`,
    );
    expect(cli.stdout).toContain(`incident ${moved} (110101) at event ${version}: head-projection-mismatch`);
    const county = JSON.parse((await verifyCli('--region', '110101', '--json')).stdout) as VerifyPage;
    expect(byId(county.broken)).toEqual(byId(expected as unknown as BrokenLink[]));
  });
});
