/**
 * The real escalation state machine (infra/state-machines/escalation.ts) run by
 * aws-local-stepfunctions, its Task states bound to the real use cases over the in-memory store,
 * under the drill policy so a whole escalation takes seconds.
 *
 * Time: the library turns a Wait state's TimestampPath into `setTimeout(timestamp - Date.now())`,
 * so vitest fakes setTimeout, clearTimeout and Date, and the use cases read the same faked
 * `Date.now()` through their clock port. setImmediate stays real: the store yields on it, so
 * after every step of fake time the test lets the real event loop finish what the step started.
 */
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { escalationDefinition, TASK_STATES } from '../../infra/state-machines/escalation';
import { policyByName } from '../../shared/adapters/policy-source';
import { makeAppendEvents } from '../../shared/application/append-events';
import { makeCheckDeadline, makeForward, makeRemind, makeStartTimers } from '../../shared/application/escalation';
import { makeSubmitReport } from '../../shared/application/submit-report';
import type { Actor } from '../../shared/domain/access';
import type { Grade } from '../../shared/domain/grade';
import type { IncidentEvent } from '../../shared/domain/incident';
import type { TimerInput } from '../../shared/ports/timers';
import { makeReportBodySchema } from '../../shared/schemas/report';
import { fakeTimersClock } from '../fakes/fake-clock';
import { InMemoryIncidentStore } from '../fakes/in-memory-incident-store';
import { type JsonValue, overTheWire, StateMachineTimerScheduler } from '../fakes/state-machine-timer-scheduler';
import { type NestedChanges, reportWith } from '../fixtures/reports';

const T0 = Date.parse('2026-11-22T01:00:00.000Z');
const SECOND = 1_000;

/** The time `ms` after T0, as the log writes it. */
const t = (ms: number) => new Date(T0 + ms).toISOString();
const sinceT0 = (iso: string) => Date.parse(iso) - T0;

const FIRST = 'INC-20261122-00000001';
const COUNTY_DUTY = `${FIRST}-110101-countyToCity`;
const CITY_DUTY = `${FIRST}-110100-cityToProvince`;

const ARN = 'arn:aws:lambda:cn-north-1:123456789012:function:obligation-timer';
// The definition's literal types widen to string; the library checks it against the ASL spec at run.
const definition = escalationDefinition(ARN) as StateMachineDefinition;

const COUNTY: Actor = { sub: 'office-110101', role: 'office', region: '110101', level: 'county' };
const UNIT: Actor = { sub: 'unit-110101', role: 'reporter', region: '110101', unit: 'U-1' };

/**
 * Every timer of the drill policy falls on a multiple of this (¾ of 15 s is 11.25 s), so stepping
 * fake time by it fires each timer with the clock exactly at its time. The one exception is the
 * re-check a millisecond after a deadline (a check at exactly `dueAt` is 'not-due'): it starts
 * at `dueAt` + 1 ms, mid-step, but the store yields on the real event loop while fake time
 * finishes the step, so the clock it reads — and the miss it records — is later in that step.
 */
const STEP_MS = 250;

