/**
 * The offices' side of the reporting chain and its deadline machinery (docs/domain.md#the-reporting-chain,
 * docs/domain.md#time-limits), as use cases over the in-memory store and a clock the test moves.
 */
import { describe, expect, it } from 'vitest';
import { type BuiltInPolicyName, policyByName } from '../../shared/adapters/policy-source';
import { makeAppendEvents } from '../../shared/application/append-events';
import {
  makeAcknowledge,
  makeCheckDeadline,
  makeForward,
  makeRearmTimers,
  makeRemind,
  makeStartTimers,
  makeSweepDeadlines,
  SYSTEM_ACTOR,
  timerFor,
} from '../../shared/application/escalation';
import { makeSubmitReport } from '../../shared/application/submit-report';
import type { Actor } from '../../shared/domain/access';
import { ConflictError, ForbiddenError } from '../../shared/domain/errors';
import { obligationsToOpen, requiredTop } from '../../shared/domain/escalation';
import type { Grade } from '../../shared/domain/grade';
import { verifyChain } from '../../shared/domain/hash-chain';
import type { IncidentEvent, IncidentState } from '../../shared/domain/incident';
import type { Obligation } from '../../shared/domain/obligation';
import drillPolicy from '../../shared/domain/policy/drill.json' with { type: 'json' };
import type { Handover } from '../../shared/domain/policy/policy';
import type { RegionLevel } from '../../shared/domain/regions/regions';
import { parsePolicy } from '../../shared/schemas/policy';
import { makeReportBodySchema } from '../../shared/schemas/report';
import { FakeClock } from '../fakes/fake-clock';
import { InMemoryIncidentStore } from '../fakes/in-memory-incident-store';
import { RecordingTimerScheduler } from '../fakes/recording-timer-scheduler';
import { type Body, type NestedChanges, reportWith } from '../fixtures/reports';

/** 09:00 in Beijing, when the first report of every test arrives. */
const T0 = '2026-11-22T01:00:00.000Z';
const SECOND = 1_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;

/** The time `ms` after T0, as the log writes it. */
const t = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

const FIRST = 'INC-20261122-00000001';
const SECOND_INCIDENT = 'INC-20261122-00000002';
const THIRD_INCIDENT = 'INC-20261122-00000003';

const dutyId = (office: string, handover: Handover, incidentId = FIRST) => `${incidentId}-${office}-${handover}`;

const schema = makeReportBodySchema(() => Date.parse(T0));

const officeActor = (region: string, level: RegionLevel): Actor => ({
  sub: `office-${region}`,
  role: 'office',
  region,
  level,
});

/** 东城区, Beijing's city level, Beijing. */
const COUNTY = officeActor('110101', 'county');
const CITY = officeActor('110100', 'city');
const PROVINCE = officeActor('110000', 'province');

const casualties = (dead: number, missing = 0): NestedChanges => ({
  casualties: { dead, injured: 0, missing, trapped: 0 },
});

const ROLES = ['first-responsible', 'directly-responsible', 'duty-officer'];

const setUp = (policyName: BuiltInPolicyName = 'national') => {
  const incidents = new InMemoryIncidentStore();
  const clock = new FakeClock(T0);
  const policy = policyByName(policyName);
  let next = 0;
  const submit = makeSubmitReport({
    incidents,
    clock,
    policy,
    ids: { incidentId: () => `INC-20261122-${String(++next).padStart(8, '0')}`, unique: () => `u-${next}` },
  });
  const appendEvents = makeAppendEvents({ incidents, clock, policy });
  const checkDeadline = makeCheckDeadline({ appendEvents });
  const scheduler = new RecordingTimerScheduler();
  const unit = (region: string): Actor => ({ sub: `unit-${region}`, role: 'reporter', region, unit: 'U-1' });

  /** An initial report from a unit of `region` (the example report, grade III unless told). */
  const report = async (changes: Body & { regionCode?: string; grade?: Grade } = {}, nested: NestedChanges = {}) => {
    const body = schema.parse(reportWith(changes, nested));
    const { response } = await submit({ actor: unit(body.regionCode), report: body });
    return response;
  };

  /** A follow-up to an incident of 东城区, proposing no grade. */
  const followUp = async (incidentId: string, nested: NestedChanges) => {
    const body = schema.parse(reportWith({ kind: 'follow-up', incidentId, grade: undefined }, nested));
    const { response } = await submit({ actor: unit(body.regionCode), report: body });
    return response;
  };

  return {
    incidents,
    clock,
    policy,
    scheduler,
    report,
    followUp,
    checkDeadline,
    acknowledge: makeAcknowledge({ appendEvents }),
    forward: makeForward({ appendEvents }),
    remind: makeRemind({ appendEvents }),
    sweep: makeSweepDeadlines({ incidents, clock, checkDeadline }),
    startTimers: makeStartTimers({ scheduler, policy }),
    rearm: makeRearmTimers({ incidents, scheduler, policy }),
  };
};

/** Every test's store, for the helpers below. */
type Store = InMemoryIncidentStore;

const headOf = (incidents: Store, incidentId = FIRST): IncidentState => {
  const head = incidents.headOf(incidentId);
  if (!head) throw new Error(`${incidentId} was not recorded`);
  return head;
};

const obligationOf = (incidents: Store, obligationId: string): Obligation => {
  const found = incidents.obligations().find((o) => o.obligationId === obligationId);
  if (!found) throw new Error(`${obligationId} was not opened`);
  return found;
};

/** The events after `seq`, as [type, seq]. */
const typesAfter = (incidents: Store, seq: number, incidentId = FIRST) =>
  incidents
    .eventsOf(incidentId)
    .filter((event) => event.seq > seq)
    .map((event) => [event.type, event.seq]);

const eventsAfter = (incidents: Store, seq: number, incidentId = FIRST): readonly IncidentEvent[] =>
  incidents.eventsOf(incidentId).filter((event) => event.seq > seq);

const opened = (events: readonly IncidentEvent[]): readonly Obligation[] =>
  events.flatMap((event) => (event.type === 'ObligationOpened' ? [event.data.obligation] : []));

