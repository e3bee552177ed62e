/**
 * Roll-up arithmetic and the roll-up use cases against in-memory fakes: what each event adds,
 * where it is summed, and that the consumer counts every event exactly once however it is
 * delivered — duplicated, redelivered, shuffled or concurrently — while writing each summary item
 * once per chunk of events.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { subscriptions } from '../../infra/resources';
import { policyByName } from '../../shared/adapters/policy-source';
import { makeAppendEvents } from '../../shared/application/append-events';
import { makeReconcileDuties } from '../../shared/application/duty-counters';
import {
  makeAcknowledge,
  makeCheckDeadline,
  makeForward,
  makeSweepDeadlines,
} from '../../shared/application/escalation';
import { makeReconcileAll } from '../../shared/application/reconcile';
import { makeReturnReport } from '../../shared/application/return-report';
import {
  CHUNK,
  eventId,
  makeReadSummary,
  makeReconcile,
  makeRollUpEvents,
  presentCounters,
} from '../../shared/application/roll-up';
import { makeSubmitReport } from '../../shared/application/submit-report';
import type { Actor } from '../../shared/domain/access';
import { DUTY_EVENT_TYPES } from '../../shared/domain/audit/outcome';
import { ConflictError, ForbiddenError, NotFoundError } from '../../shared/domain/errors';
import { GRADES, type Grade } from '../../shared/domain/grade';
import { CATEGORIES, type Category, type IncidentEvent, type IncidentState } from '../../shared/domain/incident';
import { chainOf, childrenOf, NATIONAL } from '../../shared/domain/regions/regions';
import {
  addCounters,
  categoryGradeCounter,
  countersOf,
  incidentDay,
  isRolledUp,
  rollUp,
  type SummaryKey,
  summaryKeyId,
  summaryKeysOf,
} from '../../shared/domain/rollup';
import type { IdGenerator } from '../../shared/ports/ids';
import { makeReportBodySchema, type ReportBody } from '../../shared/schemas/report';
import { FakeClock } from '../fakes/fake-clock';
import { InMemoryIncidentStore } from '../fakes/in-memory-incident-store';
import { InMemorySummaryStore, nonZero } from '../fakes/in-memory-summary-store';
import { reportWith } from '../fixtures/reports';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Whether an event changes any counter (the roll-up records only these as applied). */
const addsSomething = (e: IncidentEvent): boolean => Object.values(countersOf(e)).some((v) => v !== 0);

/** 09:00 in Beijing on 22 November 2026. */
const START = '2026-11-22T01:00:00.000Z';
const DAY = '2026-11-22';

/** The China calendar day of an instant, as the real id generator writes it into an id. */
const chinaDay = (at: Date): string => new Date(at.getTime() + 8 * HOUR).toISOString().slice(0, 10);

/** Incident ids numbered 1, 2, 3 … on the China day they are received, so every expectation is exact. */
class NumberedIds implements IdGenerator {
  #next = 0;
  #unique = 0;

  incidentId(at: Date): string {
    this.#next += 1;
    return `INC-${chinaDay(at).replaceAll('-', '')}-${String(this.#next).padStart(8, '0')}`;
  }

  unique(): string {
    this.#unique += 1;
    return `id-${this.#unique}`;
  }
}

interface Figures {
  readonly dead: number;
  readonly injured: number;
  readonly missing: number;
  readonly affectedPeople: number;
  readonly directLossYuan: number;
}

const unitOf = (region: string): Actor => ({ sub: `unit-${region}`, role: 'reporter', region, unit: 'U-1' });

/** The office an incident in `region` reaches first: its county's, or its city's for 东莞. */
const firstOfficeActor = (region: string): Actor => {
  const chain = chainOf(region);
  return chain.county
    ? { sub: `office-${chain.county.code}`, role: 'office', region: chain.county.code, level: 'county' }
    : { sub: `office-${region}`, role: 'office', region, level: 'city' };
};

