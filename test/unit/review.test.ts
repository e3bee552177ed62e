/**
 * Review and return (docs/domain.md#review-and-return): an office returns a report to its sender,
 * the sender owes a correction within the policy's `correction` limit (a duty with its timer and
 * its miss), and the office's own clock up the chain keeps running. Use cases over the in-memory
 * store and a clock the test moves, under the national policy (correction 1 h; 江岸区 to Wuhan 1 h
 * for grade III).
 */
import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../infra/local/event-log';
import { policyByName } from '../../shared/adapters/policy-source';
import { makeAppendEvents } from '../../shared/application/append-events';
import {
  makeCheckDeadline,
  makeForward,
  makeStartTimers,
  makeSweepDeadlines,
} from '../../shared/application/escalation';
import { briefFor, messageFor } from '../../shared/application/notify-officers';
import { makeReturnReport } from '../../shared/application/return-report';
import { makeSubmitReport } from '../../shared/application/submit-report';
import { unitIncidentView } from '../../shared/application/unit-reads';
import type { Actor } from '../../shared/domain/access';
import { punctualityByOffice } from '../../shared/domain/audit/punctuality';
import { entriesOf, withPeople } from '../../shared/domain/audit/rows';
import { boardRowOf } from '../../shared/domain/board';
import { ConflictError, ForbiddenError, ValidationError } from '../../shared/domain/errors';
import { verifyChain } from '../../shared/domain/hash-chain';
import { replayHead } from '../../shared/domain/head-projection';
import type { IncidentEvent } from '../../shared/domain/incident';
import { addresseesOf } from '../../shared/domain/officers';
import { regionOf } from '../../shared/domain/regions/regions';
import { REPORT_FIELDS } from '../../shared/domain/report-fields';
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
const RETURN_1 = `${INCIDENT}-correction1`;
/** 江岸区, a district of Wuhan; Wuhan's city office above it; Hubei above that. */
const JIANGAN = '420102';
const WUHAN = '420100';
const COUNTY: Actor = { sub: 'office-420102', role: 'office', region: JIANGAN, level: 'county' };
const CITY: Actor = { sub: 'office-420100', role: 'office', region: WUHAN, level: 'city' };
const OTHER_COUNTY: Actor = { sub: 'office-420103', role: 'office', region: '420103', level: 'county' };
const REPORTER: Actor = { sub: 'unit-1', role: 'reporter', region: JIANGAN, unit: 'U-1' };
const COUNTY_DUTY = `${INCIDENT}-${JIANGAN}-countyToCity`;
const CITY_DUTY = `${INCIDENT}-${WUHAN}-cityToProvince`;

const setUp = () => {
  const incidents = new InMemoryIncidentStore();
  const clock = new FakeClock(T0);
  const policy = policyByName('national');
  const submit = makeSubmitReport({
    incidents,
    clock,
    policy,
    ids: { incidentId: () => INCIDENT, unique: () => 'u-1' },
  });
  const appendEvents = makeAppendEvents({ incidents, clock, policy });
  const checkDeadline = makeCheckDeadline({ appendEvents });
  const report = async (extra: Record<string, unknown> = {}) => {
    const schema = makeReportBodySchema(() => clock.now().getTime());
    const kind = extra.kind ?? 'initial';
    const body = schema.parse(
      reportWith({
        regionCode: JIANGAN,
        grade: 'III',
        ...(kind === 'initial' ? {} : { incidentId: INCIDENT }),
        ...extra,
      }),
    );
    return submit({ actor: REPORTER, report: body });
  };
  const head = () => {
    const state = incidents.headOf(INCIDENT);
    if (!state) throw new Error('no incident');
    return state;
  };
  const duty = (id: string) => {
    const o = head().obligations.find((x) => x.obligationId === id);
    if (!o) throw new Error(`no duty ${id}`);
    return o;
  };
  const events = () => incidents.eventsOf(INCIDENT);
  return {
    incidents,
    clock,
    policy,
    report,
    head,
    duty,
    events,
    returnReport: makeReturnReport({ incidents, appendEvents, policy }),
    forward: makeForward({ appendEvents }),
    checkDeadline,
    sweep: makeSweepDeadlines({ incidents, clock, checkDeadline }),
    startTimers: makeStartTimers({ scheduler: new RecordingTimerScheduler(), policy }),
  };
};

