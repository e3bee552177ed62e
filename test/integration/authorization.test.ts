/**
 * Who may not do what, route by route, over HTTP with real tokens (docs/domain.md#who-uses-it): an
 * inspector writes nothing but findings, a reporting unit reads none of the audit, and an office
 * reads none of the accountability views it is audited by. Every refusal is a 403 and is recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, initialReport, startTestRuntime, type TestRuntime, tokenFor } from './support';

describe('role boundaries over HTTP', () => {
  let runtime: TestRuntime;
  let reporter: string;
  let county: string;
  let inspector: string;
  let incidentId: string;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    reporter = await tokenFor(runtime, { sub: 'unit-u1', role: 'reporter', region: '110101', unit: 'U-1' });
    county = await tokenFor(runtime, { sub: 'dongcheng', role: 'office', region: '110101', level: 'county' });
    inspector = await tokenFor(runtime, { sub: 'insp-bj', role: 'inspector', region: '110000' });
    const created = await call(runtime, 'POST', '/v1/reports', {
      token: reporter,
      body: initialReport('110101', 'U-1'),
    });
    expect(created.status).toBe(201);
    incidentId = (created.body as { incidentId: string }).incidentId;
  });

  afterAll(async () => {
    await runtime?.close();
  });

  /** The refusals on record for an action, by who was refused. */
  const refusedOn = async (action: string): Promise<string[]> => {
    const denied = await call(runtime, 'GET', '/v1/audit/access-denied?region=110000&limit=200', { token: inspector });
    expect(denied.status).toBe(200);
    return (denied.body as { items: { action: string; actor: { sub: string } }[] }).items
      .filter((d) => d.action === action)
      .map((d) => d.actor.sub);
  };

  describe('an inspector writes nothing but findings', () => {
    const writes: [string, string, () => unknown][] = [
      ['POST', '/v1/reports', () => initialReport('110101', 'U-1')],
      ['POST', '/v1/reports', () => initialReport('110101', 'U-1', { kind: 'follow-up', incidentId })],
      ['POST', '/v1/incidents/{id}/forward', () => ({ note: 'forwarded by an inspector' })],
      ['POST', '/v1/incidents/{id}/acknowledge', () => ({})],
      [
        'POST',
        '/v1/duty-periods',
        () => ({ region: '110101', firstDate: '2026-12-01', lastDate: '2026-12-02', cutoffHour: 16, reason: 'flood' }),
      ],
      ['POST', '/v1/daily-reports', () => ({ periodId: 'DP-x', date: '2026-12-01', nothingToReport: true })],
    ];

    it.each(writes)('%s %s → 403, recorded', async (_method, route, body) => {
      const answer = await call(runtime, 'POST', route.replace('{id}', incidentId), { token: inspector, body: body() });
      expect(answer.status).toBe(403);
      expect((answer.body as { error: { code: string } }).error.code).toBe('forbidden');
      expect(await refusedOn(`POST ${route}`)).toContain('insp-bj');
    });

    it('and its refused writes leave the incident’s log as it was', async () => {
      const audit = await call(runtime, 'GET', `/v1/incidents/${incidentId}/audit`, { token: inspector });
      const events = (audit.body as { events: { type: string; actor: { role: string } }[] }).events;
      expect(events.filter((e) => e.actor.role === 'inspector')).toEqual([]);
      expect(events.filter((e) => e.type === 'ReportSubmitted')).toHaveLength(1);
    });
  });

  describe('a reporting unit reads none of the audit', () => {
    const reads = [
      '/v1/audit/candidates?region=110000',
      '/v1/audit/verify?region=110000',
      '/v1/audit/late?region=110000',
      '/v1/audit/missed?region=110000',
      '/v1/audit/offices?region=110000',
      '/v1/audit/access-denied?region=110000',
      '/v1/audit/candidates?region=110101',
      '/v1/audit/verify?region=110101',
      '/v1/incidents/{id}/audit',
    ];

    it.each(reads)('GET %s → 403, recorded', async (path) => {
      const answer = await call(runtime, 'GET', path.replace('{id}', incidentId), { token: reporter });
      expect(answer.status).toBe(403);
      const route = path.split('?')[0] ?? path;
      expect(await refusedOn(`GET ${route}`)).toContain('unit-u1');
    });
  });

  it('records a refusal even when the query is malformed: who may not ask learns nothing from a 400', async () => {
    const answer = await call(runtime, 'GET', '/v1/audit/late?region=11&from=yesterday', { token: reporter });
    expect(answer.status).toBe(403);
    expect(await refusedOn('GET /v1/audit/late')).toContain('unit-u1');
  });

  describe('an office reads none of the accountability views', () => {
    it.each([
      '/v1/audit/candidates?region=110101',
      '/v1/audit/verify?region=110101',
      '/v1/audit/late?region=110101',
      '/v1/audit/missed?region=110101',
      '/v1/audit/offices?region=110101',
    ])('GET %s → 403', async (path) => {
      expect((await call(runtime, 'GET', path, { token: county })).status).toBe(403);
    });

    it('nor records a finding', async () => {
      const answer = await call(runtime, 'POST', `/v1/incidents/${incidentId}/findings`, {
        token: county,
        body: { finding: 'false-report', basis: 'an office has no say here', responsible: ['U-1'] },
      });
      expect(answer.status).toBe(403);
    });
  });
});