/** Everything a scenario needs, on one fake clock and fake stores. */
const setUp = (start: string = START) => {
  const clock = new FakeClock(start);
  const incidents = new InMemoryIncidentStore();
  const summaries = new InMemorySummaryStore();
  const policy = policyByName('national');
  const submit = makeSubmitReport({ incidents, clock, ids: new NumberedIds(), policy });
  const appendEvents = makeAppendEvents({ incidents, clock, policy });
  const forward = makeForward({ appendEvents });
  const checkDeadline = makeCheckDeadline({ appendEvents });
  const sweep = makeSweepDeadlines({ incidents, clock, checkDeadline });
  const schema = makeReportBodySchema(() => clock.now().getTime());

  /** A report body as the HTTP edge hands it over, learned of `learnedAgoMs` before now. */
  const body = (
    region: string,
    figures: Figures,
    options: {
      kind?: ReportBody['kind'];
      incidentId?: string;
      grade?: Grade;
      category?: Category;
      learnedAt?: string;
      correcting?: string;
    } = {},
  ): ReportBody => {
    const learnedAt = options.learnedAt ?? new Date(clock.now().getTime() - 10 * MINUTE).toISOString();
    return schema.parse(
      reportWith(
        {
          kind: options.kind ?? 'initial',
          incidentId: options.incidentId,
          grade: options.grade,
          category: options.category ?? 'accident',
          regionCode: region,
          occurredAt: new Date(Date.parse(learnedAt) - 5 * MINUTE).toISOString(),
          learnedAt,
          affectedPeople: figures.affectedPeople,
          directLossYuan: figures.directLossYuan,
          correcting: options.correcting,
        },
        { casualties: { dead: figures.dead, injured: figures.injured, missing: figures.missing, trapped: 0 } },
      ),
    );
  };

  const initial = async (
    region: string,
    figures: Figures,
    options: { grade?: Grade; category?: Category; learnedAt?: string } = {},
  ): Promise<string> =>
    (await submit({ actor: unitOf(region), report: body(region, figures, options) })).response.incidentId;

  const later = async (
    kind: 'follow-up' | 'final',
    incidentId: string,
    figures: Figures,
    options: { grade?: Grade; correcting?: string } = {},
  ): Promise<void> => {
    const head = incidents.headOf(incidentId);
    if (!head) throw new Error(`no incident ${incidentId}`);
    await submit({
      actor: unitOf(head.regionCode),
      report: body(head.regionCode, figures, {
        kind,
        incidentId,
        category: head.category,
        learnedAt: head.learnedAt,
        ...options,
      }),
    });
  };

  const eventsOf = (incidentId: string) => incidents.eventsOf(incidentId);
  const allEvents = () => incidents.incidentIds().flatMap((id) => incidents.eventsOf(id));
  const rollUpEvents = makeRollUpEvents({ summaries });
  const reconcile = makeReconcile({ incidents, summaries });
  const readSummary = makeReadSummary({ summaries });

  return {
    clock,
    incidents,
    summaries,
    submit,
    forward,
    checkDeadline,
    sweep,
    acknowledge: makeAcknowledge({ appendEvents }),
    returnReport: makeReturnReport({ incidents, appendEvents, policy }),
    initial,
    later,
    eventsOf,
    allEvents,
    rollUpEvents,
    reconcile,
    readSummary,
  };
};

const figures = (dead: number, injured = 0, missing = 0, affectedPeople = 0, directLossYuan = 0): Figures => ({
  dead,
  injured,
  missing,
  affectedPeople,
  directLossYuan,
});

const only = <T extends IncidentEvent['type']>(
  events: readonly IncidentEvent[],
  type: T,
): Extract<IncidentEvent, { type: T }>[] =>
  events.filter((e): e is Extract<IncidentEvent, { type: T }> => e.type === type);

