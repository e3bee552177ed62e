import { describe, expect, it } from 'vitest';
import { type BuiltInPolicyName, policyByName } from '../../shared/adapters/policy-source';
import { makeSubmitReport, type SubmitReportResult } from '../../shared/application/submit-report';
import type { Actor } from '../../shared/domain/access';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/domain/errors';
import { verifyChain } from '../../shared/domain/hash-chain';
import {
  FIGURE_KEYS,
  type IncidentEvent,
  type IncidentState,
  project,
  type ReportSubmittedData,
} from '../../shared/domain/incident';
import { chainOf } from '../../shared/domain/regions/regions';
import type { Clock } from '../../shared/ports/clock';
import type { IdGenerator } from '../../shared/ports/ids';
import { type IncidentChange, VersionConflict } from '../../shared/ports/incident-store';
import { makeReportBodySchema, type ReportBody } from '../../shared/schemas/report';
import { InMemoryIncidentStore } from '../fakes/in-memory-incident-store';
import { type Body, type NestedChanges, reportWith } from '../fixtures/reports';

/** 09:00 in Beijing: 50 minutes after the example's incident, 35 after the unit learned of it. */
const RECEIVED = new Date('2026-11-22T01:00:00.000Z');
const HOUR = 3_600_000;
const MINUTE = 60_000;
const SECOND = 1_000;

const at = (ms: number) => new Date(ms).toISOString();

const schema = makeReportBodySchema(() => RECEIVED.getTime());

/** A report body as the HTTP edge hands it to the use case: validated by the real schema. */
const report = (changes: Body = {}, nested: NestedChanges = {}): ReportBody =>
  schema.parse(reportWith(changes, nested));

const followUp = (incidentId: string, changes: Body = {}, nested: NestedChanges = {}): ReportBody =>
  report({ kind: 'follow-up', incidentId, grade: undefined, ...changes }, nested);

const casualties = (dead: number, injured = 0, missing = 0): NestedChanges => ({
  casualties: { dead, injured, missing, trapped: 0 },
});

const unitOf = (region: string, unit = 'U-1'): Actor => ({
  sub: `unit-${region}-${unit}`,
  role: 'reporter',
  region,
  unit,
});

const fixedClock: Clock = { now: () => new Date(RECEIVED) };

/** Incident ids numbered 1, 2, 3 … in the readable format, so every expectation is exact. */
class NumberedIds implements IdGenerator {
  #next = 0;
  #unique = 0;

  incidentId(at: Date): string {
    this.#next += 1;
    return `INC-${at.toISOString().slice(0, 10).replaceAll('-', '')}-${String(this.#next).padStart(8, '0')}`;
  }

  unique(): string {
    this.#unique += 1;
    return `id-${this.#unique}`;
  }
}

const FIRST = 'INC-20261122-00000001';

const setUp = (policy: BuiltInPolicyName = 'national') => {
  const incidents = new InMemoryIncidentStore();
  const submit = makeSubmitReport({
    incidents,
    clock: fixedClock,
    ids: new NumberedIds(),
    policy: policyByName(policy),
  });
  return { incidents, submit };
};

/** The chain verdict over a log. Events are plain JSON data by construction. */
const verifyLog = (events: readonly IncidentEvent[]) =>
  verifyChain(events as unknown as Parameters<typeof verifyChain>[0]);

const typesAndSeqs = (events: readonly IncidentEvent[]) => events.map((event) => [event.type, event.seq]);

const reportData = (events: readonly IncidentEvent[], seq: number): ReportSubmittedData => {
  const event = events.find((candidate) => candidate.seq === seq);
  if (event?.type !== 'ReportSubmitted') throw new Error(`event ${seq} is not a ReportSubmitted`);
  return event.data;
};

/** The head rebuilt from the log alone, as any projection must be able to. */
const replayed = (events: readonly IncidentEvent[]): IncidentState | undefined => {
  const first = events[0];
  if (first?.type !== 'ReportSubmitted') throw new Error('a log starts with a report');
  const chain = chainOf(first.data.regionCode);
  const codes = { county: chain.county?.code ?? null, city: chain.city?.code ?? null, province: chain.province.code };
  return events.reduce<IncidentState | undefined>((state, event) => project(state, event, codes), undefined);
};

async function failureOf(act: Promise<unknown>): Promise<unknown> {
  try {
    await act;
  } catch (error) {
    return error;
  }
  throw new Error('expected the submission to be refused');
}

