/**
 * Zero reports on the local runtime, over HTTP with real tokens: the registry imported with
 * `npm run units`, a duty period activated by the county office, three of five units filing, and
 * the cut-off check the runtime runs on its interval recording the two misses — once — and telling
 * the county office's duty officer through the officer inbox; then the desk's grid of the period,
 * unit by unit and day by day, within each office's jurisdiction only.
 *
 * The runtime runs in this process, so faking `Date` here moves the clock its handlers read: the
 * test starts a minute before a 16:00 cut-off and steps past it, instead of waiting for one.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import { makeDynamoOfficerDirectory } from '../../shared/adapters/dynamodb/officer-directory';
import { makeDynamoZeroReportAuditChains } from '../../shared/adapters/dynamodb/zero-report-audit-chains';
import { systemClock } from '../../shared/adapters/system';
import { makeImportOfficers } from '../../shared/application/officers';
import { verifyChain } from '../../shared/domain/hash-chain';
import { CUTOFF_CHECK_GRACE_MS, type ZeroReportEvent } from '../../shared/domain/zero-reports';
import type { AuditChain } from '../../shared/ports/audit-chains';
import { directoryRows } from '../../shared/schemas/officers';
import { call, runScript, startTestRuntime, type TestRuntime, tokenFor } from './support';

const fixture = (path: string) => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));

/** 15:59 on 1 July 2031 in Beijing: a minute before the day's 16:00 cut-off. */
const START = new Date('2031-07-01T07:59:00.000Z');
const CUTOFF = '2031-07-01T08:00:00.000Z';
const CHECK_INTERVAL_MS = 250;

// `Date` is faked, so time in the test's own loops is measured on the monotonic clock.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> => {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (performance.now() > until) throw new Error(`not reached in ${timeoutMs} ms: ${what}`);
    await sleep(100);
  }
};

interface Problem {
  field: string;
  problem: string;
}
const detailsOf = (body: unknown): Problem[] => (body as { error: { details?: Problem[] } }).error.details ?? [];