const single = <T extends IncidentEvent['type']>(
  events: readonly IncidentEvent[],
  type: T,
): Extract<IncidentEvent, { type: T }> => {
  const found = only(events, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  const [event] = found;
  if (!event) throw new Error(`no ${type}`);
  return event;
};

const bySeq = (events: readonly IncidentEvent[], seq: number): IncidentEvent => {
  const event = events.find((e) => e.seq === seq);
  if (!event) throw new Error(`no event ${seq}`);
  return event;
};

const counterMap = (counters: Readonly<Record<string, number>> | undefined) => nonZero(counters ?? {});

const stored = (summaries: InMemorySummaryStore, region: string, period: string) =>
  counterMap(summaries.itemAt({ region, period })?.counters);

describe('countersOf: what each event adds', () => {
  it('an initial report adds its figures, one incident, one open incident and one in its category × grade', async () => {
    const s = setUp();
    const id = await s.initial('110101', figures(1, 2, 1, 120, 500_000), { grade: 'III' });

    const report = single(s.eventsOf(id), 'ReportSubmitted');

    expect(report.data.kind).toBe('initial');
    expect(countersOf(report)).toStrictEqual({
      dead: 1,
      injured: 2,
      missing: 1,
      affectedPeople: 120,
      directLossYuan: 500_000,
      incidents: 1,
      open: 1,
      'cg:accident:III': 1,
    });
  });

  it('a follow-up adds only the change in its figures, negative where a figure went down', async () => {
    const s = setUp();
    const id = await s.initial('110101', figures(1, 5, 2, 100, 400_000), {
      grade: 'III',
      category: 'natural-disaster',
    });
    s.clock.advance(HOUR);
    await s.later('follow-up', id, figures(2, 3, 0, 150, 400_000));

    const followUp = bySeq(s.eventsOf(id), 3);

    expect(followUp).toMatchObject({ type: 'ReportSubmitted', data: { kind: 'follow-up', reportNumber: 2 } });
    expect(countersOf(followUp)).toStrictEqual({
      dead: 1,
      injured: -2,
      missing: -2,
      affectedPeople: 50,
      directLossYuan: 0,
    });
  });

  it('a grade raised by a follow-up moves the incident from the old grade’s bucket to the new one', async () => {
    const s = setUp();
    const id = await s.initial('110101', figures(0, 2, 0), { grade: 'IV', category: 'public-health' });
    s.clock.advance(HOUR);
    // 12 dead cross the grade II threshold of Decree 493.
    await s.later('follow-up', id, figures(12, 2, 0));

    const events = s.eventsOf(id);
    const assessed = single(events, 'GradeAssessed');

    expect(assessed.data).toMatchObject({ from: 'IV', to: 'II' });
    expect(countersOf(assessed)).toStrictEqual({ 'cg:public-health:IV': -1, 'cg:public-health:II': 1 });
    // Over the whole log the incident is in exactly one bucket: the one it ended in.
    const total = rollUp(events).get(summaryKeyId({ region: '110101', period: DAY }))?.counters;
    expect(total?.get('cg:public-health:IV')).toBeUndefined();
    expect(total?.get('cg:public-health:II')).toBe(1);
  });

  it('an initial report whose figures outrank the proposed grade counts in the proposed bucket, then moves', async () => {
    const s = setUp();
    const id = await s.initial('110101', figures(4), { grade: 'IV' });

    const events = s.eventsOf(id);

    expect(countersOf(single(events, 'ReportSubmitted'))).toMatchObject({ 'cg:accident:IV': 1 });
    expect(countersOf(single(events, 'GradeAssessed'))).toStrictEqual({ 'cg:accident:IV': -1, 'cg:accident:III': 1 });
  });

  it('a final report closes the incident: open → closed, besides its own figures', async () => {
    const s = setUp();
    const id = await s.initial('110101', figures(0, 1), { grade: 'IV' });
    s.clock.advance(HOUR);
    await s.later('final', id, figures(0, 2));

    const events = s.eventsOf(id);

    expect(countersOf(single(events, 'IncidentClosed'))).toStrictEqual({ open: -1, closed: 1 });
    expect(countersOf(bySeq(events, 3))).toStrictEqual({
      dead: 0,
      injured: 1,
      missing: 0,
      affectedPeople: 0,
      directLossYuan: 0,
    });
  });

  it('a unit reporting later than its limit counts one late report', async () => {
    const s = setUp();
    const id = await s.initial('110101', figures(0), {
      grade: 'IV',
      learnedAt: new Date(Date.parse(START) - 3 * HOUR).toISOString(),
    });

    const late = single(s.eventsOf(id), 'UnitReportLate');

    expect(late.data.lateByMs).toBe(2 * HOUR);
    expect(countersOf(late)).toStrictEqual({ lateReports: 1 });
  });

  it('a late forward counts one late report; an on-time forward counts nothing', async () => {
    const s = setUp();
    const onTime = await s.initial('110101', figures(0), { grade: 'IV' });
    const late = await s.initial('110102', figures(0), { grade: 'IV' });
    await s.forward(firstOfficeActor('110101'), onTime, {});
    s.clock.advance(2 * HOUR + MINUTE);
    await s.forward(firstOfficeActor('110102'), late, {});

    const onTimeForward = single(s.eventsOf(onTime), 'ReportForwarded');
    const lateForward = single(s.eventsOf(late), 'ReportForwarded');

    expect(onTimeForward.data.lateByMs).toBe(0);
    expect(countersOf(onTimeForward)).toStrictEqual({});
    expect(lateForward.data.lateByMs).toBe(MINUTE);
    expect(countersOf(lateForward)).toStrictEqual({ lateReports: 1 });
  });

  it('a missed deadline counts one missed report, and the escalation past the office nothing more', async () => {
    const s = setUp();
    const id = await s.initial('110101', figures(0), { grade: 'IV' });
    s.clock.advance(2 * HOUR + 1);
    await s.sweep();

    const events = s.eventsOf(id);

    expect(countersOf(single(events, 'DeadlineMissed'))).toStrictEqual({ missedReports: 1 });
    expect(countersOf(single(events, 'AutoEscalated'))).toStrictEqual({});
  });

  it('a correction sent after its deadline counts one late report, one on time nothing', async () => {
    const s = setUp();
    const onTime = await s.initial('110101', figures(0), { grade: 'IV' });
    const late = await s.initial('110102', figures(0), { grade: 'IV' });
    await s.returnReport(firstOfficeActor('110101'), onTime, { fields: ['summary'], note: '经过不清' });
    await s.returnReport(firstOfficeActor('110102'), late, { fields: ['summary'], note: '经过不清' });
    await s.later('follow-up', onTime, figures(0), { correcting: `${onTime}-correction1` });
    s.clock.advance(HOUR + MINUTE);
    await s.later('follow-up', late, figures(0), { correcting: `${late}-correction1` });

    expect(countersOf(single(s.eventsOf(onTime), 'ReportCorrected'))).toStrictEqual({});
    expect(countersOf(single(s.eventsOf(late), 'ReportCorrected'))).toStrictEqual({ lateReports: 1 });
  });

  it('rolls up exactly the event types the roll-up queue subscribes to', async () => {
    const s = setUp();
    const id = await s.initial('110101', figures(4), {
      grade: 'IV',
      learnedAt: new Date(Date.parse(START) - 3 * HOUR).toISOString(),
    });
    await s.acknowledge(firstOfficeActor('110101'), id);
    s.clock.advance(2 * HOUR + MINUTE);
    await s.forward(firstOfficeActor('110101'), id, {});
    await s.returnReport(firstOfficeActor('110101'), id, { fields: ['summary'], note: '经过不清' });
    s.clock.advance(3 * HOUR);
    await s.sweep();
    await s.later('final', id, figures(5), { correcting: `${id}-correction1` });

    const events = s.eventsOf(id);
    const rolled = new Set(events.filter(isRolledUp).map((e) => e.type));
    const notRolled = new Set(events.filter((e) => !isRolledUp(e)).map((e) => e.type));
    const filter = subscriptions.find((sub) => sub.queue === 'rollup')?.filterPolicy?.eventType;

    // The queue also brings the events that move an office's duty, which the same consumer
    // follows for the punctuality counters (this log waives no duty, and opens some).
    expect([...new Set([...rolled, ...DUTY_EVENT_TYPES])].sort()).toStrictEqual([...(filter ?? [])].sort());
    expect([...notRolled].sort()).toStrictEqual([
      'AutoEscalated',
      'ObligationOpened',
      'ReportAcknowledged',
      'ReportReturned',
    ]);
  });
});

describe('summaryKeysOf: where an event is summed', () => {
  it('a county’s event counts for its county, city and province, on the incident’s day (one item each)', async () => {
    const s = setUp();
    const id = await s.initial('420106', figures(0), { grade: 'IV' });

    expect(summaryKeysOf(single(s.eventsOf(id), 'ReportSubmitted'))).toStrictEqual([
      { region: '420106', period: DAY },
      { region: '420100', period: DAY },
      { region: '420000', period: DAY },
    ]);
  });

  it('东莞 441900 has no county level: its events count for the city and the province', async () => {
    const s = setUp();
    const id = await s.initial('441900', figures(0), { grade: 'IV' });

    expect(summaryKeysOf(single(s.eventsOf(id), 'ReportSubmitted'))).toStrictEqual([
      { region: '441900', period: DAY },
      { region: '440000', period: DAY },
    ]);
  });

  it('仙桃 429004 has no city level: its events count for the county and the province', async () => {
    const s = setUp();
    const id = await s.initial('429004', figures(0), { grade: 'IV' });

    expect(summaryKeysOf(single(s.eventsOf(id), 'ReportSubmitted'))).toStrictEqual([
      { region: '429004', period: DAY },
      { region: '420000', period: DAY },
    ]);
  });

  it('counts every event on the China day the incident was received, read from its id', async () => {
    // 01:30 on 23 November in Beijing is still 22 November in UTC.
    const s = setUp('2026-11-22T17:30:00.000Z');
    const id = await s.initial('110101', figures(0, 1), { grade: 'IV' });
    // A follow-up two days later corrects the day the incident was counted on.
    s.clock.advance(48 * HOUR);
    await s.later('follow-up', id, figures(1, 1));

    expect(id).toBe('INC-20261123-00000001');
    expect(incidentDay(id)).toBe('2026-11-23');
    const periods = s.eventsOf(id).map((e) => summaryKeysOf(e)[0]?.period);
    expect(new Set(periods)).toStrictEqual(new Set(['2026-11-23']));
    expect(() => incidentDay('INC-7K3F9Q2M')).toThrow(/carries no date/);
  });
});

describe('makeRollUpEvents: every event exactly once, each item once per chunk', () => {
  /** Three incidents in two counties of 北京: their events, and the summaries they should come to. */
  const threeIncidents = async () => {
    const s = setUp();
    const a = await s.initial('110101', figures(1, 2, 0, 10, 1_000), { grade: 'IV' });
    const b = await s.initial('110102', figures(0, 3, 1, 20, 2_000), { grade: 'III' });
    s.clock.advance(HOUR);
    await s.later('follow-up', a, figures(4, 2, 0, 10, 1_000));
    await s.later('final', b, figures(0, 4, 0, 20, 2_000));
    const c = await s.initial('110101', figures(0, 0, 0, 5, 0), { grade: 'IV', category: 'social-security' });
    return { ...s, ids: [a, b, c] };
  };

  const expectedBeijing = {
    incidents: 3,
    open: 2,
    closed: 1,
    dead: 4,
    injured: 6,
    affectedPeople: 35,
    directLossYuan: 3_000,
    'cg:accident:III': 2,
    'cg:social-security:IV': 1,
  };

  it('applies a batch once, and a redelivered batch changes nothing and writes nothing', async () => {
    const s = await threeIncidents();
    const events = s.allEvents();

    const first = await s.rollUpEvents(events);
    const before = s.summaries.snapshot();
    const again = await s.rollUpEvents(events);

    // Events that add nothing (the obligations opened) are skipped from the start.
    const adding = events.filter(addsSomething);
    expect(first).toStrictEqual({ applied: adding.length, skipped: events.length - adding.length, writes: 4 });
    expect(again).toStrictEqual({ applied: 0, skipped: events.length, writes: 0 });
    expect(s.summaries.snapshot()).toStrictEqual(before);
    expect(stored(s.summaries, '110100', DAY)).toStrictEqual(expectedBeijing);
    expect(stored(s.summaries, '110000', DAY)).toStrictEqual(expectedBeijing);
    expect(stored(s.summaries, '110101', DAY)).toStrictEqual({
      incidents: 2,
      open: 2,
      dead: 4,
      injured: 2,
      affectedPeople: 15,
      directLossYuan: 1_000,
      'cg:accident:III': 1,
      'cg:social-security:IV': 1,
    });
  });

  it('counts an event delivered twice in one batch once', async () => {
    const s = await threeIncidents();
    const events = s.allEvents();

    const result = await s.rollUpEvents([...events, ...events.filter(isRolledUp), ...events.slice(0, 3)]);

    expect(result.applied).toBe(events.filter(addsSomething).length);
    expect(stored(s.summaries, '110100', DAY)).toStrictEqual(expectedBeijing);
    expect(s.summaries.applyCalls.flatMap((c) => c.eventIds)).toStrictEqual(events.filter(addsSomething).map(eventId));
  });

  it('records no marker and writes nothing for events that add nothing, however often they come', async () => {
    const s = setUp();
    const id = await s.initial('110101', figures(1, 2), { grade: 'IV' });
    await s.rollUpEvents(s.allEvents());
    const before = s.summaries.snapshot();
    const calls = s.summaries.applyCalls.length;
    // A follow-up with the same figures, and the obligation events: nothing to add.
    s.clock.advance(HOUR);
    await s.later('follow-up', id, figures(1, 2), { grade: 'IV' });
    const nothing = s.allEvents().filter((e) => !addsSomething(e));
    expect(nothing.length).toBeGreaterThan(1);

    const once = await s.rollUpEvents(nothing);
    const twice = await s.rollUpEvents([...nothing, ...nothing]);

    expect(once).toStrictEqual({ applied: 0, skipped: nothing.length, writes: 0 });
    expect(twice).toStrictEqual({ applied: 0, skipped: nothing.length, writes: 0 });
    expect(s.summaries.applyCalls).toHaveLength(calls);
    expect(s.summaries.snapshot()).toStrictEqual(before);
  });

  it('counts events once when overlapping batches are applied at the same time', async () => {
    const s = await threeIncidents();
    const events = s.allEvents();
    const half = Math.ceil(events.length / 2);

    const results = await Promise.all([
      s.rollUpEvents(events),
      s.rollUpEvents([...events].reverse()),
      s.rollUpEvents(events.slice(0, half)),
      s.rollUpEvents(events.slice(half - 2)),
    ]);

    expect(results.reduce((sum, r) => sum + r.applied, 0)).toBe(events.filter(addsSomething).length);
    expect(stored(s.summaries, '110100', DAY)).toStrictEqual(expectedBeijing);
    expect(stored(s.summaries, '110102', DAY)).toStrictEqual({
      incidents: 1,
      closed: 1,
      injured: 4,
      affectedPeople: 20,
      directLossYuan: 2_000,
      'cg:accident:III': 1,
    });
    // The losers of the race were refused, not double-counted.
    expect(s.summaries.rejected).toBeGreaterThan(0);
    expect(new Set(s.summaries.applyCalls.flatMap((c) => c.eventIds)).size).toBe(events.filter(addsSomething).length);
  });

  it('writes each item a batch touches once, and only the items its events change', async () => {
    const s = await threeIncidents();
    const events = s.allEvents();

    const result = await s.rollUpEvents(events);

    // Two counties, their city and province, each on the one day.
    const items = [...s.summaries.snapshot().values()];
    expect(items.map((i) => summaryKeyId(i.key)).sort()).toStrictEqual(
      ['110101', '110102', '110100', '110000'].map((r) => `${r}|${DAY}`).sort(),
    );
    expect(items.map((i) => i.writes)).toStrictEqual(items.map(() => 1));
    expect(result.writes).toBe(items.length);
  });

  it(`writes a province’s day item ceil(50 / CHUNK) = ${Math.ceil(50 / CHUNK)} times for a batch of 100 events, 50 of which add something`, async () => {
    const s = setUp();
    const counties = ['420102', '420106', '420202', '429004'];
    // 50 initial reports without late or escalation events: a ReportSubmitted and an ObligationOpened each.
    for (let i = 0; i < 50; i += 1) {
      await s.initial(counties[i % counties.length] ?? '420102', figures(0, 1), { grade: 'IV' });
    }
    const events = s.allEvents();
    expect(events).toHaveLength(100);

    const result = await s.rollUpEvents(events);

    // The ObligationOpened events add nothing: no marker, no share of a chunk.
    expect(result).toMatchObject({ applied: 50, skipped: 50 });
    expect(s.summaries.itemAt({ region: '420000', period: DAY })).toMatchObject({
      writes: Math.ceil(50 / CHUNK),
      counters: { incidents: 50, open: 50, injured: 50, 'cg:accident:IV': 50 },
    });
    expect(s.summaries.applyCalls).toHaveLength(Math.ceil(50 / CHUNK));
    expect(s.summaries.applyCalls.map((c) => c.eventIds.length)).toStrictEqual([20, 20, 10]);
    // Which of them were applied already is read once for the batch, not once per chunk.
    expect(s.summaries.appliedOfCalls).toBe(1);
  });

  it('keeps every chunk within one DynamoDB transaction (100 operations), even for 20 events in 20 provinces', async () => {
    // The worst chunk: 20 events, each in a county of another city of another province, so that
    // nothing is shared and each event adds its county, city and province day besides its marker.
    // (With a `total` item per region as well, before 25cfc2d, this chunk needed 140 operations.)
    const s = setUp();
    const counties = childrenOf(NATIONAL)
      .flatMap((province) => {
        const city = childrenOf(province.code).find((r) => r.level === 'city' && childrenOf(r.code).length > 0);
        const county = city ? childrenOf(city.code)[0] : undefined;
        return county ? [county.code] : [];
      })
      .slice(0, 20);
    expect(new Set(counties.map((c) => chainOf(c).province.code)).size).toBe(20);
    for (const county of counties) await s.initial(county, figures(0, 1), { grade: 'IV' });
    const reports = only(s.allEvents(), 'ReportSubmitted');
    expect(reports).toHaveLength(20);

    await s.rollUpEvents(reports);

    const operations = s.summaries.applyCalls.map((c) => c.eventIds.length + c.keys.length);
    expect(operations).toStrictEqual([20 + 3 * 20]);
    expect(CHUNK * 4).toBeLessThanOrEqual(100);
  });

  it('lets the summary store’s other failures fail the batch, so its messages come back', async () => {
    const s = await threeIncidents();
    const broken = new InMemorySummaryStore();
    const failure = new Error('ProvisionedThroughputExceeded');
    broken.apply = () => Promise.reject(failure);

    await expect(makeRollUpEvents({ summaries: broken })(s.allEvents())).rejects.toBe(failure);
  });
});

describe('makeReconcile: the summaries recomputed from the log', () => {
  it('finds exactly the counter someone changed, repairs it with fix, and keeps redeliveries skipped', async () => {
    const s = setUp();
    const a = await s.initial('110101', figures(2, 1), { grade: 'IV' });
    await s.initial('441900', figures(1), { grade: 'IV' });
    await s.rollUpEvents(s.allEvents());
    s.summaries.tamper({ region: '110100', period: DAY }, 'dead', 99);

    const found = await s.reconcile({ fix: false });

    expect(found).toStrictEqual({
      incidents: 2,
      // 东莞's city office is the first office, and a grade IV incident goes no higher: no obligation.
      events: 3,
      items: 5,
      differences: [{ key: { region: '110100', period: DAY }, counter: 'dead', stored: 99, recomputed: 2 }],
      fixed: 0,
    });
    expect(stored(s.summaries, '110100', DAY)).toMatchObject({ dead: 99 });

    const fixed = await s.reconcile({ fix: true });

    expect(fixed.fixed).toBe(1);
    expect(stored(s.summaries, '110100', DAY)).toMatchObject({ dead: 2 });
    expect((await s.reconcile({ fix: false })).differences).toStrictEqual([]);
    // A follow-up's events after the repair are applied; the old ones, redelivered, are not.
    await s.later('follow-up', a, figures(3, 1));
    const log = s.allEvents();
    expect(log.length).toBeGreaterThan(3);
    const result = await s.rollUpEvents(log);
    expect(result).toMatchObject({ applied: log.length - 3, skipped: 3 });
    expect(stored(s.summaries, '110100', DAY)).toMatchObject({ dead: 3 });
  });

  it('applies the events never delivered and removes items the log does not explain', async () => {
    const s = setUp();
    await s.initial('429004', figures(1), { grade: 'IV' });
    await s.summaries.apply(
      ['INC-20261122-99999999#1'],
      [{ key: { region: '429005', period: DAY }, counters: new Map([['dead', 7]]) }],
    );

    const fixed = await s.reconcile({ fix: true });

    expect(fixed.differences).toContainEqual({
      key: { region: '429005', period: DAY },
      counter: 'dead',
      stored: 7,
      recomputed: 0,
    });
    expect(s.summaries.itemAt({ region: '429005', period: DAY })).toBeUndefined();
    expect(stored(s.summaries, '420000', DAY)).toMatchObject({ incidents: 1, dead: 1 });
    expect(s.allEvents().every((e) => s.summaries.isApplied(eventId(e)))).toBe(true);
  });
});

describe('makeReconcileAll: the summaries and the punctuality counters from one pass over the log', () => {
  it('reads the log once, finds what each reconcile alone finds, and repairs both', async () => {
    const s = setUp();
    await s.initial('110101', figures(2, 1), { grade: 'IV' });
    await s.initial('420102', figures(1), { grade: 'III' });
    await s.rollUpEvents(s.allEvents());
    s.summaries.tamper({ region: '110100', period: DAY }, 'dead', 99);
    const alone = {
      summaries: await s.reconcile({ fix: false }),
      duties: await makeReconcileDuties({ incidents: s.incidents, summaries: s.summaries })({ fix: false }),
    };
    const passes = vi.spyOn(s.incidents, 'allEvents');

    const found = await makeReconcileAll({ incidents: s.incidents, summaries: s.summaries })({ fix: false });

    expect(passes).toHaveBeenCalledTimes(1);
    const { incidents, ...summaries } = alone.summaries;
    expect(found).toStrictEqual({ incidents, summaries, duties: alone.duties });
    // Neither is empty: the tampered counter, and office-days this roll-up never moved.
    expect(found.summaries.differences).toHaveLength(1);
    expect(found.duties.differences.length).toBeGreaterThan(0);

    await makeReconcileAll({ incidents: s.incidents, summaries: s.summaries })({ fix: true });
    const after = await makeReconcileAll({ incidents: s.incidents, summaries: s.summaries })({ fix: false });

    expect(after.summaries.differences).toStrictEqual([]);
    expect(after.duties.differences).toStrictEqual([]);
  });
});

describe('makeReadSummary: a region’s roll-up for its offices and inspectors', () => {
  const office = (region: string, level: 'county' | 'city' | 'province'): Actor => ({
    sub: `office-${region}`,
    role: 'office',
    region,
    level,
  });

  it('shows totals, the days in order, and each child region’s totals', async () => {
    const s = setUp();
    await s.initial('420102', figures(1, 2), { grade: 'IV' });
    s.clock.advance(24 * HOUR);
    await s.initial('420106', figures(0, 1), { grade: 'III' });
    // The later day's item is written first: the days come back in the store's order, not by date.
    await s.rollUpEvents([...s.allEvents()].reverse());
    expect([...s.summaries.snapshot().keys()][0]).toBe('420106|2026-11-23');

    const summary = await s.readSummary(office('420100', 'city'), '420100', {});

    expect(summary).toMatchObject({
      region: '420100',
      name: '武汉市',
      level: 'city',
      totals: { incidents: 2, open: 2, dead: 1, injured: 3, byCategoryGrade: { accident: { IV: 1, III: 1 } } },
      days: [
        { day: '2026-11-22', incidents: 1, dead: 1, injured: 2, byCategoryGrade: { accident: { IV: 1 } } },
        { day: '2026-11-23', incidents: 1, dead: 0, injured: 1, byCategoryGrade: { accident: { III: 1 } } },
      ],
    });
    expect(summary.children.map((c) => [c.region, c.name, c.incidents, c.injured])).toStrictEqual([
      ['420102', '江岸区', 1, 2],
      ['420106', '武昌区', 1, 1],
    ]);
    const ranged = await s.readSummary(office('420100', 'city'), '420100', { from: '2026-11-23' });
    expect(ranged).toMatchObject({ from: '2026-11-23', totals: { incidents: 1, injured: 1 } });
    expect(ranged.days.map((d) => d.day)).toStrictEqual(['2026-11-23']);
    expect(ranged.children.map((c) => c.region)).toStrictEqual(['420106']);
    const upTo = await s.readSummary(office('420000', 'province'), '420000', { to: '2026-11-22' });
    expect(upTo).toMatchObject({ to: '2026-11-22', totals: { incidents: 1, dead: 1, injured: 2 } });
    expect(upTo.children.map((c) => [c.region, c.incidents])).toStrictEqual([['420100', 1]]);
  });

  it('refuses reporters, offices outside the region and unknown regions', async () => {
    const s = setUp();

    await expect(s.readSummary(unitOf('420102'), '420100', {})).rejects.toBeInstanceOf(ForbiddenError);
    await expect(s.readSummary(office('420200', 'city'), '420100', {})).rejects.toBeInstanceOf(ForbiddenError);
    await expect(s.readSummary(office('420000', 'province'), '999999', {})).rejects.toBeInstanceOf(NotFoundError);
    await expect(s.readSummary(office('420000', 'province'), '420100', {})).resolves.toMatchObject({
      region: '420100',
    });
  });

  it('names counters and drops category × grade buckets that came to zero', () => {
    expect(presentCounters({ dead: 2, 'cg:natural-disaster:II': 1, 'cg:natural-disaster:III': 0 })).toStrictEqual({
      incidents: 0,
      open: 0,
      closed: 0,
      dead: 2,
      injured: 0,
      missing: 0,
      affectedPeople: 0,
      directLossYuan: 0,
      lateReports: 0,
      missedReports: 0,
      byCategoryGrade: { 'natural-disaster': { II: 1 } },
    });
  });
});

// --- the property: however the events are delivered, the summaries are the log's sums ---

/** Counties of several cities and provinces, with 东莞 (no counties) and 仙桃 (no city). */
const COUNTIES = ['110101', '110102', '420102', '420106', '420202', '429004', '440305', '440306', '441900'] as const;
const PROVINCES = ['110000', '420000', '440000'] as const;
const CITIES_WITH_COUNTIES = ['110100', '420100', '420200', '440300'] as const;

const figuresArb: fc.Arbitrary<Figures> = fc.record({
  dead: fc.integer({ min: 0, max: 35 }),
  injured: fc.integer({ min: 0, max: 120 }),
  missing: fc.integer({ min: 0, max: 12 }),
  affectedPeople: fc.integer({ min: 0, max: 5_000 }),
  directLossYuan: fc.integer({ min: 0, max: 150_000_000 }),
});

interface IncidentScript {
  readonly region: (typeof COUNTIES)[number];
  readonly category: Category;
  readonly grade: Grade | null;
  readonly late: boolean;
  readonly figures: Figures;
  readonly followUps: readonly { readonly figures: Figures; readonly grade: Grade | null }[];
  readonly final: boolean;
}

const incidentArb: fc.Arbitrary<IncidentScript> = fc.record({
  region: fc.constantFrom(...COUNTIES),
  category: fc.constantFrom(...CATEGORIES),
  grade: fc.option(fc.constantFrom(...GRADES), { nil: null }),
  late: fc.boolean(),
  figures: figuresArb,
  followUps: fc.array(fc.record({ figures: figuresArb, grade: fc.option(fc.constantFrom(...GRADES), { nil: null }) }), {
    maxLength: 3,
  }),
  final: fc.boolean(),
});

interface Turn {
  /** Which incident's next report comes now (modulo those with reports left). */
  readonly pick: number;
  /** How long before it, in minutes: often minutes, often hours, so deadlines pass and days change. */
  readonly waitMinutes: number;
  /** What its first office does after it. */
  readonly office: 'nothing' | 'forward' | 'sweep';
}

const turnArb: fc.Arbitrary<Turn> = fc.record({
  pick: fc.nat(),
  waitMinutes: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 60, max: 900 })),
  office: fc.constantFrom('nothing', 'forward', 'sweep'),
});

