/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests
 * (OpenAPI 3.1 schemas are JSON Schema 2020-12, which zod emits natively), so the document
 * cannot drift from what the API accepts.
 */
import { z } from 'zod';
import {
  auditDocs,
  auditLateQuerySchema,
  auditMissedQuerySchema,
  auditOfficesQuerySchema,
  auditPageSchema,
  NEXT_CURSOR_HEADER,
  punctualityTableSchema,
} from './audit';
import { findingBodySchema } from './findings';
import { candidatesQuerySchema, verifyQuerySchema } from './inspection-queries';
import { accessDeniedQuerySchema, incidentPathSchema, listIncidentsQuerySchema } from './queries';
import { idempotencyHeaderSchema, makeReportBodySchema } from './report';
import {
  dailyReportBodySchema,
  dailyReportResponseSchema,
  dutyPeriodResponseSchema,
  makeDutyPeriodBodySchema,
} from './zero-reports';

type JsonSchema = Record<string, unknown>;

const schemaOf = (schema: z.ZodType): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

/** Each property of an object schema as an OpenAPI parameter `in` the given place. */
const parametersOf = (schema: z.ZodType, place: 'query' | 'path' | 'header'): JsonSchema[] => {
  const json = schemaOf(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: place,
    required: place === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
};

const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ field: z.string(), problem: z.string() })).optional(),
  }),
});

const obligationSchema = z.object({
  obligationId: z.string(),
  level: z.enum(['county', 'city', 'province', 'national']),
  office: z.string(),
  to: z.object({ level: z.string(), office: z.string() }),
  dueAt: z.string(),
  status: z.enum(['pending', 'met', 'missed']),
});

const submitResponseSchema = z.object({
  incidentId: z.string(),
  reportId: z.string(),
  seq: z.number().int(),
  grade: z.enum(['I', 'II', 'III', 'IV']),
  gradeBasis: z.enum(['reported', 'assessed', 'office']),
  status: z.enum(['open', 'closed']),
  obligations: z.array(obligationSchema),
  lateReport: z.object({ limitMs: z.number().int(), lateByMs: z.number().int() }).optional(),
});

// Every route may be throttled, by the stage or by a service behind it.
const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(
    [...statuses, 429].map((status) => [
      String(status),
      {
        description: ERROR_DESCRIPTIONS[status] ?? 'error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        ...(status === 429
          ? { headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer', minimum: 1 } } } }
          : {}),
      },
    ]),
  );

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'invalid input; `details` lists every bad field',
  401: 'no valid token',
  403: 'outside the caller’s role or jurisdiction; the refusal is recorded',
  404: 'no such incident',
  409: 'conflict: the incident is closed, or the Idempotency-Key was used for another request',
  413: 'body over 64 KB',
  415: 'body is not application/json',
  429:
    'throttled: send the request again after the `Retry-After` seconds. On AWS the stage’s own throttling ' +
    'is answered by API Gateway with `{"message":"Too Many Requests"}` instead, which HTTP APIs cannot change',
};

const ok = (description: string, schema: JsonSchema = { type: 'object' }) => ({
  description,
  content: { 'application/json': { schema } },
});

/** The inspectors' views answer JSON, or with `?format=csv` the same rows as CSV (paged by a header). */
const auditAnswer = (description: string, schema: z.ZodType, paged: boolean) => ({
  description,
  content: {
    'application/json': { schema: schemaOf(schema) },
    'text/csv': { schema: { type: 'string', description: 'RFC 4180, header row, CRLF line ends, UTF-8' } },
  },
  ...(paged
    ? {
        headers: {
          [NEXT_CURSOR_HEADER]: {
            description: 'with format=csv: the cursor of the following page; absent on the last',
            schema: { type: 'string' },
          },
        },
      }
    : {}),
});

