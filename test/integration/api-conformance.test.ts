/**
 * Every route answers what the OpenAPI document says it does. One walk through the API on the
 * local runtime — a report, its forward, its return and correction, the directory and the summaries, a finding, the audit
 * views, a duty period with its list and zero-report grid, and a daily report — parses each real
 * answer with the schema the document was generated from (`operations` of shared/schemas/openapi.ts;
 * strict objects, so an undocumented field fails), and a refusal of each kind with the error schema. A route added to the API without
 * being walked here fails the last test.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import { makeDynamoOfficerDirectory } from '../../shared/adapters/dynamodb/officer-directory';
import { makeDynamoUnitRegistry } from '../../shared/adapters/dynamodb/unit-registry';
import { systemClock } from '../../shared/adapters/system';
import { makeImportOfficers } from '../../shared/application/officers';
import { makeImportUnits } from '../../shared/application/units';
import { directoryRows } from '../../shared/schemas/officers';
import { type OperationKey, operations } from '../../shared/schemas/openapi';
import { errorSchema } from '../../shared/schemas/responses';
import { unitRows } from '../../shared/schemas/zero-reports';
import {
  type ApiAnswer,
  call,
  dayBeforeCutoff,
  initialReport,
  startTestRuntime,
  type TestRuntime,
  tokenFor,
} from './support';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

describe('the API answers as its OpenAPI document says', () => {
  let runtime: TestRuntime;
  const tokens: Record<string, string> = {};
  const walked = new Set<OperationKey>();
  let incidentId: string;

  /** Calls `key` with the path filled in, and parses the answer with the document's schema for it. */
  const conforms = async (
    key: OperationKey,
    options: { token?: string; params?: Record<string, string>; query?: string; body?: unknown } = {},
  ): Promise<ApiAnswer> => {
    const [method, template] = key.split(' ') as ['GET' | 'POST', string];
    const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => options.params?.[name] ?? `{${name}}`);
    const answer = await call(runtime, method, `${path}${options.query ? `?${options.query}` : ''}`, {
      ...(options.token ? { token: options.token } : {}),
      ...(options.body !== undefined ? { body: options.body } : {}),
    });
    const operation = operations[key];
    expect(answer.status, `${key}: ${answer.text}`).toBe(operation.success.status);
    const parsed = operation.success.schema.safeParse(answer.body);
    expect(parsed.error?.issues ?? [], key).toEqual([]);
    walked.add(key);
    return answer;
  };

  const refused = (answer: ApiAnswer, status: number) => {
    expect(answer.status).toBe(status);
    expect(errorSchema.safeParse(answer.body).error?.issues ?? []).toEqual([]);
  };

  beforeAll(async () => {
    runtime = await startTestRuntime();
    const client = makeDocumentClient(
      new DynamoDBClient({ region: LOCAL_REGION, credentials: localCredentials, endpoint: runtime.endpoints.dynamodb }),
    );
    const table = runtime.resources.tables.officers;
    await makeImportOfficers({ directory: makeDynamoOfficerDirectory({ client, table }), clock: systemClock })(
      directoryRows(fixture('officers/dongcheng.json'), 'json').rows,
    );
    await makeImportUnits({ registry: makeDynamoUnitRegistry({ client, table }) })(
      unitRows(fixture('units/beijing.csv'), 'csv').rows,
    );
    tokens.reporter = await tokenFor(runtime, { sub: 'r-1', role: 'reporter', region: '110101', unit: 'DC-JDJ' });
    tokens.county = await tokenFor(runtime, { sub: 'dc', role: 'office', region: '110101', level: 'county' });
    tokens.city = await tokenFor(runtime, { sub: 'bj', role: 'office', region: '110100', level: 'city' });
    tokens.inspector = await tokenFor(runtime, { sub: 'insp', role: 'inspector', region: '110000' });
  });

  afterAll(async () => {
    await runtime?.close();
  });

  it('answers the public routes', async () => {
    await conforms('GET /health');
    await conforms('GET /v1/openapi.json');
  });

  it('answers a report, and the reads of its incident', async () => {
    // Three dead: grade III, so the county owes the city and the city the province.
    const report = initialReport('110101', 'DC-JDJ', { casualties: { dead: 3, injured: 2, missing: 1, trapped: 0 } });
    const submitted = await conforms('POST /v1/reports', { token: tokens.reporter, body: report });
    incidentId = (submitted.body as { incidentId: string }).incidentId;

    await conforms('GET /v1/incidents', { token: tokens.county, query: 'region=110101' });
    await conforms('GET /v1/incidents/{id}', { token: tokens.reporter, params: { id: incidentId } });
  });

  it('answers the attachment routes: an upload asked for, made, and read back', async () => {
    const bytes = new TextEncoder().encode('%PDF-1.7 现场照片说明');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const named = { sha256, bytes: bytes.length, contentType: 'application/pdf', caption: '现场说明' };
    const submitted = await conforms('POST /v1/reports', {
      token: tokens.reporter,
      body: { ...initialReport('110101', 'DC-JDJ'), attachments: [named] },
    });
    const params = { id: (submitted.body as { incidentId: string }).incidentId };
    const asked = await conforms('POST /v1/incidents/{id}/attachments', {
      token: tokens.reporter,
      params,
      body: { sha256 },
    });
    const upload = (asked.body as { upload: { url: string; headers: Record<string, string> } }).upload;
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes })).status).toBe(200);
    const listed = await conforms('GET /v1/incidents/{id}/attachments', { token: tokens.city, params });
    expect((listed.body as { items: { status: string }[] }).items.map((i) => i.status)).toEqual(['arrived']);
  });

  it('answers the offices’ acknowledgement and forward, the audit trail, the summaries and the directory', async () => {
    const params = { id: incidentId };
    await conforms('POST /v1/incidents/{id}/acknowledge', { token: tokens.county, params, body: { note: '收到' } });
    const board = await conforms('GET /v1/desk/board', { token: tokens.county });
    await conforms('GET /v1/desk/board', {
      token: tokens.county,
      query: `since=${(board.body as { pollSince: string }).pollSince}`,
    });
    await conforms('POST /v1/incidents/{id}/grade', {
      token: tokens.county,
      params,
      body: { grade: 'III', reason: '现场核实' },
    });
    const forwarded = await conforms('POST /v1/incidents/{id}/forward', { token: tokens.county, params, body: {} });
    expect((forwarded.body as { opened: unknown[] }).opened).not.toHaveLength(0);
    // Review and return: the county returns the unit's report, the unit corrects it; the city
    // returns the county's forward, and the county answers with a corrected forward.
    await conforms('POST /v1/incidents/{id}/return', {
      token: tokens.county,
      params,
      body: { fields: ['casualties.dead', 'summary'], note: '核实死亡人数' },
    });
    await conforms('POST /v1/reports', {
      token: tokens.reporter,
      body: initialReport('110101', 'DC-JDJ', {
        kind: 'follow-up',
        incidentId,
        correcting: `${incidentId}-correction1`,
        casualties: { dead: 3, injured: 2, missing: 1, trapped: 0 },
      }),
    });
    await conforms('POST /v1/incidents/{id}/return', {
      token: tokens.city,
      params,
      body: { fields: ['location.address'], note: '地点不具体' },
    });
    await conforms('POST /v1/incidents/{id}/forward', {
      token: tokens.county,
      params,
      body: { correcting: `${incidentId}-correction2`, note: '地点已核实' },
    });

    await conforms('GET /v1/incidents/{id}/audit', { token: tokens.city, params });
    await conforms('GET /v1/summaries/{region}', { token: tokens.city, params: { region: '110100' } });
    await conforms('GET /v1/offices/{code}/officers', { token: tokens.city, params: { code: '110101' } });
    // An office’s view of an incident once it has obligations met, acknowledgements and more reports.
    await conforms('GET /v1/incidents/{id}', { token: tokens.city, params });
  });

  it('answers the inspectors’ finding and views, and every refusal in the error shape', async () => {
    const params = { id: incidentId };
    await conforms('POST /v1/incidents/{id}/findings', {
      token: tokens.inspector,
      params,
      body: { finding: 'false-report', basis: '伤亡人数与现场核查不符', responsible: ['DC-JDJ'] },
    });
    // A refusal, recorded for the access-denied list; a bad query; an incident that does not exist.
    refused(await call(runtime, 'GET', '/v1/audit/late?region=110000', { token: tokens.reporter }), 403);
    refused(await call(runtime, 'GET', '/v1/incidents?limit=0', { token: tokens.county }), 400);
    refused(await call(runtime, 'GET', '/v1/incidents/INC-20000101-00000000', { token: tokens.county }), 404);

    const region = 'region=110000';
    await conforms('GET /v1/audit/late', { token: tokens.inspector, query: region });
    await conforms('GET /v1/audit/missed', { token: tokens.inspector, query: region });
    await conforms('GET /v1/audit/missed', { token: tokens.inspector, query: `${region}&grade=IV&office=110101` });
    await conforms('GET /v1/audit/late', { token: tokens.inspector, query: `${region}&unit=DC-JDJ` });
    refused(await call(runtime, 'GET', `/v1/audit/late?${region}&grade=V`, { token: tokens.inspector }), 400);
    await conforms('GET /v1/audit/offices', { token: tokens.inspector, query: region });
    await conforms('GET /v1/audit/candidates', { token: tokens.inspector, query: region });
    await conforms('GET /v1/audit/verify', { token: tokens.inspector, query: region });
    // The pack carries the finding just recorded, and the duties with Dongcheng's officers.
    await conforms('GET /v1/audit/evidence', { token: tokens.inspector, query: `incidents=${incidentId}` });
    await conforms('GET /v1/audit/evidence', { token: tokens.inspector, query: region });
    const denied = await conforms('GET /v1/audit/access-denied', { token: tokens.inspector, query: region });
    expect((denied.body as { items: unknown[] }).items).not.toHaveLength(0);
    // The inspector sees the finding on the incident.
    await conforms('GET /v1/incidents/{id}', { token: tokens.inspector, params });
  });

  it('answers a duty period’s activation and a unit’s daily report', async () => {
    // Today, or tomorrow once today's 23:00 cut-off is (nearly) past: a period must have one ahead.
    const day = dayBeforeCutoff(23);
    const period = await conforms('POST /v1/duty-periods', {
      token: tokens.county,
      body: { region: '110101', firstDate: day, lastDate: day, cutoffHour: 23, reason: '汛期' },
    });
    const { periodId } = period.body as { periodId: string };

    await conforms('POST /v1/daily-reports', {
      token: tokens.reporter,
      body: { periodId, date: day, nothingToReport: true },
    });

    const periods = await conforms('GET /v1/duty-periods', { token: tokens.city });
    expect((periods.body as { items: { periodId: string }[] }).items.map((p) => p.periodId)).toEqual([periodId]);
    const grid = await conforms('GET /v1/duty-periods/{id}/zero-reports', {
      token: tokens.city,
      params: { id: periodId },
      query: `region=110101&from=${day}&to=${day}`,
    });
    const cells = (grid.body as { units: { unitId: string; cells: { state: string }[] }[] }).units;
    expect(cells.find((u) => u.unitId === 'DC-JDJ')?.cells).toEqual([expect.objectContaining({ state: 'filed' })]);
    // Another county's desk: refused, and the refusal is in the error shape.
    refused(
      await call(runtime, 'GET', `/v1/duty-periods/${periodId}/zero-reports?region=110101`, {
        token: await tokenFor(runtime, { sub: 'xc', role: 'office', region: '110102', level: 'county' }),
      }),
      403,
    );
  });

  it('answers a reporting unit’s own reads: its incidents and the zero reports it owes', async () => {
    const unit = { unit: 'DC-JDJ' };
    const mine = await conforms('GET /v1/units/{unit}/incidents', { token: tokens.reporter, params: unit });
    expect((mine.body as { items: unknown[] }).items).not.toHaveLength(0);
    await conforms('GET /v1/units/{unit}/daily-reports', { token: tokens.reporter, params: unit });
  });

  it('answers a drill: its start, list, an exercise reported in it, its report, its early end', async () => {
    const started = await conforms('POST /v1/drills', {
      token: tokens.city,
      body: { title: '防汛应急演练', region: '110101', duration: '1h' },
    });
    const { drillId } = started.body as { drillId: string };
    const listed = await conforms('GET /v1/drills', { token: tokens.reporter });
    expect((listed.body as { drills: { drillId: string }[] }).drills.map((d) => d.drillId)).toContain(drillId);
    await conforms('GET /v1/drills', { token: tokens.inspector, query: 'region=110100' });

    const exercise = await conforms('POST /v1/reports', {
      token: tokens.reporter,
      body: initialReport('110101', 'DC-JDJ', { exercise: true }),
    });
    expect((exercise.body as { drillId?: string }).drillId).toBe(drillId);
    const exerciseId = (exercise.body as { incidentId: string }).incidentId;
    // The exercise, marked, in every read that shows it.
    await conforms('GET /v1/incidents/{id}', { token: tokens.county, params: { id: exerciseId } });
    await conforms('GET /v1/desk/board', { token: tokens.county });
    await conforms('GET /v1/units/{unit}/incidents', { token: tokens.reporter, params: { unit: 'DC-JDJ' } });
    await conforms('GET /v1/audit/evidence', { token: tokens.inspector, query: `incidents=${exerciseId}` });

    const report = await conforms('GET /v1/drills/{id}/report', { token: tokens.city, params: { id: drillId } });
    expect((report.body as { incidents: { incidentId: string }[] }).incidents.map((i) => i.incidentId)).toEqual([
      exerciseId,
    ]);
    const csv = await call(runtime, 'GET', `/v1/drills/${drillId}/report?format=csv`, { token: tokens.inspector });
    expect(csv.status).toBe(200);
    expect(csv.text.split('\r\n')[0]).toMatch(/^drillId,drillTitle,incidentId,/);

    // Another county's office may not end it (recorded); a unit may not start one; a bad body names its fields.
    const neighbour = await tokenFor(runtime, { sub: 'xc', role: 'office', region: '110102', level: 'county' });
    refused(await call(runtime, 'POST', `/v1/drills/${drillId}/end`, { token: neighbour, body: {} }), 403);
    refused(
      await call(runtime, 'POST', '/v1/drills', { token: tokens.reporter, body: { title: 'x', duration: '1h' } }),
      403,
    );
    const bad = await call(runtime, 'POST', '/v1/drills', {
      token: tokens.city,
      body: { title: '', duration: 'soon' },
    });
    refused(bad, 400);
    expect((bad.body as { error: { details: { field: string }[] } }).error.details.map((d) => d.field).sort()).toEqual([
      'duration',
      'title',
    ]);
    await conforms('POST /v1/drills/{id}/end', {
      token: tokens.city,
      params: { id: drillId },
      body: { reason: '演练结束' },
    });
    refused(await call(runtime, 'POST', `/v1/drills/${drillId}/end`, { token: tokens.city, body: {} }), 409);
    // Once over, an exercise is refused, naming the field.
    const outside = await call(runtime, 'POST', '/v1/reports', {
      token: tokens.reporter,
      body: initialReport('110101', 'DC-JDJ', { exercise: true }),
    });
    refused(outside, 400);
    expect((outside.body as { error: { details: { field: string }[] } }).error.details.map((d) => d.field)).toEqual([
      'exercise',
    ]);
  });

  it('walked every operation the document describes', () => {
    expect([...walked].sort()).toEqual(Object.keys(operations).sort());
  });
});
