/**
 * The duty desk's use cases over the in-memory store and a clock the test moves: the board an
 * office has in front of it (rows, duties, the rule behind each, what changed since a poll) and an
 * office's grade assessment with its reason.
 */
import { describe, expect, it } from 'vitest';
import { policyByName } from '../../shared/adapters/policy-source';
import { makeAppendEvents } from '../../shared/application/append-events';
import { BOARD_OVERLAP_MS, makeReadBoard } from '../../shared/application/desk-board';
import { makeAssessGrade, makeForward } from '../../shared/application/escalation';
import { makeSubmitReport } from '../../shared/application/submit-report';
import type { Actor } from '../../shared/domain/access';
import { byUrgency } from '../../shared/domain/board-order';
import { ForbiddenError, ValidationError } from '../../shared/domain/errors';
import type { RegionLevel } from '../../shared/domain/regions/regions';
import { makeReportBodySchema } from '../../shared/schemas/report';
import { FakeClock } from '../fakes/fake-clock';
import { InMemoryIncidentStore } from '../fakes/in-memory-incident-store';
import { type Body, type NestedChanges, reportWith } from '../fixtures/reports';

const T0 = '2026-11-22T01:00:00.000Z';
const MINUTE = 60_000;
const HOUR = 3_600_000;
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

const office = (region: string, level: RegionLevel): Actor => ({
  sub: `office-${region}`,
  role: 'office',
  region,
  level,
});
const COUNTY = office('110101', 'county');
const OTHER_COUNTY = office('110102', 'county');
const CITY = office('110100', 'city');
const PROVINCE = office('110000', 'province');

const setUp = () => {
  const incidents = new InMemoryIncidentStore();
  const clock = new FakeClock(T0);
  const policy = policyByName('national');
  let next = 0;
  const submit = makeSubmitReport({
    incidents,
    clock,
    policy,
    ids: { incidentId: () => `INC-20261122-${String(++next).padStart(8, '0')}`, unique: () => `u-${next}` },
  });
  const schema = makeReportBodySchema(() => clock.now().getTime());
  const appendEvents = makeAppendEvents({ incidents, clock, policy });
  const report = async (changes: Body = {}, nested: NestedChanges = {}) => {
    const body = schema.parse(reportWith(changes, nested));
    const actor: Actor = { sub: 'unit', role: 'reporter', region: body.regionCode, unit: 'U-1' };
    return (await submit({ actor, report: body })).response;
  };
  return {
    clock,
    report,
    board: makeReadBoard({ incidents, clock, policy }),
    forward: makeForward({ appendEvents }),
    assess: makeAssessGrade({ appendEvents }),
    events: (id: string) => incidents.eventsOf(id),
  };
};

