/**
 * The access-denied log over HTTP on DynamoDB Local: its cursor is refused with a 400 unless it is
 * one this listing handed out, and a refusal that names another jurisdiction's object is seen by
 * both jurisdictions' inspectors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../shared/schemas/queries';
import { call, everyPage, initialReport, startTestRuntime, type TestRuntime, tokenFor } from './support';

describe('the access-denied log over HTTP', () => {
  let runtime: TestRuntime;
  let inspectorBeijing: string;
  let officeNext: string;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    inspectorBeijing = await tokenFor(runtime, { sub: 'insp-bj', role: 'inspector', region: '110000' });
    const reporter = await tokenFor(runtime, { sub: 'unit-u1', role: 'reporter', region: '110101', unit: 'U-1' });
    for (let i = 0; i < 2; i++) {
      const created = await call(runtime, 'POST', '/v1/reports', {
        token: reporter,
        body: initialReport('110101', 'U-1'),
      });
      expect(created.status).toBe(201);
      // Refused, and so recorded: a unit of 110101 reporting for Shanghai.
      const refused = await call(runtime, 'POST', '/v1/reports', {
        token: reporter,
        body: initialReport('310101', 'U-1'),
      });
      expect(refused.status).toBe(403);
    }
    const listed = await call(runtime, 'GET', '/v1/incidents?region=110101&limit=1', { token: inspectorBeijing });
    officeNext = (listed.body as { next: string }).next;
    expect(officeNext).toEqual(expect.any(String));
  });

  afterAll(async () => {
    await runtime?.close();
  });

  describe('a cursor that is not one of this listing is a 400 naming the cursor, not a 500', () => {
    it.each([
      ['a key past the end of the range', () => encodeCursor({ partition: '0', pk: 'DENIED#110000', sk: 'zzzz' })],
      ['a key of another province', () => encodeCursor({ partition: '0', pk: 'DENIED#310000', sk: '2026-01-01' })],
      ['the incident list’s real next', () => officeNext],
    ])('%s', async (_name, cursor) => {
      const answer = await call(
        runtime,
        'GET',
        `/v1/audit/access-denied?region=110000&cursor=${encodeURIComponent(cursor())}`,
        { token: inspectorBeijing },
      );

      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        error: {
          code: 'invalid-input',
          message: expect.any(String),
          details: [expect.objectContaining({ field: 'cursor' })],
        },
      });
    });

    it('while the cursors it hands out page through every refusal', async () => {
      const pages = await everyPage<{ items: unknown[]; next?: string }>(
        runtime,
        '/v1/audit/access-denied?region=110000&limit=1',
        inspectorBeijing,
      );

      expect(pages.flatMap((page) => page.items)).toHaveLength(2);
    });
  });

  describe('a refusal that names another jurisdiction’s incident is seen by both jurisdictions’ inspectors', () => {
    let shanghaiIncident: string;
    let inspectorShanghai: string;

    beforeAll(async () => {
      inspectorShanghai = await tokenFor(runtime, { sub: 'insp-sh', role: 'inspector', region: '310000' });
      const shanghaiUnit = await tokenFor(runtime, {
        sub: 'unit-sh1',
        role: 'reporter',
        region: '310101',
        unit: 'SH-1',
      });
      const created = await call(runtime, 'POST', '/v1/reports', {
        token: shanghaiUnit,
        body: initialReport('310101', 'SH-1'),
      });
      expect(created.status).toBe(201);
      shanghaiIncident = (created.body as { incidentId: string }).incidentId;
    });

    /** The refusals an inspector sees on the Shanghai incident, as `<who> <action>`. */
    const seenBy = async (token: string, region: string): Promise<string[]> => {
      const pages = await everyPage<{
        items: { actor: { sub: string }; action: string; incidentId?: string }[];
        next?: string;
      }>(runtime, `/v1/audit/access-denied?region=${region}&limit=200`, token);
      return pages
        .flatMap((page) => page.items)
        .filter((item) => item.incidentId === shanghaiIncident)
        .map((item) => `${item.actor.sub} ${item.action}`);
    };

    it.each([
      ['a Beijing reporting unit acknowledging', 'reporter', 'acknowledge'],
      ['a Beijing reporting unit forwarding', 'reporter', 'forward'],
      ['a Beijing inspector acknowledging', 'inspector', 'acknowledge'],
      ['a Beijing inspector forwarding', 'inspector', 'forward'],
      ['a Beijing reporting unit recording a finding', 'reporter', 'findings'],
      ['a Beijing office recording a finding', 'office', 'findings'],
      ['a Beijing office acknowledging', 'office', 'acknowledge'],
    ])('%s', async (_name, role, verb) => {
      // PREPARE
      const sub = `bj-${role}-${verb}`;
      const token = await tokenFor(runtime, {
        sub,
        role: role as 'reporter' | 'inspector' | 'office',
        region: role === 'inspector' ? '110000' : '110101',
        ...(role === 'reporter' ? { unit: 'U-1' } : {}),
        ...(role === 'office' ? { level: 'county' as const } : {}),
      });
      const body =
        verb === 'findings'
          ? { finding: 'false-report', basis: 'figures contradict the hospital records', responsible: ['SH-1'] }
          : {};

      // ACT
      const answer = await call(runtime, 'POST', `/v1/incidents/${shanghaiIncident}/${verb}`, { token, body });

      // ASSESS
      expect(answer.status).toBe(403);
      const action = `${sub} POST /v1/incidents/{id}/${verb}`;
      expect(await seenBy(inspectorShanghai, '310000')).toContain(action);
      expect(await seenBy(inspectorBeijing, '110000')).toContain(action);
    });
  });
});