describe('an initial report', () => {
  it('records the report and opens the county office’s duty to forward it, in a verified chain', async () => {
    // PREPARE
    const { incidents, submit } = setUp();

    // ACT
    const result = await submit({ actor: unitOf('110101'), report: report() });

    // ASSESS
    expect(result).toStrictEqual({
      replayed: false,
      response: {
        incidentId: FIRST,
        reportId: `${FIRST}-R1`,
        seq: 1,
        grade: 'III',
        gradeBasis: 'reported',
        status: 'open',
        obligations: [
          {
            obligationId: `${FIRST}-110101-countyToCity`,
            level: 'county',
            office: '110101',
            to: { level: 'city', office: '110100' },
            dueAt: '2026-11-22T03:00:00.000Z',
            status: 'pending',
          },
        ],
      },
    } satisfies SubmitReportResult);
    const events = incidents.eventsOf(FIRST);
    expect(typesAndSeqs(events)).toEqual([
      ['ReportSubmitted', 1],
      ['ObligationOpened', 2],
    ]);
    expect(verifyLog(events)).toEqual({ intact: true, events: 2, headHash: incidents.headOf(FIRST)?.lastHash });
  });

  it('stores the report in UTC with the figures as sent, and the delta from nothing', async () => {
    // PREPARE
    const { incidents, submit } = setUp();
    const actor = unitOf('110101');

    // ACT
    await submit({ actor, report: report() });

    // ASSESS
    const events = incidents.eventsOf(FIRST);
    expect(events[0]).toMatchObject({ v: 1, incidentId: FIRST, at: RECEIVED.toISOString(), actor });
    expect(reportData(events, 1)).toStrictEqual({
      reportId: `${FIRST}-R1`,
      kind: 'initial',
      reportNumber: 1,
      office: '110101',
      reporter: { name: '王建国', phone: '+86 10 6512 3456', unit: 'U-1' },
      occurredAt: '2026-11-22T00:10:00.000Z',
      learnedAt: '2026-11-22T00:25:00.000Z',
      receivedAt: '2026-11-22T01:00:00.000Z',
      regionCode: '110101',
      location: { address: '北京市东城区景山前街4号', lat: 39.93, lon: 116.4 },
      category: 'accident',
      subtype: 'mine flooding',
      proposedGrade: 'III',
      assessedGrade: 'IV',
      figures: {
        dead: 0,
        injured: 2,
        seriouslyInjured: null,
        missing: 1,
        trapped: 0,
        affectedPeople: 120,
        directLossYuan: 500_000,
      },
      delta: {
        dead: 0,
        injured: 2,
        seriouslyInjured: 0,
        missing: 1,
        trapped: 0,
        affectedPeople: 120,
        directLossYuan: 500_000,
      },
      summary: 'Water broke into the lower roadway of the mine at 08:10; 14 miners evacuated, one unaccounted for.',
      measuresTaken: 'Pumps started; mine rescue team on site; lower roadway sealed off.',
      unknowns: 'Whereabouts of the missing miner; extent of the flooding.',
    });
  });

  it('gives the county office two hours from receipt under the national policy, and stores the obligation in the head', async () => {
    // PREPARE
    const { incidents, submit } = setUp();

    // ACT
    await submit({ actor: unitOf('110101'), report: report() });

    // ASSESS
    expect(incidents.headOf(FIRST)?.obligations).toStrictEqual([
      {
        obligationId: `${FIRST}-110101-countyToCity`,
        incidentId: FIRST,
        level: 'county',
        office: '110101',
        handover: 'countyToCity',
        to: { level: 'city', office: '110100' },
        openedAt: RECEIVED.toISOString(),
        dueAt: at(RECEIVED.getTime() + 2 * HOUR),
        limitMs: 2 * HOUR,
        status: 'pending',
      },
    ]);
  });

  it('keeps a head that the log alone rebuilds', async () => {
    // PREPARE
    const { incidents, submit } = setUp();

    // ACT
    await submit({ actor: unitOf('110101'), report: report() });

    // ASSESS
    const head = incidents.headOf(FIRST);
    expect(head).toMatchObject({
      version: 2,
      status: 'open',
      grade: 'III',
      countyCode: '110101',
      cityCode: '110100',
      provinceCode: '110000',
      firstUnit: 'U-1',
      reportCount: 1,
      receivedAt: RECEIVED.toISOString(),
      unitLate: false,
    });
    expect(replayed(incidents.eventsOf(FIRST))).toStrictEqual(head);
  });

  it('follows the drill policy’s limits in seconds', async () => {
    // PREPARE: 35 minutes after learning of it is late by 34 min 40 s against the drill's 20 s
    const { incidents, submit } = setUp('drill');

    // ACT
    const { response } = await submit({ actor: unitOf('110101'), report: report() });

    // ASSESS
    expect(response.obligations[0]?.dueAt).toBe(at(RECEIVED.getTime() + 15 * SECOND));
    expect(response.lateReport).toStrictEqual({ limitMs: 20 * SECOND, lateByMs: 35 * MINUTE - 20 * SECOND });
    // The report's own events first, then the duties the resulting state calls for.
    expect(typesAndSeqs(incidents.eventsOf(FIRST))).toEqual([
      ['ReportSubmitted', 1],
      ['UnitReportLate', 2],
      ['ObligationOpened', 3],
    ]);
  });
});

describe('where a report goes first', () => {
  it('sends a Beijing district’s report to the municipality’s city level, 110100', async () => {
    // PREPARE
    const { submit } = setUp();

    // ACT
    const { response } = await submit({ actor: unitOf('110101'), report: report() });

    // ASSESS
    expect(response.obligations.map(({ office, to }) => ({ office, to }))).toEqual([
      { office: '110101', to: { level: 'city', office: '110100' } },
    ]);
  });

  it('sends a report from 仙桃 (429004), which no city administers, straight to the province 420000', async () => {
    // PREPARE
    const { incidents, submit } = setUp();

    // ACT
    const { response } = await submit({ actor: unitOf('429004'), report: report({ regionCode: '429004' }) });

    // ASSESS
    expect(response.obligations).toStrictEqual([
      {
        obligationId: `${FIRST}-429004-countyToCity`,
        level: 'county',
        office: '429004',
        to: { level: 'province', office: '420000' },
        dueAt: '2026-11-22T03:00:00.000Z',
        status: 'pending',
      },
    ]);
    expect(incidents.headOf(FIRST)).toMatchObject({ countyCode: '429004', cityCode: null, provinceCode: '420000' });
  });

  it('makes the city office of 东莞 (441900), which has no counties, the first office, owing cityToProvince', async () => {
    // PREPARE
    const { incidents, submit } = setUp();

    // ACT
    const { response } = await submit({ actor: unitOf('441900'), report: report({ regionCode: '441900' }) });

    // ASSESS
    expect(response.obligations).toStrictEqual([
      {
        obligationId: `${FIRST}-441900-cityToProvince`,
        level: 'city',
        office: '441900',
        to: { level: 'province', office: '440000' },
        dueAt: '2026-11-22T03:00:00.000Z',
        status: 'pending',
      },
    ]);
    expect(incidents.headOf(FIRST)?.obligations.map((o) => o.handover)).toEqual(['cityToProvince']);
    expect(reportData(incidents.eventsOf(FIRST), 1).office).toBe('441900');
    expect(incidents.headOf(FIRST)).toMatchObject({ countyCode: null, cityCode: '441900', provinceCode: '440000' });
  });

  it('opens no forwarding duty for a grade IV report from 东莞 (441900): the city is as high as grade IV must go', async () => {
    // PREPARE
    const { incidents, submit } = setUp();

    // ACT
    const { response } = await submit({
      actor: unitOf('441900'),
      report: report({ regionCode: '441900', grade: 'IV' }),
    });

    // ASSESS
    expect(response).toMatchObject({ grade: 'IV', obligations: [] });
    expect(typesAndSeqs(incidents.eventsOf(FIRST))).toEqual([['ReportSubmitted', 1]]);
    expect(incidents.headOf(FIRST)?.obligations).toEqual([]);
  });
});