const verifyLog = (events: readonly IncidentEvent[]) =>
  verifyChain(events as unknown as Parameters<typeof verifyChain>[0]);

async function failureOf(act: Promise<unknown>): Promise<unknown> {
  try {
    await act;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to be refused');
}

/** The city office's duty to report a grade III (or graver) incident to Beijing, opened at `openedAt`. */
const cityDuty = (openedAt: string, incidentId = FIRST): Obligation => ({
  obligationId: dutyId('110100', 'cityToProvince', incidentId),
  incidentId,
  level: 'city',
  office: '110100',
  handover: 'cityToProvince',
  to: { level: 'province', office: '110000' },
  openedAt,
  dueAt: new Date(Date.parse(openedAt) + 2 * HOUR).toISOString(),
  limitMs: 2 * HOUR,
  status: 'pending',
});

describe('how high an incident must go', () => {
  it.each<[Grade, RegionLevel]>([
    ['IV', 'city'],
    ['III', 'province'],
    ['II', 'national'],
    ['I', 'national'],
  ])('takes grade %s to the %s level', (grade, level) => {
    // ACT + ASSESS
    expect(requiredTop(grade)).toBe(level);
  });
});

describe('the obligations an incident should have', () => {
  it('are all open once the report is recorded: asking again returns none', async () => {
    // PREPARE: a grade II report opens forwarding and both direct reports
    const { incidents, report, policy } = setUp();
    await report({ grade: 'II' });
    const head = headOf(incidents);

    // ACT
    const again = obligationsToOpen(head, policy, new Date(t(10 * MINUTE)));

    // ASSESS
    expect(head.obligations).toHaveLength(3);
    expect(again).toEqual([]);
  });

  it('returns a duty that has arisen exactly once, timed from the moment asked', async () => {
    // PREPARE: grade IV, forwarded to the city, which owes nothing at IV; then seen as grade III
    const { incidents, report, forward, clock, policy } = setUp();
    await report({ grade: 'IV' });
    clock.advance(30 * MINUTE);
    await forward(COUNTY, FIRST, {});
    const asGradeIII: IncidentState = { ...headOf(incidents), grade: 'III' };

    // ACT
    const first = obligationsToOpen(asGradeIII, policy, new Date(t(40 * MINUTE)));
    const afterOpening = obligationsToOpen(
      { ...asGradeIII, obligations: [...asGradeIII.obligations, ...first] },
      policy,
      new Date(t(50 * MINUTE)),
    );

    // ASSESS
    expect(first).toStrictEqual([cityDuty(t(40 * MINUTE))]);
    expect(afterOpening).toEqual([]);
  });
});

describe('forwarding by the office that holds the report', () => {
  it('meets the county’s duty on time (lateByMs 0) and, at grade IV, opens nothing above the city', async () => {
    // PREPARE
    const { incidents, report, forward, clock } = setUp();
    await report({ grade: 'IV' });
    clock.advance(45 * MINUTE);

    // ACT
    const result = await forward(COUNTY, FIRST, { note: '已电话报告市应急局' });

    // ASSESS
    const met = {
      ...obligationOf(incidents, dutyId('110101', 'countyToCity')),
      status: 'met',
      metAt: t(45 * MINUTE),
      lateByMs: 0,
    };
    expect(result).toStrictEqual({ incidentId: FIRST, grade: 'IV', met: [met], opened: [] });
    const events = eventsAfter(incidents, 2);
    expect(events.map((event) => [event.type, event.seq])).toEqual([['ReportForwarded', 3]]);
    expect(events[0]).toMatchObject({
      at: t(45 * MINUTE),
      actor: COUNTY,
      scope: { regionCode: '110101', county: '110101', city: '110100', province: '110000', grade: 'IV' },
      data: {
        level: 'county',
        office: '110101',
        obligationId: dutyId('110101', 'countyToCity'),
        to: { level: 'city', office: '110100' },
        dueAt: t(2 * HOUR),
        forwardedAt: t(45 * MINUTE),
        lateByMs: 0,
        note: '已电话报告市应急局',
      },
    });
    expect(headOf(incidents).obligations).toStrictEqual([met]);
    expect(verifyLog(incidents.eventsOf(FIRST)).intact).toBe(true);
  });

  it.each<[Grade, readonly Obligation[]]>([
    ['IV', []],
    ['III', [cityDuty(t(45 * MINUTE))]],
    ['II', [cityDuty(t(45 * MINUTE))]],
  ])(
    'at grade %s opens the city’s duty to report to the province only when the grade needs it',
    async (grade, expected) => {
      // PREPARE
      const { incidents, report, forward, clock } = setUp();
      await report({ grade });
      const before = headOf(incidents).version;
      clock.advance(45 * MINUTE);

      // ACT
      const result = await forward(COUNTY, FIRST, {});

      // ASSESS
      expect(result.opened).toStrictEqual(expected);
      expect(opened(eventsAfter(incidents, before))).toStrictEqual(expected);
    },
  );

  it('is accepted after the deadline and recorded as late by exactly how much', async () => {
    // PREPARE
    const { incidents, report, forward, clock } = setUp();
    await report({ grade: 'IV' });
    const lateBy = 17 * MINUTE + 3 * SECOND + 250;
    clock.advance(2 * HOUR + lateBy);

    // ACT
    const result = await forward(COUNTY, FIRST, {});

    // ASSESS
    expect(result.met).toEqual([
      expect.objectContaining({ status: 'met', metAt: t(2 * HOUR + lateBy), lateByMs: lateBy }),
    ]);
    expect(eventsAfter(incidents, 2)[0]).toMatchObject({
      type: 'ReportForwarded',
      data: { dueAt: t(2 * HOUR), forwardedAt: t(2 * HOUR + lateBy), lateByMs: lateBy },
    });
  });

  it('is on time at exactly the deadline', async () => {
    // PREPARE
    const { report, forward, clock } = setUp();
    await report({ grade: 'IV' });
    clock.advance(2 * HOUR);

    // ACT
    const result = await forward(COUNTY, FIRST, {});

    // ASSESS
    expect(result.met).toEqual([expect.objectContaining({ lateByMs: 0 })]);
  });

  it('raises the grade by the office’s assessment before forwarding, and opens what the new grade needs', async () => {
    // PREPARE
    const { incidents, report, forward, clock } = setUp();
    await report({ grade: 'IV' });
    clock.advance(30 * MINUTE);

    // ACT
    const result = await forward(COUNTY, FIRST, { grade: 'III', note: '经核实为较大事故' });

    // ASSESS
    expect(result).toMatchObject({ grade: 'III', opened: [cityDuty(t(30 * MINUTE))] });
    const events = eventsAfter(incidents, 2);
    expect(events.map((event) => [event.type, event.seq, event.scope.grade])).toEqual([
      ['GradeAssessed', 3, 'III'],
      ['ReportForwarded', 4, 'III'],
      ['ObligationOpened', 5, 'III'],
    ]);
    expect(events[0]?.data).toStrictEqual({ from: 'IV', to: 'III', basis: 'office', note: '经核实为较大事故' });
    expect(headOf(incidents)).toMatchObject({ grade: 'III', gradeBasis: 'office' });
  });

  it('lowers the grade by the office’s assessment, and then the city owes nothing further', async () => {
    // PREPARE
    const { incidents, report, forward, clock } = setUp();
    await report({ grade: 'III' });
    clock.advance(30 * MINUTE);

    // ACT
    const result = await forward(COUNTY, FIRST, { grade: 'IV' });

    // ASSESS
    expect(result).toMatchObject({ grade: 'IV', opened: [] });
    expect(typesAfter(incidents, 2)).toEqual([
      ['GradeAssessed', 3],
      ['ReportForwarded', 4],
    ]);
    expect(eventsAfter(incidents, 2)[0]?.data).toStrictEqual({ from: 'III', to: 'IV', basis: 'office' });
    expect(headOf(incidents)).toMatchObject({ grade: 'IV', gradeBasis: 'office' });
  });

  it('records no GradeAssessed when the office confirms the grade in force', async () => {
    // PREPARE
    const { incidents, report, forward } = setUp();
    await report({ grade: 'III' });

    // ACT
    await forward(COUNTY, FIRST, { grade: 'III' });

    // ASSESS
    expect(typesAfter(incidents, 2)).toEqual([
      ['ReportForwarded', 3],
      ['ObligationOpened', 4],
    ]);
  });

  it('by the city, once the county has forwarded a grade III report, hands it to the province, which owes nothing more', async () => {
    // PREPARE
    const { report, forward, clock } = setUp();
    await report({ grade: 'III' });
    clock.advance(30 * MINUTE);
    await forward(COUNTY, FIRST, {});
    clock.advance(30 * MINUTE);

    // ACT
    const result = await forward(CITY, FIRST, {});

    // ASSESS
    expect(result.met).toEqual([{ ...cityDuty(t(30 * MINUTE)), status: 'met', metAt: t(HOUR), lateByMs: 0 }]);
    expect(result.opened).toEqual([]);
    expect(await failureOf(forward(PROVINCE, FIRST, {}))).toMatchObject({ code: 'nothing-to-forward' });
  });
});

describe('who may forward or acknowledge', () => {
  it('refuses the office of another county, naming the incident’s region, and writes nothing', async () => {
    // PREPARE: 西城区 110102 is 东城区's neighbour
    const { incidents, report, forward } = setUp();
    await report();
    const appends = incidents.appends;

    // ACT
    const error = await failureOf(forward(officeActor('110102', 'county'), FIRST, {}));

    // ASSESS
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({ context: { targetRegion: '110101', incidentId: FIRST } });
    expect(incidents.appends).toBe(appends);
  });

  it.each<[string, Actor]>([
    ['a county token naming the city office', officeActor('110100', 'county')],
    ['a county office claiming the city level', officeActor('110101', 'city')],
  ])('refuses %s: it cannot forward on behalf of a level it is not', async (_who, actor) => {
    // PREPARE: the city has the report, so only the level is wrong
    const { incidents, report, forward } = setUp();
    await report({ grade: 'III' });
    await forward(COUNTY, FIRST, {});
    const appends = incidents.appends;

    // ACT
    const error = await failureOf(forward(actor, FIRST, {}));

    // ASSESS
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({ context: { targetRegion: '110101', incidentId: FIRST } });
    expect(incidents.appends).toBe(appends);
  });

  it('refuses the city office before the report has reached it', async () => {
    // PREPARE
    const { incidents, report, forward, acknowledge } = setUp();
    await report({ grade: 'III' });

    // ACT
    const forwarding = await failureOf(forward(CITY, FIRST, {}));
    const acknowledging = await failureOf(acknowledge(CITY, FIRST));

    // ASSESS
    expect(forwarding).toBeInstanceOf(ForbiddenError);
    expect(acknowledging).toBeInstanceOf(ForbiddenError);
    expect(incidents.eventsOf(FIRST)).toHaveLength(2);
  });

  it.each<[string, Actor]>([
    ['a reporting unit', { sub: 'unit-110101', role: 'reporter', region: '110101', unit: 'U-1' }],
    ['an inspector', { sub: 'inspector-110000', role: 'inspector', region: '110000' }],
    ['an office token without a level', { sub: 'office-110101', role: 'office', region: '110101' }],
  ])('refuses %s, which is no office', async (_who, actor) => {
    // PREPARE
    const { incidents, report, forward, acknowledge } = setUp();
    await report();

    // ACT
    const forwarding = await failureOf(forward(actor, FIRST, {}));
    const acknowledging = await failureOf(acknowledge(actor, FIRST));

    // ASSESS
    expect(forwarding).toBeInstanceOf(ForbiddenError);
    expect(acknowledging).toBeInstanceOf(ForbiddenError);
    expect(forwarding).toMatchObject({ message: `a ${actor.role} cannot act for an office` });
    expect(incidents.eventsOf(FIRST)).toHaveLength(2);
  });

  it('refuses a second forward as nothing-to-forward, and writes nothing', async () => {
    // PREPARE
    const { incidents, report, forward } = setUp();
    await report({ grade: 'IV' });
    await forward(COUNTY, FIRST, {});
    const appends = incidents.appends;

    // ACT
    const error = await failureOf(forward(COUNTY, FIRST, {}));

    // ASSESS
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'nothing-to-forward' });
    expect(incidents.appends).toBe(appends);
  });

  it('refuses the city of a grade IV incident, which has the report but owes nobody', async () => {
    // PREPARE
    const { report, forward } = setUp();
    await report({ grade: 'IV' });
    await forward(COUNTY, FIRST, {});

    // ACT
    const error = await failureOf(forward(CITY, FIRST, {}));

    // ASSESS
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'nothing-to-forward' });
  });
});