describe('zero reports over HTTP on the local runtime', () => {
  let runtime: TestRuntime;
  let dataDir: string;
  const tokens: Record<string, string> = {};
  let periodId: string;

  const units = (...args: string[]) => runScript({ dataDir }, 'units', ...args);

  const fileReport = (unit: string, body: Record<string, unknown>) =>
    call(runtime, 'POST', '/v1/daily-reports', { token: tokens[unit], body: { periodId, ...body } });

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true, now: START });
    runtime = await startTestRuntime('national', { zeroReportCheckIntervalMs: CHECK_INTERVAL_MS });
    dataDir = runtime.dataDir;
    const client = makeDocumentClient(
      new DynamoDBClient({ region: LOCAL_REGION, credentials: localCredentials, endpoint: runtime.endpoints.dynamodb }),
    );
    await makeImportOfficers({
      directory: makeDynamoOfficerDirectory({ client, table: runtime.resources.tables.officers }),
      clock: systemClock,
    })(directoryRows(readFileSync(fixture('officers/dongcheng.json'), 'utf8'), 'json').rows);

    tokens.county = await tokenFor(runtime, { sub: 'dongcheng', role: 'office', region: '110101', level: 'county' });
    tokens.xicheng = await tokenFor(runtime, { sub: 'xicheng', role: 'office', region: '110102', level: 'county' });
    tokens.city = await tokenFor(runtime, { sub: 'beijing', role: 'office', region: '110100', level: 'city' });
    tokens.inspector = await tokenFor(runtime, { sub: 'insp', role: 'inspector', region: '110000' });
    for (const unit of ['DC-JDJ', 'DC-HSJ', 'DC-XH', 'DC-ZX', 'DC-YJ']) {
      tokens[unit] = await tokenFor(runtime, { sub: `r-${unit}`, role: 'reporter', region: '110101', unit });
    }
    tokens['XC-JR'] = await tokenFor(runtime, { sub: 'r-XC-JR', role: 'reporter', region: '110102', unit: 'XC-JR' });
  });

  afterAll(async () => {
    await runtime?.close();
    vi.useRealTimers();
  });

  it('imports the unit registry with npm run units, refusing a bad file whole', async () => {
    // ACT
    const broken = await units('import', fixture('units/broken.csv'));
    const good = await units('import', fixture('units/beijing.csv'));

    // ASSESS
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('the units were not imported: 8 problems');
    expect(broken.stderr).toContain('line 5: county: is not a GB/T 2260 code');
    expect(broken.stderr).toContain('line 6: unit DC-OK is already listed on line 2');
    expect(good.stdout).toContain('imported 6 units for 2 counties (110101, 110102)');
    expect(good.code).toBe(0);
  });

  it('lets only an office activate a duty period, inside its jurisdiction', async () => {
    // PREPARE
    const body = { region: '110101', firstDate: '2031-07-01', lastDate: '2031-07-03', reason: 'flood season' };

    // ACT
    const answers = await Promise.all(
      [tokens['DC-XH'], tokens.inspector, tokens.xicheng].map((token) =>
        call(runtime, 'POST', '/v1/duty-periods', { token, body }),
      ),
    );

    // ASSESS
    expect(answers.map((a) => a.status)).toEqual([403, 403, 403]);
  });

  it('names every bad field of an activation', async () => {
    // ACT
    const answer = await call(runtime, 'POST', '/v1/duty-periods', {
      token: tokens.county,
      body: { region: '999999', firstDate: '2031-06-30', lastDate: '2031-06-01', cutoffHour: 25, reason: '' },
    });

    // ASSESS
    expect(answer.status).toBe(400);
    expect(detailsOf(answer.body)).toEqual(
      expect.arrayContaining([
        { field: 'region', problem: 'is not a GB/T 2260 region code' },
        { field: 'firstDate', problem: 'is in the past (today is 2031-07-01 in China)' },
        { field: 'lastDate', problem: 'is before firstDate' },
        { field: 'cutoffHour', problem: 'must be a whole hour from 0 to 23 (China time)' },
        { field: 'reason', problem: 'must not be empty' },
      ]),
    );
  });

  it('refuses dates far ahead with 400 naming each, and answers at once', async () => {
    // ACT: once, this kept the handler counting days past the year 9999 until it ran out of memory.
    const started = performance.now();
    const answer = await call(runtime, 'POST', '/v1/duty-periods', {
      token: tokens.county,
      body: { region: '110101', firstDate: '9999-12-31', lastDate: '9999-12-31', reason: 'flood season' },
    });

    // ASSESS
    expect(answer.status).toBe(400);
    expect(detailsOf(answer.body)).toEqual([
      {
        field: 'firstDate',
        problem: 'is more than a year ahead (today is 2031-07-01 in China); a duty period is for now',
      },
      {
        field: 'lastDate',
        problem: 'is more than a year ahead (today is 2031-07-01 in China); a duty period is for now',
      },
    ]);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('activates a period for the county office, and answers a retry with the same period', async () => {
    // PREPARE
    const body = { region: '110101', firstDate: '2031-07-01', lastDate: '2031-07-03', reason: 'flood season' };

    // ACT
    const first = await call(runtime, 'POST', '/v1/duty-periods', { token: tokens.county, body });
    const retry = await call(runtime, 'POST', '/v1/duty-periods', { token: tokens.county, body });

    // ASSESS
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      periodId: expect.stringMatching(/^DP-110101-20310701-/),
      cutoffHour: 16,
      days: [
        { date: '2031-07-01', cutoffAt: CUTOFF },
        { date: '2031-07-02', cutoffAt: '2031-07-02T08:00:00.000Z' },
        { date: '2031-07-03', cutoffAt: '2031-07-03T08:00:00.000Z' },
      ],
    });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    periodId = (first.body as { periodId: string }).periodId;
  });

  it('refuses with 409 a city period over the county’s days, naming the period it overlaps', async () => {
    // ACT
    const answer = await call(runtime, 'POST', '/v1/duty-periods', {
      token: tokens.city,
      body: { region: '110100', firstDate: '2031-07-03', lastDate: '2031-07-09', reason: 'typhoon' },
    });

    // ASSESS
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({
      error: {
        code: 'duty-period-overlaps',
        message: expect.stringContaining(`overlaps active duty period ${periodId} (110101, 2031-07-01 to 2031-07-03`),
      },
    });
  });

  it('takes three units’ reports before the cut-off, answering a retry alike and a changed report with 409', async () => {
    // ACT
    const filed = await Promise.all(
      ['DC-JDJ', 'DC-HSJ', 'DC-XH'].map((unit) => fileReport(unit, { date: '2031-07-01', nothingToReport: true })),
    );
    const retry = await fileReport('DC-XH', { date: '2031-07-01', nothingToReport: true });
    const changed = await fileReport('DC-XH', { date: '2031-07-01', summary: 'a patient fell' });

    // ASSESS
    expect(filed.map((a) => a.status)).toEqual([201, 201, 201]);
    expect(filed[2]?.body).toMatchObject({ unit: 'DC-XH', seq: 1, late: false, lateByMs: 0, cutoffAt: CUTOFF });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(filed[2]?.body);
    expect(changed.status).toBe(409);
  });

  it('refuses a report from another county, an office and an inspector, and names bad fields', async () => {
    // ACT
    const [otherCounty, anOffice, anInspector] = await Promise.all(
      ['XC-JR', 'county', 'inspector'].map((who) => fileReport(who, { date: '2031-07-01', nothingToReport: true })),
    );
    const invalid = await call(runtime, 'POST', '/v1/daily-reports', {
      token: tokens['DC-ZX'],
      body: { periodId: 'nope', date: '2031-07-32', nothingToReport: true, summary: 'both' },
    });
    const unknown = await call(runtime, 'POST', '/v1/daily-reports', {
      token: tokens['DC-ZX'],
      body: { periodId: 'DP-110101-20310701-00000000', date: '2031-07-01', nothingToReport: true },
    });

    // ASSESS
    expect([otherCounty?.status, anOffice?.status, anInspector?.status]).toEqual([403, 403, 403]);
    expect(invalid.status).toBe(400);
    expect(detailsOf(invalid.body).map((d) => d.field)).toEqual(['periodId', 'date', 'summary']);
    expect(unknown.status).toBe(404);
  });

  it('records the two missing units’ misses once at the cut-off and tells the duty officer', async () => {
    // ACT: step past the cut-off and the grace after it; the runtime's check runs every quarter second.
    vi.setSystemTime(new Date(Date.parse(CUTOFF) + CUTOFF_CHECK_GRACE_MS + 1_000));
    const inbox = await waitFor('two zero-report notifications in the inbox', async () => {
      let lines: string[] = [];
      try {
        lines = readFileSync(join(dataDir, 'inbox.jsonl'), 'utf8').split('\n').filter(Boolean);
      } catch {
        return undefined;
      }
      const mine = lines
        .map((line) => JSON.parse(line) as { kind: string; personId: string; incidentId: string; text: string })
        .filter((n) => n.kind === 'zero-report-missed');
      return mine.length >= 2 ? mine : undefined;
    });
    await sleep(8 * CHECK_INTERVAL_MS); // more runs, which must add nothing

    // ASSESS: 16:00 is P-ZHAO's shift.
    expect(inbox.map((n) => [n.personId, n.incidentId]).sort()).toEqual([
      ['P-ZHAO', `${periodId}/DC-YJ`],
      ['P-ZHAO', `${periodId}/DC-ZX`],
    ]);
    expect(inbox[0]?.text).toContain('did not file its daily report for 2031-07-01 by 16:00 China time');
    const auditChains = makeDynamoZeroReportAuditChains({
      client: makeDocumentClient(
        new DynamoDBClient({
          region: LOCAL_REGION,
          credentials: localCredentials,
          endpoint: runtime.endpoints.dynamodb,
        }),
      ),
      table: runtime.resources.tables.zeroReports,
    });
    const chains: AuditChain[] = [];
    for await (const chain of auditChains.chainsIn('110101')) chains.push(chain);
    const missed = chains.flatMap((c) => (c.events as ZeroReportEvent[]).filter((e) => e.type === 'DailyReportMissed'));
    expect(missed.map((e) => e.unit).sort()).toEqual(['DC-YJ', 'DC-ZX']);
    for (const chain of chains) expect(verifyChain(chain.events, chain.head)).toMatchObject({ intact: true });
  });

  it('accepts a report after the cut-off as late, after the miss it does not erase', async () => {
    // ACT
    const late = await fileReport('DC-ZX', { date: '2031-07-01', nothingToReport: true });

    // ASSESS
    expect(late.status).toBe(201);
    expect(late.body).toMatchObject({ late: true, afterMissed: true, seq: 3 });
    expect((late.body as { lateByMs: number }).lateByMs).toBeGreaterThanOrEqual(1_000);
  });

  it('shows the desk each unit by day — filed, late, missed, not yet due — within its jurisdiction only', async () => {
    // ACT
    const grid = (token: string | undefined, query = '') =>
      call(runtime, 'GET', `/v1/duty-periods/${periodId}/zero-reports${query}`, { ...(token ? { token } : {}) });
    const county = await grid(tokens.county, '?to=2031-07-02');
    const city = await grid(tokens.city);
    const periods = await call(runtime, 'GET', '/v1/duty-periods?region=110102', { token: tokens.city });
    const [otherCounty, ownCounty, aUnit, notTheirs, badQuery] = await Promise.all([
      grid(tokens.xicheng, '?region=110101'),
      grid(tokens.xicheng),
      grid(tokens['DC-JDJ']),
      grid(tokens.city, '?region=110102'),
      grid(tokens.county, '?from=2031-07-03&to=2031-07-01&region=11'),
    ]);
    const denied = await call(runtime, 'GET', '/v1/audit/access-denied?region=110000', { token: tokens.inspector });

    // ASSESS: DC-ZX filed late after its miss; DC-YJ never filed.
    expect(county.status).toBe(200);
    const byUnit = Object.fromEntries(
      (county.body as { units: { unitId: string; cells: { date: string; state: string }[] }[] }).units.map((u) => [
        u.unitId,
        u.cells.map((c) => `${c.date} ${c.state}`),
      ]),
    );
    expect(byUnit).toEqual({
      'DC-HSJ': ['2031-07-01 filed', '2031-07-02 not-due'],
      'DC-JDJ': ['2031-07-01 filed', '2031-07-02 not-due'],
      'DC-XH': ['2031-07-01 filed', '2031-07-02 not-due'],
      'DC-YJ': ['2031-07-01 missed', '2031-07-02 not-due'],
      'DC-ZX': ['2031-07-01 late', '2031-07-02 not-due'],
    });
    expect(county.body).toMatchObject({ region: '110101', nextCutoffAt: '2031-07-02T08:00:00.000Z' });
    // The city's grid of a county's period covers the county; Xicheng's units are not in it.
    expect(city.status).toBe(200);
    expect((city.body as { region: string; units: unknown[] }).region).toBe('110101');
    expect((city.body as { units: unknown[] }).units).toHaveLength(5);
    expect((periods.body as { items: unknown[] }).items).toEqual([]);
    // Another county's desk is refused Dongcheng, and in its own county the period obliges nobody.
    expect([otherCounty.status, ownCounty.status, aUnit.status, notTheirs.status]).toEqual([403, 404, 403, 404]);
    expect(badQuery.status).toBe(400);
    expect(detailsOf(badQuery.body).map((d) => d.field)).toEqual(['region', 'to']);
    const refused = (denied.body as { items: { action: string }[] }).items.map((i) => i.action);
    expect(refused).toContain('GET /v1/duty-periods/{id}/zero-reports');
  });
});
