/**
 * Windows that follow the grade, on the local runtime over HTTP: a follow-up that raises the grade
 * while the county's duty runs moves its deadline earlier, and the state machine timers remind and
 * flag the miss at the new times, exactly once. Windows are drill seconds with Wuhan's
 * grade-dependent county limits (test/fixtures/policies/regrade-drill.json: IV 20 s, III 10 s,
 * II 6 s, minimum notice 3 s). The sweeper is slowed right down, so what flags the miss is the
 * timer of the moved deadline, not the safety net.
 */
import { fileURLToPath } from 'node:url';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { timerName } from '../../shared/ports/timers';
import { call, initialReport, startTestRuntime, type TestRuntime, tokenFor } from './support';

const POLICY = fileURLToPath(new URL('../fixtures/policies/regrade-drill.json', import.meta.url));
const JIANGAN = '420102';

interface TrailEvent {
  seq: number;
  type: string;
  at: string;
  data: Record<string, unknown>;
}
interface Trail {
  events: TrailEvent[];
  verification: { intact: boolean };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a follow-up raising the grade while the county’s duty runs', () => {
  let runtime: TestRuntime;
  let reporter: string;
  let inspector: string;

  beforeAll(async () => {
    runtime = await startTestRuntime(POLICY, { sweepIntervalMs: 120_000 });
    reporter = await tokenFor(runtime, { sub: 'u1', role: 'reporter', region: JIANGAN, unit: 'U-1' });
    inspector = await tokenFor(runtime, { sub: 'insp', role: 'inspector', region: '420000' });
  });

  afterAll(async () => {
    await runtime?.close();
  });

  const trail = async (incidentId: string): Promise<Trail> =>
    (await call(runtime, 'GET', `/v1/incidents/${incidentId}/audit`, { token: inspector })).body as Trail;

  const executionStatus = async (name: string): Promise<string | undefined> => {
    const sfn = new SFNClient({
      region: LOCAL_REGION,
      credentials: localCredentials,
      endpoint: process.env.AWS_ENDPOINT_URL_SFN,
    });
    try {
      const arn = `arn:aws:states:${LOCAL_REGION}:000000000000:execution:escalation:${name}`;
      return (await sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status;
    } catch {
      return undefined;
    } finally {
      sfn.destroy();
    }
  };

  const raise = async (from: 'IV' | 'III', dead: number, oldLimitMs: number, newLimitMs: number) => {
    const created = await call(runtime, 'POST', '/v1/reports', {
      token: reporter,
      body: initialReport(JIANGAN, 'U-1', { grade: from }),
    });
    expect(created.status).toBe(201);
    const { incidentId, obligations } = created.body as {
      incidentId: string;
      obligations: { obligationId: string; dueAt: string }[];
    };
    const duty = obligations.find((o) => o.obligationId.endsWith('-countyToCity'));
    if (!duty) throw new Error('no county duty');
    const followUp = await call(runtime, 'POST', '/v1/reports', {
      token: reporter,
      body: initialReport(JIANGAN, 'U-1', {
        kind: 'follow-up',
        incidentId,
        grade: undefined,
        casualties: { dead, injured: 0, missing: 0, trapped: 0 },
      }),
    });
    expect(followUp.status).toBe(201);
    const openedAt = Date.parse(duty.dueAt) - oldLimitMs;
    const newDue = new Date(openedAt + newLimitMs).toISOString();

    // Wait past the OLD deadline, so a stale timer would have had its chance to act twice.
    const oldDue = Date.parse(duty.dueAt);
    await sleep(Math.max(0, oldDue - Date.now()) + 2_500);
    const t = await trail(incidentId);
    const mine = (type: string) => t.events.filter((e) => e.type === type && e.data.obligationId === duty.obligationId);

    const shortened = mine('DeadlineShortened');
    expect(shortened.map((e) => [e.data.from, e.data.to, e.data.floored])).toEqual([[duty.dueAt, newDue, false]]);
    const warned = mine('DeadlineWarned');
    expect(warned).toHaveLength(1);
    expect(warned[0]?.data.dueAt).toBe(newDue);
    expect(Date.parse(warned[0]?.at ?? '')).toBeLessThan(Date.parse(newDue));
    const missed = mine('DeadlineMissed');
    expect(missed).toHaveLength(1);
    expect(missed[0]?.data.dueAt).toBe(newDue);
    // Flagged at the new deadline by its timer, long before the old one (or a sweep) came round.
    expect(Date.parse(missed[0]?.at ?? '')).toBeGreaterThan(Date.parse(newDue));
    expect(Date.parse(missed[0]?.at ?? '')).toBeLessThan(oldDue);
    expect(mine('AutoEscalated')).toHaveLength(1);
    expect(t.verification.intact).toBe(true);

    // Two executions: the first, for the old deadline, ran to its end finding the miss recorded.
    expect(await executionStatus(duty.obligationId)).toBe('SUCCEEDED');
    expect(
      await executionStatus(timerName({ obligationId: duty.obligationId, dueAt: newDue, shortenedFrom: duty.dueAt })),
    ).toBe('SUCCEEDED');
  };

  it.concurrent('IV → III: the 20 s window becomes 10 s', async () => {
    await raise('IV', 3, 20_000, 10_000);
  });

  it.concurrent('III → II: the 10 s window becomes 6 s', async () => {
    await raise('III', 10, 10_000, 6_000);
  });
});