describe('the direct (skip-level) reports of grades I and II', () => {
  it('are met one by one: the phone call, then the written report, leaving the hand-over to the city', async () => {
    // PREPARE
    const { incidents, report, forward, clock } = setUp();
    await report({ grade: 'II' });
    clock.advance(20 * MINUTE);

    // ACT
    const phoned = await forward(COUNTY, FIRST, { skipLevel: 'phone' });
    clock.advance(25 * MINUTE);
    const written = await forward(COUNTY, FIRST, { skipLevel: 'written' });

    // ASSESS
    expect(phoned).toMatchObject({
      met: [{ obligationId: dutyId('110101', 'skipLevelPhone'), status: 'met', metAt: t(20 * MINUTE), lateByMs: 0 }],
      opened: [],
    });
    expect(written).toMatchObject({
      met: [{ obligationId: dutyId('110101', 'skipLevelWritten'), status: 'met', metAt: t(45 * MINUTE), lateByMs: 0 }],
      opened: [],
    });
    expect(eventsAfter(incidents, 4).map((event) => [event.type, event.data])).toEqual([
      [
        'ReportForwarded',
        {
          level: 'county',
          office: '110101',
          obligationId: dutyId('110101', 'skipLevelPhone'),
          to: { level: 'national', office: '000000' },
          dueAt: t(30 * MINUTE),
          forwardedAt: t(20 * MINUTE),
          lateByMs: 0,
        },
      ],
      [
        'ReportForwarded',
        {
          level: 'county',
          office: '110101',
          obligationId: dutyId('110101', 'skipLevelWritten'),
          to: { level: 'national', office: '000000' },
          dueAt: t(HOUR),
          forwardedAt: t(45 * MINUTE),
          lateByMs: 0,
        },
      ],
    ]);
    expect(headOf(incidents).obligations.map((o) => [o.handover, o.status])).toEqual([
      ['countyToCity', 'pending'],
      ['skipLevelPhone', 'met'],
      ['skipLevelWritten', 'met'],
    ]);
  });

  it('records a late phone call by exactly how late', async () => {
    // PREPARE
    const { report, forward, clock } = setUp();
    await report({ grade: 'I' });
    clock.advance(42 * MINUTE);

    // ACT
    const result = await forward(COUNTY, FIRST, { skipLevel: 'phone' });

    // ASSESS
    expect(result.met).toEqual([expect.objectContaining({ handover: 'skipLevelPhone', lateByMs: 12 * MINUTE })]);
  });

  it('meets a natural disaster’s direct report with the written one', async () => {
    // PREPARE: 4 dead and 6 missing
    const { report, forward } = setUp();
    await report({ category: 'natural-disaster', subtype: 'flash flood', grade: undefined }, casualties(4, 6));

    // ACT
    const result = await forward(COUNTY, FIRST, { skipLevel: 'written' });

    // ASSESS
    expect(result.met.map((o) => o.handover)).toEqual(['skipLevelWritten', 'naturalDisasterDirect']);
  });

  it('refuses a direct report that is not owed (grade III), or owed no longer', async () => {
    // PREPARE
    const { report, forward } = setUp();
    await report({ grade: 'III' });
    await report({ grade: 'II' });
    await forward(COUNTY, SECOND_INCIDENT, { skipLevel: 'phone' });

    // ACT
    const notOwed = await failureOf(forward(COUNTY, FIRST, { skipLevel: 'phone' }));
    const again = await failureOf(forward(COUNTY, SECOND_INCIDENT, { skipLevel: 'phone' }));

    // ASSESS
    expect(notOwed).toBeInstanceOf(ConflictError);
    expect(notOwed).toMatchObject({ code: 'nothing-to-forward' });
    expect(again).toMatchObject({ code: 'nothing-to-forward' });
  });
});