const intact = (log: readonly IncidentEvent[]) =>
  expect(verifyChain(log as unknown as Parameters<typeof verifyChain>[0])).toMatchObject({ intact: true });

describe('an office returns a unit’s report', () => {
  it('records the return and opens the unit’s correction duty, due after the policy’s limit, without touching the office’s own deadline', async () => {
    // PREPARE
    const { report, clock, returnReport, duty, events, head, incidents } = setUp();
    await report();
    const before = duty(COUNTY_DUTY);
    clock.advance(10 * MINUTE);

    // ACT
    const answer = await returnReport(COUNTY, INCIDENT, {
      fields: ['casualties.dead', 'summary'],
      note: '死亡人数与现场核实不符',
    });

    // ASSESS
    const returned = events().find((e) => e.type === 'ReportReturned');
    expect(returned?.data).toStrictEqual({
      level: 'county',
      office: JIANGAN,
      obligationId: RETURN_1,
      reportId: `${INCIDENT}-R1`,
      to: { level: 'county', office: JIANGAN, unit: 'U-1' },
      fields: ['casualties.dead', 'summary'],
      note: '死亡人数与现场核实不符',
      dueAt: t(10 * MINUTE + HOUR),
    });
    expect(duty(RETURN_1)).toMatchObject({
      handover: 'correction',
      unit: 'U-1',
      office: JIANGAN,
      to: { level: 'county', office: JIANGAN },
      openedAt: t(10 * MINUTE),
      dueAt: t(10 * MINUTE + HOUR),
      status: 'pending',
      returned: { by: { level: 'county', office: JIANGAN }, reportId: `${INCIDENT}-R1` },
    });
    expect(answer.correction).toStrictEqual(duty(RETURN_1));
    // The law's clock keeps running: the county's own duty to Wuhan is unchanged and still owed.
    expect(duty(COUNTY_DUTY)).toStrictEqual(before);
    expect(answer.stillOwed).toStrictEqual(before);
    intact(events());
    expect(replayHead(events())).toStrictEqual(head());
    expect(describeEvent(returned as IncidentEvent)).toContain('returned');
    // A unit reads its returns in its own app: no officer is told of the unit's duty.
    const opened = events().find((e) => e.type === 'ObligationOpened' && e.data.obligation.handover === 'correction');
    expect(addresseesOf(opened as IncidentEvent)).toStrictEqual([]);
    expect(unitIncidentView(head(), 'U-1').returns).toStrictEqual([
      {
        returnId: RETURN_1,
        by: { level: 'county', office: JIANGAN },
        reportId: `${INCIDENT}-R1`,
        fields: ['casualties.dead', 'summary'],
        note: '死亡人数与现场核实不符',
        returnedAt: t(10 * MINUTE),
        dueAt: t(10 * MINUTE + HOUR),
        status: 'pending',
        correctedAt: null,
      },
    ]);
    expect(incidents.headOf(INCIDENT)?.obligations.filter((o) => o.handover === 'correction')).toHaveLength(1);
    // The board: the unit's duty is not among the county's own, and the row says it awaits a correction.
    const row = boardRowOf(head(), { level: 'county', office: JIANGAN }, policyByName('national'));
    expect(row?.duties.map((d) => d.obligationId)).toStrictEqual([COUNTY_DUTY]);
    expect(row?.awaitingCorrection).toStrictEqual({
      returnId: RETURN_1,
      to: { level: 'county', office: JIANGAN, unit: 'U-1' },
      dueAt: t(10 * MINUTE + HOUR),
      status: 'pending',
    });
  });

  it('does not pause the office’s own clock: its duty up the chain is missed and escalated past it while the correction is still owed', async () => {
    const { report, returnReport, clock, duty, sweep, events } = setUp();
    await report();
    clock.advance(10 * MINUTE);
    await returnReport(COUNTY, INCIDENT, { fields: ['summary'], note: '经过不清' });

    // Wuhan's grade III limit from 江岸区 is 1 h from receipt; the correction is due 10 min later.
    clock.advance(50 * MINUTE + 1);
    await sweep();

    expect(duty(COUNTY_DUTY)).toMatchObject({ status: 'missed', dueAt: t(HOUR) });
    expect(events().some((e) => e.type === 'AutoEscalated' && e.data.obligationId === COUNTY_DUTY)).toBe(true);
    expect(duty(RETURN_1).status).toBe('pending');
  });

  it('starts a timer for the correction like any duty', async () => {
    const { report, returnReport, events, startTimers } = setUp();
    await report();
    await returnReport(COUNTY, INCIDENT, { fields: ['summary'], note: '经过不清' });
    const opened = events()
      .filter((e) => e.type === 'ObligationOpened')
      .at(-1) as IncidentEvent;
    await expect(startTimers([opened])).resolves.toBe(1);
  });

  it('refuses to return it again while its correction is owed, and lets it be returned once answered', async () => {
    const { report, returnReport, clock } = setUp();
    await report();
    await returnReport(COUNTY, INCIDENT, { fields: ['summary'], note: '经过不清' });
    await expect(returnReport(COUNTY, INCIDENT, { fields: ['summary'], note: '再退' })).rejects.toMatchObject({
      code: 'correction-owed',
    });
    clock.advance(5 * MINUTE);
    await report({ kind: 'follow-up', correcting: RETURN_1 });
    const again = await returnReport(COUNTY, INCIDENT, { fields: ['measuresTaken'], note: '措施不具体' });
    expect(again.correction).toMatchObject({
      obligationId: `${INCIDENT}-correction2`,
      returned: { reportId: `${INCIDENT}-R2` },
    });
  });

  it('refuses an office that does not have the report, and every caller that is not an office', async () => {
    const { report, returnReport } = setUp();
    await report();
    await expect(returnReport(OTHER_COUNTY, INCIDENT, { fields: ['summary'], note: 'x' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    // Wuhan has not received it yet: the county has not forwarded it.
    await expect(returnReport(CITY, INCIDENT, { fields: ['summary'], note: 'x' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(returnReport(REPORTER, INCIDENT, { fields: ['summary'], note: 'x' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});

describe('the unit’s correction', () => {
  it('is a report naming the return, which meets the duty on time', async () => {
    const { report, returnReport, clock, duty, events, head } = setUp();
    await report();
    await returnReport(COUNTY, INCIDENT, { fields: ['casualties.dead'], note: '核实死亡人数' });
    clock.advance(30 * MINUTE);

    await report({ kind: 'follow-up', correcting: RETURN_1 });

    const submitted = events()
      .filter((e) => e.type === 'ReportSubmitted')
      .at(-1);
    expect(submitted?.data).toMatchObject({ reportId: `${INCIDENT}-R2`, correcting: RETURN_1 });
    const corrected = events().find((e) => e.type === 'ReportCorrected');
    expect(corrected?.data).toStrictEqual({
      level: 'county',
      office: JIANGAN,
      obligationId: RETURN_1,
      unit: 'U-1',
      reportId: `${INCIDENT}-R2`,
      dueAt: t(HOUR),
      correctedAt: t(30 * MINUTE),
      lateByMs: 0,
    });
    expect(duty(RETURN_1)).toMatchObject({ status: 'met', metAt: t(30 * MINUTE), lateByMs: 0 });
    intact(events());
    expect(replayHead(events())).toStrictEqual(head());
  });

  it('is refused, naming `correcting`, for a return that does not exist, that another unit owes, or that was already answered', async () => {
    const { report, returnReport } = setUp();
    await report();
    await expect(report({ kind: 'follow-up', correcting: `${INCIDENT}-correction9` })).rejects.toMatchObject({
      details: [{ field: 'correcting', problem: expect.stringContaining('is not a return of') }],
    });
    await returnReport(COUNTY, INCIDENT, { fields: ['summary'], note: '经过不清' });
    await report({ kind: 'follow-up', correcting: RETURN_1 });
    const again = report({ kind: 'follow-up', correcting: RETURN_1 });
    await expect(again).rejects.toBeInstanceOf(ConflictError);
    await expect(again).rejects.toMatchObject({ code: 'return-already-answered' });
  });

  it('is accepted after a final report closed the incident, when the final report was the one returned', async () => {
    const { report, returnReport, head, duty } = setUp();
    await report();
    await report({ kind: 'final' });
    await returnReport(COUNTY, INCIDENT, { fields: ['unknowns'], note: '终报仍有未查清情况' });
    await report({ kind: 'final', correcting: RETURN_1, unknowns: '' });
    expect(head().status).toBe('closed');
    expect(duty(RETURN_1).status).toBe('met');
  });

  it('never made is a miss of the unit, listed with the return as its basis, naming no office leader, and told to the office waiting for it', async () => {
    // PREPARE
    const { report, returnReport, forward, clock, duty, events, head, sweep } = setUp();
    await report();
    // The county passes it up at once, so only the correction can fall due within the hour.
    await forward(COUNTY, INCIDENT, {});
    await returnReport(COUNTY, INCIDENT, { fields: ['summary'], note: '经过不清' });

    // ACT: the timer was lost; the sweep finds the deadline passed.
    clock.advance(HOUR + 1);
    const swept = await sweep();

    // ASSESS
    expect(swept).toMatchObject({ missed: 1, escalated: 0 });
    const missed = events().find((e) => e.type === 'DeadlineMissed');
    expect(missed?.data).toMatchObject({
      obligationId: RETURN_1,
      unit: 'U-1',
      responsible: { office: JIANGAN, roles: [] },
    });
    expect(events().some((e) => e.type === 'AutoEscalated')).toBe(false);
    expect(duty(RETURN_1).status).toBe('missed');
    expect(addresseesOf(missed as IncidentEvent)).toStrictEqual([
      { kind: 'deadline-missed', to: [{ office: JIANGAN, role: 'duty-officer' }] },
    ]);
    expect(messageFor('deadline-missed', missed as IncidentEvent, head())).toContain('Correction missed');
    expect(briefFor('deadline-missed', missed as IncidentEvent, head())).toContain('sent no correction');

    const rows = entriesOf('missed', head(), { region: WUHAN });
    const row = rows.find((r) => r.kind === 'correction');
    expect(row).toMatchObject({
      kind: 'correction',
      obligationId: RETURN_1,
      unit: { id: 'U-1', name: null },
      office: { code: JIANGAN },
      deadline: t(HOUR),
    });
    expect(entriesOf('missed', head(), { region: WUHAN, unit: 'U-1' }).map((r) => r.kind)).toStrictEqual([
      'correction',
    ]);
    const named = withPeople(row as NonNullable<typeof row>, { versions: [] });
    expect(named.firstResponsible).toStrictEqual([]);
    expect(named.directlyResponsible).toStrictEqual([]);
    // The unit's duty is not the county office's: its punctuality does not count it.
    const county = punctualityByOffice([regionOf(JIANGAN)], head().obligations)[0];
    expect(county?.missed).toBe(0);
    intact(events());
    expect(replayHead(events())).toStrictEqual(head());
  });

  it('made after the miss is recorded late, and moves to the late list', async () => {
    const { report, returnReport, clock, checkDeadline, head } = setUp();
    await report();
    await returnReport(COUNTY, INCIDENT, { fields: ['summary'], note: '经过不清' });
    clock.advance(HOUR + 1);
    await checkDeadline({ incidentId: INCIDENT, obligationId: RETURN_1 });
    clock.advance(10 * MINUTE);

    await report({ kind: 'follow-up', correcting: RETURN_1 });

    expect(entriesOf('missed', head(), { region: WUHAN }).some((r) => r.kind === 'correction')).toBe(false);
    expect(entriesOf('late', head(), { region: WUHAN }).find((r) => r.kind === 'correction')).toMatchObject({
      lateByMs: 10 * MINUTE + 1,
      unit: { id: 'U-1' },
    });
  });
});

describe('an office returns a forward to the office below', () => {
  const forwarded = async () => {
    const s = setUp();
    await s.report();
    s.clock.advance(20 * MINUTE);
    await s.forward(COUNTY, INCIDENT, {});
    s.clock.advance(5 * MINUTE);
    return s;
  };

  it('opens the county office’s correction, leaves the city’s own duty to the province running, and the county answers through forward', async () => {
    // PREPARE
    const { returnReport, forward, duty, clock, events, head } = await forwarded();
    const cityDuty = duty(CITY_DUTY);

    // ACT
    const answer = await returnReport(CITY, INCIDENT, { fields: ['location.address'], note: '地点不具体' });

    // ASSESS
    expect(duty(RETURN_1)).toMatchObject({
      level: 'county',
      office: JIANGAN,
      to: { level: 'city', office: WUHAN },
      status: 'pending',
    });
    expect(duty(RETURN_1).unit).toBeUndefined();
    expect(answer.stillOwed).toStrictEqual(cityDuty);
    const opened = events().find((e) => e.type === 'ObligationOpened' && e.data.obligation.handover === 'correction');
    expect(addresseesOf(opened as IncidentEvent)).toStrictEqual([
      { kind: 'report-returned', to: [{ office: JIANGAN, role: 'duty-officer' }] },
    ]);
    expect(messageFor('report-returned', opened as IncidentEvent, head())).toContain('"correcting"');
    // The county's board shows the correction it owes.
    const board = boardRowOf(head(), { level: 'county', office: JIANGAN }, policyByName('national'));
    expect(board?.duties.map((d) => d.handover)).toContain('correction');

    clock.advance(10 * MINUTE);
    const corrected = await forward(COUNTY, INCIDENT, { correcting: RETURN_1, note: '地点已核实：江岸区某街道' });
    expect(corrected.met.map((o) => o.obligationId)).toStrictEqual([RETURN_1]);
    expect(duty(RETURN_1)).toMatchObject({ status: 'met', lateByMs: 0 });
    expect(duty(CITY_DUTY)).toStrictEqual(cityDuty);
    intact(events());
  });

  it('refuses a correction by an office for a return owed by a unit', async () => {
    const { report, returnReport, forward } = setUp();
    await report();
    await returnReport(COUNTY, INCIDENT, { fields: ['summary'], note: '经过不清' });
    await expect(forward(COUNTY, INCIDENT, { correcting: RETURN_1 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('has nobody to return to when the report reached the office only by escalation', async () => {
    const { report, returnReport, clock, sweep } = setUp();
    await report();
    clock.advance(HOUR + 1);
    await sweep();
    await expect(returnReport(CITY, INCIDENT, { fields: ['summary'], note: 'x' })).rejects.toMatchObject({
      code: 'no-sender',
    });
  });
});

describe('the report fields an office can name', () => {
  it('are exactly the report body’s own fields, nested ones by their path', () => {
    const shape = makeReportBodySchema().shape;
    const fields = Object.entries(shape).flatMap(([key, schema]) => {
      // `exercise` is what the incident is, fixed by its first report: no correction can change it.
      if (['kind', 'incidentId', 'correcting', 'exercise'].includes(key)) return [];
      const inner = (schema as { shape?: Record<string, unknown> }).shape;
      return inner ? Object.keys(inner).map((k) => `${key}.${k}`) : [key];
    });
    expect([...REPORT_FIELDS].sort()).toStrictEqual(fields.sort());
  });
});
