/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests and that
 * describe the answers (`./responses.ts`, and the views' in `./audit.ts` and `./zero-reports.ts`).
 * OpenAPI 3.1 schemas are JSON Schema 2020-12, which zod emits natively, so the document cannot
 * drift from what the API accepts. Every operation is one entry of {@link operations}, keyed as
 * `infra/api.ts` keys its routes (`METHOD path`); the unit tests hold the two lists to each other
 * and the integration tests hold real answers to each entry's schemas.
 */
import * as z from 'zod';
import { MAX_PACK_INCIDENTS } from '../domain/evidence/pack-format';
import { uploadRequestBodySchema } from './attachments';
import {
  auditDocs,
  auditLateQuerySchema,
  auditMissedQuerySchema,
  auditOfficesQuerySchema,
  auditPageSchema,
  NEXT_CURSOR_HEADER,
  punctualityTableSchema,
} from './audit';
import { assessGradeBodySchema, boardQuerySchema } from './desk';
import {
  drillListSchema,
  drillPathSchema,
  drillReportQuerySchema,
  drillReportSchema,
  drillSchema,
  drillsQuerySchema,
  endDrillBodySchema,
  startDrillBodySchema,
} from './drills';
import { findingBodySchema } from './findings';
import { acknowledgeBodySchema, forwardBodySchema, returnBodySchema } from './forward';
import { candidatesQuerySchema, evidenceQuerySchema, verifyQuerySchema } from './inspection-queries';
import {
  accessDeniedQuerySchema,
  dutyPeriodPathSchema,
  dutyPeriodsQuerySchema,
  incidentPathSchema,
  listIncidentsQuerySchema,
  officePathSchema,
  regionPathSchema,
  summaryQuerySchema,
  zeroGridQuerySchema,
} from './queries';
import { idempotencyHeaderSchema, makeReportBodySchema } from './report';
import {
  accessDeniedPageSchema,
  acknowledgeResponseSchema,
  assessGradeResponseSchema,
  attachmentUploadSchema,
  auditTrailSchema,
  boardSchema,
  candidatesPageSchema,
  dutyPeriodListSchema,
  errorSchema,
  evidencePackSchema,
  forwardResponseSchema,
  healthSchema,
  incidentAttachmentsSchema,
  incidentListSchema,
  incidentViewSchema,
  officeOfficersSchema,
  openApiDocumentSchema,
  recordedFindingSchema,
  returnResponseSchema,
  submitReportResponseSchema,
  summarySchema,
  verifyResponseSchema,
  zeroGridSchema,
} from './responses';
import {
  unitDailyReportsQuerySchema,
  unitDailyReportsSchema,
  unitIncidentPageSchema,
  unitIncidentsQuerySchema,
  unitPathSchema,
} from './unit-reads';
import {
  dailyReportBodySchema,
  dailyReportResponseSchema,
  dutyPeriodResponseSchema,
  makeDutyPeriodBodySchema,
} from './zero-reports';

type JsonSchema = Record<string, unknown>;

/** The error statuses an operation documents; every operation also answers 429, and every one not public 503 and 500. */
type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415;

/** One route of the API, as the document describes it. */
export interface Operation {
  readonly summary: string;
  readonly description?: string;
  /** Callable without a token (`auth: false` in `infra/api.ts`). */
  readonly public?: true;
  readonly path?: z.ZodType;
  readonly query?: z.ZodType;
  readonly headers?: z.ZodType;
  readonly body?: z.ZodType;
  readonly success: {
    readonly status: 200 | 201;
    readonly description: string;
    readonly schema: z.ZodType;
    /** Also answers `format=csv`, with the same rows; `paged`: the next page's cursor in a header. */
    readonly csv?: { readonly paged: boolean };
    readonly headers?: Readonly<Record<string, string>>;
  };
  readonly errors: readonly ErrorStatus[];
}

/** Refusals every authenticated route can give. */
const AUTH: readonly ErrorStatus[] = [401, 403];
/** What every route taking a JSON body can also refuse. */
const BODY: readonly ErrorStatus[] = [400, 413, 415];

/** The report body, one instance: the document names it as a component (`Report`). */
const reportBody = makeReportBodySchema();

/** Schemas the document names in `components` and refers to, by name. */
const COMPONENTS: ReadonlyMap<z.ZodType, string> = new Map<z.ZodType, string>([
  [errorSchema, 'Error'],
  [reportBody, 'Report'],
  [submitReportResponseSchema, 'SubmitReportResponse'],
]);

/** Every operation of the API, keyed `METHOD path` as in `infra/api.ts`. */
export const operations = {
  'GET /health': {
    summary: 'Liveness',
    public: true,
    success: { status: 200, description: 'alive; touches no dependency', schema: healthSchema },
    errors: [],
  },
  'GET /v1/openapi.json': {
    summary: 'This document',
    public: true,
    success: { status: 200, description: 'OpenAPI 3.1, cacheable for 5 minutes', schema: openApiDocumentSchema },
    errors: [],
  },
  'POST /v1/reports': {
    summary: 'Submit an initial, follow-up or final report (reporting units)',
    headers: idempotencyHeaderSchema,
    body: reportBody,
    success: {
      status: 201,
      description: 'accepted and recorded: the grade, and what is now owed by whom, by when',
      schema: submitReportResponseSchema,
      headers: { location: 'the incident, `/v1/incidents/{id}`' },
    },
    errors: [...BODY, ...AUTH, 404, 409],
  },
  'GET /v1/incidents': {
    summary: 'Incidents of a region, newest first (offices and inspectors)',
    query: listIncidentsQuerySchema,
    success: {
      status: 200,
      description: 'a page; `next` is the cursor of the following page',
      schema: incidentListSchema,
    },
    errors: [400, ...AUTH],
  },
  'GET /v1/incidents/{id}': {
    summary: 'One incident: state, reports and obligations (anyone whose jurisdiction it is in)',
    path: incidentPathSchema,
    success: { status: 200, description: 'the incident', schema: incidentViewSchema },
    errors: [400, ...AUTH, 404],
  },
  'GET /v1/incidents/{id}/audit': {
    summary: 'The incident’s event log with the hash chain recomputed (offices and inspectors)',
    path: incidentPathSchema,
    success: { status: 200, description: 'every event, and the chain’s verification', schema: auditTrailSchema },
    errors: [400, ...AUTH, 404],
  },
  'POST /v1/incidents/{id}/attachments': {
    summary: 'Where to upload a photo or document the incident’s reports named (the unit that named it)',
    description:
      'Answers a presigned PUT bound to the named size, type and SHA-256, under the key of the incident and the ' +
      'hash: send the file with exactly the headers given, before `expiresAt`. Asking again is safe: the same key, ' +
      'and once the file is stored, `arrived` and nothing to send. A hash no report names is a 404.',
    path: incidentPathSchema,
    body: uploadRequestBodySchema,
    success: { status: 200, description: 'the upload, unless the file has arrived', schema: attachmentUploadSchema },
    errors: [...BODY, ...AUTH, 404],
  },
  'GET /v1/incidents/{id}/attachments': {
    summary: 'The photos and documents the incident’s reports named, what arrived, and links to read them',
    description:
      'Each named file with its status — `arrived`, `missing` (not sent yet, or never) or `mismatched` (what is ' +
      'stored is not the named bytes) — and, when something is stored, a presigned GET valid for five minutes.',
    path: incidentPathSchema,
    success: { status: 200, description: 'every named file', schema: incidentAttachmentsSchema },
    errors: [400, ...AUTH, 404],
  },
  'GET /v1/audit/access-denied': {
    summary: 'Refused requests in the jurisdiction (inspectors)',
    query: accessDeniedQuerySchema,
    success: { status: 200, description: 'a page of refusals, newest first', schema: accessDeniedPageSchema },
    errors: [400, ...AUTH],
  },
  'POST /v1/incidents/{id}/acknowledge': {
    summary: 'Record that the office has the report (offices holding it); acknowledging again changes nothing',
    path: incidentPathSchema,
    body: acknowledgeBodySchema,
    success: { status: 200, description: 'when the office acknowledged it', schema: acknowledgeResponseSchema },
    errors: [...BODY, ...AUTH, 404, 409],
  },
  'POST /v1/incidents/{id}/forward': {
    summary: 'Report the incident up the chain, or make a direct (skip-level) report (the office holding the duty)',
    description:
      'Meets the office’s duty, after its deadline too (recorded as late by exactly how much), and opens the next ' +
      'office’s duty when the grade calls for it. `grade` assesses the grade (raising or lowering it; a lower grade ' +
      'waives the duties it no longer calls for); `skipLevel` meets the direct report to the national duty office ' +
      'instead of the hand-over. Nothing left to forward is a 409 `nothing-to-forward`.',
    path: incidentPathSchema,
    body: forwardBodySchema,
    success: { status: 200, description: 'the duties met and those opened', schema: forwardResponseSchema },
    errors: [...BODY, ...AUTH, 404, 409],
  },
  'POST /v1/incidents/{id}/return': {
    summary: 'Return the latest report to its sender for correction (an office that has the report)',
    description:
      'Names the report’s fields to correct and why. The sender — the unit, to the first office; the office ' +
      'below that forwarded it, above — owes a corrected report within the policy’s `correction` limit: a unit ' +
      'sends it through `POST /v1/reports` with `correcting`, an office through `/forward` with `correcting`. ' +
      'The office’s own duty up the chain keeps its deadline. A report whose correction is still owed is not ' +
      'returned again (409 `correction-owed`); one that reached the office only by escalation has no sender ' +
      '(409 `no-sender`).',
    path: incidentPathSchema,
    body: returnBodySchema,
    success: {
      status: 200,
      description: 'the correction owed, and the office’s own duty',
      schema: returnResponseSchema,
    },
    errors: [...BODY, ...AUTH, 404, 409],
  },
  'POST /v1/incidents/{id}/grade': {
    summary: 'Assess or change the incident’s grade, with the reason (an office that has the report)',
    description:
      'A higher grade opens at once the duties it calls for (timed from now); a lower one waives those it no ' +
      'longer does. The same grade again changes nothing.',
    path: incidentPathSchema,
    body: assessGradeBodySchema,
    success: {
      status: 200,
      description: 'the grade in force, and the duties opened or lifted',
      schema: assessGradeResponseSchema,
    },
    errors: [...BODY, ...AUTH, 404, 409],
  },
  'GET /v1/desk/board': {
    summary: 'The office’s live board: the incidents it has, most urgent first (offices)',
    description:
      'Without `since`: the board, up to `limit` rows, each with the office’s own duties, deadlines, reminder ' +
      'points and the rule behind each. With `since` (the previous answer’s `pollSince`): only the rows changed ' +
      'since, and the incidents that left the board. Polled every few seconds by the console.',
    query: boardQuerySchema,
    success: { status: 200, description: 'the board, or its changes', schema: boardSchema },
    errors: [400, ...AUTH],
  },
  'GET /v1/summaries/{region}': {
    summary: 'A region’s roll-up: totals, day by day, and by child region (offices and inspectors)',
    path: regionPathSchema,
    query: summaryQuerySchema,
    success: {
      status: 200,
      description: 'the totals over the days asked for (all days without `from`/`to`)',
      schema: summarySchema,
    },
    errors: [400, ...AUTH, 404],
  },
  'GET /v1/offices/{code}/officers': {
    summary: 'An office’s responsible persons, duty roster and who is on duty now (offices and inspectors)',
    path: officePathSchema,
    success: { status: 200, description: 'the office’s directory', schema: officeOfficersSchema },
    errors: [400, ...AUTH, 404],
  },
  'GET /v1/audit/late': {
    summary: 'Late reports: duties met after their deadline, with who answered for them (inspectors)',
    description: auditDocs.late,
    query: auditLateQuerySchema,
    success: {
      status: 200,
      description: 'a page of late duties',
      schema: auditPageSchema,
      csv: { paged: true },
    },
    errors: [400, ...AUTH],
  },
  'GET /v1/audit/missed': {
    summary: 'Missed reports: duties never met, zero reports not filed (inspectors)',
    description: auditDocs.missed,
    query: auditMissedQuerySchema,
    success: {
      status: 200,
      description: 'a page of missed duties',
      schema: auditPageSchema,
      csv: { paged: true },
    },
    errors: [400, ...AUTH],
  },
  'GET /v1/audit/offices': {
    summary: 'Punctuality of every office in the jurisdiction (inspectors)',
    description: auditDocs.offices,
    query: auditOfficesQuerySchema,
    success: {
      status: 200,
      description: 'one row per office',
      schema: punctualityTableSchema,
      csv: { paged: false },
    },
    errors: [400, ...AUTH],
  },
  'GET /v1/audit/candidates': {
    summary: 'Incidents worth inspecting for a false or concealed report, with the reason for each (inspectors)',
    query: candidatesQuerySchema,
    success: {
      status: 200,
      description: 'a page: `examined` incidents, those with candidates in `items`; `next` continues',
      schema: candidatesPageSchema,
    },
    errors: [400, ...AUTH],
  },
  'GET /v1/audit/verify': {
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
    query: verifyQuerySchema,
    success: {
      status: 200,
      description: 'counts and broken links of this page; `next` continues until `complete`',
      schema: verifyResponseSchema,
    },
    errors: [400, ...AUTH],
  },
  'GET /v1/audit/evidence': {
    summary: 'An evidence pack: incidents’ logs, heads and duties, verifiable offline (inspectors)',
    description:
      'One JSON file (docs/evidence-pack.md) for the incidents named in `incidents`, or for those of `region` ' +
      `received between \`from\` and \`to\` (at most ${MAX_PACK_INCIDENTS} incidents and 5 MB; more is a 400 naming ` +
      '`from`, or `incidents`): ' +
      'each log exactly as chained, the head that says where it ends, every duty with the persons who held the ' +
      'posts and were on the roster at its deadline (from the directory’s history), a digest of where each chain ends and a seal over all of ' +
      'it. The offline verifier page recomputes every hash in a browser. An incident outside the jurisdiction is ' +
      'a 403, recorded; one that does not exist a 404.',
    query: evidenceQuerySchema,
    success: {
      status: 200,
      description: 'the pack, as an attachment named after what it covers and its seal',
      schema: evidencePackSchema,
    },
    errors: [400, ...AUTH, 404],
  },
  'POST /v1/incidents/{id}/findings': {
    summary: 'Record a false- or concealed-report finding (inspectors, inside their jurisdiction)',
    path: incidentPathSchema,
    headers: idempotencyHeaderSchema,
    body: findingBodySchema,
    success: {
      status: 201,
      description: 'recorded in the incident’s log (a retry answers the finding already recorded)',
      schema: recordedFindingSchema,
      headers: { location: 'the incident’s audit trail' },
    },
    errors: [...BODY, ...AUTH, 404, 409],
  },
  'POST /v1/duty-periods': {
    summary: 'Activate a duty period: every unit in the region files a daily (zero) report by the cut-off (offices)',
    description:
      'The period’s id follows from its region, dates and cut-off hour, so a retried activation answers the ' +
      'period already created; an activation whose region is, contains or lies within an existing period’s ' +
      'on any of the same dates is a 409 (`duty-period-overlaps`) naming that period; a date more than a ' +
      'year ahead is a 400.',
    body: makeDutyPeriodBodySchema(),
    success: {
      status: 201,
      description: 'the duty period, with every day it owes and that day’s cut-off',
      schema: dutyPeriodResponseSchema,
    },
    errors: [...BODY, ...AUTH, 409],
  },
  'GET /v1/duty-periods': {
    summary: 'The duty periods obliging units in a region (offices and inspectors, within their jurisdiction)',
    description:
      'Every period whose region is, contains or lies within the region asked (your own by default), the ' +
      'latest first, with its owed days and their cut-offs.',
    query: dutyPeriodsQuerySchema,
    success: { status: 200, description: 'the periods', schema: dutyPeriodListSchema },
    errors: [400, ...AUTH],
  },
  'GET /v1/duty-periods/{id}/zero-reports': {
    summary:
      'A duty period’s zero reports: each unit, each owed day (offices and inspectors, within their jurisdiction)',
    description:
      'The registered units of the narrower of the period’s region and the one asked (your own by default), ' +
      'each owed day from `from` to `to`: filed, filed late, missed (the cut-off passed with nothing filed) or ' +
      'not yet due. `nextCutoffAt` says when the grid next changes. A period that obliges no unit of the ' +
      'region is a 404.',
    path: dutyPeriodPathSchema,
    query: zeroGridQuerySchema,
    success: { status: 200, description: 'the grid', schema: zeroGridSchema },
    errors: [400, ...AUTH, 404],
  },
  'POST /v1/daily-reports': {
    summary: 'File the daily (zero) report of a duty period for your unit (reporting units)',
    description:
      'After the cut-off the report is accepted and recorded as late, after the day’s missed report (recorded ' +
      'with it if the check has not run yet). The same report again gets the same ' +
      'answer; a different report for a day already filed is a 409.',
    body: dailyReportBodySchema,
    success: {
      status: 201,
      description: 'filed, and recorded in the unit’s log for the period',
      schema: dailyReportResponseSchema,
    },
    errors: [...BODY, ...AUTH, 404, 409],
  },
  'GET /v1/units/{unit}/incidents': {
    summary: 'The incidents your unit reported first, newest first (reporting units; your own unit only)',
    description:
      'Each with where it has got to: when it was delivered, which office acknowledged it, each hand-over up ' +
      'the chain (forwarded, or escalated past a silent office) and whether it is closed. Another unit’s ' +
      'incidents are never listed; asking for another unit is a recorded 403.',
    path: unitPathSchema,
    query: unitIncidentsQuerySchema,
    success: {
      status: 200,
      description: 'a page; `next` is the cursor of the following page',
      schema: unitIncidentPageSchema,
    },
    errors: [400, ...AUTH],
  },
  'GET /v1/units/{unit}/daily-reports': {
    summary: 'The zero reports your unit owes on a day, and whether each is filed (reporting units)',
    description:
      'Every active duty period covering your county that owes a report for the day (today, China time, by ' +
      'default), with its cut-off, when filing opens, and what your unit’s log says: filed (late or not) or missed.',
    path: unitPathSchema,
    query: unitDailyReportsQuerySchema,
    success: { status: 200, description: 'the day’s duties', schema: unitDailyReportsSchema },
    errors: [400, ...AUTH],
  },
  'POST /v1/drills': {
    summary: 'Start a drill for your jurisdiction or part of it (offices)',
    description:
      'While it runs, a unit inside it may report with `exercise: true`: the incident is then an exercise for its ' +
      'whole life, follows the timings of the drill’s policy, is marked as a drill everywhere and is kept out of ' +
      'every real figure. The id follows from the drill and its office, so a retry with the same `startsAt` ' +
      'answers the drill already started. A region outside your jurisdiction is a recorded 403.',
    body: startDrillBodySchema,
    success: {
      status: 201,
      description: 'the drill',
      schema: drillSchema,
      headers: { location: 'the drill’s report' },
    },
    errors: [...BODY, ...AUTH],
  },
  'GET /v1/drills': {
    summary: 'The drills of a region (offices and inspectors), or those covering your county (reporting units)',
    description:
      'Every drill inside or covering the region asked (your own by default), earliest start first, with where ' +
      'it stands (`scheduled`, `running`, `ended`). A reporting unit hears only of drills not yet over that cover ' +
      'its county.',
    query: drillsQuerySchema,
    success: { status: 200, description: 'the drills', schema: drillListSchema },
    errors: [400, ...AUTH],
  },
  'POST /v1/drills/{id}/end': {
    summary: 'End a drill before its time (offices whose jurisdiction holds it)',
    description:
      'No exercise can be reported in it from then on; its incidents already reported stay exercises and run ' +
      'their course. A drill already over is a 409 (`drill-over`).',
    path: drillPathSchema,
    body: endDrillBodySchema,
    success: { status: 200, description: 'the drill, ended', schema: drillSchema },
    errors: [...BODY, ...AUTH, 404, 409],
  },
  'GET /v1/drills/{id}/report': {
    summary: 'A drill’s report for the after-action review (offices and inspectors whose jurisdiction holds it)',
    description:
      'Each of the drill’s incidents and each hand-over (unit → county → city → province …): when it opened, ' +
      'when it was due, when it was done, how long it took, how it turned out, whom the pipeline told and ' +
      'who missed; with the totals.',
    path: drillPathSchema,
    query: drillReportQuerySchema,
    success: { status: 200, description: 'the report', schema: drillReportSchema, csv: { paged: false } },
    errors: [400, ...AUTH, 404],
  },
} as const satisfies Record<string, Operation>;

export type OperationKey = keyof typeof operations;

const schemaOf = (schema: z.ZodType): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

/** A reference to the schema's component, if it has one; the schema itself otherwise. */
const schemaOrRef = (schema: z.ZodType): JsonSchema => {
  const name = COMPONENTS.get(schema);
  return name ? { $ref: `#/components/schemas/${name}` } : schemaOf(schema);
};

/** Each property of an object schema as an OpenAPI parameter `in` the given place. */
const parametersOf = (schema: z.ZodType, place: 'query' | 'path' | 'header'): JsonSchema[] => {
  const json = schemaOf(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: place,
    required: place === 'path' || (json.required ?? []).includes(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
};

const ERROR_DESCRIPTIONS: Record<ErrorStatus | 429 | 500 | 503, string> = {
  400: 'invalid input; `details` lists every bad field (`invalid-input`, `unknown-region`)',
  401: 'no valid token. On AWS the JWT authorizer answers first, in API Gateway’s shape `{"message": …}`',
  403: 'outside the caller’s role or jurisdiction; the refusal is recorded',
  404: 'no such incident, region, office or duty period',
  409: 'a conflict; `code` says which (docs/api.md, “Errors”)',
  413: 'body over 64 KB',
  415: 'body is not application/json',
  429:
    'throttled: send the request again after the `Retry-After` seconds. On AWS the stage’s own throttle ' +
    'answers in API Gateway’s shape `{"message":"Too Many Requests"}`, which HTTP APIs cannot change; a ' +
    'service behind the API that throttles us, and the local twin, answer in the error shape',
  500: 'a fault of ours; the message reveals nothing, and a retry with the same Idempotency-Key is safe',
  503:
    'a service behind the API failed on its side or did not answer in time: send the request again after ' +
    'the `Retry-After` seconds, with the same Idempotency-Key',
};

const gatewayMessage = { $ref: '#/components/schemas/GatewayMessage' };
const error = { $ref: '#/components/schemas/Error' };

const errorResponse = (status: ErrorStatus | 429 | 500 | 503) => {
  const schema = status === 429 || status === 401 ? { oneOf: [error, gatewayMessage] } : error;
  const retryAfter =
    status === 429 || status === 503
      ? { headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer', minimum: 1 } } } }
      : {};
  return [
    String(status),
    { description: ERROR_DESCRIPTIONS[status], content: { 'application/json': { schema } }, ...retryAfter },
  ];
};

const successResponse = ({ success }: Operation) => ({
  description: success.description,
  content: {
    'application/json': { schema: schemaOrRef(success.schema) },
    ...(success.csv
      ? { 'text/csv': { schema: { type: 'string', description: 'RFC 4180, header row, CRLF line ends, UTF-8' } } }
      : {}),
  },
  ...(success.csv?.paged || success.headers
    ? {
        headers: {
          ...Object.fromEntries(
            Object.entries(success.headers ?? {}).map(([name, description]) => [
              name,
              { description, schema: { type: 'string' } },
            ]),
          ),
          ...(success.csv?.paged
            ? {
                [NEXT_CURSOR_HEADER]: {
                  description: 'with format=csv: the cursor of the following page; absent on the last',
                  schema: { type: 'string' },
                },
              }
            : {}),
        },
      }
    : {}),
});

const operationObject = (key: string, operation: Operation) => ({
  operationId: key.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
  summary: operation.summary,
  ...(operation.description ? { description: operation.description } : {}),
  security: operation.public ? [] : [{ bearer: [] }],
  parameters: [
    ...(operation.path ? parametersOf(operation.path, 'path') : []),
    ...(operation.query ? parametersOf(operation.query, 'query') : []),
    ...(operation.headers ? parametersOf(operation.headers, 'header') : []),
  ],
  ...(operation.body
    ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOrRef(operation.body) } } } }
    : {}),
  responses: {
    [String(operation.success.status)]: successResponse(operation),
    ...Object.fromEntries(
      [...operation.errors, 429 as const, ...(operation.public ? [] : [503 as const, 500 as const])].map(errorResponse),
    ),
  },
});

export const buildOpenApiDocument = () => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [key, operation] of Object.entries(operations) as [OperationKey, Operation][]) {
    const [method, path] = key.split(' ') as [string, string];
    paths[path] = { ...paths[path], [method.toLowerCase()]: operationObject(key, operation) };
  }
  return {
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
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'a Cognito ID token carrying custom:role, custom:region and custom:unit or custom:level',
        },
      },
      schemas: {
        ...Object.fromEntries([...COMPONENTS].map(([schema, name]) => [name, schemaOf(schema)])),
        GatewayMessage: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
      },
    },
    paths,
  };
};
