/**
 * Review and return on the local runtime over HTTP (docs/domain.md#review-and-return): the county
 * office returns a unit's report, the unit corrects it through the report route, or never does and
 * the correction's timer records the miss, which the missed list shows and the county's duty officer
 * is told of; another office is refused and the refusal recorded; the chains still verify. Under
 * test/fixtures/policies/return-drill.json: a correction is due in 5 s, every hand-over in an hour.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  everyPage,
  importDongchengOfficers,
  initialReport,
  startTestRuntime,
  type TestRuntime,
  tokenFor,
} from './support';

const POLICY = fileURLToPath(new URL('../fixtures/policies/return-drill.json', import.meta.url));
const DONGCHENG = '110101';

interface TrailEvent {
  seq: number;
  type: string;
  at: string;
  actor: { sub: string };
  data: Record<string, unknown>;
}
interface Trail {
  events: TrailEvent[];
  verification: { intact: boolean };
}
interface Duty {
  obligationId: string;
  handover: string;
  dueAt: string;
  status: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('review and return over HTTP', () => {
  let runtime: TestRuntime;
  let reporter: string;
  let county: string;
  let otherCounty: string;
  let inspector: string;

  beforeAll(async () => {
    runtime = await startTestRuntime(POLICY, { sweepIntervalMs: 120_000 });
    await importDongchengOfficers(runtime);
    reporter = await tokenFor(runtime, { sub: 'u1', role: 'reporter', region: DONGCHENG, unit: 'U-1' });
    county = await tokenFor(runtime, { sub: 'dc-desk', role: 'office', region: DONGCHENG, level: 'county' });
    otherCounty = await tokenFor(runtime, { sub: 'xc-desk', role: 'office', region: '110102', level: 'county' });
    inspector = await tokenFor(runtime, { sub: 'insp', role: 'inspector', region: '110000' });
  });

  afterAll(async () => {
    await runtime?.close();
  });

  const trail = async (incidentId: string): Promise<Trail> =>
    (await call(runtime, 'GET', `/v1/incidents/${incidentId}/audit`, { token: inspector })).body as Trail;

  const newIncident = async (): Promise<{ incidentId: string; countyDuty: Duty }> => {
    const created = await call(runtime, 'POST', '/v1/reports', {
      token: reporter,
      body: initialReport(DONGCHENG, 'U-1', { grade: 'IV' }),
    });
    expect(created.status).toBe(201);
    const { incidentId, obligations } = created.body as { incidentId: string; obligations: Duty[] };
    const countyDuty = obligations.find((o) => o.obligationId.endsWith('-countyToCity'));
    if (!countyDuty) throw new Error('no county duty');
    return { incidentId, countyDuty };
  };

  const returnIt = (
    incidentId: string,
    token = county,
    body: unknown = { fields: ['casualties.dead'], note: '核实死亡人数' },
  ) => call(runtime, 'POST', `/v1/incidents/${incidentId}/return`, { token, body });

  it.concurrent('return → correction on time: the unit sees the return, corrects it, and the county’s own clock never paused', async () => {
    // PREPARE
    const { incidentId, countyDuty } = await newIncident();

    // ACT
    const returned = await returnIt(incidentId);
    const mine = await call(runtime, 'GET', '/v1/units/U-1/incidents', { token: reporter });
    const corrected = await call(runtime, 'POST', '/v1/reports', {
      token: reporter,
      headers: { 'Idempotency-Key': `correct-${incidentId}` },
      body: initialReport(DONGCHENG, 'U-1', {
        kind: 'follow-up',
        incidentId,
        grade: undefined,
        correcting: `${incidentId}-correction1`,
      }),
    });

    // ASSESS
    expect(returned.status).toBe(200);
    const answer = returned.body as { correction: Duty & { unit: string }; stillOwed: Duty };
    expect(answer.correction).toMatchObject({
      obligationId: `${incidentId}-correction1`,
      unit: 'U-1',
      status: 'pending',
    });
    expect(answer.stillOwed).toMatchObject({ obligationId: countyDuty.obligationId, dueAt: countyDuty.dueAt });
    const listed = (
      mine.body as { items: { incidentId: string; returns: { returnId: string; fields: string[] }[] }[] }
    ).items.find((i) => i.incidentId === incidentId);
    expect(listed?.returns).toMatchObject([{ returnId: `${incidentId}-correction1`, fields: ['casualties.dead'] }]);
    expect(corrected.status).toBe(201);

    const t = await trail(incidentId);
    const types = t.events.map((e) => e.type);
    expect(types).toContain('ReportReturned');
    expect(t.events.find((e) => e.type === 'ReportCorrected')?.data).toMatchObject({
      obligationId: `${incidentId}-correction1`,
      unit: 'U-1',
      lateByMs: 0,
    });
    expect(t.events.some((e) => e.type === 'DeadlineMissed')).toBe(false);
    expect(t.verification.intact).toBe(true);
    // The county's duty up the chain: the deadline it opened with, still owed.
    const incident = await call(runtime, 'GET', `/v1/incidents/${incidentId}`, { token: county });
    const duties = (incident.body as { obligations: Duty[] }).obligations;
    expect(duties.find((o) => o.obligationId === countyDuty.obligationId)).toMatchObject({
      dueAt: countyDuty.dueAt,
      status: 'pending',
    });
    // Answered: a second correction naming it is refused, clearly.
    const twice = await call(runtime, 'POST', '/v1/reports', {
      token: reporter,
      body: initialReport(DONGCHENG, 'U-1', {
        kind: 'follow-up',
        incidentId,
        grade: undefined,
        correcting: `${incidentId}-correction1`,
      }),
    });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ error: { code: 'return-already-answered' } });
  });

  it.concurrent('return → correction never made: the timer records the miss, the missed list shows it, the duty officer is told', async () => {
    // PREPARE
    const { incidentId } = await newIncident();
    const returned = await returnIt(incidentId);
    expect(returned.status).toBe(200);
    const due = Date.parse((returned.body as { correction: Duty }).correction.dueAt);

    // ACT: nobody corrects it; the sweeper is slowed right down, so the timer must catch it.
    await sleep(Math.max(0, due - Date.now()) + 2_500);

    // ASSESS: the officer is told after the miss, through the table's stream, a topic and a queue,
    // which under load takes longer than the pause: the trail is read again until the telling lands.
    const until = Date.now() + 10_000;
    let t = await trail(incidentId);
    const missedIn = (trailRead: Trail) => trailRead.events.find((e) => e.type === 'DeadlineMissed');
    const toldIn = (trailRead: Trail) =>
      trailRead.events.find((e) => e.type === 'NotificationSent' && e.data.aboutSeq === missedIn(trailRead)?.seq);
    while (!toldIn(t) && Date.now() < until) {
      await sleep(200);
      t = await trail(incidentId);
    }
    const missed = missedIn(t);
    expect(missed?.actor.sub).toBe('system:deadline-timer');
    expect(missed?.data).toMatchObject({ obligationId: `${incidentId}-correction1`, unit: 'U-1' });
    expect(t.events.some((e) => e.type === 'AutoEscalated')).toBe(false);
    const told = toldIn(t);
    expect(told?.data).toMatchObject({
      kind: 'deadline-missed',
      recipients: [{ office: DONGCHENG, role: 'duty-officer' }],
    });
    expect(t.verification.intact).toBe(true);

    const pages = await everyPage<{
      items: { kind: string; obligationId: string | null; unit: { id: string } | null; firstResponsible: unknown[] }[];
      next?: string;
    }>(runtime, `/v1/audit/missed?region=${DONGCHENG}&kind=correction`, inspector);
    const row = pages.flatMap((p) => p.items).find((r) => r.obligationId === `${incidentId}-correction1`);
    expect(row).toMatchObject({ kind: 'correction', unit: { id: 'U-1' }, firstResponsible: [] });

    const verify = await call(runtime, 'GET', `/v1/audit/verify?region=${DONGCHENG}`, { token: inspector });
    expect(verify.status).toBe(200);
    const verified = verify.body as { counts: { broken: number }; broken: unknown[] };
    // A failure names each broken chain, its reason and detail: the count alone hides the cause.
    expect(verified.counts.broken, JSON.stringify(verified.broken)).toBe(0);
  });

  it.concurrent('the city returns the county’s forward: the county’s duty officer is told, and the county answers with a corrected forward', async () => {
    const { incidentId } = await newIncident();
    const city = await tokenFor(runtime, { sub: 'bj-desk', role: 'office', region: '110100', level: 'city' });
    expect(
      (await call(runtime, 'POST', `/v1/incidents/${incidentId}/forward`, { token: county, body: {} })).status,
    ).toBe(200);

    const returned = await returnIt(incidentId, city, { fields: ['location.address'], note: '地点不具体' });
    const corrected = await call(runtime, 'POST', `/v1/incidents/${incidentId}/forward`, {
      token: county,
      body: { correcting: `${incidentId}-correction1`, note: '地点已核实' },
    });

    expect(returned.status).toBe(200);
    expect((returned.body as { correction: Duty & { unit?: string } }).correction).toMatchObject({
      level: 'county',
      office: DONGCHENG,
      to: { level: 'city', office: '110100' },
    });
    expect(corrected.status).toBe(200);
    expect((corrected.body as { met: Duty[] }).met.map((o) => o.obligationId)).toEqual([`${incidentId}-correction1`]);
    const until = Date.now() + 5_000;
    let t = await trail(incidentId);
    const opened = () =>
      t.events.find(
        (e) =>
          e.type === 'ObligationOpened' && (e.data.obligation as Duty).obligationId === `${incidentId}-correction1`,
      );
    const told = () => t.events.find((e) => e.type === 'NotificationSent' && e.data.aboutSeq === opened()?.seq);
    while (!told() && Date.now() < until) {
      await sleep(200);
      t = await trail(incidentId);
    }
    expect(told()?.data).toMatchObject({
      kind: 'report-returned',
      recipients: [{ office: DONGCHENG, role: 'duty-officer' }],
    });
    expect(t.events.find((e) => e.type === 'ReportCorrected')?.data).toMatchObject({
      level: 'county',
      office: DONGCHENG,
      lateByMs: 0,
      note: '地点已核实',
    });
    expect(t.verification.intact).toBe(true);
  });

  it.concurrent('a foreign office is refused with a 403 that the access-denied log records; bad input names every bad field', async () => {
    const { incidentId } = await newIncident();

    const foreign = await returnIt(incidentId, otherCounty);
    const bad = await returnIt(incidentId, county, { fields: ['casualties.deadd', 'summary', 'summary'], note: ' ' });
    const byUnit = await returnIt(incidentId, reporter);

    expect(foreign.status).toBe(403);
    expect(byUnit.status).toBe(403);
    expect(bad.status).toBe(400);
    const fields = (bad.body as { error: { details: { field: string }[] } }).error.details.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['fields.0', 'note']));
    const refusals = await everyPage<{
      items: { actor: { sub: string }; action: string; incidentId?: string }[];
      next?: string;
    }>(runtime, `/v1/audit/access-denied?region=${DONGCHENG}&limit=200`, inspector);
    expect(
      refusals
        .flatMap((p) => p.items)
        .filter((r) => r.incidentId === incidentId)
        .map((r) => `${r.actor.sub} ${r.action}`),
    ).toEqual(expect.arrayContaining(['xc-desk POST /v1/incidents/{id}/return', 'u1 POST /v1/incidents/{id}/return']));
    // Nothing was returned: the first real return is the first, and a second is refused while owed.
    expect((await returnIt(incidentId)).status).toBe(200);
    const again = await returnIt(incidentId);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'correction-owed' } });
    const unknown = await call(runtime, 'POST', '/v1/reports', {
      token: reporter,
      body: initialReport(DONGCHENG, 'U-1', {
        kind: 'follow-up',
        incidentId,
        grade: undefined,
        correcting: `${incidentId}-correction7`,
      }),
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: { details: [{ field: 'correcting' }] } });
  });
});