describe('acknowledging receipt', () => {
  it('records when the office received the report, once: acknowledging again changes nothing', async () => {
    // PREPARE
    const { incidents, report, acknowledge, clock } = setUp();
    await report();
    clock.advance(5 * MINUTE);

    // ACT
    const first = await acknowledge(COUNTY, FIRST, '值班员已接报');
    clock.advance(5 * MINUTE);
    const again = await acknowledge(COUNTY, FIRST);

    // ASSESS
    const answer = { incidentId: FIRST, acknowledgedAt: t(5 * MINUTE), office: { level: 'county', office: '110101' } };
    expect(first).toStrictEqual(answer);
    expect(again).toStrictEqual(answer);
    expect(eventsAfter(incidents, 2).map((event) => [event.type, event.seq, event.data])).toEqual([
      ['ReportAcknowledged', 3, { level: 'county', office: '110101', note: '值班员已接报' }],
    ]);
    expect(headOf(incidents).acknowledgements).toEqual([{ level: 'county', office: '110101', at: t(5 * MINUTE) }]);
  });

  it('is open to the city office once the county has forwarded', async () => {
    // PREPARE
    const { incidents, report, forward, acknowledge } = setUp();
    await report({ grade: 'IV' });
    await forward(COUNTY, FIRST, {});

    // ACT
    const result = await acknowledge(CITY, FIRST);

    // ASSESS
    expect(result.office).toEqual({ level: 'city', office: '110100' });
    expect(typesAfter(incidents, 3)).toEqual([['ReportAcknowledged', 4]]);
  });
});