/** Lets the real event loop run what fake time set going (the store yields on setImmediate). */
const settle = async () => {
  for (let turn = 0; turn < 40; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** Moves fake time to `ms` after T0, one step at a time, settling after each. */
const advanceTo = async (ms: number) => {
  while (Date.now() < T0 + ms) {
    await vi.advanceTimersByTimeAsync(Math.min(STEP_MS, T0 + ms - Date.now()));
    await settle();
  }
};

/** The input the Task states receive, validated as the timer function validates it. */
const taskInput = z.object({
  action: z.enum(['remind', 'check']),
  incidentId: z.string().min(1),
  obligationId: z.string().min(1),
});

interface TaskCall {
  readonly state: string;
  readonly input: z.infer<typeof taskInput>;
  /** Fake milliseconds since T0 when the task ran. */
  readonly at: number;
  /** What the task returned to the state machine. */
  readonly output: JsonValue;
}

const setUp = () => {
  const incidents = new InMemoryIncidentStore();
  const policy = policyByName('drill');
  const clock = fakeTimersClock;
  let next = 0;
  const submit = makeSubmitReport({
    incidents,
    clock,
    policy,
    ids: { incidentId: () => `INC-20261122-${String(++next).padStart(8, '0')}`, unique: () => `u-${next}` },
  });
  const appendEvents = makeAppendEvents({ incidents, clock, policy });
  const remind = makeRemind({ appendEvents });
  const checkDeadline = makeCheckDeadline({ appendEvents });
  const calls: TaskCall[] = [];
  const task =
    (state: string, run: (input: z.infer<typeof taskInput>) => Promise<unknown>) =>
    async (raw: JsonValue): Promise<JsonValue> => {
      const input = taskInput.parse(raw);
      const at = Date.now() - T0;
      const output = overTheWire(await run(input));
      calls.push({ state, input, at, output });
      return output;
    };
  const timers = new StateMachineTimerScheduler(definition, {
    [TASK_STATES.remind]: task(TASK_STATES.remind, remind),
    [TASK_STATES.check]: task(TASK_STATES.check, checkDeadline),
  });
  const startTimers = makeStartTimers({ scheduler: timers, policy });
  const schema = makeReportBodySchema(() => Date.now());

  /** A unit's report, learned of ten seconds ago (within the drill's 20 s, so not late). */
  const report = async (changes: { kind?: string; incidentId?: string; grade?: Grade }, nested: NestedChanges = {}) => {
    const body = schema.parse(
      reportWith(
        {
          occurredAt: new Date(Date.now() - 60 * SECOND).toISOString(),
          learnedAt: new Date(Date.now() - 10 * SECOND).toISOString(),
          ...changes,
        },
        nested,
      ),
    );
    return (await submit({ actor: UNIT, report: body })).response;
  };

  /** Starts the timers of whatever the events since `afterSeq` opened, as the event stream would. */
  const startTimersAfter = async (afterSeq: number) => {
    const started = await startTimers(incidents.eventsOf(FIRST).filter((event) => event.seq > afterSeq));
    await settle();
    return started;
  };

  return {
    incidents,
    timers,
    calls,
    report,
    startTimersAfter,
    forward: makeForward({ appendEvents }),
    version: () => incidents.headOf(FIRST)?.version ?? 0,
  };
};

let running: StateMachineTimerScheduler | undefined;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(T0);
});

afterEach(() => {
  running?.abortAll();
  running = undefined;
  vi.useRealTimers();
});

const types = (events: readonly IncidentEvent[]) => events.map((event) => event.type);

const only = <T extends IncidentEvent['type']>(events: readonly IncidentEvent[], type: T) =>
  events.filter((event): event is Extract<IncidentEvent, { type: T }> => event.type === type);

/** A timer's input with its reminder, as makeStartTimers builds it under the drill policy. */
const drillTimer = (obligationId: string, openedAtMs: number): TimerInput => ({
  incidentId: FIRST,
  obligationId,
  dueAt: t(openedAtMs + 15 * SECOND),
  remindAt: t(openedAtMs + 11_250),
});

