/**
 * The edge of the local API over real HTTP, route by route from `infra/api.ts`: what API Gateway
 * refuses before a function runs, and what the functions refuse before a use case does, is a 4xx
 * in the contract's error shape — never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../infra/api';
import { call, startTestRuntime, type TestRuntime, tokenFor } from './support';

const errorShape = { error: { code: expect.any(String), message: expect.any(String) } };

describe('the HTTP edge', () => {
  let runtime: TestRuntime;
  let inspector: string;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    inspector = await tokenFor(runtime, { sub: 'insp-bj', role: 'inspector', region: '110000' });
  });

  afterAll(async () => {
    await runtime?.close();
  });

  const withParameters = routes.filter((route) => route.path.includes('{'));

  it('has routes with {id}, {region} and {code} to try', () => {
    const names = new Set(withParameters.flatMap((route) => [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])));
    expect([...names].sort()).toEqual(['code', 'id', 'region']);
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
});