describe('the duty desk’s board', () => {
  it('shows the office the incidents it has, each with its own duty, deadline, reminder point and the rule behind it', async () => {
    const desk = setUp();
    const { incidentId } = await desk.report();

    const county = await desk.board(COUNTY, { limit: 100 });
    const city = await desk.board(CITY, { limit: 100 });

    expect(county.office).toEqual({ level: 'county', office: '110101' });
    expect(county.total).toBe(1);
    const [row] = county.items;
    expect(row).toMatchObject({ incidentId, grade: 'III', category: 'accident', arrival: 'report', arrivedAt: T0 });
    expect(row?.acknowledgedAt).toBeNull();
    expect(row?.duties).toEqual([
      expect.objectContaining({
        handover: 'countyToCity',
        to: { level: 'city', office: '110100' },
        dueAt: at(2 * HOUR),
        remindAt: at(1.5 * HOUR),
        limitMs: 2 * HOUR,
        status: 'pending',
        source: expect.stringContaining('第十一条'),
      }),
    ]);
    // The city does not have it until the county forwards it (or stays silent past its deadline).
    expect(city.items).toEqual([]);
    expect(county.asOf).toBe(T0);
    expect(county.pollSince).toBe(new Date(Date.parse(T0) - BOARD_OVERLAP_MS).toISOString());
  });

  it('puts the report on the next office’s board when it is forwarded, with that office’s duty timed from then', async () => {
    const desk = setUp();
    const { incidentId } = await desk.report();
    desk.clock.advance(20 * MINUTE);
    await desk.forward(COUNTY, incidentId, {});

    const city = await desk.board(CITY, { limit: 100 });

    expect(city.items[0]).toMatchObject({ incidentId, arrival: 'forward', arrivedAt: at(20 * MINUTE) });
    expect(city.items[0]?.duties).toEqual([
      expect.objectContaining({ handover: 'cityToProvince', dueAt: at(20 * MINUTE + 2 * HOUR), status: 'pending' }),
    ]);
    const county = await desk.board(COUNTY, { limit: 100 });
    expect(county.items[0]?.duties[0]).toMatchObject({ status: 'met', metAt: at(20 * MINUTE), lateByMs: 0 });
  });

  it('names a jurisdiction’s own rule where its override set the limit', async () => {
    const desk = setUp();
    // 武汉市江岸区: Wuhan's county-to-city limit for grade III is one hour.
    await desk.report({ regionCode: '420102' });

    const board = await desk.board(office('420102', 'county'), { limit: 100 });

    expect(board.items[0]?.duties[0]).toMatchObject({ limitMs: HOUR, source: expect.stringContaining('Wuhan') });
  });

  it('answers a poll with only what changed since, and the incidents that left the board', async () => {
    const desk = setUp();
    const first = await desk.report();
    const second = await desk.report({ grade: 'IV' }, { casualties: { dead: 0, injured: 1, missing: 0, trapped: 0 } });
    const initial = await desk.board(COUNTY, { limit: 100 });
    desk.clock.advance(BOARD_OVERLAP_MS + MINUTE);

    // The first poll looks back over the overlap and sees both again; the next sees nothing new.
    const overlap = await desk.board(COUNTY, { since: initial.pollSince, limit: 100 });
    const quiet = await desk.board(COUNTY, { since: overlap.pollSince, limit: 100 });
    // Grade IV stops at the city: once the county forwards it and the unit's final report closes
    // it, nobody owes anything and it leaves the boards.
    await desk.forward(COUNTY, second.incidentId, {});
    await desk.report({ kind: 'final', incidentId: second.incidentId, grade: undefined });
    const changed = await desk.board(COUNTY, { since: quiet.pollSince, limit: 100 });

    expect(initial.items.map((r) => r.incidentId).sort()).toEqual([first.incidentId, second.incidentId]);
    expect(overlap.items).toHaveLength(2);
    expect(quiet.changes).toBe(true);
    expect(quiet.items).toEqual([]);
    expect(quiet.total).toBeUndefined();
    expect(changed.items).toEqual([]);
    expect(changed.removed).toEqual([second.incidentId]);
  });

  it('lists the most urgent first and keeps to the limit, saying how many there are', async () => {
    const desk = setUp();
    const early = await desk.report();
    desk.clock.advance(10 * MINUTE);
    const late = await desk.report();
    desk.clock.advance(10 * MINUTE);
    await desk.forward(COUNTY, early.incidentId, {});

    const board = await desk.board(COUNTY, { limit: 1 });

    // The one still owing a hand-over comes before the one already forwarded.
    expect(board.items.map((r) => r.incidentId)).toEqual([late.incidentId]);
    expect(board.total).toBe(2);
    const rows = (await desk.board(COUNTY, { limit: 10 })).items;
    expect([...rows].sort(byUrgency)).toEqual(rows);
  });

  it('is for offices only, and a county’s board never holds another county’s incidents', async () => {
    const desk = setUp();
    await desk.report();
    const unit: Actor = { sub: 'unit', role: 'reporter', region: '110101', unit: 'U-1' };

    await expect(desk.board(unit, { limit: 10 })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await desk.board(OTHER_COUNTY, { limit: 10 })).items).toEqual([]);
    await expect(desk.board(office('000000', 'national'), { limit: 10 })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('an office’s grade assessment', () => {
  it('records the new grade with the reason and opens the duties a higher grade calls for', async () => {
    const desk = setUp();
    const { incidentId } = await desk.report();
    desk.clock.advance(5 * MINUTE);

    const raised = await desk.assess(COUNTY, incidentId, { grade: 'I', reason: '死亡人数上升至35人' });

    expect(raised).toMatchObject({ previousGrade: 'III', grade: 'I', changed: true, waived: [] });
    expect(raised.opened.map((o) => [o.handover, o.dueAt])).toEqual([
      ['skipLevelPhone', at(5 * MINUTE + 30 * MINUTE)],
      ['skipLevelWritten', at(5 * MINUTE + HOUR)],
    ]);
    const assessed = desk.events(incidentId).find((e) => e.type === 'GradeAssessed');
    expect(assessed?.data).toEqual({ from: 'III', to: 'I', basis: 'office', note: '死亡人数上升至35人' });
  });

  it('waives the duties a lower grade no longer calls for, and changes nothing for the same grade', async () => {
    const desk = setUp();
    const { incidentId } = await desk.report({ grade: 'II' });

    const lowered = await desk.assess(COUNTY, incidentId, { grade: 'III', reason: '核实后死亡3人' });
    const again = await desk.assess(COUNTY, incidentId, { grade: 'III', reason: '再次确认' });

    expect(lowered.waived.map((o) => o.handover).sort()).toEqual(['skipLevelPhone', 'skipLevelWritten']);
    expect(again).toMatchObject({ previousGrade: 'III', grade: 'III', changed: false, opened: [], waived: [] });
  });

  it('is refused to an office that does not have the report, and to anyone but an office', async () => {
    const desk = setUp();
    const { incidentId } = await desk.report();
    const inspector: Actor = { sub: 'i', role: 'inspector', region: '110000' };

    await expect(desk.assess(CITY, incidentId, { grade: 'II', reason: 'x' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(desk.assess(PROVINCE, incidentId, { grade: 'II', reason: 'x' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(desk.assess(inspector, incidentId, { grade: 'II', reason: 'x' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});
