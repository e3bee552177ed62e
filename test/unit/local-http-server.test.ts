import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSigner, openLocalSigner } from '../../infra/local/auth';
import { type LocalHttpServer, startLocalHttpServer } from '../../infra/local/http-server';
import { PortInUseError } from '../../infra/local/ports';

describe('local HTTP API', () => {
  let dataDir: string;
  let signer: LocalSigner;
  let server: LocalHttpServer;
  const seen: APIGatewayProxyEventV2WithJWTAuthorizer[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'http-server-test-'));
    signer = await openLocalSigner(dataDir);
    server = await startLocalHttpServer({
      port: 0,
      verifyToken: (token) => signer.verify(token),
      routes: [
        {
          method: 'GET',
          path: '/health',
          fn: 'health',
          auth: false,
          handler: async () => ({ statusCode: 200, body: 'ok' }),
        },
        {
          method: 'POST',
          path: '/v1/incidents/{id}/forward',
          fn: 'health',
          auth: true,
          handler: async (event) => {
            seen.push(event);
            return { statusCode: 202, headers: { 'content-type': 'application/json' }, body: '{"done":true}' };
          },
        },
        {
          method: 'GET',
          path: '/v1/boom',
          fn: 'health',
          auth: false,
          handler: async () => {
            throw new Error('secret detail');
          },
        },
      ],
    });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('passes an API Gateway v2 event with verified claims, path and query parameters', async () => {
    const token = await signer.sign({ sub: 'office-1', role: 'office', region: '110100', level: 'city' });
    const response = await fetch(`${server.url}/v1/incidents/INC%2D1/forward?x=1&x=2`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'X-Custom': 'A' },
      body: '{"grade":"II"}',
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ done: true });
    const event = seen.at(-1);
    expect(event?.routeKey).toBe('POST /v1/incidents/{id}/forward');
    expect(event?.pathParameters).toEqual({ id: 'INC-1' });
    expect(event?.queryStringParameters).toEqual({ x: '1,2' });
    expect(event?.headers['x-custom']).toBe('A');
    expect(event?.body).toBe('{"grade":"II"}');
    expect(event?.requestContext.authorizer.jwt.claims).toMatchObject({
      sub: 'office-1',
      role: 'office',
      region: '110100',
      level: 'city',
    });
  });

  it('refuses a protected route without a valid token, before the handler runs', async () => {
    const before = seen.length;
    const missing = await fetch(`${server.url}/v1/incidents/1/forward`, { method: 'POST' });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });

    const forged = await openLocalSigner(mkdtempSync(join(tmpdir(), 'other-key-')));
    const token = await forged.sign({ sub: 'x', role: 'inspector', region: '110000' });
    const wrongKey = await fetch(`${server.url}/v1/incidents/1/forward`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(wrongKey.status).toBe(401);

    const expired = await signer.sign({ sub: 'x', role: 'inspector', region: '110000' }, -10);
    const late = await fetch(`${server.url}/v1/incidents/1/forward`, {
      method: 'POST',
      headers: { authorization: `Bearer ${expired}` },
    });
    expect(late.status).toBe(401);
    expect(seen.length).toBe(before);
  });

  it('answers 404 and 405 in the contract shape', async () => {
    const notFound = await fetch(`${server.url}/v2/unknown`);
    expect(notFound.status).toBe(404);
    expect(((await notFound.json()) as { error: { code: string } }).error.code).toBe('not-found');
    const wrongMethod = await fetch(`${server.url}/health`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
  });

  it('turns a handler crash into a generic 500 that reveals nothing', async () => {
    const response = await fetch(`${server.url}/v1/boom`);
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('secret detail');
  });

  it('reports a busy port as PortInUseError', async () => {
    await expect(
      startLocalHttpServer({ port: server.port, routes: [], verifyToken: async () => ({}) }),
    ).rejects.toBeInstanceOf(PortInUseError);
  });
  it.each(['%E0%A4%A', '%ZZ', '%', '%C0%AF', 'INC-1%FF'])(
    'answers a malformed percent-escape (%s) in a path parameter with a 400 naming it, before the handler runs',
    async (id) => {
      // PREPARE
      const token = await signer.sign({ sub: 'office-1', role: 'office', region: '110100', level: 'city' });
      const before = seen.length;

      // ACT
      const response = await fetch(`${server.url}/v1/incidents/${id}/forward`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });

      // ASSESS
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: {
          code: 'invalid-input',
          message: expect.any(String),
          details: [{ field: 'id', problem: expect.stringContaining('percent-encoded') }],
        },
      });
      expect(seen.length).toBe(before);
    },
  );

  it('hands the handler a body that is not UTF-8 base64-encoded, byte for byte, instead of decoding it lossily', async () => {
    // PREPARE
    const token = await signer.sign({ sub: 'office-1', role: 'office', region: '110100', level: 'city' });
    const bytes = Buffer.concat([Buffer.from('{"note":"'), Buffer.from([0xe6, 0xb0, 0x34, 0xff]), Buffer.from('"}')]);

    // ACT
    const response = await fetch(`${server.url}/v1/incidents/INC-1/forward`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: bytes,
    });

    // ASSESS
    expect(response.status).toBe(202);
    const event = seen.at(-1);
    expect(event?.isBase64Encoded).toBe(true);
    expect(Buffer.from(event?.body ?? '', 'base64').equals(bytes)).toBe(true);
  });

  const errorShape = { error: { code: expect.any(String), message: expect.any(String) } };

  /** Sends raw bytes on a fresh connection and returns everything the server answers before it closes. */
  const rawExchange = (request: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1');
      let answer = '';
      socket.on('data', (chunk: Buffer) => {
        answer += chunk.toString('utf8');
      });
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
      socket.write(request);
    });

  const parse = (answer: string) => {
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    return { statusLine: head.split('\r\n')[0], head: head.toLowerCase(), body: JSON.parse(body) as unknown };
  };

  it('answers headers over 16 KB with a 431 carrying the error body', async () => {
    // ACT
    const answer = parse(await rawExchange(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));

    // ASSESS
    expect(answer.statusLine).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer.head).toContain('content-type: application/json');
    expect(answer.body).toEqual(errorShape);
  });

  it('answers a request with both Content-Length and Transfer-Encoding with a 400 carrying the error body', async () => {
    // ACT
    const answer = parse(
      await rawExchange(
        'POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
      ),
    );

    // ASSESS
    expect(answer.statusLine).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer.body).toEqual(errorShape);
  });

  it('answers a request line it cannot parse with a 400 carrying the error body', async () => {
    const answer = parse(await rawExchange('GET /health HTTP/1.1 extra\r\n\r\n'));

    expect(answer.statusLine).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer.body).toEqual(errorShape);
  });
});

describe('local HTTP API throttling', () => {
  let server: LocalHttpServer;
  let served = 0;

  beforeAll(async () => {
    server = await startLocalHttpServer({
      port: 0,
      verifyToken: async () => ({}),
      // One token a minute: however slow the machine, none comes back during the test.
      throttle: { rateLimit: 1 / 60, burstLimit: 3 },
      routes: [
        {
          method: 'GET',
          path: '/health',
          fn: 'health',
          auth: false,
          handler: async () => {
            served += 1;
            return { statusCode: 200, body: 'ok' };
          },
        },
      ],
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('serves a burst up to its limit, then answers 429 with Retry-After and the error body without running the handler', async () => {
    // ACT
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await fetch(`${server.url}/health`));

    // ASSESS
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429]);
    const throttled = answers[3];
    expect(Number(throttled?.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(Number(throttled?.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await throttled?.json()).toEqual({ error: { code: 'too-many-requests', message: expect.any(String) } });
    expect(served).toBe(3);
  });

  it('throttles unknown routes as well, as the stage does', async () => {
    const answer = await fetch(`${server.url}/nowhere`);

    expect(answer.status).toBe(429);
  });
});