/** Plays the scripts through the real use cases, interleaved as `turns` say. */
const play = async (s: ReturnType<typeof setUp>, scripts: readonly IncidentScript[], turns: readonly Turn[]) => {
  const ids: (string | undefined)[] = scripts.map(() => undefined);
  const done = scripts.map(() => 0);
  const stepsOf = (script: IncidentScript) => 1 + script.followUps.length + (script.final ? 1 : 0);
  const step = async (index: number, turn: Turn) => {
    const script = scripts[index];
    if (!script) return;
    s.clock.advance(turn.waitMinutes * MINUTE);
    const n = done[index] ?? 0;
    const id = ids[index];
    if (n === 0 || id === undefined) {
      ids[index] = await s.initial(script.region, script.figures, {
        category: script.category,
        ...(script.grade ? { grade: script.grade } : {}),
        ...(script.late ? { learnedAt: new Date(s.clock.now().getTime() - 90 * MINUTE).toISOString() } : {}),
      });
    } else {
      const followUp = script.followUps[n - 1];
      const last = script.followUps[script.followUps.length - 1];
      if (followUp) {
        await s.later('follow-up', id, followUp.figures, followUp.grade ? { grade: followUp.grade } : {});
      } else {
        await s.later('final', id, last?.figures ?? script.figures);
      }
    }
    done[index] = n + 1;
    const current = ids[index];
    if (turn.office === 'forward' && current !== undefined) {
      await s.forward(firstOfficeActor(script.region), current, {}).catch((error: unknown) => {
        // Nothing left to forward (already forwarded, or escalated past the office) is fine.
        if (!(error instanceof ConflictError)) throw error;
      });
    } else if (turn.office === 'sweep') {
      await s.sweep();
    }
  };
  for (const turn of turns) {
    const left = scripts.flatMap((script, i) => ((done[i] ?? 0) < stepsOf(script) ? [i] : []));
    if (left.length === 0) break;
    await step(left[turn.pick % left.length] ?? 0, turn);
  }
  for (const [index, script] of scripts.entries()) {
    while ((done[index] ?? 0) < stepsOf(script)) await step(index, { pick: 0, waitMinutes: 30, office: 'nothing' });
  }
};

