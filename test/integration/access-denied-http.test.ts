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
});