describe('the duties an initial report opens', () => {
  it('opens, for grade II, the county’s forwarding and its phone (30 min) and written (1 h) reports to the national duty office', async () => {
    // PREPARE
    const { incidents, submit } = setUp();

    // ACT
    const { response } = await submit({ actor: unitOf('110101'), report: report({ grade: 'II' }) });

    // ASSESS
    const direct = (handover: string, limitMs: number) => ({
      obligationId: `${FIRST}-110101-${handover}`,
      incidentId: FIRST,
      level: 'county',
      office: '110101',
      handover,
      to: { level: 'national', office: '000000' },
      openedAt: RECEIVED.toISOString(),
      dueAt: at(RECEIVED.getTime() + limitMs),
      limitMs,
      status: 'pending',
    });
    expect(incidents.headOf(FIRST)?.obligations).toStrictEqual([
      {
        obligationId: `${FIRST}-110101-countyToCity`,
        incidentId: FIRST,
        level: 'county',
        office: '110101',
        handover: 'countyToCity',
        to: { level: 'city', office: '110100' },
        openedAt: RECEIVED.toISOString(),
        dueAt: at(RECEIVED.getTime() + 2 * HOUR),
        limitMs: 2 * HOUR,
        status: 'pending',
      },
      direct('skipLevelPhone', 30 * MINUTE),
      direct('skipLevelWritten', HOUR),
    ]);
    expect(response.obligations.map((o) => o.obligationId)).toEqual([
      `${FIRST}-110101-countyToCity`,
      `${FIRST}-110101-skipLevelPhone`,
      `${FIRST}-110101-skipLevelWritten`,
    ]);
    expect(typesAndSeqs(incidents.eventsOf(FIRST))).toEqual([
      ['ReportSubmitted', 1],
      ['ObligationOpened', 2],
      ['ObligationOpened', 3],
      ['ObligationOpened', 4],
    ]);
  });

  it('times grade I’s direct reports by the jurisdiction’s own numbers (Henan: 15 min by phone, 35 min in writing)', async () => {
    // PREPARE: 中原区 410102 lies in Henan
    const { submit } = setUp();

    // ACT
    const { response } = await submit({
      actor: unitOf('410102'),
      report: report({ regionCode: '410102', grade: 'I' }),
    });

    // ASSESS
    expect(response.obligations.map(({ obligationId, dueAt }) => ({ obligationId, dueAt }))).toEqual([
      { obligationId: `${FIRST}-410102-countyToCity`, dueAt: at(RECEIVED.getTime() + 2 * HOUR) },
      { obligationId: `${FIRST}-410102-skipLevelPhone`, dueAt: at(RECEIVED.getTime() + 15 * MINUTE) },
      { obligationId: `${FIRST}-410102-skipLevelWritten`, dueAt: at(RECEIVED.getTime() + 35 * MINUTE) },
    ]);
  });

  it('opens no direct report for grade III', async () => {
    // PREPARE
    const { incidents, submit } = setUp();

    // ACT
    await submit({ actor: unitOf('110101'), report: report({ grade: 'III' }) });

    // ASSESS
    expect(incidents.headOf(FIRST)?.obligations.map((o) => o.handover)).toEqual(['countyToCity']);
  });

  it('opens the direct report of a natural disaster with ten dead and missing together, due in 2 h', async () => {
    // PREPARE: 4 dead and 6 missing (missing count with the dead for this rule and for the grade)
    const { incidents, submit } = setUp();
    const flood = report(
      { category: 'natural-disaster', subtype: 'flash flood', grade: undefined },
      casualties(4, 0, 6),
    );

    // ACT
    const { response } = await submit({ actor: unitOf('110101'), report: flood });

    // ASSESS
    expect(response.grade).toBe('II');
    expect(incidents.headOf(FIRST)?.obligations.map((o) => o.handover)).toEqual([
      'countyToCity',
      'skipLevelPhone',
      'skipLevelWritten',
      'naturalDisasterDirect',
    ]);
    expect(incidents.headOf(FIRST)?.obligations[3]).toMatchObject({
      obligationId: `${FIRST}-110101-naturalDisasterDirect`,
      office: '110101',
      to: { level: 'national', office: '000000' },
      dueAt: at(RECEIVED.getTime() + 2 * HOUR),
      limitMs: 2 * HOUR,
      status: 'pending',
    });
  });

  it('opens no natural-disaster direct report at nine dead and missing, nor for an accident with ten', async () => {
    // PREPARE
    const { incidents, submit } = setUp();
    const nine = report(
      { category: 'natural-disaster', subtype: 'flash flood', grade: undefined },
      casualties(3, 0, 6),
    );
    const accident = report({ grade: undefined }, casualties(4, 0, 6));

    // ACT
    const flood = await submit({ actor: unitOf('110101'), report: nine });
    const mine = await submit({ actor: unitOf('110101'), report: accident });

    // ASSESS
    const handovers = (incidentId: string) => incidents.headOf(incidentId)?.obligations.map((o) => o.handover);
    expect(handovers(flood.response.incidentId)).toEqual(['countyToCity']);
    expect(handovers(mine.response.incidentId)).toEqual(['countyToCity', 'skipLevelPhone', 'skipLevelWritten']);
  });
});

