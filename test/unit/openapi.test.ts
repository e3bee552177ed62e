/**
 * The OpenAPI document covers the API: every route of `infra/api.ts` and nothing else, each with
 * its parameters, body, answer, errors and security; it is valid OpenAPI 3.1; and the answers it
 * documents are the use cases' (their answer types are held to the response schemas here, at
 * compile time; the integration suite parses real answers with the same schemas).
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type * as z from 'zod';
import { routes } from '../../infra/api';
import type { makeReadBoard } from '../../shared/application/desk-board';
import type { makeListDutyPeriods, makeReadZeroGrid } from '../../shared/application/duty-desk-reads';
import type { makeAcknowledge, makeAssessGrade, makeForward } from '../../shared/application/escalation';
import type { makeBuildEvidencePack } from '../../shared/application/evidence';
import type { RecordedFinding } from '../../shared/application/findings';
import type { makeReadOfficers } from '../../shared/application/officers';
import type { IncidentView, makeListIncidents } from '../../shared/application/read-incidents';
import type { makeReadSummary } from '../../shared/application/roll-up';
import type { VerifyAuditResult } from '../../shared/application/verify-audit';
import type { ObligationHandover } from '../../shared/domain/audit/listing';
import type { DeskDuty } from '../../shared/domain/board';
import type { ChainVerdict } from '../../shared/domain/hash-chain';
import type { Obligation, ObligationStatus } from '../../shared/domain/obligation';
import type { ReportReceipt as SubmitReportResponse } from '../../shared/domain/report-receipt';
import type { AccessDenied } from '../../shared/ports/access-log';
import { buildOpenApiDocument, type OperationKey, operations } from '../../shared/schemas/openapi';
import type {
  accessDeniedSchema,
  acknowledgeResponseSchema,
  assessGradeResponseSchema,
  boardSchema,
  chainVerdictSchema,
  dutyPeriodListSchema,
  evidencePackSchema,
  forwardResponseSchema,
  incidentListSchema,
  incidentViewSchema,
  obligationSchema,
  obligationStatusSchema,
  officeOfficersSchema,
  recordedFindingSchema,
  submitReportResponseSchema,
  summarySchema,
  verifyResponseSchema,
  zeroGridSchema,
} from '../../shared/schemas/responses';

// biome-ignore lint/suspicious/noExplicitAny: the document is read as plain JSON
type Json = Record<string, any>;

/** What a use case answers, deeply read-only as the use cases type it, for comparing with a schema's input. */
type Answer<S extends z.ZodType> = DeepReadonly<z.input<S>>;
type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
/**
 * An obligation as the API can show it: `Handover` also names a unit's own report to its county,
 * which is never an office's obligation.
 */
type ShownObligation = Omit<Obligation, 'handover'> & { readonly handover: ObligationHandover };
/** `T` with every obligation in it as shown. */
type Shown<T> = T extends Obligation
  ? ShownObligation
  : T extends DeskDuty
    ? Omit<DeskDuty, 'handover'> & { readonly handover: ObligationHandover }
    : T extends readonly (infer E)[]
      ? readonly Shown<E>[]
      : T extends object
        ? { readonly [K in keyof T]: Shown<T[K]> }
        : T;
type Result<F extends (...args: never[]) => (...args: never[]) => Promise<unknown>> = Awaited<
  ReturnType<ReturnType<F>>
>;

let document: Json;

beforeAll(() => {
  document = JSON.parse(JSON.stringify(buildOpenApiDocument()));
});

/** A schema, or the component its `$ref` names. */
const resolved = (schema: Json): Json =>
  typeof schema.$ref === 'string'
    ? document.components.schemas[schema.$ref.replace('#/components/schemas/', '')]
    : schema;

