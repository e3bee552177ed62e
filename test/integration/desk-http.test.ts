/**
 * The duty desk's routes over HTTP on the local runtime (DynamoDB Local, real tokens): the board
 * and its poll for changes read through the boards' index, the grade assessment, and each refusal
 * answered and recorded as the other routes' are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, initialReport, startTestRuntime, type TestRuntime, tokenFor } from './support';

interface Board {
  pollSince: string;
  items: { incidentId: string; version: number; duties: { handover: string; status: string }[] }[];
  removed: string[];
  total?: number;
}

describe('the duty desk over HTTP', () => {
  let runtime: TestRuntime;
  let reporter: string;
  let county: string;
  let otherCounty: string;
  let city: string;
  let inspector: string;

  const report = async (region = '110101', token = reporter, grade = 'III') => {
    const answer = await call(runtime, 'POST', '/v1/reports', {
      token,
      body: initialReport(region, region === '110101' ? 'U-1' : 'U-2', { grade }),
    });
    expect(answer.status, answer.text).toBe(201);
    return (answer.body as { incidentId: string }).incidentId;
  };

  const board = async (token: string, query = ''): Promise<Board> => {
    const answer = await call(runtime, 'GET', `/v1/desk/board${query}`, { token });
    expect(answer.status, answer.text).toBe(200);
    return answer.body as Board;
  };

  beforeAll(async () => {
    runtime = await startTestRuntime();
    reporter = await tokenFor(runtime, { sub: 'u1', role: 'reporter', region: '110101', unit: 'U-1' });
    county = await tokenFor(runtime, { sub: 'dc', role: 'office', region: '110101', level: 'county' });
    otherCounty = await tokenFor(runtime, { sub: 'xc', role: 'office', region: '110102', level: 'county' });
    city = await tokenFor(runtime, { sub: 'bj', role: 'office', region: '110100', level: 'city' });
    inspector = await tokenFor(runtime, { sub: 'insp', role: 'inspector', region: '110000' });
  });

  afterAll(async () => {
    await runtime?.close();
  });

  it('puts a report on its county’s board, then on the city’s once forwarded, and a poll sees each change', async () => {
    const first = await board(county);
    const incidentId = await report();

    const poll = await board(county, `?since=${first.pollSince}`);
    const cityBefore = await board(city);
    expect(
      await call(runtime, 'POST', `/v1/incidents/${incidentId}/forward`, { token: county, body: {} }),
    ).toMatchObject({ status: 200 });
    const cityPoll = await board(city, `?since=${cityBefore.pollSince}`);

    expect(poll.items.map((r) => r.incidentId)).toContain(incidentId);
    expect(cityBefore.items.map((r) => r.incidentId)).not.toContain(incidentId);
    const row = cityPoll.items.find((r) => r.incidentId === incidentId);
    expect(row?.duties).toEqual([expect.objectContaining({ handover: 'cityToProvince', status: 'pending' })]);
    // Another county's desk never sees it, in a full read or a poll.
    const other = await board(otherCounty);
    expect(other.items.map((r) => r.incidentId)).not.toContain(incidentId);
  });

  it('records a grade assessment with its reason, and answers the duties it opened', async () => {
    const incidentId = await report();

    const answer = await call(runtime, 'POST', `/v1/incidents/${incidentId}/grade`, {
      token: county,
      body: { grade: 'II', reason: '死亡人数上升' },
    });

    expect(answer.status, answer.text).toBe(200);
    const body = answer.body as { grade: string; opened: { handover: string }[] };
    expect(body.grade).toBe('II');
    expect(body.opened.map((o) => o.handover)).toEqual(['skipLevelPhone', 'skipLevelWritten']);
  });

  it('refuses what an office may not do, naming every bad field, and records each refusal', async () => {
    const incidentId = await report();

    const asUnit = await call(runtime, 'GET', '/v1/desk/board', { token: reporter });
    const elsewhere = await call(runtime, 'POST', `/v1/incidents/${incidentId}/grade`, {
      token: otherCounty,
      body: { grade: 'II', reason: '越权' },
    });
    const notYetCity = await call(runtime, 'POST', `/v1/incidents/${incidentId}/grade`, {
      token: city,
      body: { grade: 'II', reason: '尚未收到' },
    });
    const badQuery = await call(runtime, 'GET', '/v1/desk/board?since=yesterday&limit=0', { token: county });
    const badBody = await call(runtime, 'POST', `/v1/incidents/${incidentId}/grade`, {
      token: county,
      body: { grade: 'V', reason: ' ' },
    });

    expect(asUnit.status).toBe(403);
    expect(elsewhere.status).toBe(403);
    expect(notYetCity.status).toBe(403);
    expect(badQuery.status).toBe(400);
    const fields = (answer: typeof badQuery) =>
      ((answer.body as { error: { details: { field: string }[] } }).error.details ?? []).map((d) => d.field).sort();
    expect(fields(badQuery)).toEqual(['limit', 'since']);
    expect(badBody.status).toBe(400);
    expect(fields(badBody)).toEqual(['grade', 'reason']);
    const denied = await call(runtime, 'GET', '/v1/audit/access-denied?region=110000', { token: inspector });
    const actions = (denied.body as { items: { action: string; incidentId?: string }[] }).items.map((d) =>
      `${d.action} ${d.incidentId ?? ''}`.trim(),
    );
    expect(actions).toEqual(
      expect.arrayContaining(['GET /v1/desk/board', `POST /v1/incidents/{id}/grade ${incidentId}`]),
    );
    expect(actions.filter((a) => a === `POST /v1/incidents/{id}/grade ${incidentId}`)).toHaveLength(2);
  });
});