describe('the scope every event carries', () => {
  it('names the region, its chain, the category and the grade after that event', async () => {
    // PREPARE: proposed IV, but three dead is grade III
    const { incidents, submit } = setUp();

    // ACT
    await submit({ actor: unitOf('110101'), report: report({ grade: 'IV' }, casualties(3)) });

    // ASSESS
    const place = { regionCode: '110101', county: '110101', city: '110100', province: '110000', category: 'accident' };
    expect(incidents.eventsOf(FIRST).map((event) => [event.type, event.scope])).toStrictEqual([
      ['ReportSubmitted', { ...place, grade: 'IV' }],
      ['GradeAssessed', { ...place, grade: 'III' }],
      ['ObligationOpened', { ...place, grade: 'III' }],
    ]);
  });

  it('records null for the levels a chain lacks (东莞 has no county, 仙桃 no city)', async () => {
    // PREPARE
    const { incidents, submit } = setUp();

    // ACT
    const dongguan = await submit({ actor: unitOf('441900'), report: report({ regionCode: '441900' }) });
    const xiantao = await submit({ actor: unitOf('429004'), report: report({ regionCode: '429004' }) });

    // ASSESS
    const scopes = (incidentId: string) => incidents.eventsOf(incidentId).map((event) => event.scope);
    const dongguanScope = { regionCode: '441900', county: null, city: '441900', province: '440000' };
    const xiantaoScope = { regionCode: '429004', county: '429004', city: null, province: '420000' };
    const rest = { category: 'accident', grade: 'III' };
    expect(scopes(dongguan.response.incidentId)).toStrictEqual([
      { ...dongguanScope, ...rest },
      { ...dongguanScope, ...rest },
    ]);
    expect(scopes(xiantao.response.incidentId)).toStrictEqual([
      { ...xiantaoScope, ...rest },
      { ...xiantaoScope, ...rest },
    ]);
  });

  it('carries the raised grade from the GradeAssessed of a follow-up on, and the category as first reported', async () => {
    // PREPARE
    const { incidents, submit } = setUp();
    const actor = unitOf('110101');
    await submit({ actor, report: report({ grade: undefined }) });

    // ACT: three dead is grade III
    await submit({ actor, report: followUp(FIRST, {}, casualties(3)) });

    // ASSESS
    expect(incidents.eventsOf(FIRST).map((event) => [event.seq, event.type, event.scope.grade])).toEqual([
      [1, 'ReportSubmitted', 'IV'],
      [2, 'ObligationOpened', 'IV'],
      [3, 'ReportSubmitted', 'IV'],
      [4, 'GradeAssessed', 'III'],
    ]);
    expect(new Set(incidents.eventsOf(FIRST).map((event) => event.scope.category))).toEqual(new Set(['accident']));
  });
});

describe('a unit that reports late', () => {
  it('is recorded with UnitReportLate, late by exactly the time past its one hour', async () => {
    // PREPARE: learned of at 07:00 Beijing time, reported at 09:00
    const { incidents, submit } = setUp();
    const late = report({ occurredAt: '2026-11-22T06:50:00+08:00', learnedAt: '2026-11-22T07:00:00+08:00' });

    // ACT
    const { response } = await submit({ actor: unitOf('110101'), report: late });

    // ASSESS
    expect(response.lateReport).toStrictEqual({ limitMs: HOUR, lateByMs: HOUR });
    const events = incidents.eventsOf(FIRST);
    expect(typesAndSeqs(events)).toEqual([
      ['ReportSubmitted', 1],
      ['UnitReportLate', 2],
      ['ObligationOpened', 3],
    ]);
    expect(events[1]?.data).toStrictEqual({
      reportId: `${FIRST}-R1`,
      unit: 'U-1',
      office: '110101',
      learnedAt: '2026-11-21T23:00:00.000Z',
      receivedAt: '2026-11-22T01:00:00.000Z',
      limitMs: HOUR,
      lateByMs: HOUR,
    });
    expect(incidents.headOf(FIRST)?.unitLate).toBe(true);
    expect(verifyLog(events).intact).toBe(true);
  });

  it('is on time at exactly one hour, and late by one second a second later', async () => {
    // PREPARE
    const { incidents, submit } = setUp();
    const onTime = report({ occurredAt: at(RECEIVED.getTime() - HOUR), learnedAt: at(RECEIVED.getTime() - HOUR) });
    const oneSecondLate = report({
      occurredAt: at(RECEIVED.getTime() - HOUR - SECOND),
      learnedAt: at(RECEIVED.getTime() - HOUR - SECOND),
    });

    // ACT
    const first = await submit({ actor: unitOf('110101'), report: onTime });
    const second = await submit({ actor: unitOf('110101'), report: oneSecondLate });

    // ASSESS
    expect(first.response.lateReport).toBeUndefined();
    expect(incidents.eventsOf(first.response.incidentId)).toHaveLength(2);
    expect(second.response.lateReport).toStrictEqual({ limitMs: HOUR, lateByMs: SECOND });
  });
});