describe('the check at the deadline', () => {
  it('finds nothing to do before the deadline, and writes nothing', async () => {
    // PREPARE
    const { incidents, report, checkDeadline, clock } = setUp();
    await report({ grade: 'IV' });
    clock.advance(2 * HOUR - 1);
    const appends = incidents.appends;

    // ACT
    const outcome = await checkDeadline({ incidentId: FIRST, obligationId: dutyId('110101', 'countyToCity') });

    // ASSESS
    expect(outcome).toStrictEqual({ outcome: 'not-due', dueAt: t(2 * HOUR), checkAgainAt: t(2 * HOUR + 1) });
    expect(incidents.appends).toBe(appends);
  });

  it('marks a silent county missed and escalates past it to the city; at grade IV the city owes nothing', async () => {
    // PREPARE
    const { incidents, report, checkDeadline, clock } = setUp();
    await report({ grade: 'IV' });
    clock.advance(2 * HOUR + 90 * SECOND);

    // ACT
    const outcome = await checkDeadline({ incidentId: FIRST, obligationId: dutyId('110101', 'countyToCity') });

    // ASSESS
    expect(outcome).toStrictEqual({
      outcome: 'missed',
      lateByMs: 90 * SECOND,
      escalatedTo: { level: 'city', office: '110100' },
    });
    const events = eventsAfter(incidents, 2);
    expect(events.map((event) => [event.type, event.seq, event.actor, event.at])).toEqual([
      ['DeadlineMissed', 3, SYSTEM_ACTOR, t(2 * HOUR + 90 * SECOND)],
      ['AutoEscalated', 4, SYSTEM_ACTOR, t(2 * HOUR + 90 * SECOND)],
    ]);
    expect(events.map((event) => event.data)).toStrictEqual([
      {
        level: 'county',
        office: '110101',
        obligationId: dutyId('110101', 'countyToCity'),
        dueAt: t(2 * HOUR),
        lateByMs: 90 * SECOND,
        responsible: { office: '110101', roles: ROLES },
      },
      {
        obligationId: dutyId('110101', 'countyToCity'),
        from: { level: 'county', office: '110101' },
        to: { level: 'city', office: '110100' },
      },
    ]);
    expect(obligationOf(incidents, dutyId('110101', 'countyToCity'))).toMatchObject({
      status: 'missed',
      missedAt: t(2 * HOUR + 90 * SECOND),
      escalatedAt: t(2 * HOUR + 90 * SECOND),
    });
  });

  it('at grade III opens the city’s duty in the same append, timed from the escalation', async () => {
    // PREPARE
    const { incidents, report, checkDeadline, clock } = setUp();
    await report({ grade: 'III' });
    clock.advance(2 * HOUR + MINUTE);

    // ACT
    await checkDeadline({ incidentId: FIRST, obligationId: dutyId('110101', 'countyToCity') });

    // ASSESS
    expect(typesAfter(incidents, 2)).toEqual([
      ['DeadlineMissed', 3],
      ['AutoEscalated', 4],
      ['ObligationOpened', 5],
    ]);
    expect(opened(eventsAfter(incidents, 2))).toStrictEqual([cityDuty(t(2 * HOUR + MINUTE))]);
  });

  it('changes nothing when run a second time', async () => {
    // PREPARE
    const { incidents, report, checkDeadline, clock } = setUp();
    await report({ grade: 'III' });
    clock.advance(2 * HOUR + MINUTE);
    const timer = { incidentId: FIRST, obligationId: dutyId('110101', 'countyToCity') };
    await checkDeadline(timer);
    const log = incidents.eventsOf(FIRST);
    clock.advance(MINUTE);

    // ACT
    const again = await checkDeadline(timer);

    // ASSESS
    expect(again).toStrictEqual({ outcome: 'already-missed' });
    expect(incidents.eventsOf(FIRST)).toStrictEqual(log);
  });

  it('finds an obligation met in time met, and writes nothing', async () => {
    // PREPARE
    const { incidents, report, forward, checkDeadline, clock } = setUp();
    await report({ grade: 'IV' });
    clock.advance(HOUR);
    await forward(COUNTY, FIRST, {});
    clock.advance(HOUR + SECOND);
    const appends = incidents.appends;

    // ACT
    const outcome = await checkDeadline({ incidentId: FIRST, obligationId: dutyId('110101', 'countyToCity') });

    // ASSESS
    expect(outcome).toStrictEqual({ outcome: 'met' });
    expect(incidents.appends).toBe(appends);
  });

  it('answers unknown for an obligation the incident does not have', async () => {
    // PREPARE
    const { report, checkDeadline } = setUp();
    await report();

    // ACT
    const outcome = await checkDeadline({ incidentId: FIRST, obligationId: dutyId('110100', 'cityToProvince') });

    // ASSESS
    expect(outcome).toStrictEqual({ outcome: 'unknown' });
  });

  it('marks a missed direct report without escalating: the national duty office is not a level to pass it to', async () => {
    // PREPARE
    const { incidents, report, checkDeadline, clock } = setUp();
    await report({ grade: 'II' });
    clock.advance(31 * MINUTE);

    // ACT
    const outcome = await checkDeadline({ incidentId: FIRST, obligationId: dutyId('110101', 'skipLevelPhone') });

    // ASSESS
    expect(outcome).toStrictEqual({ outcome: 'missed', lateByMs: MINUTE });
    expect(typesAfter(incidents, 4)).toEqual([['DeadlineMissed', 5]]);
  });

  it('keeps the miss on record when the county forwards afterwards, late by exactly how much', async () => {
    // PREPARE
    const { incidents, report, checkDeadline, forward, clock } = setUp();
    await report({ grade: 'IV' });
    clock.advance(2 * HOUR + MINUTE);
    await checkDeadline({ incidentId: FIRST, obligationId: dutyId('110101', 'countyToCity') });
    clock.advance(9 * MINUTE);

    // ACT
    const result = await forward(COUNTY, FIRST, {});

    // ASSESS
    expect(result.met).toEqual([
      expect.objectContaining({ status: 'met', metAt: t(2 * HOUR + 10 * MINUTE), lateByMs: 10 * MINUTE }),
    ]);
    expect(typesAfter(incidents, 2)).toEqual([
      ['DeadlineMissed', 3],
      ['AutoEscalated', 4],
      ['ReportForwarded', 5],
    ]);
    expect(verifyLog(incidents.eventsOf(FIRST)).intact).toBe(true);
  });

  it('and a forward racing it after the deadline land in either order with one consistent record', async () => {
    // PREPARE
    const { incidents, report, checkDeadline, forward, clock } = setUp();
    await report({ grade: 'IV' });
    clock.advance(2 * HOUR + MINUTE);

    // ACT
    const [outcome, forwarded] = await Promise.all([
      checkDeadline({ incidentId: FIRST, obligationId: dutyId('110101', 'countyToCity') }),
      forward(COUNTY, FIRST, {}),
    ]);

    // ASSESS
    expect(forwarded.met).toEqual([expect.objectContaining({ lateByMs: MINUTE })]);
    const types = typesAfter(incidents, 2).map(([type]) => type);
    expect(types).toEqual(
      outcome.outcome === 'met' ? ['ReportForwarded'] : ['DeadlineMissed', 'AutoEscalated', 'ReportForwarded'],
    );
    expect(['met', 'missed']).toContain(outcome.outcome);
    expect(verifyLog(incidents.eventsOf(FIRST)).intact).toBe(true);
  });

  it('does not mark a duty missed at exactly its deadline, the instant at which a forward still counts as on time', async () => {
    // PREPARE: a forward at exactly dueAt records lateByMs 0, i.e. on time (see "is on time at
    // exactly the deadline"), and a unit reporting at exactly its limit is not late either.
    const { incidents, report, checkDeadline, clock } = setUp();
    await report({ grade: 'IV' });
    clock.advance(2 * HOUR);

    // ACT
    const outcome = await checkDeadline({ incidentId: FIRST, obligationId: dutyId('110101', 'countyToCity') });

    // ASSESS: not yet due; the timer is told to look again a millisecond later
    expect(outcome).toStrictEqual({ outcome: 'not-due', dueAt: t(2 * HOUR), checkAgainAt: t(2 * HOUR + 1) });
    expect(typesAfter(incidents, 2)).toEqual([]);
  });
});

