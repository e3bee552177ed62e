/**
 * The HTTP edge every API handler shares: authentication from the authorizer's claims, body and
 * query validation, the error contract, and the recording of refusals. No network: a fake
 * access log and hand-built API Gateway events.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { ForbiddenError, NotFoundError } from '../../shared/domain/errors';
import type { AccessDenied, AccessLog } from '../../shared/ports/access-log';

const context = { awsRequestId: 'req-1', functionName: 'test', getRemainingTimeInMillis: () => 5000 } as Context;

const event = (
  overrides: Partial<APIGatewayProxyEventV2WithJWTAuthorizer> = {},
  claims: Record<string, string> | null = { sub: 'u1', role: 'reporter', region: '110101', unit: 'U-1' },
): APIGatewayProxyEventV2WithJWTAuthorizer =>
  ({
    version: '2.0',
    routeKey: 'POST /v1/things',
    rawPath: '/v1/things',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    isBase64Encoded: false,
    requestContext: {
      http: { method: 'POST', path: '/v1/things' },
      ...(claims ? { authorizer: { jwt: { claims, scopes: [] } } } : {}),
    },
    ...overrides,
  }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

const fakeAccessLog = () => {
  const recorded: AccessDenied[] = [];
  const log: AccessLog = {
    recordDenied: async (entry) => {
      recorded.push(entry);
    },
    listDenied: async () => ({ items: recorded }),
  };
  return { log, recorded };
};

const clock = { now: () => new Date('2026-11-22T01:00:00.000Z') };
const body = z.strictObject({ count: z.number().int().min(0), name: z.string().min(1) });

const handlerWith = (run: Parameters<typeof apiHandler>[1], log = fakeAccessLog().log) =>
  apiHandler({ action: 'POST /v1/things', input: { body }, accessLog: log, clock }, run);

const errorOf = (result: unknown) =>
  JSON.parse((result as { body: string }).body) as {
    error: { code: string; message: string; details?: { field: string; problem: string }[] };
  };

describe('apiHandler', () => {
  it('hands the use case the caller and the validated body', async () => {
    // PREPARE
    const handler = handlerWith(async ({ actor, body }) => json(201, { actor, body }));

    // ACT
    const result = await handler(event({ body: '{"count":2,"name":"x"}' }), context);

    // ASSESS
    expect(result.statusCode).toBe(201);
    expect(JSON.parse(result.body ?? '')).toEqual({
      actor: { sub: 'u1', role: 'reporter', region: '110101', unit: 'U-1' },
      body: { count: 2, name: 'x' },
    });
  });

  it('accepts Cognito-style custom: claims', async () => {
    const handler = handlerWith(async ({ actor }) => json(200, actor));
    const result = await handler(
      event(
        { body: '{"count":1,"name":"x"}' },
        { sub: 'o1', 'custom:role': 'office', 'custom:region': '110100', 'custom:level': 'city' },
      ),
      context,
    );
    expect(JSON.parse(result.body ?? '')).toEqual({ sub: 'o1', role: 'office', region: '110100', level: 'city' });
  });

  it.each([
    ['no claims at all', event({ body: '{}' }, null), 401, 'unauthorized'],
    ['claims without a role', event({ body: '{}' }, { sub: 'x', region: '110101' }), 401, 'unauthorized'],
    ['a text body', event({ body: 'hello', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported-media-type'],
    ['a body over 64 KB', event({ body: `{"name":"${'x'.repeat(66_000)}","count":1}` }), 413, 'payload-too-large'],
    ['invalid JSON', event({ body: '{"count":' }), 400, 'invalid-input'],
    [
      'a base64 body whose bytes are not UTF-8',
      event({
        body: Buffer.concat([
          Buffer.from('{"count":1,"name":"'),
          Buffer.from([0xe6, 0xb0, 0x34]),
          Buffer.from('"}'),
        ]).toString('base64'),
        isBase64Encoded: true,
      }),
      400,
      'invalid-input',
    ],
    ['a name escaping a lone surrogate', event({ body: '{"count":1,"name":"\\ud800x"}' }), 400, 'invalid-input'],
    ['a text body holding a lone surrogate', event({ body: '{"count":1,"name":"\ud800"}' }), 400, 'invalid-input'],
  ])('answers %s with %i %s, before the use case runs', async (_name, request, status, code) => {
    let ran = false;
    const handler = handlerWith(async () => {
      ran = true;
      return json(200, {});
    });
    const result = await handler(request, context);
    expect(result.statusCode).toBe(status);
    expect(errorOf(result).error.code).toBe(code);
    expect(ran).toBe(false);
  });

  it('names the field a lone surrogate escape is in, and says the body is not UTF-8', async () => {
    const handler = handlerWith(async () => json(200, {}));

    const result = await handler(event({ body: '{"count":1,"name":"a\\udc00"}' }), context);

    expect(errorOf(result).error).toEqual({
      code: 'invalid-input',
      message: 'the body is not UTF-8 text',
      details: [{ field: 'name', problem: expect.stringContaining('lone surrogate') }],
    });
  });

  it('reads a base64 body that is UTF-8 as the text it encodes', async () => {
    const handler = handlerWith(async ({ body }) => json(200, body));

    const result = await handler(
      event({ body: Buffer.from('{"count":1,"name":"水位"}').toString('base64'), isBase64Encoded: true }),
      context,
    );

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body ?? '')).toEqual({ count: 1, name: '水位' });
  });

  it('names every bad field, unknown fields one by one', async () => {
    const handler = handlerWith(async () => json(200, {}));
    const result = await handler(event({ body: '{"count":-1.5,"extra":1,"other":2}' }), context);
    expect(result.statusCode).toBe(400);
    expect(
      errorOf(result)
        .error.details?.map((d) => d.field)
        .sort(),
    ).toEqual(['count', 'extra', 'name', 'other']);
  });

  it('records a refusal with who, what and where, and answers 403', async () => {
    const { log, recorded } = fakeAccessLog();
    const handler = handlerWith(async () => {
      throw new ForbiddenError('a unit of 110101 cannot report for 310101', { targetRegion: '310101' });
    }, log);
    const result = await handler(event({ body: '{"count":1,"name":"x"}' }), context);
    expect(result.statusCode).toBe(403);
    expect(errorOf(result).error).toEqual({ code: 'forbidden', message: 'a unit of 110101 cannot report for 310101' });
    expect(recorded).toEqual([
      {
        id: expect.any(String),
        at: '2026-11-22T01:00:00.000Z',
        actor: { sub: 'u1', role: 'reporter', region: '110101', unit: 'U-1' },
        action: 'POST /v1/things',
        targetRegion: '310101',
        reason: 'a unit of 110101 cannot report for 310101',
      },
    ]);
  });

  it('refuses and records a role the route is not for before reading the request, so a bad body is a 403', async () => {
    const { log, recorded } = fakeAccessLog();
    let ran = false;
    const handler = apiHandler(
      { action: 'POST /v1/things', roles: ['inspector'], input: { body }, accessLog: log, clock },
      async () => {
        ran = true;
        return json(200, {});
      },
    );

    const result = await handler(event({ body: '{"count":-1}' }), context);

    expect(result.statusCode).toBe(403);
    expect(errorOf(result).error.message).toBe('a reporter cannot call POST /v1/things; only inspector');
    expect(recorded).toEqual([
      expect.objectContaining({ action: 'POST /v1/things', actor: expect.objectContaining({ role: 'reporter' }) }),
    ]);
    expect(ran).toBe(false);
  });

  describe('a refusal names what the request was aimed at, so its jurisdiction sees it too', () => {
    const SHANGHAI_INCIDENT = 'INC-20261122-7K3F9Q2M';
    const refusedBy = async (
      request: APIGatewayProxyEventV2WithJWTAuthorizer,
      incidentRegion?: (id: string) => Promise<string | undefined>,
    ) => {
      const { log, recorded } = fakeAccessLog();
      const handler = apiHandler(
        {
          action: 'POST /v1/incidents/{id}/acknowledge',
          roles: ['office'],
          input: {},
          accessLog: log,
          clock,
          ...(incidentRegion ? { incidentRegion } : {}),
        },
        async () => json(200, {}),
      );
      const result = await handler(request, context);
      expect(result.statusCode).toBe(403);
      return recorded;
    };

    it('the incident in the path, by its region, when the role is refused before any use case read it', async () => {
      const recorded = await refusedBy(event({ pathParameters: { id: SHANGHAI_INCIDENT } }), async (id) =>
        id === SHANGHAI_INCIDENT ? '310101' : undefined,
      );

      expect(recorded).toEqual([expect.objectContaining({ incidentId: SHANGHAI_INCIDENT, targetRegion: '310101' })]);
    });

    it.each([
      ['a region in the path', event({ pathParameters: { region: '310000' } })],
      ['an office code in the path', event({ pathParameters: { code: '310100' } })],
      ['a region in the query', event({ queryStringParameters: { region: '310000' } })],
      ['a report’s region in the body', event({ body: '{"regionCode":"310000","kind":"initial"}' })],
    ])('%s', async (_name, request) => {
      const recorded = await refusedBy(request);

      expect(recorded).toEqual([expect.objectContaining({ targetRegion: expect.stringMatching(/^310/) })]);
    });

    it('and is recorded all the same, under the caller alone, when the incident cannot be looked up', async () => {
      const recorded = await refusedBy(event({ pathParameters: { id: SHANGHAI_INCIDENT } }), async () => {
        throw new Error('DynamoDB is unreachable');
      });

      expect(recorded).toEqual([expect.objectContaining({ incidentId: SHANGHAI_INCIDENT })]);
      expect(recorded[0]).not.toHaveProperty('targetRegion');
    });

    it('names nothing that is not a region (a malformed code in the query)', async () => {
      const recorded = await refusedBy(event({ queryStringParameters: { region: '31000x' } }));

      expect(recorded[0]).not.toHaveProperty('targetRegion');
    });
  });

  it('lets a role the route is for through to validation and the use case', async () => {
    const handler = apiHandler(
      {
        action: 'POST /v1/things',
        roles: ['reporter', 'office'],
        input: { body },
        accessLog: fakeAccessLog().log,
        clock,
      },
      async () => json(200, { ok: true }),
    );

    expect((await handler(event({ body: '{"count":-1}' }), context)).statusCode).toBe(400);
    expect((await handler(event({ body: '{"count":1,"name":"x"}' }), context)).statusCode).toBe(200);
  });

  it.each([
    ['DynamoDB throttling a hot partition', 'ProvisionedThroughputExceededException', undefined],
    ['DynamoDB throttling', 'ThrottlingException', undefined],
    ['any service error the SDK marks as throttling', 'SlowDownException', { throttling: true }],
  ])('answers %s with 429, Retry-After and the error shape', async (_name, name, retryable) => {
    // PREPARE
    const throttled = Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
      name,
      ...(retryable ? { $retryable: retryable } : {}),
    });
    const handler = handlerWith(async () => {
      throw throttled;
    });

    // ACT
    const result = await handler(event({ body: '{"count":1,"name":"x"}' }), context);

    // ASSESS
    expect(result.statusCode).toBe(429);
    expect(result.headers?.['retry-after']).toBe('1');
    expect(errorOf(result).error).toEqual({ code: 'too-many-requests', message: expect.any(String) });
  });

  it.each([
    ['DynamoDB failing on its side', 'InternalServerError', 'server'],
    ['a service unavailable for a moment', 'ServiceUnavailable', 'server'],
    ['the SDK giving up waiting for an answer', 'TimeoutError', undefined],
  ])('answers %s with 503, Retry-After and the error shape, revealing nothing', async (_name, name, fault) => {
    // PREPARE
    const failed = Object.assign(new Error('Internal server error at 10.0.3.7'), {
      name,
      ...(fault ? { $fault: fault } : {}),
    });
    const handler = handlerWith(async () => {
      throw failed;
    });

    // ACT
    const result = await handler(event({ body: '{"count":1,"name":"x"}' }), context);

    // ASSESS
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBe('1');
    expect(errorOf(result).error).toEqual({ code: 'unavailable', message: expect.any(String) });
    expect(result.body).not.toContain('10.0.3.7');
  });

  it('answers a request the service refused as malformed (a fault of ours, not its) with a 500', async () => {
    const refused = await handlerWith(async () => {
      throw Object.assign(new Error('One or more parameter values were invalid'), {
        name: 'ValidationException',
        $fault: 'client',
      });
    })(event({ body: '{"count":1,"name":"x"}' }), context);
    expect(refused.statusCode).toBe(500);
    expect(errorOf(refused).error.code).toBe('internal');
  });

  it('maps a domain error to its status and hides anything else behind a generic 500', async () => {
    const notFound = await handlerWith(async () => {
      throw new NotFoundError('incident INC-1 does not exist');
    })(event({ body: '{"count":1,"name":"x"}' }), context);
    expect(notFound.statusCode).toBe(404);

    const crash = await handlerWith(async () => {
      throw new Error('connection string with password=hunter2');
    })(event({ body: '{"count":1,"name":"x"}' }), context);
    expect(crash.statusCode).toBe(500);
    expect(crash.body).not.toContain('hunter2');
    expect(errorOf(crash).error.code).toBe('internal');
  });
});