describe('the grade of an initial report', () => {
  it('is raised by GradeAssessed when the unit proposed less than the figures reach', async () => {
    // PREPARE: three dead is grade III; the unit proposed IV
    const { incidents, submit } = setUp();

    // ACT
    const { response } = await submit({ actor: unitOf('110101'), report: report({ grade: 'IV' }, casualties(3)) });

    // ASSESS
    expect(response).toMatchObject({ grade: 'III', gradeBasis: 'assessed' });
    const events = incidents.eventsOf(FIRST);
    expect(typesAndSeqs(events)).toEqual([
      ['ReportSubmitted', 1],
      ['GradeAssessed', 2],
      ['ObligationOpened', 3],
    ]);
    expect(events[1]?.data).toStrictEqual({ from: 'IV', to: 'III', basis: 'assessed', reportId: `${FIRST}-R1` });
    expect(verifyLog(events).intact).toBe(true);
  });

  it('is assessed from the figures when the unit proposed none, with no GradeAssessed event', async () => {
    // PREPARE
    const { incidents, submit } = setUp();

    // ACT
    const { response } = await submit({
      actor: unitOf('110101'),
      report: report({ grade: undefined }, casualties(10)),
    });

    // ASSESS: grade II also opens the direct reports to the national duty office
    expect(response).toMatchObject({ grade: 'II', gradeBasis: 'assessed' });
    expect(typesAndSeqs(incidents.eventsOf(FIRST))).toEqual([
      ['ReportSubmitted', 1],
      ['ObligationOpened', 2],
      ['ObligationOpened', 3],
      ['ObligationOpened', 4],
    ]);
  });

  it('sets the forwarding limit by the raised grade (Wuhan: grade III county to city in 1 h, IV in 2 h)', async () => {
    // PREPARE: 江岸区 420102 lies in Wuhan
    const { submit } = setUp();
    const actor = unitOf('420102');

    // ACT
    const raised = await submit({ actor, report: report({ regionCode: '420102', grade: 'IV' }, casualties(3)) });
    const general = await submit({ actor, report: report({ regionCode: '420102', grade: 'IV' }, casualties(0)) });

    // ASSESS
    expect(raised.response.obligations[0]?.dueAt).toBe(at(RECEIVED.getTime() + HOUR));
    expect(general.response.obligations[0]?.dueAt).toBe(at(RECEIVED.getTime() + 2 * HOUR));
  });
});

