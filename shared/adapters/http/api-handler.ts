/**
 * The HTTP edge every API handler is built from: middy middleware that authenticates the caller,
 * checks and parses the body and the query with zod, and maps every error to the contract's
 * answer — recording refusals as evidence — so a handler is left with one use case call.
 */
import { randomUUID } from 'node:crypto';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod';
import type { Actor } from '../../domain/access';
import { type FieldProblem, ForbiddenError, ValidationError } from '../../domain/errors';
import { logger, observeApi } from '../../observability';
import type { AccessLog } from '../../ports/access-log';
import type { Clock } from '../../ports/clock';
import { callerFromClaims, parseClaimNames, TOKEN_CLAIMS_ENV } from '../../schemas/claims';
import { INCIDENT_ID_PATTERN } from '../../schemas/report';
import { bodyText, loneSurrogateAt } from './body-text';
import { errorResult, UnauthenticatedError, UnsupportedMediaTypeError } from './errors';
import { type IncidentRegion, refusalTarget } from './refusal-target';

/** Bodies larger than this are refused before parsing (reports are text and a few numbers). */
export const MAX_BODY_BYTES = 64 * 1024;

/** The zod schemas of what a route reads from the request. */
export interface RouteSchemas {
  readonly body?: z.ZodType;
  readonly query?: z.ZodType;
  /** Headers with meaning for the route (lower-case names), e.g. `idempotency-key`. */
  readonly headers?: z.ZodType;
  readonly path?: z.ZodType;
}

type Part = keyof RouteSchemas;
type Infer<S extends RouteSchemas, K extends Part> = S[K] extends z.ZodType ? z.output<S[K]> : undefined;

/** What a route's `run` receives: the caller and every validated part of the request. */
export interface ApiRequest<S extends RouteSchemas> {
  readonly actor: Actor;
  readonly body: Infer<S, 'body'>;
  readonly query: Infer<S, 'query'>;
  readonly headers: Infer<S, 'headers'>;
  readonly path: Infer<S, 'path'>;
}

export interface ApiRoute<S extends RouteSchemas> {
  /** The route as the access log names it, e.g. `POST /v1/reports`. */
  readonly action: string;
  readonly input: S;
  /** Where refusals are recorded. */
  readonly accessLog: AccessLog;
  readonly clock: Clock;
  /**
   * The roles that may call the route at all. Anyone else is refused — and the refusal recorded —
   * before the request is even read, so a bad query from someone who may not ask is a recorded
   * 403, not an unrecorded 400, and a 404 tells them nothing about what exists.
   */
  readonly roles?: readonly Actor['role'][];
  /**
   * Where the incident a route's path names lies, so that a refusal made before any use case read
   * it — the route is not for the caller's role — is filed under that jurisdiction as well.
   */
  readonly incidentRegion?: IncidentRegion;
}

interface Parsed {
  actor?: Actor;
  body?: unknown;
  query?: unknown;
  headers?: unknown;
  path?: unknown;
}

type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer & { parsed?: Parsed };
type Result = APIGatewayProxyStructuredResultV2;

/** zod issues as field problems: every bad field, and every unknown field by its own name. */
export const fieldProblems = (error: z.ZodError, prefix: string[] = []): FieldProblem[] =>
  error.issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...path, key].join('.'), problem: 'is not a known field' }));
    }
    return [{ field: path.join('.') || '(body)', problem: issue.message }];
  });

/**
 * Which of the token's claims carry role, region, unit and level: the identity provider's names,
 * as the deployment maps them (both runtimes set the variable before a handler loads).
 */
const claimNames = parseClaimNames(process.env[TOKEN_CLAIMS_ENV], TOKEN_CLAIMS_ENV);

const authenticate = (): MiddlewareObj<ApiEvent, Result> => ({
  before: (request) => {
    const claims = request.event.requestContext.authorizer?.jwt?.claims;
    if (!claims) throw new UnauthenticatedError('send `Authorization: Bearer <token>`');
    let caller: ReturnType<typeof callerFromClaims>;
    try {
      caller = callerFromClaims(claims, claimNames);
    } catch {
      throw new UnauthenticatedError(
        'the token does not carry the claims this API needs (role, region, unit or level)',
      );
    }
    request.event.parsed = {
      ...request.event.parsed,
      actor: {
        sub: caller.sub,
        role: caller.role,
        region: caller.region,
        ...(caller.unit ? { unit: caller.unit } : {}),
        ...(caller.level ? { level: caller.level } : {}),
      },
    };
  },
});