describe('escalation past two silent offices', () => {
  it('takes a grade III report from the silent county to the city, and from the silent city to the province', async () => {
    // PREPARE: 东城区 110101 → 北京市 city level 110100 → 北京市 110000
    const { incidents, report, checkDeadline, acknowledge, forward, clock } = setUp();
    await report({ grade: 'III' });

    // ACT
    clock.set(t(2 * HOUR + 30 * SECOND));
    const countyMissed = await checkDeadline({ incidentId: FIRST, obligationId: dutyId('110101', 'countyToCity') });
    clock.set(t(4 * HOUR));
    const cityEarly = await checkDeadline({ incidentId: FIRST, obligationId: dutyId('110100', 'cityToProvince') });
    clock.set(t(4 * HOUR + MINUTE));
    const cityMissed = await checkDeadline({ incidentId: FIRST, obligationId: dutyId('110100', 'cityToProvince') });

    // ASSESS
    expect(countyMissed).toStrictEqual({
      outcome: 'missed',
      lateByMs: 30 * SECOND,
      escalatedTo: { level: 'city', office: '110100' },
    });
    expect(cityEarly).toStrictEqual({
      outcome: 'not-due',
      dueAt: t(4 * HOUR + 30 * SECOND),
      checkAgainAt: t(4 * HOUR + 30 * SECOND + 1),
    });
    expect(cityMissed).toStrictEqual({
      outcome: 'missed',
      lateByMs: 30 * SECOND,
      escalatedTo: { level: 'province', office: '110000' },
    });
    expect(typesAfter(incidents, 2)).toEqual([
      ['DeadlineMissed', 3],
      ['AutoEscalated', 4],
      ['ObligationOpened', 5],
      ['DeadlineMissed', 6],
      ['AutoEscalated', 7],
    ]);
    expect(headOf(incidents).obligations.map((o) => [o.office, o.handover, o.status, o.escalatedAt])).toEqual([
      ['110101', 'countyToCity', 'missed', t(2 * HOUR + 30 * SECOND)],
      ['110100', 'cityToProvince', 'missed', t(4 * HOUR + MINUTE)],
    ]);
    // Grade III needs the province and no higher: it has the report and owes no hand-over.
    expect(await acknowledge(PROVINCE, FIRST)).toMatchObject({ acknowledgedAt: t(4 * HOUR + MINUTE) });
    expect(await failureOf(forward(PROVINCE, FIRST, {}))).toMatchObject({ code: 'nothing-to-forward' });
  });
});

describe('the reminder before a deadline', () => {
  it('warns once at three quarters of the window, with the time remaining', async () => {
    // PREPARE
    const { incidents, report, remind, clock } = setUp();
    await report({ grade: 'IV' });
    const timer = { incidentId: FIRST, obligationId: dutyId('110101', 'countyToCity') };
    clock.advance(90 * MINUTE);

    // ACT
    const first = await remind(timer);
    clock.advance(10 * MINUTE);
    const again = await remind(timer);

    // ASSESS
    expect(first).toStrictEqual({ outcome: 'warned' });
    expect(again).toStrictEqual({ outcome: 'skipped' });
    expect(eventsAfter(incidents, 2).map((event) => [event.type, event.actor, event.data])).toEqual([
      [
        'DeadlineWarned',
        SYSTEM_ACTOR,
        {
          level: 'county',
          office: '110101',
          obligationId: dutyId('110101', 'countyToCity'),
          dueAt: t(2 * HOUR),
          remainingMs: 30 * MINUTE,
        },
      ],
    ]);
    expect(obligationOf(incidents, timer.obligationId)).toMatchObject({ status: 'pending', warnedAt: t(90 * MINUTE) });
  });

  it('is skipped once the obligation is met', async () => {
    // PREPARE
    const { incidents, report, remind, forward, clock } = setUp();
    await report({ grade: 'IV' });
    await forward(COUNTY, FIRST, {});
    clock.advance(90 * MINUTE);

    // ACT
    const outcome = await remind({ incidentId: FIRST, obligationId: dutyId('110101', 'countyToCity') });

    // ASSESS
    expect(outcome).toStrictEqual({ outcome: 'skipped' });
    expect(typesAfter(incidents, 3)).toEqual([]);
  });

  it.each([
    ['at the deadline', 2 * HOUR],
    ['after the deadline', 2 * HOUR + MINUTE],
  ])('is skipped %s: a reminder of a passed deadline reminds of nothing', async (_when, elapsed) => {
    // PREPARE
    const { incidents, report, remind, clock } = setUp();
    await report({ grade: 'IV' });
    clock.advance(elapsed);

    // ACT
    const outcome = await remind({ incidentId: FIRST, obligationId: dutyId('110101', 'countyToCity') });

    // ASSESS
    expect(outcome).toStrictEqual({ outcome: 'skipped' });
    expect(typesAfter(incidents, 2)).toEqual([]);
  });
});

