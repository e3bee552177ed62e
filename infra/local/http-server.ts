/**
 * The local twin of the HTTP API: a `node:http` server on 127.0.0.1 that throttles as the API
 * stage does, matches the routes of `infra/api.ts`, verifies the bearer token as the JWT authorizer
 * would, builds an API Gateway v2 event and calls the same handler the Lambda runs. Whatever it
 * answers itself — a throttled request, an unknown route, a request its parser cannot read — has
 * the contract's error shape.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { attributeWritesTo } from '../../shared/adapters/dynamodb/write-counter';
import type { ApiThrottle, RouteDef } from '../api';
import { LOCAL_ACCOUNT } from './aws-local';
import { lambdaContext } from './lambda-context';
import { PortInUseError } from './ports';
import { makeTokenBucket } from './token-bucket';

export type HttpHandler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyResultV2 | undefined>;

export interface LocalRoute extends RouteDef {
  readonly handler: HttpHandler;
}

export interface LocalHttpOptions {
  readonly port: number;
  readonly routes: readonly LocalRoute[];
  readonly verifyToken: (token: string) => Promise<Record<string, unknown>>;
  /** One line per request, e.g. `POST /v1/reports 201 12 ms`. */
  readonly log?: (line: string) => void;
  /** The stage's throttling to enforce (`apiThrottle` in `infra/api.ts`); absent: none. */
  readonly throttle?: ApiThrottle;
  /**
   * Paths that are not API routes (the web console, the local sign-in): answers and returns true
   * if it serves the path, false to leave it to the API's 404.
   */
  readonly fallback?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
}

// API Gateway HTTP APIs refuse payloads over 10 MB before any Lambda runs; so do we.
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
// API Gateway's integration timeout.
const INTEGRATION_TIMEOUT_MS = 29_000;

const errorBody = (code: string, message: string, details?: readonly { field: string; problem: string }[]): string =>
  JSON.stringify({ error: { code, message, ...(details ? { details } : {}) } });

/**
 * A path parameter as API Gateway hands it over: percent-decoded. A malformed escape (`%E0%A4%A`,
 * `%ZZ`) or one that decodes to bytes that are not UTF-8 cannot be decoded: the request is bad.
 */
const decodePathParameter = (raw: string): string | undefined => {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as API Gateway hands it to a function: text when it is text, base64 otherwise. Bytes that
 * are not UTF-8 are never decoded here — decoding them would replace them with U+FFFD before the
 * handler could see they were there — but passed base64-encoded, for the handler to refuse.
 */
const eventBody = (body: Buffer): { readonly body: string; readonly isBase64Encoded: boolean } => {
  try {
    return { body: utf8.decode(body), isBase64Encoded: false };
  } catch {
    return { body: body.toString('base64'), isBase64Encoded: true };
  }
};

/**
 * What node's HTTP parser refuses before a request exists, answered in the contract's shape (node
 * itself would send a bare status line): headers over its 16 KB limit, both `Content-Length` and
 * `Transfer-Encoding`, a request line or header it cannot parse, a request that never finished.
 */
const parserRefusal = (error: NodeJS.ErrnoException): { status: number; reason: string; body: string } => {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        reason: 'Request Header Fields Too Large',
        body: errorBody('headers-too-large', 'the request headers exceed 16 KB'),
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return {
        status: 413,
        reason: 'Payload Too Large',
        body: errorBody('payload-too-large', 'the chunk extensions exceed 16 KB'),
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        reason: 'Request Timeout',
        body: errorBody('timeout', 'the request did not arrive in time'),
      };
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return {
        status: 400,
        reason: 'Bad Request',
        body: errorBody('bad-request', 'send either Content-Length or Transfer-Encoding, not both'),
      };
    default:
      return {
        status: 400,
        reason: 'Bad Request',
        body: errorBody('bad-request', `the request is not valid HTTP/1.1 (${error.code ?? 'unreadable'})`),
      };
  }
};

const answerParserError = (error: NodeJS.ErrnoException, socket: Duplex): void => {
  // A client that has gone is owed nothing. While an answer to an earlier request on the connection
  // is still being written (node keeps it as the socket's `_httpMessage`), bytes written here would
  // land inside it: close the connection instead, as node does.
  const answering = (socket as Duplex & { _httpMessage?: unknown })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || answering) {
    socket.destroy();
    return;
  }
  const { status, reason, body } = parserRefusal(error);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
};

interface CompiledRoute {
  readonly route: LocalRoute;
  readonly pattern: RegExp;
  readonly params: readonly string[];
}

const compile = (route: LocalRoute): CompiledRoute => {
  const params: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (!param?.[1]) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(param[1]);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), params };
};

const readBody = (req: IncomingMessage): Promise<Buffer | 'too-large'> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_PAYLOAD_BYTES ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });

/** API Gateway joins repeated headers and query parameters with commas; so does this. */
const joinValues = (values: Record<string, string | string[] | undefined>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    out[key.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
};

const queryParameters = (search: URLSearchParams): Record<string, string> | undefined => {
  const out: Record<string, string> = {};
  for (const key of new Set(search.keys())) out[key] = search.getAll(key).join(',');
  return Object.keys(out).length > 0 ? out : undefined;
};

/** HTTP API JWT authorizers hand claims to the integration as strings. */
const stringClaims = (claims: Record<string, unknown>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(claims)) {
    out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
};

const normaliseResult = (result: APIGatewayProxyResultV2 | undefined): APIGatewayProxyStructuredResultV2 => {
  if (result === undefined) return { statusCode: 200, body: '' };
  if (typeof result === 'string')
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: result };
  if (typeof result === 'object' && result !== null && 'statusCode' in result) {
    return result as APIGatewayProxyStructuredResultV2;
  }
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) };
};

