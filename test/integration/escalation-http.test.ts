/**
 * The escalation chain on the local runtime, over HTTP with real tokens: offices acknowledge and
 * forward, deadlines are enforced by the state machine timers, and the sweeper flags a deadline
 * whose timer was lost. Windows are seconds (test/fixtures/policies/steady-drill.json): long enough
 * that an office acting at once is on time while other test files load the machine.
 */
import { fileURLToPath } from 'node:url';
import { DescribeExecutionCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { call, initialReport, startTestRuntime, type TestRuntime, tokenFor } from './support';

const POLICY = fileURLToPath(new URL('../fixtures/policies/steady-drill.json', import.meta.url));

interface Trail {
  events: { seq: number; type: string; data: Record<string, unknown> }[];
  verification: { intact: boolean };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('escalation over HTTP on the local runtime', () => {
  let runtime: TestRuntime;
  let reporter: string;
  let county: string;
  let otherCounty: string;
  let city: string;
  let inspector: string;

  const report = async (grade: string) => {
    const answer = await call(runtime, 'POST', '/v1/reports', {
      token: reporter,
      body: initialReport('110101', 'U-1', { grade }),
    });
    expect(answer.status).toBe(201);
    return answer.body as { incidentId: string; obligations: { obligationId: string; dueAt: string }[] };
  };

  const trail = async (incidentId: string): Promise<Trail> =>
    (await call(runtime, 'GET', `/v1/incidents/${incidentId}/audit`, { token: inspector })).body as Trail;

  /** Polls the audit trail until `done` holds, as a person refreshing the page would. */
  const waitFor = async (incidentId: string, done: (t: Trail) => boolean, timeoutMs: number): Promise<Trail> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const t = await trail(incidentId);
      if (done(t)) return t;
      if (Date.now() > until)
        throw new Error(`not reached in ${timeoutMs} ms: ${t.events.map((e) => e.type).join(', ')}`);
      await sleep(200);
    }
  };
  /** Every office's window under the policy (county → city and city → province alike). */
  const windowMs = () => runtime.policy.limits.countyToCity;
  // Notifications are recorded in the same log as they happen; these tests follow the chain itself.
  const types = (t: Trail) => t.events.map((e) => e.type).filter((type) => !type.startsWith('Notification'));

  beforeAll(async () => {
    runtime = await startTestRuntime(POLICY, { sweepIntervalMs: 1_000 });
    reporter = await tokenFor(runtime, { sub: 'u1', role: 'reporter', region: '110101', unit: 'U-1' });
    county = await tokenFor(runtime, { sub: 'dongcheng', role: 'office', region: '110101', level: 'county' });
    otherCounty = await tokenFor(runtime, { sub: 'xicheng', role: 'office', region: '110102', level: 'county' });
    city = await tokenFor(runtime, { sub: 'beijing', role: 'office', region: '110100', level: 'city' });
    inspector = await tokenFor(runtime, { sub: 'insp', role: 'inspector', region: '110000' });
  });

  afterAll(async () => {
    await runtime?.close();
  });

  it('lets the holding county office acknowledge and forward in time; the city then owes the province', async () => {
    const created = await report('III');
    const ack = await call(runtime, 'POST', `/v1/incidents/${created.incidentId}/acknowledge`, {
      token: county,
      body: {},
    });
    expect(ack.status).toBe(200);
    const forward = await call(runtime, 'POST', `/v1/incidents/${created.incidentId}/forward`, {
      token: county,
      body: { note: 'verified on site' },
    });
    expect(forward.status).toBe(200);
    const result = forward.body as {
      met: { lateByMs: number; status: string }[];
      opened: { office: string; handover: string }[];
    };
    expect(result.met).toEqual([expect.objectContaining({ status: 'met', lateByMs: 0 })]);
    expect(result.opened).toEqual([expect.objectContaining({ office: '110100', handover: 'cityToProvince' })]);

    // The county's timer finds its duty met and records nothing about it; the city's own
    // deadline, left unmet, is what gets flagged.
    await sleep(windowMs() + 500);
    const t = await trail(created.incidentId);
    const missedBy = t.events.filter((e) => e.type === 'DeadlineMissed').map((e) => e.data.office);
    expect(missedBy).not.toContain('110101');
    expect(t.verification.intact).toBe(true);
  });

  it('refuses an office acting for another county or as another level, and records the refusal', async () => {
    const created = await report('IV');
    const other = await call(runtime, 'POST', `/v1/incidents/${created.incidentId}/forward`, {
      token: otherCounty,
      body: {},
    });
    expect(other.status).toBe(403);
    const asCity = await call(runtime, 'POST', `/v1/incidents/${created.incidentId}/forward`, {
      token: city,
      body: {},
    });
    // The city has not received it yet: it holds nothing to forward.
    expect(asCity.status).toBe(403);
    const inspectorForward = await call(runtime, 'POST', `/v1/incidents/${created.incidentId}/forward`, {
      token: inspector,
      body: {},
    });
    expect(inspectorForward.status).toBe(403);
    const denied = await call(runtime, 'GET', '/v1/audit/access-denied?region=110000', { token: inspector });
    const actions = (denied.body as { items: { action: string; actor: { sub: string } }[] }).items
      .filter((i) => i.action === 'POST /v1/incidents/{id}/forward')
      .map((i) => i.actor.sub);
    expect(actions).toEqual(expect.arrayContaining(['xicheng', 'beijing', 'insp']));
  });

  it('escalates past a silent county and then a silent city, reminding each first', async () => {
    const created = await report('III');
    const t = await waitFor(
      created.incidentId,
      (x) => types(x).filter((y) => y === 'AutoEscalated').length >= 2,
      2 * windowMs() + 9_000,
    );
    expect(types(t)).toEqual([
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
    const escalations = t.events.filter((e) => e.type === 'AutoEscalated').map((e) => e.data.to);
    expect(escalations).toEqual([
      { level: 'city', office: '110100' },
      { level: 'province', office: '110000' },
    ]);
    // Grade III must reach the province and no further: the province owes nothing more.
    expect(t.events.filter((e) => e.type === 'ObligationOpened')).toHaveLength(2);
    expect(t.verification.intact).toBe(true);

    // The county forwarding late is still accepted, and recorded as late by how much.
    const late = await call(runtime, 'POST', `/v1/incidents/${created.incidentId}/forward`, {
      token: county,
      body: {},
    });
    expect(late.status).toBe(200);
    expect((late.body as { met: { lateByMs: number }[] }).met[0]?.lateByMs).toBeGreaterThan(0);
  });

  it('still flags a deadline whose timer was lost, within one sweep interval', async () => {
    const created = await report('IV');
    const obligation = created.obligations[0];
    if (!obligation) throw new Error('no obligation');
    // Lose the timer: stop its execution as a crash or an operator mistake would, once the
    // stream consumer has started it.
    const sfn = new SFNClient({
      region: LOCAL_REGION,
      credentials: localCredentials,
      endpoint: process.env.AWS_ENDPOINT_URL_SFN,
    });
    const executionArn = `arn:aws:states:${LOCAL_REGION}:000000000000:execution:escalation:${obligation.obligationId}`;
    const until = Date.now() + windowMs();
    while (
      !(await sfn.send(new DescribeExecutionCommand({ executionArn })).then(
        (e) => e.status === 'RUNNING',
        () => false,
      ))
    ) {
      if (Date.now() > until) throw new Error(`the timer ${executionArn} never started`);
      await sleep(100);
    }
    await sfn.send(new StopExecutionCommand({ executionArn }));
    sfn.destroy();

    const t = await waitFor(
      created.incidentId,
      (x) => types(x).includes('DeadlineMissed'),
      windowMs() + runtime.sweepIntervalMs + 2_000,
    );
    const missed = t.events.find((e) => e.type === 'DeadlineMissed');
    expect(missed?.data.obligationId).toBe(obligation.obligationId);
    expect(Number(missed?.data.lateByMs)).toBeLessThanOrEqual(runtime.sweepIntervalMs + 1_000);
    // Grade IV stops at the city: the escalation hands it over and opens nothing further.
    expect(types(t)).toContain('AutoEscalated');
    expect(types(t).filter((y) => y === 'ObligationOpened')).toHaveLength(1);
  });
});
