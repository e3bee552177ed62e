/**
 * A seeded, bounded fuzz of the HTTP API: requests to every route of `infra/api.ts` (and to paths
 * that are none), with malformed paths and percent-escapes, query strings, headers and bodies —
 * wrong types, too large, not UTF-8, not JSON, under the wrong content type — sent with valid
 * tokens of every role and with tokens that are no good. Every answer must be below 500, every
 * 4xx must have the contract's error shape, and a refused request must have written nothing.
 *
 * The requests are drawn with fast-check from one seed, so a run is repeated by its seed (the
 * incident ids it aims at are the ones its setup created). `npm test` runs a few hundred
 * (`test/integration/fuzz-http.test.ts`); `npm run soak:fuzz -- --seed S --count N` as many as
 * asked (`fuzz.ts`).
 */
import { Agent, request } from 'node:http';
import fc from 'fast-check';
import * as z from 'zod';
import { type RouteDef, routes } from '../../infra/api';

/** One request exactly as it goes on the wire. */
export interface FuzzRequest {
  /** The route it was drawn for (`METHOD /path` as in `infra/api.ts`), or `(no route)`. */
  readonly aim: string;
  readonly method: string;
  /** The request target: path and query, escapes and all, as sent. */
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  /** Which token it carries, if any: `reporter`, `expired`, … */
  readonly token: string;
}

/** What the fuzz aims at: tokens by name, and the ids and bodies the setup made valid. */
export interface FuzzTargets {
  /** Valid tokens of every role, and tokens that are no good, by name. */
  readonly tokens: Readonly<Record<string, string>>;
  /** The names of the valid ones. */
  readonly roles: readonly string[];
  /** Incidents that exist. */
  readonly incidentIds: readonly string[];
  /** A valid body for each POST route's function, e.g. `submitReport`. */
  readonly bodies: Readonly<Partial<Record<RouteDef['fn'], Record<string, unknown>>>>;
}

/** Percent-escapes that decode to nothing (or to something a path must not hold). */
const BAD_ESCAPES = ['%E0%A4%A', '%ZZ', '%', '%FF', '%C0%AF', '%ED%A0%80', '%00', '%2F', '%2e%2e', '%F4%90%80%80'];

const pathSafe = fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@%-]{1,40}$/);

/** A path segment: mostly plausible, sometimes hostile. */
const segment = (plausible: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: plausible },
    { weight: 2, arbitrary: fc.constantFrom(...BAD_ESCAPES) },
    { weight: 2, arbitrary: pathSafe },
    {
      weight: 1,
      arbitrary: fc.constantFrom('é', 'ÿ', '..', '.', '~', `a${'b'.repeat(3000)}`, `x${'%41'.repeat(700)}`),
    },
  );

const REGIONS = ['110000', '110100', '110101', '110102', '310000', '310101', '000000', '440000'];
const NOT_REGIONS = ['999999', '11010', '1101011', 'abcdef', '110000%20', '-11000', encodeURIComponent('１１００００')];

const parameter = (name: string, targets: FuzzTargets): fc.Arbitrary<string> => {
  if (name === 'id') {
    return segment(
      fc.oneof(
        fc.constantFrom(...(targets.incidentIds.length > 0 ? targets.incidentIds : ['INC-20261122-7K3F9Q2M'])),
        fc.constantFrom('INC-20261122-7K3F9Q2M', 'INC-20261122-00000000', 'INC-1', 'inc-20261122-7k3f9q2m'),
      ),
    );
  }
  return segment(fc.oneof(fc.constantFrom(...REGIONS), fc.constantFrom(...NOT_REGIONS)));
};

const QUERY_KEYS = ['region', 'from', 'to', 'limit', 'cursor', 'status', 'grade', 'format', 'office', 'kind'];

const queryValue = fc.oneof(
  fc.constantFrom(...REGIONS, ...NOT_REGIONS),
  fc.constantFrom('2026-11-22', '2026-02-30', '2026-11-22T08:00:00+08:00', '2026-11-22T08:00:00', '0', '9999-12-31'),
  fc.constantFrom('1', '50', '200', '201', '0', '-1', '1.5', '1e3', 'NaN', '9'.repeat(400)),
  fc.constantFrom(
    'open',
    'closed',
    'I',
    'IV',
    'V',
    'csv',
    'json',
    'xml',
    'unit-report',
    'zero-report',
    'required-element',
  ),
  fc
    .constantFrom(
      { partition: '0', pk: 'DENIED#110000', sk: 'zzzz' },
      { pk: 'INC#x', sk: 'HEAD', countyCode: '110101', listKey: 'k' },
      { part: '0' },
      { source: '0', position: '{"part":99}' },
      {},
    )
    .map((record) => Buffer.from(JSON.stringify(record)).toString('base64url')),
  fc.constantFrom('not-base64!', 'e30', '', 'a'.repeat(3000)),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  fc.constantFrom(...BAD_ESCAPES),
);