describe('the deadline sweeper', () => {
  it('flags every pending obligation past its deadline whose timer was lost, and nothing else', async () => {
    // PREPARE: #1 overdue; #2 not yet due; #3 met in time
    const { incidents, report, forward, sweep, clock } = setUp();
    await report({ grade: 'IV' });
    clock.advance(30 * MINUTE);
    await report({ grade: 'IV' });
    await report({ grade: 'IV' });
    await forward(COUNTY, THIRD_INCIDENT, {});
    clock.set(t(2 * HOUR + 10 * MINUTE));
    const logs = [SECOND_INCIDENT, THIRD_INCIDENT].map((id) => incidents.eventsOf(id));

    // ACT
    const first = await sweep();
    const second = await sweep();

    // ASSESS
    expect(first).toStrictEqual({ checked: 1, missed: 1, escalated: 1, lostTimers: 1 });
    expect(second).toStrictEqual({ checked: 0, missed: 0, escalated: 0, lostTimers: 0 });
    expect(typesAfter(incidents, 2, FIRST)).toEqual([
      ['DeadlineMissed', 3],
      ['AutoEscalated', 4],
    ]);
    expect(eventsAfter(incidents, 2, FIRST)[0]?.data).toMatchObject({ lateByMs: 10 * MINUTE });
    expect([SECOND_INCIDENT, THIRD_INCIDENT].map((id) => incidents.eventsOf(id))).toStrictEqual(logs);
  });

  it('flags several overdue duties of one incident, and leaves the one not yet due', async () => {
    // PREPARE: grade II: phone due at 30 min, writing at 1 h, hand-over at 2 h
    const { incidents, report, sweep, clock } = setUp();
    await report({ grade: 'II' });
    clock.advance(HOUR + SECOND);

    // ACT
    const result = await sweep();

    // ASSESS
    // The phone call's timer is half an hour overdue, lost; the written report's only a second.
    expect(result).toStrictEqual({ checked: 2, missed: 2, escalated: 0, lostTimers: 1 });
    expect(headOf(incidents).obligations.map((o) => [o.handover, o.status])).toEqual([
      ['countyToCity', 'pending'],
      ['skipLevelPhone', 'missed'],
      ['skipLevelWritten', 'missed'],
    ]);
  });

  it('records a miss it reaches moments after the deadline, but does not count it as a lost timer', async () => {
    // PREPARE: the sweep runs a second after the county's deadline, before its timer would check.
    const { incidents, report, sweep, clock } = setUp();
    await report({ grade: 'IV' });
    clock.set(t(2 * HOUR + SECOND));

    // ACT
    const result = await sweep();

    // ASSESS: recorded all the same; the timer is not known to be lost, only beaten to it.
    expect(result).toStrictEqual({ checked: 1, missed: 1, escalated: 1, lostTimers: 0 });
    expect(typesAfter(incidents, 2)).toEqual([
      ['DeadlineMissed', 3],
      ['AutoEscalated', 4],
    ]);
  });

  it('counts on later sweeps the duty an escalation opened, once it too is overdue', async () => {
    // PREPARE
    const { incidents, report, sweep, clock } = setUp();
    await report({ grade: 'III' });
    clock.set(t(2 * HOUR + MINUTE));
    await sweep();

    // ACT
    clock.set(t(4 * HOUR + 2 * MINUTE));
    const result = await sweep();

    // ASSESS
    expect(result).toStrictEqual({ checked: 1, missed: 1, escalated: 1, lostTimers: 1 });
    expect(obligationOf(incidents, dutyId('110100', 'cityToProvince'))).toMatchObject({
      status: 'missed',
      escalatedAt: t(4 * HOUR + 2 * MINUTE),
    });
  });
});

describe('deadline timers', () => {
  it('start one per ObligationOpened, reminding at 75% of the window under the national policy', async () => {
    // PREPARE
    const { incidents, report, startTimers, scheduler } = setUp();
    await report({ grade: 'II' });

    // ACT
    const started = await startTimers(incidents.eventsOf(FIRST));

    // ASSESS
    expect(started).toBe(3);
    expect(scheduler.started).toStrictEqual([
      {
        incidentId: FIRST,
        obligationId: dutyId('110101', 'countyToCity'),
        dueAt: t(2 * HOUR),
        remindAt: t(90 * MINUTE),
      },
      {
        incidentId: FIRST,
        obligationId: dutyId('110101', 'skipLevelPhone'),
        dueAt: t(30 * MINUTE),
        remindAt: t(22 * MINUTE + 30 * SECOND),
      },
      {
        incidentId: FIRST,
        obligationId: dutyId('110101', 'skipLevelWritten'),
        dueAt: t(HOUR),
        remindAt: t(45 * MINUTE),
      },
    ]);
  });

  it('start none for events that open no obligation', async () => {
    // PREPARE
    const { incidents, report, forward, startTimers, scheduler } = setUp();
    await report({ grade: 'IV' });
    await forward(COUNTY, FIRST, {});

    // ACT
    const started = await startTimers(eventsAfter(incidents, 2));

    // ASSESS
    expect(started).toBe(0);
    expect(scheduler.started).toEqual([]);
  });

  it('carry no reminder under a policy that sends none, and remind after seconds under the drill', () => {
    // PREPARE
    const silent = parsePolicy({ ...drillPolicy, name: 'silent drill', reminderAt: null }, 'test');
    const duty = cityDuty(T0);
    const drillDuty = { ...duty, dueAt: t(15 * SECOND), limitMs: 15 * SECOND };

    // ACT
    const withoutReminder = timerFor(drillDuty, silent);
    const drill = timerFor(drillDuty, policyByName('drill'));

    // ASSESS
    expect(withoutReminder).toStrictEqual({
      incidentId: FIRST,
      obligationId: duty.obligationId,
      dueAt: t(15 * SECOND),
    });
    expect(drill).toStrictEqual({
      incidentId: FIRST,
      obligationId: duty.obligationId,
      dueAt: t(15 * SECOND),
      remindAt: t(11_250),
    });
  });

  it('are re-armed for every pending obligation, earliest deadline first, and not for met or missed ones', async () => {
    // PREPARE: #1 missed and escalated (the city's duty pending); #2 met; #3 pending
    const { incidents, report, forward, checkDeadline, rearm, scheduler, policy, clock } = setUp();
    await report({ grade: 'III' });
    await report({ grade: 'IV' });
    clock.advance(10 * MINUTE);
    await forward(COUNTY, SECOND_INCIDENT, {});
    clock.set(t(2 * HOUR + MINUTE));
    await checkDeadline({ incidentId: FIRST, obligationId: dutyId('110101', 'countyToCity') });
    clock.set(t(2 * HOUR + 2 * MINUTE));
    await report({ grade: 'IV' });

    // ACT
    const armed = await rearm();

    // ASSESS
    expect(armed).toBe(2);
    expect(scheduler.started).toStrictEqual([
      timerFor(obligationOf(incidents, dutyId('110100', 'cityToProvince')), policy),
      timerFor(obligationOf(incidents, dutyId('110101', 'countyToCity', THIRD_INCIDENT)), policy),
    ]);
    expect(scheduler.started.map((timer) => timer.dueAt)).toEqual([t(4 * HOUR + MINUTE), t(4 * HOUR + 2 * MINUTE)]);
  });
});