const sumOf = (summaries: InMemorySummaryStore, regions: readonly string[], period: string) => {
  const into = new Map<string, number>();
  for (const region of regions) addCounters(into, summaries.itemAt({ region, period })?.counters ?? {});
  return nonZero(into);
};

/** What a reporting region's item must hold, computed from the incidents' heads, not from events. */
const fromHeads = (heads: readonly IncidentState[], events: readonly IncidentEvent[]) => {
  const expected = new Map<string, Map<string, number>>();
  const add = (key: SummaryKey, counters: Record<string, number>) => {
    const id = summaryKeyId(key);
    const into = expected.get(id) ?? new Map<string, number>();
    addCounters(into, counters);
    expected.set(id, into);
  };
  for (const head of heads) {
    add(
      { region: head.regionCode, period: incidentDay(head.incidentId) },
      {
        incidents: 1,
        [head.status]: 1,
        dead: head.figures.dead,
        injured: head.figures.injured,
        missing: head.figures.missing,
        affectedPeople: head.figures.affectedPeople,
        directLossYuan: head.figures.directLossYuan,
        [categoryGradeCounter(head.category, head.grade)]: 1,
      },
    );
  }
  for (const event of events) {
    const late = event.type === 'UnitReportLate' || (event.type === 'ReportForwarded' && event.data.lateByMs > 0);
    const missed = event.type === 'DeadlineMissed';
    if (late || missed) {
      add(
        { region: event.scope.regionCode, period: incidentDay(event.incidentId) },
        late ? { lateReports: 1 } : { missedReports: 1 },
      );
    }
  }
  return expected;
};

