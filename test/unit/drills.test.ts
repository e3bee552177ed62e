/**
 * Drills on the live system (docs/domain.md#drills): who may start one and where, which drill an
 * exercise belongs to, the mark on every event of an exercise, its drill's timings, and that no
 * real figure counts it.
 */
import { describe, expect, it } from 'vitest';
import { policyByName } from '../../shared/adapters/policy-source';
import { makeAppendEvents } from '../../shared/application/append-events';
import { makeDrillReport } from '../../shared/application/drill-report';
import { makeEndDrill, makeListDrills, makeStartDrill } from '../../shared/application/drills';
import { makeReturnReport } from '../../shared/application/return-report';
import { makeSubmitReport } from '../../shared/application/submit-report';
import type { Actor } from '../../shared/domain/access';
import { entriesOf } from '../../shared/domain/audit/rows';
import { boardRowOf } from '../../shared/domain/board';
import { type Drill, drillCovering, drillProblems, planDrill } from '../../shared/domain/drills';
import { ConflictError, ForbiddenError, ValidationError } from '../../shared/domain/errors';
import { toldAs } from '../../shared/domain/exercise';
import { verifyChain } from '../../shared/domain/hash-chain';
import { rollUp } from '../../shared/domain/rollup';
import { makeReportBodySchema } from '../../shared/schemas/report';
import { FakeClock } from '../fakes/fake-clock';
import { InMemoryDrillStore } from '../fakes/in-memory-drill-store';
import { InMemoryIncidentStore } from '../fakes/in-memory-incident-store';
import { reportWith } from '../fixtures/reports';

const NOW = '2026-12-05T01:00:00.000Z';
const SECOND = 1_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;

const office = (region: string, level: Actor['level']): Actor => ({
  sub: `office-${region}`,
  role: 'office',
  region,
  level,
});
const CITY = office('110100', 'city');
const COUNTY = office('110101', 'county');
const OTHER_COUNTY = office('110102', 'county');
const UNIT: Actor = { sub: 'unit-110101-U-1', role: 'reporter', region: '110101', unit: 'U-1' };
const INSPECTOR: Actor = { sub: 'inspector-110000', role: 'inspector', region: '110000' };

const setUp = () => {
  const clock = new FakeClock(NOW);
  const drills = new InMemoryDrillStore();
  const incidents = new InMemoryIncidentStore();
  const policy = policyByName('national');
  let next = 0;
  const ids = {
    incidentId: (at: Date) =>
      `INC-${at.toISOString().slice(0, 10).replaceAll('-', '')}-${String(++next).padStart(8, '0')}`,
    unique: () => `id-${next}`,
  };
  const submit = makeSubmitReport({ incidents, clock, ids, policy, drills });
  const schema = makeReportBodySchema(() => clock.now().getTime());
  const report = (changes: Record<string, unknown> = {}) =>
    schema.parse(
      reportWith({ occurredAt: clock.now().toISOString(), learnedAt: clock.now().toISOString(), ...changes }),
    );
  return {
    clock,
    drills,
    incidents,
    policy,
    submit,
    report,
    start: makeStartDrill({ drills, clock, policy }),
    list: makeListDrills({ drills, clock }),
    end: makeEndDrill({ drills, clock }),
    drillReport: makeDrillReport({ drills, incidents, clock, policy }),
  };
};

const rejection = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (e) => e,
  );