describe('a follow-up report', () => {
  it('records the exact change from the figures before it', async () => {
    // PREPARE
    const { incidents, submit } = setUp();
    const actor = unitOf('110101');
    await submit({ actor, report: report() });
    const opened = incidents.headOf(FIRST)?.obligations;
    const update = followUp(
      FIRST,
      { affectedPeople: 150, directLossYuan: 800_000 },
      {
        casualties: { dead: 1, injured: 5, seriouslyInjured: 2, missing: 0, trapped: 3 },
      },
    );

    // ACT
    const { response } = await submit({ actor, report: update });

    // ASSESS
    expect(response).toStrictEqual({
      incidentId: FIRST,
      reportId: `${FIRST}-R2`,
      seq: 3,
      grade: 'III',
      gradeBasis: 'reported',
      status: 'open',
      obligations: [
        {
          obligationId: `${FIRST}-110101-countyToCity`,
          level: 'county',
          office: '110101',
          to: { level: 'city', office: '110100' },
          dueAt: '2026-11-22T03:00:00.000Z',
          status: 'pending',
        },
      ],
    });
    const events = incidents.eventsOf(FIRST);
    expect(typesAndSeqs(events)).toEqual([
      ['ReportSubmitted', 1],
      ['ObligationOpened', 2],
      ['ReportSubmitted', 3],
    ]);
    const data = reportData(events, 3);
    expect(data).toMatchObject({ kind: 'follow-up', reportNumber: 2, reportId: `${FIRST}-R2`, office: '110101' });
    expect(data.delta).toStrictEqual({
      dead: 1,
      injured: 3,
      seriouslyInjured: 2,
      missing: -1,
      trapped: 3,
      affectedPeople: 30,
      directLossYuan: 300_000,
    });
    expect(verifyLog(events)).toMatchObject({ intact: true, events: 3 });
    expect(replayed(events)).toStrictEqual(incidents.headOf(FIRST));
    // The head carries the county office's duty on, untouched: it is stored nowhere else.
    expect(opened).toHaveLength(1);
    expect(incidents.headOf(FIRST)?.obligations).toStrictEqual(opened);
  });

  it('raises the grade with its own GradeAssessed event when its figures cross a threshold', async () => {
    // PREPARE: two dead is grade IV
    const { incidents, submit } = setUp();
    const actor = unitOf('110101');
    await submit({ actor, report: report({ grade: undefined }, casualties(2)) });

    // ACT: a third death is grade III, then ten dead is grade II
    const third = await submit({ actor, report: followUp(FIRST, {}, casualties(3)) });
    const tenth = await submit({ actor, report: followUp(FIRST, {}, casualties(10)) });

    // ASSESS
    expect(third.response).toMatchObject({ seq: 3, grade: 'III', gradeBasis: 'assessed' });
    expect(tenth.response).toMatchObject({ seq: 5, grade: 'II', gradeBasis: 'assessed' });
    const events = incidents.eventsOf(FIRST);
    // III adds no duty while only the county has the report; II adds the direct reports at once.
    expect(typesAndSeqs(events)).toEqual([
      ['ReportSubmitted', 1],
      ['ObligationOpened', 2],
      ['ReportSubmitted', 3],
      ['GradeAssessed', 4],
      ['ReportSubmitted', 5],
      ['GradeAssessed', 6],
      ['ObligationOpened', 7],
      ['ObligationOpened', 8],
    ]);
    expect(events.filter((event) => event.type === 'GradeAssessed').map((event) => event.data)).toStrictEqual([
      { from: 'IV', to: 'III', basis: 'assessed', reportId: `${FIRST}-R2` },
      { from: 'III', to: 'II', basis: 'assessed', reportId: `${FIRST}-R3` },
    ]);
    expect(verifyLog(events)).toMatchObject({ intact: true, events: 8 });
  });

  it('never lowers the grade, whatever its figures or proposal', async () => {
    // PREPARE: ten dead is grade II
    const { incidents, submit } = setUp();
    const actor = unitOf('110101');
    await submit({ actor, report: report({ grade: undefined }, casualties(10)) });

    // ACT: a correction to one dead, proposing IV
    const { response } = await submit({ actor, report: followUp(FIRST, { grade: 'IV' }, casualties(1)) });

    // ASSESS: no GradeAssessed, and the grade II duties stay as they were
    expect(response).toMatchObject({ seq: 5, grade: 'II', gradeBasis: 'assessed' });
    expect(typesAndSeqs(incidents.eventsOf(FIRST))).toEqual([
      ['ReportSubmitted', 1],
      ['ObligationOpened', 2],
      ['ObligationOpened', 3],
      ['ObligationOpened', 4],
      ['ReportSubmitted', 5],
    ]);
    expect(response.obligations.map((o) => [o.obligationId, o.status])).toEqual([
      [`${FIRST}-110101-countyToCity`, 'pending'],
      [`${FIRST}-110101-skipLevelPhone`, 'pending'],
      [`${FIRST}-110101-skipLevelWritten`, 'pending'],
    ]);
    expect(incidents.headOf(FIRST)?.grade).toBe('II');
  });

  it('raises the grade to the unit’s proposal when it is graver than the figures, on the basis reported', async () => {
    // PREPARE: the example's figures are grade IV
    const { incidents, submit } = setUp();
    const actor = unitOf('110101');
    await submit({ actor, report: report({ grade: undefined }) });

    // ACT
    const { response } = await submit({ actor, report: followUp(FIRST, { grade: 'II' }) });

    // ASSESS
    expect(response).toMatchObject({ seq: 3, grade: 'II', gradeBasis: 'reported' });
    expect(incidents.eventsOf(FIRST)[3]).toMatchObject({
      seq: 4,
      type: 'GradeAssessed',
      data: { from: 'IV', to: 'II', basis: 'reported', reportId: `${FIRST}-R2` },
    });
  });

  it('opens the duties a raised grade calls for in the same append, timed from the follow-up', async () => {
    // PREPARE: a grade IV incident, whose county owes only its hand-over to the city
    const incidents = new InMemoryIncidentStore();
    let now = RECEIVED.getTime();
    const submit = makeSubmitReport({
      incidents,
      clock: { now: () => new Date(now) },
      ids: new NumberedIds(),
      policy: policyByName('national'),
    });
    const actor = unitOf('110101');
    await submit({ actor, report: report({ grade: undefined }) });
    const appendsBefore = incidents.appends;
    now += 20 * MINUTE;

    // ACT: ten dead is grade II
    const { response } = await submit({ actor, report: followUp(FIRST, {}, casualties(10)) });

    // ASSESS
    expect(incidents.appends).toBe(appendsBefore + 1);
    const events = incidents.eventsOf(FIRST);
    expect(typesAndSeqs(events)).toEqual([
      ['ReportSubmitted', 1],
      ['ObligationOpened', 2],
      ['ReportSubmitted', 3],
      ['GradeAssessed', 4],
      ['ObligationOpened', 5],
      ['ObligationOpened', 6],
    ]);
    const followedAt = RECEIVED.getTime() + 20 * MINUTE;
    expect(events.slice(4).map((event) => (event.type === 'ObligationOpened' ? event.data.obligation : null))).toEqual([
      expect.objectContaining({
        handover: 'skipLevelPhone',
        openedAt: at(followedAt),
        dueAt: at(followedAt + 30 * MINUTE),
      }),
      expect.objectContaining({ handover: 'skipLevelWritten', openedAt: at(followedAt), dueAt: at(followedAt + HOUR) }),
    ]);
    // The county's existing hand-over keeps the window it was opened with.
    expect(response.obligations.map((o) => [o.obligationId, o.dueAt])).toEqual([
      [`${FIRST}-110101-countyToCity`, at(RECEIVED.getTime() + 2 * HOUR)],
      [`${FIRST}-110101-skipLevelPhone`, at(followedAt + 30 * MINUTE)],
      [`${FIRST}-110101-skipLevelWritten`, at(followedAt + HOUR)],
    ]);
    expect(verifyLog(events)).toMatchObject({ intact: true, events: 6 });
    expect(replayed(events)).toStrictEqual(incidents.headOf(FIRST));
  });

  it('is refused as NotFoundError for an incident that does not exist, and writes nothing', async () => {
    // PREPARE
    const { incidents, submit } = setUp();

    // ACT
    const error = await failureOf(submit({ actor: unitOf('110101'), report: followUp('INC-20261122-ZZZZZZZZ') }));

    // ASSESS
    expect(error).toBeInstanceOf(NotFoundError);
    expect(incidents.appends).toBe(0);
  });

  it('is refused as ValidationError naming category when it changes the category', async () => {
    // PREPARE
    const { incidents, submit } = setUp();
    const actor = unitOf('110101');
    await submit({ actor, report: report() });

    // ACT
    const error = await failureOf(submit({ actor, report: followUp(FIRST, { category: 'natural-disaster' }) }));

    // ASSESS
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'invalid-input', details: [{ field: 'category' }] });
    expect(incidents.eventsOf(FIRST)).toHaveLength(2);
  });
});