describe('a grade raised by a follow-up while the report is on its way up', () => {
  it('opens the city’s duty at once when IV becomes III after the county forwarded', async () => {
    // PREPARE
    const { incidents, report, followUp, forward, startTimers, scheduler, clock } = setUp();
    await report({ grade: 'IV' });
    clock.advance(30 * MINUTE);
    await forward(COUNTY, FIRST, {});
    clock.advance(20 * MINUTE);

    // ACT: a third death makes it grade III
    const response = await followUp(FIRST, casualties(3));
    const started = await startTimers(eventsAfter(incidents, 3));

    // ASSESS
    expect(response.grade).toBe('III');
    expect(typesAfter(incidents, 3)).toEqual([
      ['ReportSubmitted', 4],
      ['GradeAssessed', 5],
      ['ObligationOpened', 6],
    ]);
    expect(opened(eventsAfter(incidents, 3))).toStrictEqual([cityDuty(t(50 * MINUTE))]);
    expect(started).toBe(1);
    expect(scheduler.started).toStrictEqual([
      {
        incidentId: FIRST,
        obligationId: dutyId('110100', 'cityToProvince'),
        dueAt: t(2 * HOUR + 50 * MINUTE),
        remindAt: t(2 * HOUR + 20 * MINUTE),
      },
    ]);
  });

  it('lets the city meet the new duty, after which the province owes nothing at grade III', async () => {
    // PREPARE
    const { report, followUp, forward, clock } = setUp();
    await report({ grade: 'IV' });
    await forward(COUNTY, FIRST, {});
    clock.advance(20 * MINUTE);
    await followUp(FIRST, casualties(3));
    clock.advance(40 * MINUTE);

    // ACT
    const result = await forward(CITY, FIRST, {});

    // ASSESS
    expect(result).toMatchObject({
      grade: 'III',
      met: [{ obligationId: dutyId('110100', 'cityToProvince'), status: 'met', metAt: t(HOUR), lateByMs: 0 }],
      opened: [],
    });
  });

  it('opens nothing new while only the county has the report: its own hand-over already stands', async () => {
    // PREPARE
    const { incidents, report, followUp, clock } = setUp();
    await report({ grade: 'IV' });
    clock.advance(20 * MINUTE);

    // ACT
    await followUp(FIRST, casualties(3));

    // ASSESS
    expect(typesAfter(incidents, 2)).toEqual([
      ['ReportSubmitted', 3],
      ['GradeAssessed', 4],
    ]);
    expect(headOf(incidents).obligations.map((o) => [o.obligationId, o.dueAt])).toEqual([
      [dutyId('110101', 'countyToCity'), t(2 * HOUR)],
    ]);
  });
});

describe('an office lowering the grade', () => {
  it('lifts the direct reports a grade II called for, so nobody is marked late for them', async () => {
    // PREPARE: a grade II report opens the county's forward and its phone and written reports
    const { incidents, report, forward, checkDeadline, clock } = setUp();
    await report({ grade: 'II' });
    const phone = dutyId('110101', 'skipLevelPhone');
    const written = dutyId('110101', 'skipLevelWritten');
    expect(obligationOf(incidents, phone).status).toBe('pending');
    const before = headOf(incidents).version;

    // ACT: the county assesses it as grade III while forwarding, then the deadlines pass
    clock.advance(10 * MINUTE);
    await forward(COUNTY, FIRST, { grade: 'III' });
    clock.advance(2 * HOUR);
    const phoneCheck = await checkDeadline({ incidentId: FIRST, obligationId: phone });
    const writtenCheck = await checkDeadline({ incidentId: FIRST, obligationId: written });

    // ASSESS
    expect(typesAfter(incidents, before).map(([type]) => type)).toEqual([
      'GradeAssessed',
      'ObligationWaived',
      'ObligationWaived',
      'ReportForwarded',
      'ObligationOpened',
    ]);
    expect(obligationOf(incidents, phone)).toMatchObject({ status: 'waived', waivedAt: t(10 * MINUTE) });
    expect(obligationOf(incidents, written).status).toBe('waived');
    expect(phoneCheck).toStrictEqual({ outcome: 'waived' });
    expect(writtenCheck).toStrictEqual({ outcome: 'waived' });
    expect(eventsAfter(incidents, before).filter((e) => e.type === 'DeadlineMissed')).toEqual([]);
    // Grade III still has to reach the province: the city owes it.
    expect(obligationOf(incidents, dutyId('110100', 'cityToProvince')).status).toBe('pending');
  });
});