const allowRoles = (action: string, roles: readonly Actor['role'][]): MiddlewareObj<ApiEvent, Result> => ({
  before: (request) => {
    const actor = request.event.parsed?.actor;
    if (actor && !roles.includes(actor.role)) {
      // The incident they tried to act on is part of the evidence, when the path names one.
      const id = request.event.pathParameters?.id;
      throw new ForbiddenError(
        `a ${actor.role} cannot call ${action}; only ${roles.join(' or ')}`,
        id && INCIDENT_ID_PATTERN.test(id) ? { incidentId: id } : {},
      );
    }
  },
});

const jsonBody = (schema: z.ZodType): MiddlewareObj<ApiEvent, Result> => ({
  before: (request) => {
    const { event } = request;
    const contentType = (event.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (contentType !== 'application/json') {
      throw new UnsupportedMediaTypeError(
        `send the body as application/json (got ${contentType || 'no content type'})`,
      );
    }
    const raw = bodyText(event, MAX_BODY_BYTES);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      throw new ValidationError('the body is not valid JSON', [{ field: '(body)', problem: (error as Error).message }]);
    }
    const unencodable = loneSurrogateAt(json);
    if (unencodable !== undefined) {
      throw new ValidationError('the body is not UTF-8 text', [
        { field: unencodable, problem: 'holds a \\u escape of a lone surrogate, which no UTF-8 text encodes' },
      ]);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ValidationError('the body is invalid', fieldProblems(parsed.error));
    event.parsed = { ...event.parsed, body: parsed.data };
  },
});

const PART_NAMES: Record<Exclude<Part, 'body'>, string> = { query: 'query', headers: 'header', path: 'path' };

/** Validates one part of the request that API Gateway has already split out for us. */
const requestPart = (part: Exclude<Part, 'body'>, schema: z.ZodType): MiddlewareObj<ApiEvent, Result> => ({
  before: (request) => {
    const { event } = request;
    const raw =
      part === 'query'
        ? (event.queryStringParameters ?? {})
        : part === 'path'
          ? (event.pathParameters ?? {})
          : event.headers;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new ValidationError(`the ${PART_NAMES[part]} is invalid`, fieldProblems(parsed.error));
    event.parsed = { ...event.parsed, [part]: parsed.data };
  },
});

const errorResponses = (route: {
  action: string;
  accessLog: AccessLog;
  clock: Clock;
  incidentRegion?: IncidentRegion;
}): MiddlewareObj<ApiEvent, Result> => ({
  onError: async (request) => {
    const { error } = request;
    const actor = request.event.parsed?.actor;
    if (error instanceof ForbiddenError && actor) {
      try {
        // Filed under the target's province too, so its inspectors see who tried.
        const target = await refusalTarget(request.event, error.context, route.incidentRegion);
        await route.accessLog.recordDenied({
          id: randomUUID(),
          at: route.clock.now().toISOString(),
          actor,
          action: route.action,
          ...target,
          reason: error.message,
        });
      } catch (recordError) {
        // The refusal stands even if it cannot be recorded; the log says it was not.
        logger.error('could not record an access-denied event', { error: recordError as Error });
      }
    }
    const result = errorResult(error);
    if (result.statusCode === 500) logger.error('request failed', { error: error as Error });
    request.response = result;
  },
});

/**
 * Builds a Lambda handler for one authenticated API route: the middleware does the edge work and
 * `run` receives the caller and the validated parts of the request.
 */
export const apiHandler = <S extends RouteSchemas>(
  route: ApiRoute<S>,
  run: (request: ApiRequest<S>) => Promise<Result>,
) => {
  const chain = middy<ApiEvent, Result, Error, Context>()
    // Before the error middleware: it answers errors first, and the tracer sees the answer.
    .use(observeApi())
    .use(errorResponses(route))
    .use(authenticate());
  if (route.roles) chain.use(allowRoles(route.action, route.roles));
  const { body, query, headers, path } = route.input;
  if (path) chain.use(requestPart('path', path));
  if (headers) chain.use(requestPart('headers', headers));
  if (query) chain.use(requestPart('query', query));
  if (body) chain.use(jsonBody(body));
  return chain.handler(async (event) => {
    const parsed = event.parsed ?? {};
    if (!parsed.actor) throw new UnauthenticatedError('no caller');
    return run({
      actor: parsed.actor,
      body: parsed.body,
      query: parsed.query,
      headers: parsed.headers,
      path: parsed.path,
    } as ApiRequest<S>);
  });
};

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): Result => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/**
 * An answer that is not JSON, such as a CSV export: the body goes out as given, under its own
 * content type. The error contract stays JSON whatever a route answers on success.
 */
export const text = (
  statusCode: number,
  body: string,
  contentType: string,
  headers: Record<string, string> = {},
): Result => ({
  statusCode,
  headers: { 'content-type': contentType, ...headers },
  body,
});