const operationOf = (key: string): Json => {
  const [method, path] = key.split(' ') as [string, string];
  return document.paths[path]?.[method.toLowerCase()];
};

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1, as a maintained validator reads the specification', async () => {
    // PREPARE: a canary, so that a validator accepting anything cannot pass this test.
    const broken = { ...document, info: undefined };

    // ACT
    const result = await new Validator().validate(document);
    const canary = await new Validator().validate(JSON.parse(JSON.stringify(broken)));

    // ASSESS
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(canary.valid).toBe(false);
    expect(document.openapi).toBe('3.1.0');
  });

  it('has every route of infra/api.ts, and no route the API does not serve', () => {
    const served = routes.map((route) => `${route.method} ${route.path}`).sort();
    const documented = Object.entries<Json>(document.paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();

    expect(documented).toEqual(served);
    expect(Object.keys(operations).sort()).toEqual(served);
  });

  it.each(routes.map((route) => [`${route.method} ${route.path}`, route.auth] as const))(
    '%s: its security, parameters, body, answer and errors',
    (key, auth) => {
      const operation = operationOf(key);
      const documented = operations[key as OperationKey];

      // Security: a token unless the route is public, as the stack wires the authorizer.
      expect(operation.security).toEqual(auth ? [{ bearer: [] }] : []);
      // Every path parameter, from the same schema the handler validates with.
      const names = [...key.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const pathParameters = (operation.parameters as Json[]).filter((p) => p.in === 'path').map((p) => p.name);
      expect(pathParameters).toEqual(names);
      // A body for every POST.
      expect(Boolean(operation.requestBody), 'requestBody').toBe(key.startsWith('POST '));
      // The answer: a real schema, not a bare object.
      const success = operation.responses[String(documented.success.status)];
      const schema = resolved(success.content['application/json'].schema);
      expect(Object.keys(schema).length).toBeGreaterThan(1);
      expect(schema.properties ?? schema.anyOf ?? schema.oneOf).toBeDefined();
      // The errors: every route can be throttled; every authenticated one refuses and can fail.
      const statuses = Object.keys(operation.responses);
      expect(statuses).toContain('429');
      if (auth) expect(statuses).toEqual(expect.arrayContaining(['401', '403', '500']));
      else expect(statuses).not.toContain('401');
      for (const status of statuses.filter((s) => s.startsWith('4') || s.startsWith('5'))) {
        expect(operation.responses[status].content['application/json'].schema, status).toBeDefined();
      }
    },
  );

  it('documents an obligation’s every status, waived included', () => {
    const submitted = resolved(operationOf('POST /v1/reports').responses['201'].content['application/json'].schema);
    const forwarded = operationOf('POST /v1/incidents/{id}/forward').responses['200'].content['application/json']
      .schema;

    expect(submitted.properties.obligations.items.properties.status.enum).toEqual([
      'pending',
      'met',
      'missed',
      'waived',
    ]);
    expect(forwarded.properties.met.items.properties.status.enum).toContain('waived');
  });

  it('answers with the use cases’ own types (checked by the type-checker)', () => {
    expectTypeOf<ObligationStatus>().toEqualTypeOf<z.output<typeof obligationStatusSchema>>();
    expectTypeOf<ShownObligation>().toExtend<Answer<typeof obligationSchema>>();
    expectTypeOf<SubmitReportResponse>().toExtend<Answer<typeof submitReportResponseSchema>>();
    expectTypeOf<Shown<IncidentView>>().toExtend<Answer<typeof incidentViewSchema>>();
    expectTypeOf<Result<typeof makeListIncidents>['items']>().toExtend<Answer<typeof incidentListSchema>['items']>();
    expectTypeOf<ChainVerdict>().toExtend<Answer<typeof chainVerdictSchema>>();
    expectTypeOf<AccessDenied>().toExtend<Answer<typeof accessDeniedSchema>>();
    expectTypeOf<Result<typeof makeAcknowledge>>().toExtend<Answer<typeof acknowledgeResponseSchema>>();
    expectTypeOf<Shown<Result<typeof makeForward>>>().toExtend<Answer<typeof forwardResponseSchema>>();
    expectTypeOf<Shown<Result<typeof makeAssessGrade>>>().toExtend<Answer<typeof assessGradeResponseSchema>>();
    expectTypeOf<Shown<Result<typeof makeReadBoard>>>().toExtend<Answer<typeof boardSchema>>();
    expectTypeOf<Result<typeof makeReadSummary>>().toExtend<Answer<typeof summarySchema>>();
    expectTypeOf<Result<typeof makeReadOfficers>>().toExtend<Answer<typeof officeOfficersSchema>>();
    expectTypeOf<Pick<VerifyAuditResult, 'region' | 'complete' | 'counts' | 'byKind' | 'broken'>>().toExtend<
      Answer<typeof verifyResponseSchema>
    >();
    expectTypeOf<Result<typeof makeListDutyPeriods>>().toExtend<Answer<typeof dutyPeriodListSchema>>();
    expectTypeOf<Result<typeof makeReadZeroGrid>>().toExtend<Answer<typeof zeroGridSchema>>();
    expectTypeOf<RecordedFinding>().toExtend<Answer<typeof recordedFindingSchema>>();
    expectTypeOf<Shown<Result<typeof makeBuildEvidencePack>>>().toExtend<Answer<typeof evidencePackSchema>>();
  });
});