describe('starting a drill', () => {
  it('covers the office’s jurisdiction by default, from now, on the policy’s drill timings', async () => {
    const { start } = setUp();
    const { drill, created } = await start(CITY, { title: '防汛应急演练', duration: HOUR });
    expect(created).toBe(true);
    expect(drill).toMatchObject({
      region: '110100',
      startsAt: NOW,
      endsAt: '2026-12-05T02:00:00.000Z',
      policy: 'drill',
      status: 'running',
      startedBy: CITY,
    });
    expect(drill.drillId).toMatch(/^DRL-110000-20261205-[0-9A-F]{10}$/);
  });

  it('answers a retried start with the drill the first one created', async () => {
    const { start } = setUp();
    const body = { title: 'drill', startsAt: NOW, duration: HOUR };
    const first = await start(COUNTY, body);
    const again = await start(COUNTY, body);
    expect(again.created).toBe(false);
    expect(again.drill.drillId).toBe(first.drill.drillId);
  });

  it('refuses a region outside the office’s jurisdiction, and anyone but an office', async () => {
    const { start } = setUp();
    const outside = await rejection(start(COUNTY, { title: 'drill', region: '110102', duration: HOUR }));
    expect(outside).toBeInstanceOf(ForbiddenError);
    expect((outside as ForbiddenError).context).toEqual({ targetRegion: '110102' });
    expect(await rejection(start(INSPECTOR, { title: 'drill', region: '110101', duration: HOUR }))).toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('names every bad field: a start in the past, an end before it, too long, an unknown policy', () => {
    const now = new Date(NOW);
    const problems = drillProblems(
      {
        title: 't',
        region: '110101',
        startsAt: '2026-12-04T00:00:00.000Z',
        endsAt: '2026-12-03T00:00:00.000Z',
        policy: 'x',
      },
      now,
      ['national', 'drill'],
    );
    expect(problems.map((p) => p.field)).toEqual(['startsAt', 'endsAt', 'policy']);
    const long = drillProblems(
      { title: 't', region: '000000', startsAt: NOW, endsAt: '2026-12-20T00:00:00.000Z', policy: 'drill' },
      now,
      ['drill'],
    );
    expect(long.map((p) => p.field)).toEqual(['region', 'endsAt']);
  });

  it('refuses a policy the runtime does not know, naming the field', async () => {
    const { start } = setUp();
    const error = await rejection(start(COUNTY, { title: 'drill', duration: HOUR, policy: 'henan' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details?.map((d) => d.field)).toEqual(['policy']);
  });
});

describe('which drill an exercise belongs to', () => {
  const actor = CITY;
  const at = new Date(NOW);
  const drill = (region: string, startsAt: string, endsAt: string): Drill =>
    planDrill({ title: region, region, startsAt, endsAt, policy: 'drill' }, actor, at);

  it('is the narrowest running drill covering the region', () => {
    const city = drill('110100', NOW, '2026-12-05T03:00:00.000Z');
    const county = drill('110101', NOW, '2026-12-05T02:00:00.000Z');
    expect(drillCovering([city, county], '110101', at)?.drillId).toBe(county.drillId);
    expect(drillCovering([county, city], '110102', at)?.drillId).toBe(city.drillId);
  });

  it('is none before a drill starts, after it ends, or once ended early', () => {
    const later = drill('110100', '2026-12-05T02:00:00.000Z', '2026-12-05T03:00:00.000Z');
    expect(drillCovering([later], '110101', at)).toBeUndefined();
    expect(drillCovering([later], '110101', new Date('2026-12-05T03:00:00.000Z'))).toBeUndefined();
    const running = drill('110100', NOW, '2026-12-05T03:00:00.000Z');
    const ended = { ...running, endedEarly: { at: NOW, by: actor } };
    expect(drillCovering([ended], '110101', new Date(Date.parse(NOW) + SECOND))).toBeUndefined();
  });
});

describe('an exercise report', () => {
  it('outside every drill is refused, naming the field, and nothing is recorded', async () => {
    const { submit, report, incidents } = setUp();
    const error = await rejection(submit({ actor: UNIT, report: report({ exercise: true }) }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details?.map((d) => d.field)).toEqual(['exercise']);
    expect(await incidents.list({ level: 'county', regionCode: '110101', limit: 10 })).toMatchObject({ items: [] });
  });

  it('inside a drill carries the mark in its report, on every event and in its head, and follows the drill’s timings', async () => {
    const { submit, report, incidents, start } = setUp();
    const { drill } = await start(CITY, { title: 'drill', duration: HOUR });
    const { response } = await submit({ actor: UNIT, report: report({ exercise: true }) });
    expect(response.drillId).toBe(drill.drillId);

    const events = await incidents.getEvents(response.incidentId);
    const mark = { drillId: drill.drillId, policy: 'drill' };
    const first = events[0];
    expect(first?.type === 'ReportSubmitted' && first.data.drill).toEqual(mark);
    for (const event of events) expect(event.scope.drill).toEqual(mark);
    expect(verifyChain(events).intact).toBe(true);

    const state = await incidents.getState(response.incidentId);
    expect(state?.drill).toEqual(mark);
    // The county's forwarding duty runs on the drill policy's 15 s, not the national 2 h.
    const forwarding = state?.obligations.find((o) => o.handover === 'countyToCity');
    expect(forwarding?.limitMs).toBe(15 * SECOND);

    // The county's desk shows it as a drill, on the drill's rule rather than the statute's.
    if (!state) throw new Error('no head');
    const row = boardRowOf(state, { level: 'county', office: '110101' }, policyByName('drill'));
    expect(row?.drillId).toBe(drill.drillId);
    expect(row?.duties.map((d) => d.source)).toEqual(['演练时限（drill）']);
  });

  it('owes a correction returned to it within the drill’s limit, not the real one', async () => {
    const { submit, report, incidents, start, clock, policy } = setUp();
    await start(CITY, { title: 'drill', duration: HOUR });
    const { response } = await submit({ actor: UNIT, report: report({ exercise: true }) });
    const appendEvents = makeAppendEvents({ incidents, clock, policy });
    const returned = await makeReturnReport({ incidents, appendEvents, policy })(COUNTY, response.incidentId, {
      fields: ['summary'],
      note: '经过不清',
    });
    // The drill policy's 10 s, not the national hour.
    expect(returned.correction.limitMs).toBe(10 * SECOND);
    const events = await incidents.getEvents(response.incidentId);
    for (const event of events) expect(event.scope.drill?.drillId).toBe(response.drillId);
  });

  it('stays an exercise in its follow-ups, and a real incident’s follow-up cannot claim to be one', async () => {
    const { submit, report, start, clock } = setUp();
    await start(CITY, { title: 'drill', duration: HOUR });
    const exercise = await submit({ actor: UNIT, report: report({ exercise: true }) });
    const real = await submit({ actor: UNIT, report: report() });
    expect(real.response.drillId).toBeUndefined();
    clock.advance(MINUTE);

    const followUp = (incidentId: string, exercise?: boolean) =>
      report({ kind: 'follow-up', incidentId, grade: undefined, ...(exercise !== undefined ? { exercise } : {}) });
    const again = await submit({ actor: UNIT, report: followUp(exercise.response.incidentId) });
    expect(again.response.drillId).toBe(exercise.response.drillId);
    const claimed = await rejection(submit({ actor: UNIT, report: followUp(real.response.incidentId, true) }));
    expect((claimed as ValidationError).details?.map((d) => d.field)).toEqual(['exercise']);
    const denied = await rejection(submit({ actor: UNIT, report: followUp(exercise.response.incidentId, false) }));
    expect((denied as ValidationError).details?.map((d) => d.field)).toEqual(['exercise']);
  });

  it('adds nothing to the roll-ups and gives no late or missed row', async () => {
    const { submit, report, incidents, start, clock } = setUp();
    await start(CITY, { title: 'drill', duration: HOUR });
    // Reported 2 minutes after learning of it: late on the drill's 20 s.
    const learned = new Date(clock.now().getTime() - 2 * MINUTE).toISOString();
    const { response } = await submit({
      actor: UNIT,
      report: report({ exercise: true, learnedAt: learned, occurredAt: learned }),
    });
    const events = await incidents.getEvents(response.incidentId);
    expect(events.some((e) => e.type === 'UnitReportLate')).toBe(true);
    expect(rollUp(events).size).toBe(0);

    const state = await incidents.getState(response.incidentId);
    if (!state) throw new Error('no head');
    expect(entriesOf('late', state, { region: '110000' }, {})).toEqual([]);
    const missed = { ...state, obligations: state.obligations.map((o) => ({ ...o, status: 'missed' as const })) };
    expect(entriesOf('missed', missed, { region: '110000' })).toEqual([]);
  });
});

describe('notifications about an exercise', () => {
  it('open with 【演练】 and [Drill]; real ones are unchanged', () => {
    expect(toldAs({ drill: { drillId: 'DRL-1', policy: 'drill' } }, 'Deadline missed')).toBe(
      '【演练】[Drill] Deadline missed',
    );
    expect(toldAs({}, 'Deadline missed')).toBe('Deadline missed');
  });
});

describe('listing and ending drills', () => {
  it('lists a region’s drills for its offices, and for a unit only those covering it', async () => {
    const { start, list } = setUp();
    const { drill } = await start(COUNTY, { title: 'county drill', duration: HOUR });
    expect((await list(CITY, {})).drills.map((d) => d.drillId)).toEqual([drill.drillId]);
    expect((await list(UNIT, {})).drills.map((d) => d.drillId)).toEqual([drill.drillId]);
    const neighbour: Actor = { ...UNIT, sub: 'unit-110102-U-9', region: '110102', unit: 'U-9' };
    expect((await list(neighbour, {})).drills).toEqual([]);
    expect(await rejection(list(UNIT, { region: '110102' }))).toBeInstanceOf(ForbiddenError);
  });

  it('ends a drill early: no exercise after, and ending it twice is a conflict', async () => {
    const { start, end, submit, report, clock } = setUp();
    const { drill } = await start(CITY, { title: 'drill', duration: HOUR });
    expect(await rejection(end(OTHER_COUNTY, drill.drillId))).toBeInstanceOf(ForbiddenError);
    clock.advance(MINUTE);
    const ended = await end(CITY, drill.drillId, 'rain');
    expect(ended).toMatchObject({ status: 'ended', endedEarly: { at: clock.now().toISOString(), reason: 'rain' } });
    expect(await rejection(end(CITY, drill.drillId))).toBeInstanceOf(ConflictError);
    const late = await rejection(submit({ actor: UNIT, report: report({ exercise: true }) }));
    expect((late as ValidationError).details?.map((d) => d.field)).toEqual(['exercise']);
  });
});

describe('the drill report', () => {
  it('accounts for each exercise and its hand-overs, and for no real incident', async () => {
    const { start, submit, report, drillReport, clock } = setUp();
    const { drill } = await start(CITY, { title: 'drill', duration: HOUR });
    const exercise = await submit({ actor: UNIT, report: report({ exercise: true }) });
    await submit({ actor: UNIT, report: report() });
    clock.advance(5 * SECOND);

    const account = await drillReport(CITY, drill.drillId);
    expect(account.incidents.map((i) => i.incidentId)).toEqual([exercise.response.incidentId]);
    const [unit, county] = account.incidents[0]?.handovers ?? [];
    expect(unit).toMatchObject({ handover: 'unitToCounty', from: { level: 'unit', code: 'U-1' }, outcome: 'on-time' });
    expect(county).toMatchObject({
      handover: 'countyToCity',
      from: { level: 'county', code: '110101' },
      to: { level: 'city', code: '110100' },
      outcome: 'pending',
      doneAt: null,
    });
    expect(account.totals).toMatchObject({ incidents: 1, onTime: 1, pending: account.totals.handovers - 1 });
    expect(await rejection(drillReport(UNIT, drill.drillId))).toBeInstanceOf(ForbiddenError);
  });
});