const query = fc
  .array(fc.tuple(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...QUERY_KEYS) }, pathSafe), queryValue), {
    maxLength: 5,
  })
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([key, value]) => `${key}=${value}`).join('&')}`));

/** A value of the wrong kind, or of the right kind and wrong size. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 1.5, 1e20, 1e308, -0, '', 'x'.repeat(10_000), [], {}, ['a'], { a: 1 }),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
);

type Body = Record<string, unknown>;

/** A valid body changed in one or a few places. */
const mutated = (valid: Body): fc.Arbitrary<Body> => {
  const keys = Object.keys(valid);
  const one = fc.oneof(
    fc.constantFrom(...(keys.length > 0 ? keys : ['x'])).map((key) => (body: Body) => {
      const { [key]: _dropped, ...rest } = body;
      return rest;
    }),
    fc.tuple(fc.constantFrom(...(keys.length > 0 ? keys : ['x'])), wrongValue).map(([key, value]) => (body: Body) => ({
      ...body,
      [key]: value,
    })),
    fc.tuple(pathSafe, wrongValue).map(([key, value]) => (body: Body) => ({ ...body, [key]: value })),
  );
  return fc
    .array(one, { minLength: 1, maxLength: 3 })
    .map((changes) => changes.reduce((body, change) => change(body), valid));
};

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

/** Bytes that are no UTF-8, put inside a string of the body. */
const NOT_UTF8 = [[0xff], [0xe6, 0xb0], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]];

const withBadBytes = (valid: Body): fc.Arbitrary<Buffer> =>
  fc.constantFrom(...NOT_UTF8).map((bytes) => {
    const text = JSON.stringify({ ...valid, fuzz: '@@' });
    const [before = '', after = ''] = text.split('@@');
    return Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);
  });

const nested = (depth: number): unknown => (depth === 0 ? 1 : { a: nested(depth - 1) });

const body = (valid: Body | undefined): fc.Arbitrary<Buffer | undefined> => {
  const base = valid ?? {};
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: fc.constant(json(base)) },
    { weight: 6, arbitrary: mutated(base).map(json) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(json) },
    { weight: 1, arbitrary: fc.string({ maxLength: 50 }).map((text) => Buffer.from(text)) },
    { weight: 2, arbitrary: withBadBytes(base) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        Buffer.from(JSON.stringify({ ...base, fuzz: '@@' }).replace('@@', '\\ud800')),
        json({ ...base, summary: 'x'.repeat(70 * 1024) }),
        json(nested(2_000)),
        Buffer.from('{"a":1e400}'),
        Buffer.from(''),
        Buffer.from('null'),
        Buffer.from('[]'),
        Buffer.from('\uFEFF{}'),
      ),
    },
  );
};

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
];

const headers = (targets: FuzzTargets): fc.Arbitrary<{ token: string; headers: Record<string, string> }> =>
  fc
    .record({
      token: fc.oneof(
        { weight: 12, arbitrary: fc.constantFrom(...targets.roles) },
        {
          weight: 3,
          arbitrary: fc.constantFrom(...Object.keys(targets.tokens).filter((t) => !targets.roles.includes(t))),
        },
        { weight: 1, arbitrary: fc.constant('(none)') },
      ),
      scheme: fc.oneof(
        { weight: 12, arbitrary: fc.constant('Bearer ') },
        fc.constantFrom('bearer  ', 'Basic ', '', 'Bearer'),
      ),
      contentType: fc.oneof(
        { weight: 4, arbitrary: fc.constant('application/json') },
        fc.constantFrom(...CONTENT_TYPES),
      ),
      idempotencyKey: fc.oneof(
        fc.constant(undefined),
        fc.stringMatching(/^[A-Za-z0-9._:-]{1,40}$/),
        fc.constantFrom('', 'has spaces', 'x'.repeat(200), 'ünïcödé'),
      ),
      extra: fc.array(fc.tuple(fc.stringMatching(/^x-[a-z0-9-]{1,20}$/), fc.stringMatching(/^[ -~]{0,60}$/)), {
        maxLength: 3,
      }),
      huge: fc.oneof({ weight: 40, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    })
    .map(({ token, scheme, contentType, idempotencyKey, extra, huge }) => {
      const out: Record<string, string> = {};
      for (const [name, value] of extra) out[name] = value;
      if (token !== '(none)') out.authorization = `${scheme}${targets.tokens[token] ?? ''}`;
      if (contentType) out['content-type'] = contentType;
      if (idempotencyKey !== undefined) out['idempotency-key'] = idempotencyKey;
      // Past node's 16 KB header limit: the parser's own refusal.
      if (huge) out['x-huge'] = 'h'.repeat(17 * 1024);
      return { token, headers: out };
    });

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

const UNKNOWN_PATHS = [
  '/',
  '/v1',
  '/v1/',
  '/v2/reports',
  '/v1/reports/',
  '//v1/reports',
  '/V1/REPORTS',
  '/v1/incidents/x/y',
];

/** One request: to a route of the API (most of the time) or to no route at all. */
export const fuzzRequest = (targets: FuzzTargets): fc.Arbitrary<FuzzRequest> => {
  const toRoute = fc.constantFrom(...routes).chain((route) => {
    const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
    return fc
      .record({
        values: fc.tuple(...names.map((name) => parameter(name, targets))),
        method: fc.oneof({ weight: 9, arbitrary: fc.constant(route.method) }, fc.constantFrom(...METHODS)),
        query,
        body: body(targets.bodies[route.fn]),
        head: headers(targets),
      })
      .map(({ values, method, query: search, body: payload, head }) => {
        let index = 0;
        const path = route.path.replace(/\{\w+\}/g, () => values[index++] ?? '');
        const sendsBody = method !== 'GET' && method !== 'OPTIONS';
        return {
          aim: `${route.method} ${route.path}`,
          method,
          target: `${path}${search}`,
          headers: head.headers,
          ...(sendsBody && payload !== undefined ? { body: payload } : {}),
          token: head.token,
        };
      });
  });
  const toNowhere = fc
    .record({
      path: fc.oneof(
        fc.constantFrom(...UNKNOWN_PATHS),
        pathSafe.map((s) => `/v1/${s}`),
      ),
      method: fc.constantFrom(...METHODS),
      query,
      head: headers(targets),
    })
    .map(({ path, method, query: search, head }) => ({
      aim: '(no route)',
      method,
      target: `${path}${search}`,
      headers: head.headers,
      token: head.token,
    }));
  return fc.oneof({ weight: 12, arbitrary: toRoute }, { weight: 1, arbitrary: toNowhere });
};

/** What came back. */
export interface FuzzAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** Sends one request as it is; `unsendable` when node itself will not put it on the wire. */
export const send = (baseUrl: string, fuzz: FuzzRequest): Promise<FuzzAnswer | 'unsendable'> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(baseUrl);
    let req: ReturnType<typeof request>;
    try {
      req = request({
        host: hostname,
        port,
        method: fuzz.method,
        path: fuzz.target,
        headers: { ...fuzz.headers, ...(fuzz.body ? { 'content-length': String(fuzz.body.length) } : {}) },
        agent,
        timeout: 60_000,
      });
    } catch {
      return resolve('unsendable');
    }
    req.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          contentType: String(response.headers['content-type'] ?? ''),
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      response.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 60 s')));
    req.on('error', reject);
    req.end(fuzz.body);
  });

const errorShape = z.strictObject({
  error: z.strictObject({
    code: z.string().min(1),
    message: z.string().min(1),
    details: z
      .array(z.strictObject({ field: z.string(), problem: z.string() }))
      .min(1)
      .optional(),
  }),
});

/** Figures of a run, and the requests that broke a rule. */
export interface FuzzFigures {
  requests: number;
  unsendable: number;
  byStatus: Record<string, number>;
  byErrorCode: Record<string, number>;
  byAim: Record<string, number>;
  serverErrors: number;
  shapeViolations: number;
  writesOnRefusal: number;
  failures: { readonly index: number; readonly request: string; readonly problem: string }[];
}

const count = (tally: Record<string, number>, key: string) => {
  tally[key] = (tally[key] ?? 0) + 1;
};

const describeRequest = (fuzz: FuzzRequest): string => {
  const payload = fuzz.body ? ` body ${fuzz.body.length} B: ${fuzz.body.subarray(0, 120).toString('latin1')}` : '';
  return `${fuzz.method} ${fuzz.target.slice(0, 200)} [${fuzz.aim}; token ${fuzz.token}; content-type ${fuzz.headers['content-type'] ?? '(none)'}]${payload}`;
};

export interface FuzzRun {
  readonly baseUrl: string;
  readonly targets: FuzzTargets;
  readonly seed: number;
  readonly count: number;
  /**
   * What the evidence tables hold, as one comparable value (e.g. their item counts): read before
   * and after every refused write, which must leave it as it was.
   */
  readonly writes: () => Promise<string>;
  /**
   * Waits until what an accepted write set off in the background (notifications) has landed, and
   * gives what `writes` then reads.
   */
  readonly settle: () => Promise<string>;
  readonly progress?: (done: number, figures: FuzzFigures) => void;
}

/** Draws `count` requests from `seed`, sends them one after another and holds every answer to the rules. */
export const runFuzz = async (run: FuzzRun): Promise<FuzzFigures> => {
  const figures: FuzzFigures = {
    requests: 0,
    unsendable: 0,
    byStatus: {},
    byErrorCode: {},
    byAim: {},
    serverErrors: 0,
    shapeViolations: 0,
    writesOnRefusal: 0,
    failures: [],
  };
  const fail = (index: number, fuzz: FuzzRequest, problem: string) => {
    if (figures.failures.length < 50) figures.failures.push({ index, request: describeRequest(fuzz), problem });
  };
  const drawn = fc.sample(fuzzRequest(run.targets), { seed: run.seed, numRuns: run.count });
  // What the tables held after the last request that could write; nothing but an accepted write
  // changes it, and after one the run waits for the tables to settle and reads it again.
  let settled = await run.settle();
  for (const [index, fuzz] of drawn.entries()) {
    // Only a POST to a route that writes can reach code that writes: a GET route reads, and any
    // other method is a 405 before a function runs.
    const mayWrite = fuzz.method === 'POST' && fuzz.aim.startsWith('POST ');
    const answer = await send(run.baseUrl, fuzz);
    figures.requests += 1;
    count(figures.byAim, fuzz.aim);
    if (answer === 'unsendable') {
      figures.unsendable += 1;
      continue;
    }
    count(figures.byStatus, String(answer.status));
    if (answer.status >= 500) {
      figures.serverErrors += 1;
      fail(index, fuzz, `answered ${answer.status}: ${answer.text.slice(0, 200)}`);
    } else if (answer.status >= 400) {
      let parsed: z.ZodSafeParseResult<z.output<typeof errorShape>> | undefined;
      try {
        parsed = errorShape.safeParse(JSON.parse(answer.text));
      } catch {
        parsed = undefined;
      }
      if (!parsed?.success || !answer.contentType.startsWith('application/json')) {
        figures.shapeViolations += 1;
        fail(index, fuzz, `answered ${answer.status} without the error shape: ${answer.text.slice(0, 200)}`);
      } else {
        count(figures.byErrorCode, `${answer.status} ${parsed.data.error.code}`);
      }
      if (mayWrite && (await run.writes()) !== settled) {
        figures.writesOnRefusal += 1;
        fail(index, fuzz, `answered ${answer.status} but the evidence tables changed`);
        settled = await run.settle();
      }
    } else if (mayWrite) {
      settled = await run.settle();
    }
    run.progress?.(index + 1, figures);
  }
  return figures;
};

/** The figures as a few lines of text. */
export const describeFigures = (figures: FuzzFigures, seconds: number): string => {
  const sorted = (tally: Record<string, number>) =>
    Object.entries(tally)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, n]) => `    ${key.padEnd(44)} ${n}`)
      .join('\n');
  const fourXx = Object.entries(figures.byStatus)
    .filter(([status]) => status.startsWith('4'))
    .reduce((sum, [, n]) => sum + n, 0);
  return [
    `requests              ${figures.requests} in ${seconds.toFixed(1)} s (${(figures.requests / seconds).toFixed(0)}/s); ${figures.unsendable} that node would not send`,
    `2xx                   ${Object.entries(figures.byStatus)
      .filter(([status]) => status.startsWith('2'))
      .reduce((sum, [, n]) => sum + n, 0)}`,
    `4xx                   ${fourXx}`,
    `5xx                   ${figures.serverErrors}`,
    `4xx without the error shape   ${figures.shapeViolations}`,
    `refused but written   ${figures.writesOnRefusal}`,
    '  by status:',
    sorted(figures.byStatus),
    '  4xx by status and code:',
    sorted(figures.byErrorCode),
    '  by route aimed at:',
    sorted(figures.byAim),
    ...(figures.failures.length > 0
      ? ['  failures (first 50):', ...figures.failures.map((f) => `    #${f.index} ${f.problem}\n      ${f.request}`)]
      : []),
  ].join('\n');
};
