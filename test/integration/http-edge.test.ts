/**
 * The edge of the local API over real HTTP, route by route from `infra/api.ts`: what API Gateway
 * refuses before a function runs, and what the functions refuse before a use case does, is a 4xx
 * in the contract's error shape — never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../infra/api';
import { call, initialReport, startTestRuntime, type TestRuntime, tokenFor } from './support';

const errorShape = { error: { code: expect.any(String), message: expect.any(String) } };

describe('the HTTP edge', () => {
  let runtime: TestRuntime;
  let inspector: string;
  let reporter: string;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    inspector = await tokenFor(runtime, { sub: 'insp-bj', role: 'inspector', region: '110000' });
    reporter = await tokenFor(runtime, { sub: 'unit-u7', role: 'reporter', region: '110102', unit: 'U-7' });
  });

  afterAll(async () => {
    await runtime?.close();
  });

  const withParameters = routes.filter((route) => route.path.includes('{'));

  it('has routes with {id}, {region}, {code} and {unit} to try', () => {
    const names = new Set(withParameters.flatMap((route) => [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])));
    expect([...names].sort()).toEqual(['code', 'id', 'region', 'unit']);
  });

  it.each(
    withParameters.flatMap((route) =>
      ['%E0%A4%A', '%ZZ', '%FF'].map((malformed) => [route.method, route.path, malformed]),
    ),
  )(
    '%s %s with the parameter %s answers 400 in the error shape, naming the parameter',
    async (method, path, malformed) => {
      const answer = await call(runtime, method as 'GET' | 'POST', path.replace(/\{\w+\}/g, malformed), {
        token: inspector,
        ...(method === 'POST' ? { body: {} } : {}),
      });

      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({
        ...errorShape,
        error: { details: [expect.objectContaining({ field: expect.any(String) })] },
      });
    },
  );

  describe('a report is evidence: a body that is not UTF-8 is refused, not stored as U+FFFD', () => {
    const incidentsOf110102 = async (): Promise<unknown[]> => {
      const listed = await call(runtime, 'GET', '/v1/incidents?region=110102', { token: inspector });
      expect(listed.status).toBe(200);
      return (listed.body as { items: unknown[] }).items;
    };

    it.each([
      ['a byte that starts no UTF-8 sequence', [0xff]],
      ['a sequence cut short', [0xe6, 0xb0]],
      ['an overlong encoding', [0xc0, 0xaf]],
      ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ])('POST /v1/reports with %s inside the summary → 400 naming the body, nothing stored', async (_name, bytes) => {
      // PREPARE
      const [before, after] = JSON.stringify(initialReport('110102', 'U-7', { summary: 'Water@@' })).split('@@');
      const body = Buffer.concat([Buffer.from(before ?? ''), Buffer.from(bytes), Buffer.from(after ?? '')]);

      // ACT
      const response = await fetch(`${runtime.url}/v1/reports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${reporter}`, 'content-type': 'application/json' },
        body,
      });

      // ASSESS
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: {
          code: 'invalid-input',
          message: 'the body is not UTF-8 text',
          details: [{ field: '(body)', problem: expect.stringContaining('not UTF-8') }],
        },
      });
      expect(await incidentsOf110102()).toEqual([]);
    });

    it('POST /v1/reports whose JSON escapes a lone surrogate → 400 naming the field, nothing stored', async () => {
      const text = JSON.stringify(initialReport('110102', 'U-7', { summary: 'Water@@' })).replace('@@', '\\ud800');

      const answer = await call(runtime, 'POST', '/v1/reports', {
        token: reporter,
        rawBody: text,
        headers: { 'content-type': 'application/json' },
      });

      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: { details: [{ field: 'summary' }] } });
      expect(await incidentsOf110102()).toEqual([]);
    });
  });

  // Last: it empties the runtime's bucket.
  it('throttles as the API stage does: past a burst of 200, a request is answered 429 with Retry-After and the error shape', async () => {
    // PREPARE: the tests above took tokens; at 100 a second the bucket is full again (200) after 2 s.
    await new Promise((resolve) => setTimeout(resolve, 2_100));

    // ACT: batches of concurrent requests until the bucket runs dry (a slow machine refills it as it goes)
    const answers: { status: number; retryAfter: string | null; text: string }[] = [];
    for (let batch = 0; batch < 20 && !answers.some((a) => a.status === 429); batch++) {
      answers.push(
        ...(await Promise.all(
          Array.from({ length: 150 }, async () => {
            const response = await fetch(`${runtime.url}/health`);
            return {
              status: response.status,
              retryAfter: response.headers.get('retry-after'),
              text: await response.text(),
            };
          }),
        )),
      );
    }

    // ASSESS
    const throttled = answers.filter((a) => a.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(200);
    expect(answers.every((a) => a.status === 200 || a.status === 429)).toBe(true);
    for (const answer of throttled) {
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(answer.text)).toEqual({ error: { code: 'too-many-requests', message: expect.any(String) } });
    }
  });
});