describe('a final report', () => {
  it('closes the incident, and a later report is refused as incident-closed', async () => {
    // PREPARE
    const { incidents, submit } = setUp();
    const actor = unitOf('110101');
    await submit({ actor, report: report() });

    // ACT
    const closing = await submit({ actor, report: report({ kind: 'final', incidentId: FIRST, grade: undefined }) });
    const after = await failureOf(submit({ actor, report: followUp(FIRST) }));

    // ASSESS
    expect(closing.response).toMatchObject({ seq: 3, status: 'closed', reportId: `${FIRST}-R2` });
    const events = incidents.eventsOf(FIRST);
    expect(typesAndSeqs(events)).toEqual([
      ['ReportSubmitted', 1],
      ['ObligationOpened', 2],
      ['ReportSubmitted', 3],
      ['IncidentClosed', 4],
    ]);
    expect(events[3]?.data).toStrictEqual({ reportId: `${FIRST}-R2` });
    expect(after).toBeInstanceOf(ConflictError);
    expect(after).toMatchObject({ code: 'incident-closed' });
    expect(incidents.eventsOf(FIRST)).toHaveLength(4);
    expect(incidents.headOf(FIRST)?.status).toBe('closed');
  });
});

describe('who may report', () => {
  it('refuses a unit reporting for another county, naming the county it tried', async () => {
    // PREPARE: a unit of 西城区 110102 reporting an incident in 东城区 110101
    const { incidents, submit } = setUp();

    // ACT
    const error = await failureOf(submit({ actor: unitOf('110102'), report: report() }));

    // ASSESS
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({ context: { targetRegion: '110101' } });
    expect(incidents.appends).toBe(0);
  });

  it('refuses a follow-up from another county to an incident that is not its own', async () => {
    // PREPARE
    const { incidents, submit } = setUp();
    await submit({ actor: unitOf('110101'), report: report() });

    // ACT: the unit names its own county, but the incident is 东城区's
    const error = await failureOf(
      submit({ actor: unitOf('110102'), report: followUp(FIRST, { regionCode: '110102' }) }),
    );

    // ASSESS
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({ context: { targetRegion: '110101', incidentId: FIRST } });
    expect(incidents.eventsOf(FIRST)).toHaveLength(2);
  });

  it('refuses a token for one unit reporting as another', async () => {
    // PREPARE
    const { incidents, submit } = setUp();

    // ACT
    const error = await failureOf(submit({ actor: unitOf('110101', 'U-2'), report: report() }));

    // ASSESS
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({ message: 'the token is for unit U-2, not U-1', context: { targetRegion: '110101' } });
    expect(incidents.appends).toBe(0);
  });

  it.each<[string, Actor]>([
    ['a county office', { sub: 'office-110101', role: 'office', region: '110101', level: 'county' }],
    ['a city office', { sub: 'office-110100', role: 'office', region: '110100', level: 'city' }],
    ['an inspector', { sub: 'inspector-110000', role: 'inspector', region: '110000' }],
  ])('refuses %s, which does not submit reports', async (_who, actor) => {
    // PREPARE
    const { incidents, submit } = setUp();

    // ACT
    const error = await failureOf(submit({ actor, report: report() }));

    // ASSESS
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({ message: `a ${actor.role} cannot submit reports` });
    expect(incidents.appends).toBe(0);
  });
});

describe('an Idempotency-Key', () => {
  it('answers a retry with the first answer, marked replayed, and writes nothing more', async () => {
    // PREPARE
    const { incidents, submit } = setUp();
    const command = { actor: unitOf('110101'), report: report(), idempotencyKey: 'key-1' };
    const first = await submit(command);

    // ACT
    const retry = await submit(command);

    // ASSESS
    expect(retry).toStrictEqual({ response: first.response, replayed: true });
    expect(first.replayed).toBe(false);
    expect(incidents.incidentIds()).toEqual([FIRST]);
    expect(incidents.eventsOf(FIRST)).toHaveLength(2);
    expect(incidents.appends).toBe(1);
  });

  it('treats the same body re-sent with other whitespace as the same request', async () => {
    // PREPARE
    const { incidents, submit } = setUp();
    const actor = unitOf('110101');
    const first = await submit({ actor, report: report(), idempotencyKey: 'key-1' });

    // ACT
    const retry = await submit({ actor, report: report({ subtype: ' mine flooding ' }), idempotencyKey: 'key-1' });

    // ASSESS
    expect(retry).toStrictEqual({ response: first.response, replayed: true });
    expect(incidents.appends).toBe(1);
  });

  it('refuses the same key with a different body as idempotency-key-reused', async () => {
    // PREPARE
    const { incidents, submit } = setUp();
    const actor = unitOf('110101');
    await submit({ actor, report: report(), idempotencyKey: 'key-1' });

    // ACT
    const error = await failureOf(submit({ actor, report: report({ affectedPeople: 121 }), idempotencyKey: 'key-1' }));

    // ASSESS
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'idempotency-key-reused' });
    expect(incidents.appends).toBe(1);
  });

  it('belongs to its caller: another unit’s same key is a new report', async () => {
    // PREPARE
    const { incidents, submit } = setUp();
    await submit({ actor: unitOf('110101', 'U-1'), report: report(), idempotencyKey: 'key-1' });

    // ACT
    const other = await submit({
      actor: unitOf('110101', 'U-7'),
      report: report({}, { reporter: { unit: 'U-7' } }),
      idempotencyKey: 'key-1',
    });

    // ASSESS
    expect(other.replayed).toBe(false);
    expect(incidents.incidentIds()).toHaveLength(2);
  });

  it('under a retry storm (the same key 50 times at once) yields exactly one incident and 50 identical answers', async () => {
    // PREPARE
    const { incidents, submit } = setUp();
    const command = { actor: unitOf('110101'), report: report(), idempotencyKey: 'storm' };

    // ACT
    const results = await Promise.all(Array.from({ length: 50 }, () => submit(command)));

    // ASSESS
    expect(incidents.incidentIds()).toHaveLength(1);
    const [incidentId] = incidents.incidentIds();
    expect(incidents.eventsOf(incidentId ?? '')).toHaveLength(2);
    expect(incidents.appends).toBe(1);
    const bodies = new Set(results.map((result) => JSON.stringify(result.response)));
    expect(bodies.size).toBe(1);
    expect(results[0]?.response.incidentId).toBe(incidentId);
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
  });

  it('under a retry storm of a follow-up records the follow-up once', async () => {
    // PREPARE
    const { incidents, submit } = setUp();
    const actor = unitOf('110101');
    await submit({ actor, report: report() });
    const command = { actor, report: followUp(FIRST, {}, casualties(1, 2, 1)), idempotencyKey: 'follow-up-storm' };

    // ACT
    const results = await Promise.all(Array.from({ length: 20 }, () => submit(command)));

    // ASSESS
    expect(typesAndSeqs(incidents.eventsOf(FIRST))).toEqual([
      ['ReportSubmitted', 1],
      ['ObligationOpened', 2],
      ['ReportSubmitted', 3],
    ]);
    expect(new Set(results.map((result) => JSON.stringify(result.response))).size).toBe(1);
    expect(results[0]?.response).toMatchObject({ seq: 3, reportId: `${FIRST}-R2` });
  });
});