describe('the property: summaries are exact however events are delivered', () => {
  it('province = Σ its children = Σ their counties = the recomputation from the log, under duplicates, redeliveries, shuffling and concurrency', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(incidentArb, { minLength: 1, maxLength: 6 }),
        fc.array(turnArb, { maxLength: 30 }),
        fc.gen(),
        async (scripts, turns, g) => {
          // 20:00 in Beijing: the China day changes four hours in.
          const s = setUp('2026-11-22T12:00:00.000Z');
          await play(s, scripts, turns);
          const events = s.allEvents();

          // Delivery: shuffled, with duplicates, in random batches, some redelivered, some at once.
          const duplicates = g(fc.subarray, events);
          const all = [...events, ...duplicates];
          const shuffled = g(fc.shuffledSubarray, all, { minLength: all.length, maxLength: all.length });
          const sizes = g(fc.array, fc.integer({ min: 1, max: 45 }), { minLength: 1, maxLength: 8 });
          const batches: IncidentEvent[][] = [];
          for (let at = 0, i = 0; at < shuffled.length; i += 1) {
            const size = sizes[i % sizes.length] ?? 1;
            batches.push(shuffled.slice(at, at + size));
            at += size;
          }
          const redelivered = g(fc.subarray, batches);
          const deliveries = [...batches, ...redelivered];
          const groups = g(fc.array, fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 6 });
          for (let at = 0, i = 0; at < deliveries.length; i += 1) {
            const size = groups[i % groups.length] ?? 1;
            await Promise.all(deliveries.slice(at, at + size).map((batch) => s.rollUpEvents(batch)));
            at += size;
          }

          // Exactly the recomputation from the whole log, item by item and counter by counter.
          const recomputed = rollUp(events);
          const storedItems = s.summaries.snapshot();
          for (const [id, item] of recomputed) {
            expect(counterMap(storedItems.get(id)?.counters), id).toStrictEqual(nonZero(item.counters));
          }
          for (const [id, item] of storedItems) {
            if (!recomputed.has(id)) expect(counterMap(item.counters), id).toStrictEqual({});
          }
          // The same as the incidents' heads say, which no roll-up code computed.
          const heads = s.incidents.incidentIds().flatMap((id) => s.incidents.headOf(id) ?? []);
          for (const [id, counters] of fromHeads(heads, events)) {
            expect(counterMap(storedItems.get(id)?.counters), id).toStrictEqual(nonZero(counters));
          }
          // Every level is the sum of the one below it, on every day.
          const periods = new Set([...storedItems.values()].map((i) => i.key.period));
          for (const period of periods) {
            for (const province of PROVINCES) {
              const children = childrenOf(province).map((r) => r.code);
              expect(stored(s.summaries, province, period), `${province} ${period}`).toStrictEqual(
                sumOf(s.summaries, children, period),
              );
            }
            for (const city of CITIES_WITH_COUNTIES) {
              const counties = childrenOf(city).map((r) => r.code);
              expect(stored(s.summaries, city, period), `${city} ${period}`).toStrictEqual(
                sumOf(s.summaries, counties, period),
              );
            }
          }
          const reconciled = await s.reconcile({ fix: false });
          expect(reconciled.differences).toStrictEqual([]);
          expect(reconciled.events).toBe(events.length);
        },
      ),
      { numRuns: 40 },
    );
  });
});
