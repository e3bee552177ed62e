/**
 * The inspectors' late, missed and punctuality views over HTTP on the local runtime, with windows
 * of seconds (test/fixtures/policies/fast-drill.json: county → city 3 s, unit → county 1 h).
 *
 * Three counties of Beijing receive one grade IV incident each: Dongcheng forwards at once (but
 * its unit reported an hour and five minutes after learning of it), Xicheng stays silent until the
 * pipeline has escalated past it and then forwards, Chaoyang stays silent. Every expected value is
 * the one the pipeline recorded (read back from the incidents), so the views are checked exactly.
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
import { call, initialReport, startTestRuntime, type TestRuntime, tokenFor } from './support';

const POLICY = fileURLToPath(new URL('../fixtures/policies/fast-drill.json', import.meta.url));
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
];
const ROSTER: Shift[] = [
  { office: '110101', personId: 'P-DC-ZHAO', from: '08:00', to: '20:00' },
  { office: '110101', personId: 'P-DC-QIAN', from: '20:00', to: '08:00' },
  { office: '110102', personId: 'P-XC-ZHENG', from: '00:00', to: '12:00' },
  { office: '110102', personId: 'P-XC-FENG', from: '12:00', to: '00:00' },
  // A 24-hour shift, handed over at 08:00.
  { office: '110105', personId: 'P-CY-WEI', from: '08:00', to: '08:00' },
];

const person = (personId: string) => {
  const found = OFFICERS.find((o) => o.personId === personId);
  if (!found) throw new Error(`no officer ${personId}`);
  return { personId, name: found.name };
};
const HEADER =
  'kind,incidentId,incidentRegion,category,grade,officeLevel,officeCode,officeName,unitId,unitName,' +
  'obligationId,dutyPeriodId,zeroReportDate,deadline,metAt,missedAt,lateByMs,lateBy,autoEscalated,' +
  'firstResponsible,directlyResponsible,onDutyAtDeadline';

const chinaHour = (iso: string) => (new Date(iso).getUTCHours() + 8) % 24;

interface Incident {
  incident: { incidentId: string; receivedAt: string; learnedAt: string };
  obligations: Obligation[];
}

interface Row {
  kind: string;
  incident: { id: string } | null;
  [field: string]: unknown;
}

describe('the inspectors’ late, missed and punctuality views over HTTP', () => {
  let runtime: TestRuntime;
  let inspector: string;
  let ids: { onTime: string; late: string; silent: string };
  let state: { onTime: Incident; late: Incident; silent: Incident };
  let lateReport: { limitMs: number; lateByMs: number };

  const get = (path: string, token = inspector) => call(runtime, 'GET', path, { token });
  const incident = async (id: string) => (await get(`/v1/incidents/${id}`)).body as Incident;

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

    const client = makeDocumentClient(
      new DynamoDBClient({ endpoint: runtime.endpoints.dynamodb, region: LOCAL_REGION, credentials: localCredentials }),
    );
    const directory = makeDynamoOfficerDirectory({ client, table: runtime.resources.tables.officers });
    await directory.replaceOffices(['110100', '110101', '110102', '110105'], OFFICERS, ROSTER);

    // The unit learned of it 65 minutes ago: 5 minutes over its 1 h.
    const learned = new Date(Date.now() - 65 * 60_000);
    const onTime = await report('110101', 'U-DC', {
      learnedAt: learned.toISOString(),
      occurredAt: new Date(learned.getTime() - 10 * 60_000).toISOString(),
    });
    if (!onTime.lateReport) throw new Error('the unit report should have been late');
    lateReport = onTime.lateReport;
    await forward('110101', onTime.incidentId);
    const late = await report('110102', 'U-XC');
    const silent = await report('110105', 'U-CY');
    ids = { onTime: onTime.incidentId, late: late.incidentId, silent: silent.incidentId };

    await Promise.all([escalated(ids.late, 15_000), escalated(ids.silent, 15_000)]);
    await forward('110102', ids.late);

    state = {
      onTime: await incident(ids.onTime),
      late: await incident(ids.late),
      silent: await incident(ids.silent),
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
    const unitDeadline = new Date(Date.parse(learnedAt) + 3_600_000).toISOString();
    const unitLateBy = Date.parse(receivedAt) - Date.parse(unitDeadline);
    return {
      xicheng,
      chaoyang,
      lateRows: [
        {
          kind: 'countyToCity',
          incident: { id: ids.late, region: '110102', category: 'accident', grade: 'IV' },
          office: { level: 'county', code: '110102', name: '西城区' },
          unit: null,
          obligationId: xicheng.obligationId,
          zeroReport: null,
          deadline: xicheng.dueAt,
          metAt: xicheng.metAt,
          missedAt: xicheng.missedAt,
          lateByMs: xicheng.lateByMs,
          lateBy: formatDuration(xicheng.lateByMs ?? -1),
          autoEscalated: true,
          firstResponsible: [person('P-XC-SUN')],
          directlyResponsible: [person('P-XC-ZHOU')],
          onDutyAtDeadline: [person(chinaHour(xicheng.dueAt) < 12 ? 'P-XC-ZHENG' : 'P-XC-FENG')],
        },
        {
          kind: 'unit-report',
          incident: { id: ids.onTime, region: '110101', category: 'accident', grade: 'IV' },
          office: { level: 'county', code: '110101', name: '东城区' },
          unit: { id: 'U-DC', name: null },
          obligationId: null,
          zeroReport: null,
          deadline: unitDeadline,
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
        },
      ],
      missedRows: [
        {
          kind: 'countyToCity',
          incident: { id: ids.silent, region: '110105', category: 'accident', grade: 'IV' },
          office: { level: 'county', code: '110105', name: '朝阳区' },
          unit: null,
          obligationId: chaoyang.obligationId,
          zeroReport: null,
          deadline: chaoyang.dueAt,
          metAt: null,
          missedAt: chaoyang.missedAt,
          lateByMs: null,
          lateBy: null,
          autoEscalated: true,
          firstResponsible: [person('P-CY-CHEN')],
          directlyResponsible: [person('P-CY-CHU')],
          onDutyAtDeadline: [person('P-CY-WEI')],
        },
      ],
    };
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
    expect(expected().lateRows[1]?.lateByMs).toBe(lateReport.lateByMs);
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
    expect((byOffice.body as { items: Row[] }).items).toEqual([expected().lateRows[0]]);
    const byKind = await get('/v1/audit/late?region=110000&kind=unit-report');
    expect((byKind.body as { items: Row[] }).items).toEqual([expected().lateRows[1]]);
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
    const csvRows: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await fetch(
        `${runtime.url}/v1/audit/late?region=110100&limit=1&format=csv${cursor ? `&cursor=${cursor}` : ''}`,
        { headers: { authorization: `Bearer ${inspector}` } },
      );
      const [header, ...rows] = (await response.text()).split('\r\n');
      expect(header).toBe(HEADER);
      csvRows.push(...rows.filter((row) => row !== ''));
      cursor = response.headers.get('x-next-cursor');
      if (pages === 0) expect(cursor).toBe(page1.next);
      pages += 1;
    } while (cursor && pages < 5);
    expect(csvRows.map((row) => row.split(',')[1])).toEqual([ids.late, ids.onTime]);
  });

  it('gives the same rows as CSV, with RFC 4180 quoting and Chinese text as it is', async () => {
    const { lateRows, missedRows, xicheng, chaoyang } = expected();
    const unitReport = lateRows[1];
    const dongchengDuty = unitReport?.onDutyAtDeadline[0];
    if (!unitReport || !dongchengDuty) throw new Error('no unit report row');
    const xichengDuty = chinaHour(xicheng.dueAt) < 12 ? '郑值班 (P-XC-ZHENG)' : '冯值班 (P-XC-FENG)';

    const late = await get('/v1/audit/late?region=110100&format=csv');
    expect(late.status).toBe(200);
    expect(late.text).toBe(
      `${HEADER}\r\n` +
        `countyToCity,${ids.late},110102,accident,IV,county,110102,西城区,,,${xicheng.obligationId},,,` +
        `${xicheng.dueAt},${xicheng.metAt},${xicheng.missedAt},${xicheng.lateByMs},${formatDuration(xicheng.lateByMs ?? -1)},true,` +
        `孙主任 (P-XC-SUN),周副主任 (P-XC-ZHOU),${xichengDuty}\r\n` +
        `unit-report,${ids.onTime},110101,accident,IV,county,110101,东城区,U-DC,,,,,` +
        `${unitReport.deadline},${unitReport.metAt},,${unitReport.lateByMs},${unitReport.lateBy},false,` +
        `,,${dongchengDuty.name} (${dongchengDuty.personId})\r\n`,
    );

    const missed = await call(runtime, 'GET', '/v1/audit/missed?region=110100&format=csv', { token: inspector });
    expect(missed.text).toBe(
      `${HEADER}\r\n` +
        `countyToCity,${ids.silent},110105,accident,IV,county,110105,朝阳区,,,${chaoyang.obligationId},,,` +
        `${chaoyang.dueAt},,${chaoyang.missedAt},,,true,` +
        `陈主任 (P-CY-CHEN),"褚卫东, 副主任 (P-CY-CHU)",卫值班 (P-CY-WEI)\r\n`,
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
});
