/**
 * The inspectors' late, missed and punctuality views over HTTP on the local runtime, under the
 * drill's limits with shorter offices' windows (test/fixtures/policies/audit-drill.json: unit →
 * county 20 s, county → city 8 s).
 *
 * Three counties of Beijing receive one grade IV incident each, at the same time: Dongcheng
 * forwards at once (but its unit reported 25 seconds after learning of it, 5 over its limit),
 * Xicheng stays silent until the pipeline has escalated past it and then forwards, Chaoyang stays
 * silent. In Tianjin, Heping's incident is closed by a final report that still lacks required
 * elements. Every expected value is the one the pipeline recorded (read back from the incidents),
 * so the views are checked exactly.
 */
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import { makeDynamoOfficerDirectory } from '../../shared/adapters/dynamodb/officer-directory';
import type { Obligation } from '../../shared/domain/obligation';
import type { Officer, Shift } from '../../shared/domain/officers';
import { formatDuration } from '../../shared/domain/policy/policy';
import { childrenOf, regionOf } from '../../shared/domain/regions/regions';
import type { OfficerDirectory } from '../../shared/ports/officer-directory';
import { call, initialReport, startTestRuntime, type TestRuntime, tokenFor } from './support';

const POLICY = fileURLToPath(new URL('../fixtures/policies/audit-drill.json', import.meta.url));
/** The policy's county → city limit, and how long the pipeline may take past it to escalate. */
const ESCALATION_WAIT_MS = 8_000 + 15_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const officer = (office: string, personId: string, name: string, role: Officer['roles'][number]): Officer => ({
  office,
  personId,
  name,
  roles: [role],
  endpoints: { email: `${personId.toLowerCase()}@example.cn` },
});

const OFFICERS: Officer[] = [
  officer('110101', 'P-DC-LI', '李主任', 'first-responsible'),
  officer('110101', 'P-DC-WANG', '王副主任', 'directly-responsible'),
  officer('110101', 'P-DC-ZHAO', '赵值班', 'duty-officer'),
  officer('110101', 'P-DC-QIAN', '钱值班', 'duty-officer'),
  officer('110102', 'P-XC-SUN', '孙主任', 'first-responsible'),
  officer('110102', 'P-XC-ZHOU', '周副主任', 'directly-responsible'),
  officer('110102', 'P-XC-ZHENG', '郑值班', 'duty-officer'),
  officer('110102', 'P-XC-FENG', '冯值班', 'duty-officer'),
  officer('110105', 'P-CY-CHEN', '陈主任', 'first-responsible'),
  // A comma in a name: the CSV must quote it.
  officer('110105', 'P-CY-CHU', '褚卫东, 副主任', 'directly-responsible'),
  officer('110105', 'P-CY-WEI', '卫值班', 'duty-officer'),
  // The city's people answer for nothing here: grade IV stops at the city, which owes no hand-over.
  officer('110100', 'P-BJ-HAN', '韩局长', 'first-responsible'),
  officer('120101', 'P-TJ-LIU', '刘主任', 'first-responsible'),
  // A name from an imported file that a spreadsheet would run: the CSV must neutralise it.
  officer('120101', 'P-TJ-EVIL', '=HYPERLINK("http://evil.example","点我")', 'duty-officer'),
];
const ROSTER: Shift[] = [
  { office: '110101', personId: 'P-DC-ZHAO', from: '08:00', to: '20:00' },
  { office: '110101', personId: 'P-DC-QIAN', from: '20:00', to: '08:00' },
  { office: '110102', personId: 'P-XC-ZHENG', from: '00:00', to: '12:00' },
  { office: '110102', personId: 'P-XC-FENG', from: '12:00', to: '00:00' },
  // A 24-hour shift, handed over at 08:00.
  { office: '110105', personId: 'P-CY-WEI', from: '08:00', to: '08:00' },
  { office: '120101', personId: 'P-TJ-EVIL', from: '08:00', to: '08:00' },
];

const person = (personId: string) => {
  const found = OFFICERS.find((o) => o.personId === personId);
  if (!found) throw new Error(`no officer ${personId}`);
  return { personId, name: found.name };
};
const HEADER =
  'kind,incidentId,incidentRegion,category,grade,officeLevel,officeCode,officeName,unitId,unitName,' +
  'obligationId,dutyPeriodId,zeroReportDate,finalReportId,finalReportReceivedAt,missingElements,' +
  'deadline,deadlineShortenedFrom,metAt,missedAt,lateByMs,lateBy,autoEscalated,' +
  'firstResponsible,directlyResponsible,onDutyAtDeadline,personsAt,directorySince';