describe('collisions the use case recovers from, or gives up on', () => {
  it('takes a fresh incident id when the one it drew is already taken', async () => {
    // PREPARE: an id generator that hands out the same id twice
    const incidents = new InMemoryIncidentStore();
    const drawn = [FIRST, FIRST, 'INC-20261122-00000002'];
    const ids: IdGenerator = { incidentId: () => drawn.shift() ?? 'INC-20261122-99999999', unique: () => 'u' };
    const submit = makeSubmitReport({ incidents, clock: fixedClock, ids, policy: policyByName('national') });
    await submit({ actor: unitOf('110101'), report: report() });

    // ACT
    const { response } = await submit({ actor: unitOf('110101'), report: report({ affectedPeople: 7 }) });

    // ASSESS
    expect(response.incidentId).toBe('INC-20261122-00000002');
    expect(incidents.eventsOf(FIRST)).toHaveLength(2);
    expect(reportData(incidents.eventsOf(FIRST), 1).figures.affectedPeople).toBe(120);
    expect(incidents.incidentIds()).toEqual([FIRST, 'INC-20261122-00000002']);
  });

  it('answers busy (ConflictError) after maxAttempts stale heads in a row', async () => {
    // PREPARE: a store on which someone else always appends first
    class AlwaysStale extends InMemoryIncidentStore {
      attempts = 0;
      override async append(change: IncidentChange): Promise<void> {
        if (change.expectedVersion === null) return super.append(change);
        this.attempts += 1;
        throw new VersionConflict(change.incidentId);
      }
    }
    const incidents = new AlwaysStale();
    const submit = makeSubmitReport({
      incidents,
      clock: fixedClock,
      ids: new NumberedIds(),
      policy: policyByName('national'),
      maxAttempts: 3,
    });
    const actor = unitOf('110101');
    await submit({ actor, report: report() });

    // ACT
    const error = await failureOf(submit({ actor, report: followUp(FIRST) }));

    // ASSESS
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'busy' });
    expect(incidents.attempts).toBe(3);
    expect(incidents.eventsOf(FIRST)).toHaveLength(2);
  });
});

describe('concurrent follow-ups to one incident', () => {
  it('all land: 20 at once give contiguous events, an intact chain and deltas that add up', async () => {
    // PREPARE: every follow-up changes the figures differently; none crosses a grade threshold
    // (at most 1 dead + 1 missing and 9 injured stay grade IV)
    const { incidents, submit } = setUp();
    const actor = unitOf('110101');
    await submit({ actor, report: report({ grade: undefined }) });
    const reports = Array.from({ length: 20 }, (_, i) =>
      followUp(FIRST, { affectedPeople: 100 + i * 7, directLossYuan: 1_000 * (i + 1) }, casualties(i % 2, i % 10, 1)),
    );

    // ACT
    const results = await Promise.all(reports.map((followUpReport) => submit({ actor, report: followUpReport })));

    // ASSESS
    const events = incidents.eventsOf(FIRST);
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
    expect(events.filter((event) => event.type === 'ReportSubmitted')).toHaveLength(21);
    expect(verifyLog(events)).toEqual({ intact: true, events: 22, headHash: incidents.headOf(FIRST)?.lastHash });
    expect(results.map((result) => result.response.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 3),
    );
    const reportNumbers = events.flatMap((event) =>
      event.type === 'ReportSubmitted' ? [event.data.reportNumber] : [],
    );
    expect(reportNumbers).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    // Roll-ups add deltas: they must sum to the figures of the last report in the log.
    const reportsInLog = events.flatMap((event) => (event.type === 'ReportSubmitted' ? [event.data] : []));
    const last = reportsInLog[reportsInLog.length - 1];
    for (const key of FIGURE_KEYS) {
      const sum = reportsInLog.reduce((total, data) => total + data.delta[key], 0);
      expect({ key, sum }).toEqual({ key, sum: last?.figures[key] ?? 0 });
    }
    expect(incidents.headOf(FIRST)).toMatchObject({ version: 22, reportCount: 21 });
    expect(replayed(events)).toStrictEqual(incidents.headOf(FIRST));
    expect(incidents.conflicts).toBeGreaterThan(0);
  });
});
