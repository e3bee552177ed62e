/**
 * Windows that follow the grade (docs/domain.md#windows-that-follow-the-grade): a new grade that
 * calls for a shorter limit moves a running deadline earlier — never before now plus the policy's
 * minimum notice, never later — as a DeadlineShortened event, and the timers follow it. Use cases
 * over the in-memory store and a clock the test moves, under the national policy's Wuhan limits
 * (county to city: IV 2 h, III 1 h, I–II 30 min).
 */
import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../infra/local/event-log';
import { policyByName } from '../../shared/adapters/policy-source';
import { makeAppendEvents } from '../../shared/application/append-events';
import {
  makeAssessGrade,
  makeCheckDeadline,
  makeRearmTimers,
  makeRemind,
  makeStartTimers,
  makeSweepDeadlines,
} from '../../shared/application/escalation';
import { briefFor, messageFor } from '../../shared/application/notify-officers';
import { makeSubmitReport } from '../../shared/application/submit-report';
import type { Actor } from '../../shared/domain/access';
import { obligationEntry } from '../../shared/domain/audit/rows';
import { boardRowOf } from '../../shared/domain/board';
import type { Grade } from '../../shared/domain/grade';
import { verifyChain } from '../../shared/domain/hash-chain';
import { replayHead } from '../../shared/domain/head-projection';
import type { IncidentEvent } from '../../shared/domain/incident';
import { addresseesOf } from '../../shared/domain/officers';
import { DEFAULT_MINIMUM_NOTICE_MS, minimumNoticeOf } from '../../shared/domain/policy/policy';
import { timerName } from '../../shared/ports/timers';
import { parsePolicy } from '../../shared/schemas/policy';
import { makeReportBodySchema } from '../../shared/schemas/report';
import { FakeClock } from '../fakes/fake-clock';
import { InMemoryIncidentStore } from '../fakes/in-memory-incident-store';
import { RecordingTimerScheduler } from '../fakes/recording-timer-scheduler';
import { reportWith } from '../fixtures/reports';

const T0 = '2026-11-22T01:00:00.000Z';
const MINUTE = 60_000;
const HOUR = 3_600_000;
const t = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

const INCIDENT = 'INC-20261122-00000001';
/** 江岸区, a county-level district of Wuhan, and Wuhan's city office. */
const JIANGAN = '420102';
const COUNTY_DUTY = `${INCIDENT}-${JIANGAN}-countyToCity`;
const COUNTY: Actor = { sub: 'office-420102', role: 'office', region: JIANGAN, level: 'county' };
const WUHAN_III = 'Wuhan: county to city within 1 hour for grade III incidents.';

const setUp = () => {
  const incidents = new InMemoryIncidentStore();
  const clock = new FakeClock(T0);
  const policy = policyByName('national');
  const schema = makeReportBodySchema(() => Date.parse(T0));
  const submit = makeSubmitReport({
    incidents,
    clock,
    policy,
    ids: { incidentId: () => INCIDENT, unique: () => 'u-1' },
  });
  const appendEvents = makeAppendEvents({ incidents, clock, policy });
  const checkDeadline = makeCheckDeadline({ appendEvents });
  const scheduler = new RecordingTimerScheduler();
  const reporter: Actor = { sub: 'unit-1', role: 'reporter', region: JIANGAN, unit: 'U-1' };
  const report = async (grade: Grade) => {
    const body = schema.parse(reportWith({ regionCode: JIANGAN, grade }));
    await submit({ actor: reporter, report: body });
  };
  const followUp = async (dead: number) => {
    const body = schema.parse(
      reportWith(
        { kind: 'follow-up', incidentId: INCIDENT, regionCode: JIANGAN, grade: undefined },
        { casualties: { dead, injured: 0, missing: 0, trapped: 0 } },
      ),
    );
    await submit({ actor: reporter, report: body });
  };
  const events = () => incidents.eventsOf(INCIDENT);
  const shortened = () =>
    events().filter((e): e is Extract<IncidentEvent, { type: 'DeadlineShortened' }> => e.type === 'DeadlineShortened');
  const duty = () => {
    const o = incidents.headOf(INCIDENT)?.obligations.find((x) => x.obligationId === COUNTY_DUTY);
    if (!o) throw new Error('the county duty was not opened');
    return o;
  };
  return {
    incidents,
    clock,
    policy,
    scheduler,
    report,
    followUp,
    events,
    shortened,
    duty,
    assess: makeAssessGrade({ appendEvents }),
    checkDeadline,
    remind: makeRemind({ appendEvents }),
    sweep: makeSweepDeadlines({ incidents, clock, checkDeadline }),
    startTimers: makeStartTimers({ scheduler, policy }),
    rearm: makeRearmTimers({ incidents, scheduler, policy }),
  };
};