/** The directory on record from an hour before the scenario: the version every row names its persons from. */
const DIRECTORY_SINCE = new Date(Date.now() - 60 * 60_000).toISOString();

const chinaHour = (iso: string) => (new Date(iso).getUTCHours() + 8) % 24;

interface Incident {
  incident: { incidentId: string; receivedAt: string; learnedAt: string; status: string };
  reports: { reportId: string; kind: string; receivedAt: string; reporter: { unit: string } }[];
  obligations: Obligation[];
}

/** A cursor as the client holds it, opened up: base64url JSON. */
const opened = (cursor: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
const sealedAgain = (record: Record<string, unknown>): string =>
  Buffer.from(JSON.stringify(record), 'utf8').toString('base64url');

interface Row {
  kind: string;
  incident: { id: string } | null;
  [field: string]: unknown;
}

describe('the inspectors’ late, missed and punctuality views over HTTP', () => {
  let runtime: TestRuntime;
  let inspector: string;
  let tianjinInspector: string;
  let ids: { onTime: string; late: string; silent: string; closed: string };
  let state: { onTime: Incident; late: Incident; silent: Incident; closed: Incident };
  let lateReport: { limitMs: number; lateByMs: number };
  let directory: OfficerDirectory;

  const get = (path: string, token = inspector) => call(runtime, 'GET', path, { token });
  const incident = async (id: string, token = inspector) => (await get(`/v1/incidents/${id}`, token)).body as Incident;
  /** Learned of just now: the unit is on time. */
  const justLearned = () => {
    const learned = new Date(Date.now() - 1_000);
    return { learnedAt: learned.toISOString(), occurredAt: new Date(learned.getTime() - 10 * 60_000).toISOString() };
  };

  const report = async (county: string, unit: string, overrides: Record<string, unknown> = {}) => {
    const token = await tokenFor(runtime, { sub: unit, role: 'reporter', region: county, unit });
    const answer = await call(runtime, 'POST', '/v1/reports', {
      token,
      body: initialReport(county, unit, { grade: 'IV', ...overrides }),
    });
    expect(answer.status).toBe(201);
    return answer.body as { incidentId: string; lateReport?: { limitMs: number; lateByMs: number } };
  };

  const forward = async (county: string, incidentId: string) => {
    const token = await tokenFor(runtime, { sub: `office-${county}`, role: 'office', region: county, level: 'county' });
    const answer = await call(runtime, 'POST', `/v1/incidents/${incidentId}/forward`, { token, body: {} });
    expect(answer.status).toBe(200);
  };

  const escalated = async (incidentId: string, timeoutMs: number) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const current = await incident(incidentId);
      if (current.obligations[0]?.escalatedAt) return;
      if (Date.now() > until) throw new Error(`${incidentId} was not escalated in ${timeoutMs} ms`);
      await sleep(200);
    }
  };

  beforeAll(async () => {
    runtime = await startTestRuntime(POLICY, { sweepIntervalMs: 1_000 });
    inspector = await tokenFor(runtime, { sub: 'insp-bj', role: 'inspector', region: '110000' });
    tianjinInspector = await tokenFor(runtime, { sub: 'insp-tj', role: 'inspector', region: '120000' });

    const client = makeDocumentClient(
      new DynamoDBClient({ endpoint: runtime.endpoints.dynamodb, region: LOCAL_REGION, credentials: localCredentials }),
    );
    directory = makeDynamoOfficerDirectory({ client, table: runtime.resources.tables.officers });
    await directory.replaceOffices(
      ['110100', '110101', '110102', '110105', '120101'],
      OFFICERS,
      ROSTER,
      new Date(DIRECTORY_SINCE),
    );

    // The three counties at once. Dongcheng's unit learned of it 25 seconds ago: 5 over its 20 s.
    const learned = new Date(Date.now() - 25_000);
    const [onTime, late, silent, quick] = await Promise.all([
      report('110101', 'U-DC', {
        learnedAt: learned.toISOString(),
        occurredAt: new Date(learned.getTime() - 10 * 60_000).toISOString(),
      }),
      report('110102', 'U-XC', justLearned()),
      report('110105', 'U-CY', justLearned()),
      // A quick report leaving out the measures and the seriously injured, saying what is unknown.
      report('120101', 'U-TJ', {
        ...justLearned(),
        measuresTaken: '',
        casualties: { dead: 0, injured: 3, missing: 0 },
        unknowns: 'The cause is not yet known.',
      }),
    ]);
    if (!onTime.lateReport) throw new Error('the unit report should have been late');
    lateReport = onTime.lateReport;
    await Promise.all([forward('110101', onTime.incidentId), forward('120101', quick.incidentId)]);

    // Another unit closes Heping's incident with a final report that supplies none of it.
    const finalToken = await tokenFor(runtime, { sub: 'U-TJ-2', role: 'reporter', region: '120101', unit: 'U-TJ-2' });
    const final = await call(runtime, 'POST', '/v1/reports', {
      token: finalToken,
      body: initialReport('120101', 'U-TJ-2', {
        kind: 'final',
        incidentId: quick.incidentId,
        grade: 'IV',
        ...justLearned(),
        measuresTaken: '',
        casualties: { dead: 0, injured: 3, missing: 0 },
        unknowns: 'The cause is still not known.',
      }),
    });
    expect(final.status).toBe(201);

    ids = { onTime: onTime.incidentId, late: late.incidentId, silent: silent.incidentId, closed: quick.incidentId };
    await Promise.all([escalated(ids.late, ESCALATION_WAIT_MS), escalated(ids.silent, ESCALATION_WAIT_MS)]);
    await forward('110102', ids.late);

    state = {
      onTime: await incident(ids.onTime),
      late: await incident(ids.late),
      silent: await incident(ids.silent),
      closed: await incident(ids.closed, tianjinInspector),
    };
  });

  afterAll(async () => {
    await runtime?.close();
  });

  /** The rows the views must give, from what the pipeline recorded. */
  const expected = () => {
    const [xicheng] = state.late.obligations;
    const [chaoyang] = state.silent.obligations;
    const { receivedAt, learnedAt } = state.onTime.incident;
    if (!xicheng || !chaoyang) throw new Error('no obligations');
    const unitDeadline = new Date(Date.parse(learnedAt) + lateReport.limitMs).toISOString();
    const unitLateBy = Date.parse(receivedAt) - Date.parse(unitDeadline);
    // The reports went in at the same moment: which incident is newer is what the pipeline recorded.
    const received = (row: { incident: { id: string } }) =>
      [state.onTime, state.late].find((s) => s.incident.incidentId === row.incident.id)?.incident.receivedAt ?? '';
    return {
      xicheng,
      chaoyang,
      /** Newest incident first: each incident here has one row. */
      lateRows: [
        {
          kind: 'countyToCity',
          incident: { id: ids.late, region: '110102', category: 'accident', grade: 'IV' },
          office: { level: 'county', code: '110102', name: '西城区' },
          unit: null,
          obligationId: xicheng.obligationId,
          zeroReport: null,
          finalReport: null,
          deadline: xicheng.dueAt,
          deadlineShortenedFrom: null,
          metAt: xicheng.metAt,
          missedAt: xicheng.missedAt,
          lateByMs: xicheng.lateByMs,
          lateBy: formatDuration(xicheng.lateByMs ?? -1),
          autoEscalated: true,
          firstResponsible: [person('P-XC-SUN')],
          directlyResponsible: [person('P-XC-ZHOU')],
          onDutyAtDeadline: [person(chinaHour(xicheng.dueAt) < 12 ? 'P-XC-ZHENG' : 'P-XC-FENG')],
          personsAt: xicheng.dueAt,
          directorySince: DIRECTORY_SINCE,
        },
        {
          kind: 'unit-report',
          incident: { id: ids.onTime, region: '110101', category: 'accident', grade: 'IV' },
          office: { level: 'county', code: '110101', name: '东城区' },
          unit: { id: 'U-DC', name: null },
          obligationId: null,
          zeroReport: null,
          finalReport: null,
          deadline: unitDeadline,
          deadlineShortenedFrom: null,
          metAt: receivedAt,
          missedAt: null,
          lateByMs: unitLateBy,
          lateBy: formatDuration(unitLateBy),
          autoEscalated: false,
          firstResponsible: [],
          directlyResponsible: [],
          onDutyAtDeadline: [
            person(chinaHour(unitDeadline) >= 8 && chinaHour(unitDeadline) < 20 ? 'P-DC-ZHAO' : 'P-DC-QIAN'),
          ],
          personsAt: unitDeadline,
          directorySince: DIRECTORY_SINCE,
        },
      ].sort((a, b) => received(b).localeCompare(received(a))),
      missedRows: [
        {
          kind: 'countyToCity',
          incident: { id: ids.silent, region: '110105', category: 'accident', grade: 'IV' },
          office: { level: 'county', code: '110105', name: '朝阳区' },
          unit: null,
          obligationId: chaoyang.obligationId,
          zeroReport: null,
          finalReport: null,
          deadline: chaoyang.dueAt,
          deadlineShortenedFrom: null,
          metAt: null,
          missedAt: chaoyang.missedAt,
          lateByMs: null,
          lateBy: null,
          autoEscalated: true,
          firstResponsible: [person('P-CY-CHEN')],
          directlyResponsible: [person('P-CY-CHU')],
          onDutyAtDeadline: [person('P-CY-WEI')],
          personsAt: chaoyang.dueAt,
          directorySince: DIRECTORY_SINCE,
        },
      ],
    };
  };

  /** The late row of this kind: Xicheng's forward (countyToCity) or Dongcheng's unit (unit-report). */
  const lateRowOf = (kind: 'countyToCity' | 'unit-report') => {
    const row = expected().lateRows.find((r) => r.kind === kind);
    if (!row) throw new Error(`no ${kind} row`);
    return row;
  };

  it('recorded what the scenario set up: on time, late after being escalated past, never met', () => {
    const { xicheng, chaoyang } = expected();
    expect(state.onTime.obligations.map((o) => [o.status, o.lateByMs])).toEqual([['met', 0]]);
    expect(xicheng).toMatchObject({ status: 'met', office: '110102' });
    expect(xicheng.missedAt).toBeDefined();
    expect(xicheng.lateByMs).toBe(Date.parse(xicheng.metAt ?? '') - Date.parse(xicheng.dueAt));
    expect(xicheng.lateByMs).toBeGreaterThan(0);
    expect(chaoyang).toMatchObject({ status: 'missed', office: '110105' });
    expect(chaoyang.metAt).toBeUndefined();
    expect(lateRowOf('unit-report').lateByMs).toBe(lateReport.lateByMs);
    // The policy's own limit for the unit's report (the drill's).
    expect(lateReport.limitMs).toBe(20_000);
    expect(state.closed.incident.status).toBe('closed');
    expect(state.closed.obligations.map((o) => [o.status, o.lateByMs])).toEqual([['met', 0]]);
    expect(state.closed.reports.map((r) => [r.kind, r.reporter.unit])).toEqual([
      ['initial', 'U-TJ'],
      ['final', 'U-TJ-2'],
    ]);
  });

  /** The row of Heping's closed incident, from what the pipeline recorded. */
  const requiredElementRow = () => {
    const final = state.closed.reports.find((r) => r.kind === 'final');
    if (!final) throw new Error('no final report');
    return {
      kind: 'required-element',
      incident: { id: ids.closed, region: '120101', category: 'accident', grade: 'IV' },
      office: { level: 'county', code: '120101', name: '和平区' },
      unit: { id: 'U-TJ-2', name: null },
      obligationId: null,
      zeroReport: null,
      finalReport: {
        reportId: final.reportId,
        receivedAt: final.receivedAt,
        missingElements: ['measuresTaken', 'seriouslyInjured', 'unknowns'],
      },
      deadline: final.receivedAt,
      deadlineShortenedFrom: null,
      metAt: null,
      missedAt: final.receivedAt,
      lateByMs: null,
      lateBy: null,
      autoEscalated: false,
      firstResponsible: [],
      directlyResponsible: [],
      onDutyAtDeadline: [person('P-TJ-EVIL')],
      personsAt: final.receivedAt,
      directorySince: DIRECTORY_SINCE,
    };
  };

  it('lists the required elements a closed incident never got on the missed list, naming the final report’s unit', async () => {
    const missed = await get('/v1/audit/missed?region=120000', tianjinInspector);
    expect(missed.status).toBe(200);
    expect((missed.body as { items: Row[] }).items).toEqual([requiredElementRow()]);
    const byKind = await get('/v1/audit/missed?region=120100&kind=required-element&office=120101', tianjinInspector);
    expect((byKind.body as { items: Row[] }).items).toEqual([requiredElementRow()]);
    const otherKind = await get('/v1/audit/missed?region=120000&kind=countyToCity', tianjinInspector);
    expect((otherKind.body as { items: Row[] }).items).toEqual([]);
    // Beijing's lists hold nothing of the kind: none of its incidents is closed.
    const beijing = await get('/v1/audit/missed?region=110000&kind=required-element');
    expect((beijing.body as { items: Row[] }).items).toEqual([]);

    const late = await get('/v1/audit/late?region=120000&kind=required-element', tianjinInspector);
    expect(late.status).toBe(400);
    expect((late.body as { error: { details: { field: string; problem: string }[] } }).error.details).toEqual([
      { field: 'kind', problem: 'a required element never supplied is a missed report: see /v1/audit/missed' },
    ]);
  });

  it('writes the row as CSV with a hostile name neutralised by a leading quote', async () => {
    const row = requiredElementRow();
    const csv = await get('/v1/audit/missed?region=120000&format=csv', tianjinInspector);
    expect(csv.status).toBe(200);
    expect(csv.text).toBe(
      `${HEADER}\r\n` +
        `required-element,${ids.closed},120101,accident,IV,county,120101,和平区,U-TJ-2,,,,,` +
        `${row.finalReport.reportId},${row.deadline},measuresTaken; seriouslyInjured; unknowns,` +
        `${row.deadline},,,${row.deadline},,,false,` +
        `,,"'=HYPERLINK(""http://evil.example"",""点我"") (P-TJ-EVIL)",${row.deadline},${DIRECTORY_SINCE}\r\n`,
    );
  });

  it('lists the late duties exactly, newest incident first, with who answered for them', async () => {
    const answer = await get('/v1/audit/late?region=110100');
    expect(answer.status).toBe(200);
    const body = answer.body as { region: string; from: string; to: string; items: Row[]; next?: string };
    expect(body.items).toEqual(expected().lateRows);
    expect(body.next).toBeUndefined();
    expect(body.region).toBe('110100');
    // The default period: the 30 days up to the request.
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(30 * 86_400_000);
  });

  it('lists the missed duties exactly; there are no zero reports without a duty period', async () => {
    const answer = await get('/v1/audit/missed?region=110100');
    expect(answer.status).toBe(200);
    expect((answer.body as { items: Row[] }).items).toEqual(expected().missedRows);
  });

  it('filters by office and kind, and the province-wide view holds the same rows', async () => {
    const byOffice = await get('/v1/audit/late?region=110100&office=110102');
    expect((byOffice.body as { items: Row[] }).items).toEqual([lateRowOf('countyToCity')]);
    const byKind = await get('/v1/audit/late?region=110000&kind=unit-report');
    expect((byKind.body as { items: Row[] }).items).toEqual([lateRowOf('unit-report')]);
    const county = await get('/v1/audit/missed?region=110101');
    expect((county.body as { items: Row[] }).items).toEqual([]);
    // A period before any of it happened holds nothing.
    const before = await get('/v1/audit/late?region=110100&from=2026-01-01&to=2026-01-31');
    expect((before.body as { items: Row[] }).items).toEqual([]);
  });

  it('pages with an opaque cursor, in JSON and in CSV (in a header)', async () => {
    const [first, second] = expected().lateRows;
    const page1 = (await get('/v1/audit/late?region=110100&limit=1')).body as { items: Row[]; next?: string };
    expect(page1.items).toEqual([first]);
    expect(page1.next).toEqual(expect.any(String));
    const page2 = await get(`/v1/audit/late?region=110100&limit=1&cursor=${page1.next}`);
    expect((page2.body as { items: Row[] }).items).toEqual([second]);

    // The CSV pages carry the same cursor in a header; an empty last page is possible, so follow to the end.
    // The cursor holds the period, so the first CSV page asks for the JSON page's (defaulted) period.
    const { from, to } = page1 as unknown as { from: string; to: string };
    const csvRows: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await fetch(
        `${runtime.url}/v1/audit/late?region=110100&limit=1&format=csv${cursor ? `&cursor=${cursor}` : `&from=${from}&to=${to}`}`,
        { headers: { authorization: `Bearer ${inspector}` } },
      );
      const [header, ...rows] = (await response.text()).split('\r\n');
      expect(header).toBe(HEADER);
      csvRows.push(...rows.filter((row) => row !== ''));
      cursor = response.headers.get('x-next-cursor');
      if (pages === 0) expect(cursor).toBe(page1.next);
      pages += 1;
    } while (cursor && pages < 5);
    expect(csvRows.map((row) => row.split(',')[1])).toEqual(expected().lateRows.map((row) => row.incident.id));
  });

  it('keeps every parameter that shapes the list in the cursor, and refuses one given that disagrees', async () => {
    const page1 = (await get('/v1/audit/late?region=110100&limit=1')).body as {
      from: string;
      to: string;
      next: string;
    };
    expect(opened(page1.next)).toMatchObject({ phase: 'incidents', region: '110100', from: page1.from, to: page1.to });

    // Repeating the first page's parameters, or leaving them out, is the same listing.
    const again = await get(`/v1/audit/late?region=110100&limit=1&from=${page1.from}&cursor=${page1.next}`);
    expect(again.status).toBe(200);
    expect((again.body as { from: string; to: string }).to).toBe(page1.to);

    for (const other of ['kind=unit-report', 'office=110101', 'from=2026-01-01', `to=${new Date().toISOString()}`]) {
      const answer = await get(`/v1/audit/late?region=110100&limit=1&${other}&cursor=${page1.next}`);
      expect(answer.status, other).toBe(400);
      expect((answer.body as { error: { details: { field: string }[] } }).error.details.map((d) => d.field)).toEqual([
        'cursor',
      ]);
    }
    const otherRegion = await get(`/v1/audit/late?region=110000&limit=1&cursor=${page1.next}`);
    expect(otherRegion.status).toBe(400);
  });

  it('answers any tampered cursor with 400 naming cursor, never 500', async () => {
    // PREPARE: a real cursor of each list, opened.
    const late = (await get('/v1/audit/late?region=110100&limit=1')).body as { next: string };
    const record = opened(late.next);
    const position = Object.keys(record).filter((key) => key.startsWith('at.'));
    expect(position.length).toBeGreaterThan(0);
    const without = (key: string) => Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
    const tampered: [string, string][] = [
      ['unknown phase', sealedAgain({ ...record, phase: 'summaries' })],
      ['a phase the late list does not have', sealedAgain({ ...record, phase: 'zero-reports' })],
      ['a key added', sealedAgain({ ...record, colour: 'red' })],
      ['region removed', sealedAgain(without('region'))],
      ['from removed', sealedAgain(without('from'))],
      ['phase removed', sealedAgain(without('phase'))],
      [
        'every position key removed',
        sealedAgain(Object.fromEntries(Object.entries(record).filter(([k]) => !k.startsWith('at.')))),
      ],
      ['a number for text', sealedAgain({ ...record, from: 5 })],
      ['null for text', sealedAgain({ ...record, to: null })],
      ['an object for text', sealedAgain({ ...record, region: { code: '110100' } })],
      ['not a time', sealedAgain({ ...record, from: 'last month' })],
      ['the period reversed', sealedAgain({ ...record, from: record.to, to: record.from })],
      ['a kind of the other list', sealedAgain({ ...record, kind: 'zero-report' })],
      ['an office outside the region', sealedAgain({ ...record, office: '310101' })],
      ['another region', sealedAgain({ ...record, region: '120000' })],
      ['the position of another region', sealedAgain({ ...record, 'at.cityCode': '120100' })],
      ['an array', sealedAgain([record] as unknown as Record<string, unknown>)],
      ['not JSON', Buffer.from('{phase:', 'utf8').toString('base64url')],
      ['not base64url', '%%%'],
    ];
    // The store's own position, changed: what the store checks.
    for (const key of position) tampered.push([`${key} removed`, sealedAgain(without(key))]);
    tampered.push(['a position key added', sealedAgain({ ...record, 'at.extra': 'x' })]);
    tampered.push([
      'a position outside the period',
      sealedAgain({ ...record, from: new Date().toISOString(), to: new Date().toISOString() }),
    ]);

    for (const route of ['late', 'missed']) {
      for (const [what, cursor] of tampered) {
        // ACT
        const answer = await get(`/v1/audit/${route}?region=110100&limit=1&cursor=${encodeURIComponent(cursor)}`);

        // ASSESS
        expect(answer.status, `${route}: ${what}`).toBe(400);
        const fields = (answer.body as { error: { details: { field: string }[] } }).error.details.map((d) => d.field);
        expect(fields, `${route}: ${what}`).toEqual(['cursor']);
      }
    }
  });

  it('gives the same rows as CSV, with RFC 4180 quoting and Chinese text as it is', async () => {
    const { lateRows, missedRows, xicheng, chaoyang } = expected();
    const unitReport = lateRows.find((row) => row.kind === 'unit-report');
    const dongchengDuty = unitReport?.onDutyAtDeadline[0];
    if (!unitReport || !dongchengDuty) throw new Error('no unit report row');
    const xichengDuty = chinaHour(xicheng.dueAt) < 12 ? '郑值班 (P-XC-ZHENG)' : '冯值班 (P-XC-FENG)';
    const lines: Record<string, string> = {
      [ids.late]:
        `countyToCity,${ids.late},110102,accident,IV,county,110102,西城区,,,${xicheng.obligationId},,,,,,` +
        `${xicheng.dueAt},,${xicheng.metAt},${xicheng.missedAt},${xicheng.lateByMs},${formatDuration(xicheng.lateByMs ?? -1)},true,` +
        `孙主任 (P-XC-SUN),周副主任 (P-XC-ZHOU),${xichengDuty},${xicheng.dueAt},${DIRECTORY_SINCE}\r\n`,
      [ids.onTime]:
        `unit-report,${ids.onTime},110101,accident,IV,county,110101,东城区,U-DC,,,,,,,,` +
        `${unitReport.deadline},,${unitReport.metAt},,${unitReport.lateByMs},${unitReport.lateBy},false,` +
        `,,${dongchengDuty.name} (${dongchengDuty.personId}),${unitReport.deadline},${DIRECTORY_SINCE}\r\n`,
    };

    const late = await get('/v1/audit/late?region=110100&format=csv');
    expect(late.status).toBe(200);
    expect(late.text).toBe(`${HEADER}\r\n${lateRows.map((row) => lines[row.incident.id]).join('')}`);

    const missed = await call(runtime, 'GET', '/v1/audit/missed?region=110100&format=csv', { token: inspector });
    expect(missed.text).toBe(
      `${HEADER}\r\n` +
        `countyToCity,${ids.silent},110105,accident,IV,county,110105,朝阳区,,,${chaoyang.obligationId},,,,,,` +
        `${chaoyang.dueAt},,,${chaoyang.missedAt},,,true,` +
        `陈主任 (P-CY-CHEN),"褚卫东, 副主任 (P-CY-CHU)",卫值班 (P-CY-WEI),${chaoyang.dueAt},${DIRECTORY_SINCE}\r\n`,
    );
    expect(missedRows).toHaveLength(1);

    const response = await fetch(`${runtime.url}/v1/audit/missed?region=110100&format=csv`, {
      headers: { authorization: `Bearer ${inspector}` },
    });
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="missed-110100.csv"');
  });

  it('gives every office of the city its punctuality, with zeros where it held nothing', async () => {
    const { xicheng } = expected();
    const lateBy = xicheng.lateByMs ?? -1;
    const zeros = { held: 0, metOnTime: 0, metLate: 0, missed: 0, pending: 0, waived: 0 };
    const none = { onTimeRate: null, medianDelayMs: null, p90DelayMs: null };
    const figures: Record<string, object> = {
      '110101': { ...zeros, held: 1, metOnTime: 1, onTimeRate: 1, medianDelayMs: 0, p90DelayMs: 0 },
      '110102': { ...zeros, held: 1, metLate: 1, onTimeRate: 0, medianDelayMs: lateBy, p90DelayMs: lateBy },
      '110105': { ...zeros, held: 1, missed: 1, ...none, onTimeRate: 0 },
    };
    const offices = [
      { level: 'city', code: '110100', name: regionOf('110100').name },
      ...childrenOf('110100').map((r) => ({ level: r.level, code: r.code, name: r.name })),
    ];

    const answer = await get('/v1/audit/offices?region=110100');
    expect(answer.status).toBe(200);
    const body = answer.body as { offices: unknown[] };
    expect(body.offices).toEqual(offices.map((office) => ({ office, ...zeros, ...none, ...figures[office.code] })));

    const csv = await get('/v1/audit/offices?region=110100&format=csv');
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe(
      'officeLevel,officeCode,officeName,held,metOnTime,metLate,missed,pending,waived,onTimeRate,medianDelayMs,p90DelayMs',
    );
    expect(lines).toHaveLength(offices.length + 2);
    expect(lines.slice(1, 5)).toEqual([
      `city,110100,${regionOf('110100').name},0,0,0,0,0,0,,,`,
      'county,110101,东城区,1,1,0,0,0,0,1,0,0',
      `county,110102,西城区,1,0,1,0,0,0,0,${lateBy},${lateBy}`,
      'county,110105,朝阳区,1,0,0,1,0,0,0,,',
    ]);
  });

  it('refuses reporters, offices and inspectors of another province, and records each refusal', async () => {
    const reporter = await tokenFor(runtime, { sub: 'u-dc', role: 'reporter', region: '110101', unit: 'U-DC' });
    const office = await tokenFor(runtime, { sub: 'bj-city', role: 'office', region: '110100', level: 'city' });
    const shanghai = await tokenFor(runtime, { sub: 'insp-sh', role: 'inspector', region: '310000' });
    const routes = ['late', 'missed', 'offices'];
    for (const route of routes) {
      for (const token of [reporter, office, shanghai]) {
        const answer = await get(`/v1/audit/${route}?region=110100`, token);
        expect(answer.status, `${route}`).toBe(403);
        expect((answer.body as { error: { code: string } }).error.code).toBe('forbidden');
      }
    }
    const denied = (await get('/v1/audit/access-denied?region=110000')).body as {
      items: { action: string; actor: { sub: string } }[];
    };
    const refused = denied.items
      .filter((i) => i.action.startsWith('GET /v1/audit/'))
      .map((i) => `${i.action} ${i.actor.sub}`)
      .sort();
    expect(refused).toEqual(
      routes.flatMap((route) => ['bj-city', 'insp-sh', 'u-dc'].map((sub) => `GET /v1/audit/${route} ${sub}`)).sort(),
    );
    // A refusal across provinces is filed under both: Shanghai's inspections see their own probing too.
    const asked = (await get('/v1/audit/access-denied?region=310000', shanghai)).body as {
      items: { action: string }[];
    };
    expect(asked.items.map((i) => i.action).sort()).toEqual(routes.map((route) => `GET /v1/audit/${route}`));
  });

  it('answers an inspector’s bad query with 400 naming every bad field', async () => {
    const answer = await get(
      '/v1/audit/late?region=11&from=yesterday&kind=zero-report&office=12345x&limit=500&format=xlsx&colour=red',
    );
    expect(answer.status).toBe(400);
    const details = (answer.body as { error: { code: string; details: { field: string }[] } }).error.details;
    expect(details.map((d) => d.field).sort()).toEqual([
      'colour',
      'format',
      'from',
      'kind',
      'limit',
      'office',
      'region',
    ]);

    const offices = await get('/v1/audit/offices?to=2026-13-01&kind=countyToCity');
    expect(offices.status).toBe(400);
    const fields = (offices.body as { error: { details: { field: string }[] } }).error.details.map((d) => d.field);
    expect(fields.sort()).toEqual(['kind', 'region', 'to']);

    const outside = await get('/v1/audit/missed?region=110100&office=310101');
    expect(outside.status).toBe(400);
    expect((outside.body as { error: { details: unknown[] } }).error.details).toEqual([
      { field: 'office', problem: 'is not inside region 110100' },
    ]);
  });

  // Last: it gives Xicheng a new first responsible person from now on.
  it('names the first responsible person at the deadline after the post changed hands, not the successor', async () => {
    // PREPARE: Xicheng's late forward is due and met; now Sun hands the post to Qin.
    const successor = officer('110102', 'P-XC-QIN', '秦主任', 'first-responsible');
    const xichengNow = [...OFFICERS.filter((o) => o.office === '110102' && o.personId !== 'P-XC-SUN'), successor];
    const changedAt = new Date();
    await directory.replaceOffices(
      ['110102'],
      xichengNow,
      ROSTER.filter((s) => s.office === '110102'),
      changedAt,
    );

    // ACT
    const late = await get('/v1/audit/late?region=110100&office=110102');
    const officers = await get('/v1/offices/110102/officers');

    // ASSESS: the late duty stays Sun's, from the version in effect at its deadline; the directory
    // now names Qin.
    expect((late.body as { items: Row[] }).items).toEqual([lateRowOf('countyToCity')]);
    expect((late.body as { items: Row[] }).items[0]).toMatchObject({
      firstResponsible: [person('P-XC-SUN')],
      directorySince: DIRECTORY_SINCE,
    });
    expect(officers.status).toBe(200);
    const now = officers.body as { officers: { personId: string; roles: string[] }[] };
    expect(now.officers.filter((o) => o.roles.includes('first-responsible')).map((o) => o.personId)).toEqual([
      'P-XC-QIN',
    ]);
  });
});