const withTimeout = <T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
};

export interface LocalHttpServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts listening; rejects with PortInUseError if the port is taken. */
export const startLocalHttpServer = async (options: LocalHttpOptions): Promise<LocalHttpServer> => {
  const compiled = options.routes.map(compile);
  const log = options.log ?? (() => undefined);
  const bucket = options.throttle ? makeTokenBucket(options.throttle) : undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const method = req.method ?? 'GET';
    // The request target split by hand: `new URL` would read `//host/x` as another host's `/x`.
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const pathname = queryAt === -1 ? target : target.slice(0, queryAt);
    const rawQueryString = queryAt === -1 ? '' : target.slice(queryAt + 1);
    const send = (status: number, headers: Record<string, string>, body: string, cookies?: string[]): void => {
      res.writeHead(status, { ...headers, ...(cookies?.length ? { 'set-cookie': cookies } : {}) });
      res.end(body);
      log(`${method} ${pathname} ${status} ${Date.now() - started} ms`);
    };
    const json = { 'content-type': 'application/json' };

    const candidates = compiled.filter((c) => c.pattern.test(pathname));
    // What is no API route (the console's files, the local sign-in) is served before the stage's
    // throttle: on AWS the CDN serves the console, and the stage never sees those requests.
    if (candidates.length === 0 && options.fallback) {
      const url = new URL('http://127.0.0.1');
      url.pathname = pathname;
      url.search = rawQueryString;
      if (await options.fallback(req, res, url)) {
        // The console's own files would bury the API's lines; its sign-ins are worth a line.
        if (pathname.startsWith('/local/')) log(`${method} ${pathname} ${res.statusCode} ${Date.now() - started} ms`);
        return;
      }
    }

    // The stage throttles before anything else, unknown routes and bad tokens included.
    const turn = bucket?.take();
    if (turn && !turn.allowed) {
      return send(
        429,
        { ...json, 'retry-after': String(turn.retryAfterSeconds) },
        errorBody(
          'too-many-requests',
          `the API is taking more requests than its limit of ${options.throttle?.rateLimit} a second ` +
            `(bursts of ${options.throttle?.burstLimit}); send it again after ${turn.retryAfterSeconds} s`,
        ),
      );
    }
    const match = candidates.find((c) => c.route.method === method);
    if (!match) {
      if (candidates.length > 0)
        return send(405, json, errorBody('method-not-allowed', `${method} is not allowed here`));
      return send(404, json, errorBody('not-found', `no route for ${method} ${pathname}`));
    }

    const values = match.pattern.exec(pathname)?.slice(1) ?? [];
    const pathParameters: Record<string, string> = {};
    const undecodable: { field: string; problem: string }[] = [];
    match.params.forEach((name, i) => {
      const decoded = decodePathParameter(values[i] ?? '');
      if (decoded === undefined) undecodable.push({ field: name, problem: 'is not valid percent-encoded UTF-8' });
      else pathParameters[name] = decoded;
    });
    if (undecodable.length > 0) {
      req.resume();
      return send(400, json, errorBody('invalid-input', 'the path is invalid', undecodable));
    }

    const body = await readBody(req);
    if (body === 'too-large') return send(413, json, errorBody('payload-too-large', 'the request body exceeds 10 MB'));

    let claims: Record<string, unknown> = {};
    if (match.route.auth) {
      const header = req.headers.authorization ?? '';
      const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
      if (!token) return send(401, json, errorBody('unauthorized', 'send `Authorization: Bearer <token>`'));
      try {
        claims = await options.verifyToken(token);
      } catch {
        return send(401, json, errorBody('unauthorized', 'the token is invalid or has expired'));
      }
    }

    const search = new URLSearchParams(rawQueryString);
    const routeKey = `${match.route.method} ${match.route.path}`;
    const headers = joinValues(req.headers);
    const now = new Date();
    const event: APIGatewayProxyEventV2WithJWTAuthorizer = {
      version: '2.0',
      routeKey,
      rawPath: pathname,
      rawQueryString,
      headers,
      ...(queryParameters(search) ? { queryStringParameters: queryParameters(search) } : {}),
      ...(match.params.length > 0 ? { pathParameters } : {}),
      ...(body.length > 0 ? eventBody(body) : { isBase64Encoded: false }),
      requestContext: {
        accountId: LOCAL_ACCOUNT,
        apiId: 'local',
        authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: stringClaims(claims), scopes: [] } },
        domainName: headers.host ?? '127.0.0.1',
        domainPrefix: 'local',
        http: {
          method,
          path: pathname,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        routeKey,
        stage: '$default',
        time: now.toISOString(),
        timeEpoch: now.getTime(),
      },
    };

    const result = await withTimeout(
      attributeWritesTo(match.route.fn, () =>
        match.route.handler(event, lambdaContext(match.route.fn, INTEGRATION_TIMEOUT_MS)),
      ),
      INTEGRATION_TIMEOUT_MS,
    );
    if (result === 'timeout') return send(504, json, errorBody('timeout', 'the handler did not answer in time'));
    const shaped = normaliseResult(result);
    const outHeaders: Record<string, string> = {};
    for (const [key, value] of Object.entries(shaped.headers ?? {})) outHeaders[key] = String(value);
    const outBody = shaped.isBase64Encoded ? Buffer.from(shaped.body ?? '', 'base64').toString() : (shaped.body ?? '');
    send(shaped.statusCode ?? 200, outHeaders, outBody, shaped.cookies);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A handler that throws is a 500 on AWS too; the detail goes to the console, not the client.
      console.error(`unhandled error on ${req.method} ${req.url}:`, error);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(errorBody('internal', 'internal error'));
      }
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('clientError', answerParserError);

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(options.port) : error);
    });
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