describe('a raised grade on a running duty', () => {
  it('moves the deadline earlier to the opening plus the new limit, as an event with the old and new deadline and the rule', async () => {
    // PREPARE
    const { report, clock, assess, shortened, duty, events, incidents } = setUp();
    await report('IV');
    expect(duty().dueAt).toBe(t(2 * HOUR));
    clock.advance(20 * MINUTE);

    // ACT
    const answer = await assess(COUNTY, INCIDENT, { grade: 'III', reason: '经核实为较大事故' });

    // ASSESS
    expect(shortened().map((e) => e.data)).toStrictEqual([
      {
        level: 'county',
        office: JIANGAN,
        obligationId: COUNTY_DUTY,
        openedAt: T0,
        from: t(2 * HOUR),
        to: t(HOUR),
        grade: 'III',
        limitMs: HOUR,
        rule: WUHAN_III,
        floored: false,
      },
    ]);
    expect(duty()).toMatchObject({ dueAt: t(HOUR), limitMs: HOUR, shortenedFrom: t(2 * HOUR), status: 'pending' });
    expect(answer.shortened).toEqual([duty()]);
    const log = events();
    expect(verifyChain(log as unknown as Parameters<typeof verifyChain>[0])).toMatchObject({ intact: true });
    expect(replayHead(log)).toStrictEqual(incidents.headOf(INCIDENT));
    expect(describeEvent(shortened()[0] as IncidentEvent)).toContain('moved from');
  });

  it('never leaves less than the policy’s minimum notice: a limit already run out moves the deadline to now + 15 min', async () => {
    const { report, clock, assess, shortened, duty } = setUp();
    await report('IV');
    clock.advance(50 * MINUTE);

    await assess(COUNTY, INCIDENT, { grade: 'III', reason: '升级' });

    expect(shortened().map((e) => [e.data.to, e.data.floored])).toEqual([[t(65 * MINUTE), true]]);
    expect(duty()).toMatchObject({ dueAt: t(65 * MINUTE), limitMs: 65 * MINUTE });
  });

  it('leaves the deadline alone when the minimum notice would fall after it', async () => {
    const { report, clock, assess, shortened, duty } = setUp();
    await report('IV');
    clock.advance(110 * MINUTE);

    await assess(COUNTY, INCIDENT, { grade: 'III', reason: '升级' });

    expect(shortened()).toEqual([]);
    expect(duty().dueAt).toBe(t(2 * HOUR));
  });

  it('never extends a running window: a lowered grade with a longer limit keeps the deadline', async () => {
    const { report, clock, assess, shortened, duty } = setUp();
    await report('III');
    expect(duty().dueAt).toBe(t(HOUR));
    clock.advance(10 * MINUTE);

    await assess(COUNTY, INCIDENT, { grade: 'IV', reason: '核减' });

    expect(shortened()).toEqual([]);
    expect(duty()).toMatchObject({ dueAt: t(HOUR), limitMs: HOUR });
    expect(duty().shortenedFrom).toBeUndefined();
  });

  it('moves it again for a second raise (III → II), and each moved deadline only ever earlier', async () => {
    const { report, clock, assess, shortened, duty } = setUp();
    await report('IV');
    clock.advance(5 * MINUTE);
    await assess(COUNTY, INCIDENT, { grade: 'III', reason: '较大' });
    clock.advance(5 * MINUTE);
    await assess(COUNTY, INCIDENT, { grade: 'II', reason: '重大' });

    expect(shortened().map((e) => [e.data.from, e.data.to, e.data.grade])).toEqual([
      [t(2 * HOUR), t(HOUR), 'III'],
      [t(HOUR), t(30 * MINUTE), 'II'],
    ]);
    // The deadline the duty opened with is kept through both moves.
    expect(duty()).toMatchObject({ dueAt: t(30 * MINUTE), shortenedFrom: t(2 * HOUR) });
  });

  it('follows a follow-up report whose figures raise the grade (IV → III)', async () => {
    const { report, clock, followUp, shortened, duty, incidents } = setUp();
    await report('IV');
    clock.advance(15 * MINUTE);

    await followUp(3);

    expect(incidents.headOf(INCIDENT)?.grade).toBe('III');
    expect(shortened().map((e) => [e.data.from, e.data.to, e.data.rule])).toEqual([[t(2 * HOUR), t(HOUR), WUHAN_III]]);
    expect(duty().dueAt).toBe(t(HOUR));
  });

  it('tells the holder’s duty officer and directly responsible person, with the new and old deadline', async () => {
    const { report, clock, assess, shortened, incidents } = setUp();
    await report('IV');
    clock.advance(20 * MINUTE);
    await assess(COUNTY, INCIDENT, { grade: 'III', reason: '较大' });
    const head = incidents.headOf(INCIDENT);
    if (!head) throw new Error('no head');
    const event = shortened()[0] as IncidentEvent;
    // 10:00 and 11:00 China time: the new deadline and the old one.
    expect(messageFor('deadline-shortened', event, head)).toContain('report it up by 10:00 (China time), not 11:00');
    const brief = briefFor('deadline-shortened', event, head);
    expect(brief).toContain('Now due 10:00 China time (was 11:00)');
    expect(brief.length).toBeLessThanOrEqual(140);

    expect(addresseesOf(shortened()[0] as IncidentEvent)).toEqual([
      {
        kind: 'deadline-shortened',
        to: [
          { office: JIANGAN, role: 'duty-officer' },
          { office: JIANGAN, role: 'directly-responsible' },
        ],
      },
    ]);
  });

  it('shows on the desk’s board with the new deadline, the rule, and the deadline it opened with', async () => {
    const { report, clock, assess, incidents, policy } = setUp();
    await report('IV');
    clock.advance(20 * MINUTE);
    await assess(COUNTY, INCIDENT, { grade: 'III', reason: '较大' });

    const head = incidents.headOf(INCIDENT);
    if (!head) throw new Error('no head');
    const row = boardRowOf(head, { level: 'county', office: JIANGAN }, policy);
    expect(row?.duties.find((d) => d.obligationId === COUNTY_DUTY)).toMatchObject({
      dueAt: t(HOUR),
      shortenedFrom: t(2 * HOUR),
      remindAt: t(45 * MINUTE),
      source: WUHAN_III,
    });
  });
});