describe('the escalation state machine, run locally on the real definition', () => {
  it('finds an obligation met before the deadline met, after a reminder that was no longer needed', async () => {
    // PREPARE: grade IV, so the county's hand-over is the only duty
    const harness = setUp();
    running = harness.timers;
    await harness.report({ grade: 'IV' });
    expect(await harness.startTimersAfter(0)).toBe(1);
    // Started again (a redelivered event): the execution named by the obligation already exists.
    await harness.startTimersAfter(0);

    // ACT
    await advanceTo(5 * SECOND);
    const forwarded = await harness.forward(COUNTY, FIRST, {});
    await advanceTo(15 * SECOND);

    // ASSESS
    expect(forwarded.met).toEqual([expect.objectContaining({ obligationId: COUNTY_DUTY, lateByMs: 0 })]);
    expect(harness.timers.names).toEqual([COUNTY_DUTY]);
    await expect(harness.timers.execution(COUNTY_DUTY).result).resolves.toStrictEqual({
      ...drillTimer(COUNTY_DUTY, 0),
      reminder: { outcome: 'skipped' },
      check: { outcome: 'met' },
    });
    expect(harness.calls).toStrictEqual([
      {
        state: 'Remind',
        input: { action: 'remind', incidentId: FIRST, obligationId: COUNTY_DUTY },
        at: 11_250,
        output: { outcome: 'skipped' },
      },
      {
        state: 'CheckDeadline',
        input: { action: 'check', incidentId: FIRST, obligationId: COUNTY_DUTY },
        at: 15_000,
        output: { outcome: 'met' },
      },
    ]);
    expect(types(harness.incidents.eventsOf(FIRST))).toEqual([
      'ReportSubmitted',
      'ObligationOpened',
      'ReportForwarded',
    ]);
  });

  it('reminds at three quarters of the window, and then finds the obligation met', async () => {
    // PREPARE
    const harness = setUp();
    running = harness.timers;
    await harness.report({ grade: 'IV' });
    await harness.startTimersAfter(0);

    // ACT
    await advanceTo(12 * SECOND);
    await harness.forward(COUNTY, FIRST, {});
    await advanceTo(15 * SECOND);

    // ASSESS
    await expect(harness.timers.execution(COUNTY_DUTY).result).resolves.toStrictEqual({
      ...drillTimer(COUNTY_DUTY, 0),
      reminder: { outcome: 'warned' },
      check: { outcome: 'met' },
    });
    const events = harness.incidents.eventsOf(FIRST);
    expect(types(events)).toEqual(['ReportSubmitted', 'ObligationOpened', 'DeadlineWarned', 'ReportForwarded']);
    expect(only(events, 'DeadlineWarned')[0]).toMatchObject({
      at: t(11_250),
      data: { office: '110101', obligationId: COUNTY_DUTY, dueAt: t(15 * SECOND), remainingMs: 3_750 },
    });
  });

  it('marks the silent county missed just after the deadline, and records its forward afterwards as late', async () => {
    // PREPARE
    const harness = setUp();
    running = harness.timers;
    await harness.report({ grade: 'IV' });
    await harness.startTimersAfter(0);

    // ACT
    await advanceTo(15 * SECOND + STEP_MS);
    const afterCheck = types(harness.incidents.eventsOf(FIRST));
    await advanceTo(20 * SECOND);
    const forwarded = await harness.forward(COUNTY, FIRST, {});

    // ASSESS
    const events = harness.incidents.eventsOf(FIRST);
    const [missed] = only(events, 'DeadlineMissed');
    if (!missed) throw new Error('the deadline was not marked missed');
    const lateByMs = sinceT0(missed.at) - 15 * SECOND;
    expect(lateByMs).toBeGreaterThan(0);
    expect(lateByMs).toBeLessThanOrEqual(STEP_MS);
    expect(missed.data).toMatchObject({ obligationId: COUNTY_DUTY, dueAt: t(15 * SECOND), lateByMs });
    await expect(harness.timers.execution(COUNTY_DUTY).result).resolves.toStrictEqual({
      ...drillTimer(COUNTY_DUTY, 0),
      reminder: { outcome: 'warned' },
      check: { outcome: 'missed', lateByMs, escalatedTo: { level: 'city', office: '110100' } },
    });
    expect(afterCheck).toEqual([
      'ReportSubmitted',
      'ObligationOpened',
      'DeadlineWarned',
      'DeadlineMissed',
      'AutoEscalated',
    ]);
    expect(types(events)).toEqual([...afterCheck, 'ReportForwarded']);
    expect(forwarded.met).toEqual([expect.objectContaining({ status: 'met', lateByMs: 5 * SECOND })]);
    // The check at exactly the deadline finds it not yet missed (a forward then is on time) and
    // names the next millisecond, when the state machine checks again and finds it missed.
    const check = { action: 'check', incidentId: FIRST, obligationId: COUNTY_DUTY };
    expect(harness.calls).toStrictEqual([
      {
        state: 'Remind',
        input: { action: 'remind', incidentId: FIRST, obligationId: COUNTY_DUTY },
        at: 11_250,
        output: { outcome: 'warned' },
      },
      {
        state: 'CheckDeadline',
        input: check,
        at: 15_000,
        output: { outcome: 'not-due', dueAt: t(15 * SECOND), checkAgainAt: t(15 * SECOND + 1) },
      },
      {
        state: 'CheckDeadline',
        input: check,
        at: 15 * SECOND + 1,
        output: { outcome: 'missed', lateByMs, escalatedTo: { level: 'city', office: '110100' } },
      },
    ]);
  });

  it('escalates a grade III report past the silent county and then the silent city, each on its own timer', async () => {
    // PREPARE
    const harness = setUp();
    running = harness.timers;
    await harness.report({ grade: 'III' });
    await harness.startTimersAfter(0);

    // ACT: the county's deadline passes; the city's duty it opens gets its timer from the log
    await advanceTo(15 * SECOND + STEP_MS);
    const cityTimers = await harness.startTimersAfter(2);
    const city = harness.timers.execution(CITY_DUTY).input;
    await advanceTo(sinceT0(city.dueAt) + STEP_MS);

    // ASSESS
    expect(cityTimers).toBe(1);
    const events = harness.incidents.eventsOf(FIRST);
    const [countyMissed, cityMissed] = only(events, 'DeadlineMissed');
    if (!countyMissed || !cityMissed) throw new Error('both deadlines should have been missed');
    const cityOpenedAt = sinceT0(countyMissed.at);
    expect(countyMissed.data.lateByMs).toBe(cityOpenedAt - 15 * SECOND);
    expect(countyMissed.data.lateByMs).toBeGreaterThan(0);
    expect(countyMissed.data.lateByMs).toBeLessThanOrEqual(STEP_MS);
    expect(city).toStrictEqual(drillTimer(CITY_DUTY, cityOpenedAt));
    await expect(harness.timers.execution(COUNTY_DUTY).result).resolves.toStrictEqual({
      ...drillTimer(COUNTY_DUTY, 0),
      reminder: { outcome: 'warned' },
      check: {
        outcome: 'missed',
        lateByMs: countyMissed.data.lateByMs,
        escalatedTo: { level: 'city', office: '110100' },
      },
    });
    await expect(harness.timers.execution(CITY_DUTY).result).resolves.toStrictEqual({
      ...city,
      reminder: { outcome: 'warned' },
      check: {
        outcome: 'missed',
        lateByMs: cityMissed.data.lateByMs,
        escalatedTo: { level: 'province', office: '110000' },
      },
    });
    expect(types(events)).toEqual([
      'ReportSubmitted',
      'ObligationOpened',
      'DeadlineWarned',
      'DeadlineMissed',
      'AutoEscalated',
      'ObligationOpened',
      'DeadlineWarned',
      'DeadlineMissed',
      'AutoEscalated',
    ]);
    expect(only(events, 'DeadlineWarned').map((event) => [event.data.office, sinceT0(event.at)])).toEqual([
      ['110101', 11_250],
      ['110100', cityOpenedAt + 11_250],
    ]);
    expect(sinceT0(cityMissed.at) - sinceT0(city.dueAt)).toBe(cityMissed.data.lateByMs);
    expect(cityMissed.data.lateByMs).toBeGreaterThan(0);
    expect(cityMissed.data.lateByMs).toBeLessThanOrEqual(STEP_MS);
    // Each deadline is checked at exactly dueAt (not yet missed), then again a millisecond later.
    expect(harness.calls.map((call) => [call.state, call.input.obligationId, call.at])).toEqual([
      ['Remind', COUNTY_DUTY, 11_250],
      ['CheckDeadline', COUNTY_DUTY, 15_000],
      ['CheckDeadline', COUNTY_DUTY, 15_001],
      ['Remind', CITY_DUTY, cityOpenedAt + 11_250],
      ['CheckDeadline', CITY_DUTY, sinceT0(city.dueAt)],
      ['CheckDeadline', CITY_DUTY, sinceT0(city.dueAt) + 1],
    ]);
  });

  it('times the city’s duty from a follow-up that raises the grade while the city holds the report', async () => {
    // PREPARE: grade IV, forwarded by the county at 5 s, so the city has it and owes nothing
    const harness = setUp();
    running = harness.timers;
    await harness.report({ grade: 'IV' });
    await harness.startTimersAfter(0);
    await advanceTo(5 * SECOND);
    await harness.forward(COUNTY, FIRST, {});
    await advanceTo(8 * SECOND);
    const before = harness.version();

    // ACT: a third death makes it grade III at 8 s
    const followUp = await harness.report(
      { kind: 'follow-up', incidentId: FIRST, grade: undefined },
      { casualties: { dead: 3, injured: 0, missing: 0, trapped: 0 } },
    );
    const started = await harness.startTimersAfter(before);
    await advanceTo(23 * SECOND + STEP_MS);

    // ASSESS
    expect(followUp.grade).toBe('III');
    expect(started).toBe(1);
    expect(harness.timers.execution(CITY_DUTY).input).toStrictEqual(drillTimer(CITY_DUTY, 8 * SECOND));
    await expect(harness.timers.execution(COUNTY_DUTY).result).resolves.toStrictEqual({
      ...drillTimer(COUNTY_DUTY, 0),
      reminder: { outcome: 'skipped' },
      check: { outcome: 'met' },
    });
    const events = harness.incidents.eventsOf(FIRST);
    const [missed] = only(events, 'DeadlineMissed');
    if (!missed) throw new Error('the city’s deadline should have been missed');
    await expect(harness.timers.execution(CITY_DUTY).result).resolves.toStrictEqual({
      ...drillTimer(CITY_DUTY, 8 * SECOND),
      reminder: { outcome: 'warned' },
      check: {
        outcome: 'missed',
        lateByMs: missed.data.lateByMs,
        escalatedTo: { level: 'province', office: '110000' },
      },
    });
    expect(missed.data).toMatchObject({ office: '110100', obligationId: CITY_DUTY, dueAt: t(23 * SECOND) });
    expect(types(events)).toEqual([
      'ReportSubmitted',
      'ObligationOpened',
      'ReportForwarded',
      'ReportSubmitted',
      'GradeAssessed',
      'ObligationOpened',
      'DeadlineWarned',
      'DeadlineMissed',
      'AutoEscalated',
    ]);
    expect(harness.calls.map((call) => [call.state, call.input.obligationId, call.at])).toEqual([
      ['Remind', COUNTY_DUTY, 11_250],
      ['CheckDeadline', COUNTY_DUTY, 15_000],
      ['Remind', CITY_DUTY, 19_250],
      ['CheckDeadline', CITY_DUTY, 23_000],
      ['CheckDeadline', CITY_DUTY, 23_001],
    ]);
    expect(missed.data.lateByMs).toBe(sinceT0(missed.at) - 23 * SECOND);
    expect(missed.data.lateByMs).toBeGreaterThan(0);
    expect(missed.data.lateByMs).toBeLessThanOrEqual(STEP_MS);
  });

  it('waits again until just past the real deadline when its own was early, and checks only then', async () => {
    // PREPARE: a timer started with a deadline 5 s early and no reminder (a starter whose clock ran ahead)
    const harness = setUp();
    running = harness.timers;
    await harness.report({ grade: 'IV' });
    const early = { incidentId: FIRST, obligationId: COUNTY_DUTY, dueAt: t(10 * SECOND) };

    // ACT
    await harness.timers.start(early);
    await settle();
    await advanceTo(15 * SECOND + STEP_MS);

    // ASSESS
    const [missed] = only(harness.incidents.eventsOf(FIRST), 'DeadlineMissed');
    if (!missed) throw new Error('the deadline was not marked missed');
    // The execution keeps its own input (the early dueAt); only the check's result is added.
    await expect(harness.timers.execution(COUNTY_DUTY).result).resolves.toStrictEqual({
      ...early,
      check: { outcome: 'missed', lateByMs: missed.data.lateByMs, escalatedTo: { level: 'city', office: '110100' } },
    });
    expect(harness.calls.map((call) => [call.state, call.at, call.output])).toEqual([
      ['CheckDeadline', 10 * SECOND, { outcome: 'not-due', dueAt: t(15 * SECOND), checkAgainAt: t(15 * SECOND + 1) }],
      [
        'CheckDeadline',
        15 * SECOND + 1,
        { outcome: 'missed', lateByMs: missed.data.lateByMs, escalatedTo: { level: 'city', office: '110100' } },
      ],
    ]);
    expect(missed.data).toMatchObject({ obligationId: COUNTY_DUTY, dueAt: t(15 * SECOND) });
    expect(missed.data.lateByMs).toBe(sinceT0(missed.at) - 15 * SECOND);
    expect(missed.data.lateByMs).toBeGreaterThan(0);
    expect(missed.data.lateByMs).toBeLessThanOrEqual(STEP_MS);
  });
});