export const buildOpenApiDocument = () => ({
  openapi: '3.1.0',
  info: {
    title: 'Incident information reporting pipeline',
    version: '1.0.0',
    description:
      'Grassroots units report emergencies to their county office; offices forward them up the chain ' +
      'within their legal time limits; inspectors audit late, missed, false and concealed reports.',
  },
  servers: [{ url: '/' }],
  security: [{ bearer: [] }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas: {
      Error: schemaOf(errorSchema),
      Report: schemaOf(makeReportBodySchema()),
      SubmitReportResponse: schemaOf(submitResponseSchema),
    },
  },
  paths: {
    '/health': { get: { summary: 'Liveness', security: [], responses: { 200: ok('alive') } } },
    '/v1/openapi.json': { get: { summary: 'This document', security: [], responses: { 200: ok('OpenAPI 3.1') } } },
    '/v1/reports': {
      post: {
        summary: 'Submit an initial, follow-up or final report (reporting units)',
        parameters: parametersOf(idempotencyHeaderSchema, 'header'),
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Report' } } },
        },
        responses: {
          201: ok('accepted and recorded', { $ref: '#/components/schemas/SubmitReportResponse' }),
          ...errorResponses(400, 401, 403, 404, 409, 413, 415),
        },
      },
    },
    '/v1/incidents': {
      get: {
        summary: 'Incidents of a region, newest first (offices and inspectors)',
        parameters: parametersOf(listIncidentsQuerySchema, 'query'),
        responses: { 200: ok('a page; `next` is the cursor of the following page'), ...errorResponses(400, 401, 403) },
      },
    },
    '/v1/incidents/{id}': {
      get: {
        summary: 'One incident: state, reports and obligations',
        parameters: parametersOf(incidentPathSchema, 'path'),
        responses: { 200: ok('the incident'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    '/v1/incidents/{id}/audit': {
      get: {
        summary: 'The incident’s event log with the hash chain recomputed (offices and inspectors)',
        parameters: parametersOf(incidentPathSchema, 'path'),
        responses: { 200: ok('events and verification'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    '/v1/audit/access-denied': {
      get: {
        summary: 'Refused requests in the jurisdiction (inspectors)',
        parameters: parametersOf(accessDeniedQuerySchema, 'query'),
        responses: { 200: ok('a page of refusals'), ...errorResponses(400, 401, 403) },
      },
    },
    '/v1/audit/late': {
      get: {
        summary: 'Late reports: duties met after their deadline, with who answered for them (inspectors)',
        description: auditDocs.late,
        parameters: parametersOf(auditLateQuerySchema, 'query'),
        responses: {
          200: auditAnswer('a page of late duties', auditPageSchema, true),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    '/v1/audit/missed': {
      get: {
        summary: 'Missed reports: duties never met, zero reports not filed (inspectors)',
        description: auditDocs.missed,
        parameters: parametersOf(auditMissedQuerySchema, 'query'),
        responses: {
          200: auditAnswer('a page of missed duties', auditPageSchema, true),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    '/v1/audit/offices': {
      get: {
        summary: 'Punctuality of every office in the jurisdiction (inspectors)',
        description: auditDocs.offices,
        parameters: parametersOf(auditOfficesQuerySchema, 'query'),
        responses: {
          200: auditAnswer('one row per office', punctualityTableSchema, false),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    '/v1/incidents/{id}/findings': {
      post: {
        summary: 'Record a false- or concealed-report finding (inspectors, inside their jurisdiction)',
        parameters: [...parametersOf(incidentPathSchema, 'path'), ...parametersOf(idempotencyHeaderSchema, 'header')],
        requestBody: { required: true, content: { 'application/json': { schema: schemaOf(findingBodySchema) } } },
        responses: {
          201: ok('recorded in the incident’s log (a retry answers the finding already recorded)'),
          ...errorResponses(400, 401, 403, 404, 409, 413, 415),
        },
      },
    },
    '/v1/audit/candidates': {
      get: {
        summary: 'Incidents worth inspecting for a false or concealed report, with the reason for each (inspectors)',
        parameters: parametersOf(candidatesQuerySchema, 'query'),
        responses: {
          200: ok('a page: `examined` incidents, those with candidates in `items`; `next` continues'),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    '/v1/audit/verify': {
      get: {
        summary: 'Recompute the hash chains of the jurisdiction, a time-bounded page at a time (inspectors)',
        description:
          'Each incident’s log is recomputed against its head, and the head item (which the late, missed and ' +
          'offices views read, and select by) must be what the log projects to (`head-projection-mismatch`); ' +
          'each zero-report log’s head likewise, and the missed list’s lookups must say what the misses in the ' +
          'logs say (`lookup-mismatch`). Chains are found through ' +
          'the incidents’ heads, as the views find them: an incident whose head was deleted is not among them. ' +
          '`npm run verify-audit` also scans for logs left without a head (`head-missing`), and, held to a digest ' +
          'it wrote (`--against`), names every chain gone since (`chain-missing`). A cursor that is not exactly ' +
          'one this route returned is a 400 naming `cursor`.',
        parameters: parametersOf(verifyQuerySchema, 'query'),
        responses: {
          200: ok('counts and broken links of this page; `next` continues until `complete`'),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    '/v1/duty-periods': {
      post: {
        summary:
          'Activate a duty period: every unit in the region files a daily (zero) report by the cut-off (offices)',
        description:
          'The period’s id follows from its region, dates and cut-off hour, so a retried activation answers the ' +
          'period already created; an activation whose region is, contains or lies within an existing period’s ' +
          'on any of the same dates is a 409 (`duty-period-overlaps`) naming that period; a date more than a ' +
          'year ahead is a 400.',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: schemaOf(makeDutyPeriodBodySchema()) } },
        },
        responses: {
          201: ok('the duty period, with every day it owes and that day’s cut-off', schemaOf(dutyPeriodResponseSchema)),
          ...errorResponses(400, 401, 403, 409, 413, 415),
        },
      },
    },
    '/v1/daily-reports': {
      post: {
        summary: 'File the daily (zero) report of a duty period for your unit (reporting units)',
        description:
          'After the cut-off the report is accepted and recorded as late, after the day’s missed report (recorded ' +
          'with it if the check has not run yet). The same report again gets the same ' +
          'answer; a different report for a day already filed is a 409.',
        requestBody: { required: true, content: { 'application/json': { schema: schemaOf(dailyReportBodySchema) } } },
        responses: {
          201: ok('filed, and recorded in the unit’s log for the period', schemaOf(dailyReportResponseSchema)),
          ...errorResponses(400, 401, 403, 404, 409, 413, 415),
        },
      },
    },
  },
});