describe('the inspectors’ late and missed rows of a moved deadline', () => {
  it('give the deadline in force, and the one the duty opened with', async () => {
    const { report, clock, assess, incidents, duty } = setUp();
    await report('IV');
    clock.advance(20 * MINUTE);
    await assess(COUNTY, INCIDENT, { grade: 'III', reason: '较大' });

    const head = incidents.headOf(INCIDENT);
    if (!head) throw new Error('no head');
    expect(obligationEntry(head, duty())).toMatchObject({ deadline: t(HOUR), deadlineShortenedFrom: t(2 * HOUR) });
  });
});

describe('the timer of a moved deadline', () => {
  it('is a second execution, named apart from the first, reminding at 75% of the shortened window', async () => {
    const { report, clock, assess, events, startTimers, scheduler } = setUp();
    await report('IV');
    clock.advance(20 * MINUTE);
    await assess(COUNTY, INCIDENT, { grade: 'III', reason: '较大' });

    await startTimers(events());

    const county = scheduler.started.filter((timer) => timer.obligationId === COUNTY_DUTY);
    expect(county).toEqual([
      { incidentId: INCIDENT, obligationId: COUNTY_DUTY, dueAt: t(2 * HOUR), remindAt: t(90 * MINUTE) },
      {
        incidentId: INCIDENT,
        obligationId: COUNTY_DUTY,
        dueAt: t(HOUR),
        remindAt: t(45 * MINUTE),
        shortenedFrom: t(2 * HOUR),
      },
    ]);
    const names = county.map(timerName);
    expect(new Set(names).size).toBe(2);
    expect(names[0]).toBe(COUNTY_DUTY);
    for (const name of names) expect(name).toMatch(/^[\w-]{1,80}$/);
  });

  it('re-arms at start for the deadline in force, under the moved deadline’s name', async () => {
    const { report, clock, assess, rearm, scheduler } = setUp();
    await report('IV');
    clock.advance(20 * MINUTE);
    await assess(COUNTY, INCIDENT, { grade: 'III', reason: '较大' });

    await rearm();

    const county = scheduler.started.filter((timer) => timer.obligationId === COUNTY_DUTY);
    expect(county.map((timer) => [timer.dueAt, timerName(timer)])).toEqual([
      [t(HOUR), `${COUNTY_DUTY}-${Date.parse(t(HOUR)).toString(36)}`],
    ]);
  });

  it('reminds once, from the new timer only: the first timer’s reminder finds its deadline gone', async () => {
    const { report, clock, assess, remind, events } = setUp();
    await report('IV');
    clock.advance(20 * MINUTE);
    await assess(COUNTY, INCIDENT, { grade: 'III', reason: '较大' });

    // The new timer's reminder point (45 min) comes first.
    clock.set(t(45 * MINUTE));
    expect(await remind({ incidentId: INCIDENT, obligationId: COUNTY_DUTY, dueAt: t(HOUR) })).toEqual({
      outcome: 'warned',
    });
    // The first timer's, for the old deadline: nothing, and nothing if it came first either.
    clock.set(t(50 * MINUTE));
    expect(await remind({ incidentId: INCIDENT, obligationId: COUNTY_DUTY, dueAt: t(2 * HOUR) })).toEqual({
      outcome: 'skipped',
    });
    expect(events().filter((e) => e.type === 'DeadlineWarned')).toHaveLength(1);
  });

  it('skips the stale timer’s reminder even when it fires before the new one', async () => {
    const { report, clock, assess, remind, events } = setUp();
    await report('IV');
    clock.advance(5 * MINUTE);
    await assess(COUNTY, INCIDENT, { grade: 'II', reason: '重大' });
    // New deadline 30 min, reminder at 22.5 min; the old timer's reminder was at 90 min, so let
    // both fire while the duty runs, old first.
    clock.set(t(20 * MINUTE));
    expect(await remind({ incidentId: INCIDENT, obligationId: COUNTY_DUTY, dueAt: t(2 * HOUR) })).toEqual({
      outcome: 'skipped',
    });
    clock.set(t(22.5 * MINUTE));
    expect(await remind({ incidentId: INCIDENT, obligationId: COUNTY_DUTY, dueAt: t(30 * MINUTE) })).toEqual({
      outcome: 'warned',
    });
    expect(events().filter((e) => e.type === 'DeadlineWarned')).toHaveLength(1);
  });

  it('flags the miss at the new deadline, once: the first timer at the old one, and the sweeper, find it recorded', async () => {
    const { report, clock, assess, checkDeadline, sweep, events } = setUp();
    await report('IV');
    clock.advance(20 * MINUTE);
    await assess(COUNTY, INCIDENT, { grade: 'III', reason: '较大' });

    clock.set(t(HOUR));
    expect(await checkDeadline({ incidentId: INCIDENT, obligationId: COUNTY_DUTY })).toMatchObject({
      outcome: 'not-due',
      dueAt: t(HOUR),
    });
    clock.set(t(HOUR + 1));
    expect(await checkDeadline({ incidentId: INCIDENT, obligationId: COUNTY_DUTY })).toMatchObject({
      outcome: 'missed',
      lateByMs: 1,
    });
    clock.set(t(2 * HOUR + 1));
    expect(await checkDeadline({ incidentId: INCIDENT, obligationId: COUNTY_DUTY })).toEqual({
      outcome: 'already-missed',
    });
    await sweep();
    const missed = events().filter((e) => e.type === 'DeadlineMissed' && e.data.obligationId === COUNTY_DUTY);
    expect(missed.map((e) => e.data)).toEqual([expect.objectContaining({ dueAt: t(HOUR), lateByMs: 1 })]);
    expect(events().filter((e) => e.type === 'AutoEscalated')).toHaveLength(1);
  });

  it('is caught by the sweeper at the new deadline when both timers are lost', async () => {
    const { report, clock, assess, sweep, events } = setUp();
    await report('IV');
    clock.advance(20 * MINUTE);
    await assess(COUNTY, INCIDENT, { grade: 'III', reason: '较大' });

    clock.set(t(HOUR + 30_000));
    const result = await sweep();

    expect(result).toMatchObject({ missed: 1, lostTimers: 1 });
    expect(
      events()
        .filter((e) => e.type === 'DeadlineMissed')
        .map((e) => e.data.dueAt),
    ).toEqual([t(HOUR)]);
  });
});

describe('the minimum notice as policy data', () => {
  it('is 15 min in the national policy, 3 s in the drill, and 15 min for a policy that names none', () => {
    expect(minimumNoticeOf(policyByName('national'))).toBe(15 * MINUTE);
    expect(minimumNoticeOf(policyByName('drill'))).toBe(3_000);
    const { minimumNotice: _none, ...document } = policyByName('drill');
    expect(DEFAULT_MINIMUM_NOTICE_MS).toBe(15 * MINUTE);
    expect(minimumNoticeOf(document)).toBe(DEFAULT_MINIMUM_NOTICE_MS);
  });

  it('is refused when it is not a duration, naming the field', () => {
    const document = {
      name: 'x',
      description: 'x',
      limits: Object.fromEntries(Object.keys(policyByName('drill').limits).map((k) => [k, '10s'])),
      reminderAt: 0.5,
      minimumNotice: '0s',
      overrides: [],
    };
    expect(() => parsePolicy(document, 'test')).toThrow(/minimumNotice/);
  });
});
