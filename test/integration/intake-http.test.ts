/**
 * Report intake over HTTP against the local runtime (DynamoDB Local, real tokens): what a
 * grassroots unit, an office and an inspector see.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { call, initialReport, startTestRuntime, type TestRuntime, tokenFor } from './support';

interface Created {
  incidentId: string;
  reportId: string;
  seq: number;
  grade: string;
  gradeBasis: string;
  obligations: { level: string; office: string; dueAt: string; status: string }[];
  lateReport?: { lateByMs: number };
}

interface ErrorBody {
  error: { code: string; message: string; details?: { field: string; problem: string }[] };
}

describe('POST /v1/reports and reading back, over HTTP', () => {
  let runtime: TestRuntime;
  let dynamodb: DynamoDBClient;
  let reporter: string;
  let otherCountyReporter: string;
  let cityOffice: string;
  let otherCityOffice: string;
  let inspector: string;

  /**
   * What a request can write: incidents (their head items) and idempotency records. Events are
   * left out: earlier incidents keep gaining events in the background (notifications, timers).
   */
  const itemCount = async (): Promise<number> => {
    const heads = await dynamodb.send(
      new ScanCommand({
        TableName: runtime.resources.tables.incidents,
        Select: 'COUNT',
        ConsistentRead: true,
        FilterExpression: 'sk = :head',
        ExpressionAttributeValues: { ':head': { S: 'HEAD' } },
      }),
    );
    const keys = await dynamodb.send(
      new ScanCommand({ TableName: runtime.resources.tables.idempotency, Select: 'COUNT', ConsistentRead: true }),
    );
    return (heads.Count ?? 0) + (keys.Count ?? 0);
  };

  const submit = (body: unknown, token = reporter, headers: Record<string, string> = {}) =>
    call(runtime, 'POST', '/v1/reports', { token, body, headers });

  beforeAll(async () => {
    runtime = await startTestRuntime();
    dynamodb = new DynamoDBClient({
      region: LOCAL_REGION,
      credentials: localCredentials,
      endpoint: runtime.endpoints.dynamodb,
    });
    reporter = await tokenFor(runtime, { sub: 'unit-u1', role: 'reporter', region: '110101', unit: 'U-1' });
    otherCountyReporter = await tokenFor(runtime, { sub: 'unit-u9', role: 'reporter', region: '310101', unit: 'U-9' });
    cityOffice = await tokenFor(runtime, { sub: 'bj-city', role: 'office', region: '110100', level: 'city' });
    otherCityOffice = await tokenFor(runtime, { sub: 'sh-city', role: 'office', region: '310100', level: 'city' });
    inspector = await tokenFor(runtime, { sub: 'insp-bj', role: 'inspector', region: '110000' });
  });

  afterAll(async () => {
    dynamodb?.destroy();
    await runtime?.close();
  });

  it('accepts an initial report: 201 with the incident, its grade and the county office’s obligation', async () => {
    const answer = await submit(initialReport('110101', 'U-1'));
    expect(answer.status).toBe(201);
    const created = answer.body as Created;
    expect(created.incidentId).toMatch(/^INC-\d{8}-[0-9A-Z]{8}$/);
    expect(created.seq).toBe(1);
    expect(created.grade).toBe('IV');
    expect(created.gradeBasis).toBe('assessed');
    expect(created.obligations).toEqual([
      expect.objectContaining({ level: 'county', office: '110101', status: 'pending' }),
    ]);
    const due = Date.parse(created.obligations[0]?.dueAt ?? '');
    expect(due - Date.now()).toBeGreaterThan(2 * 3600_000 - 60_000);
    expect(due - Date.now()).toBeLessThanOrEqual(2 * 3600_000);

    const read = await call(runtime, 'GET', `/v1/incidents/${created.incidentId}`, { token: reporter });
    expect(read.status).toBe(200);
    const view = read.body as { incident: { regionCode: string; cityCode: string }; reports: unknown[] };
    expect(view.incident.regionCode).toBe('110101');
    expect(view.incident.cityCode).toBe('110100');
    expect(view.reports).toHaveLength(1);
  });

  it('flags a unit that reports later than its own limit at once', async () => {
    const learned = Date.now() - 3 * 3600_000;
    const answer = await submit(
      initialReport('110101', 'U-1', {
        occurredAt: new Date(learned - 60_000).toISOString(),
        learnedAt: new Date(learned).toISOString(),
      }),
    );
    expect(answer.status).toBe(201);
    const created = answer.body as Created;
    expect(created.lateReport?.lateByMs).toBeGreaterThan(2 * 3600_000 - 60_000);
    const audit = await call(runtime, 'GET', `/v1/incidents/${created.incidentId}/audit`, { token: inspector });
    const types = (audit.body as { events: { type: string }[] }).events.map((e) => e.type);
    expect(types).toEqual(['ReportSubmitted', 'UnitReportLate', 'ObligationOpened']);
  });

  describe('bad input gets a precise 4xx and writes nothing', () => {
    const cases: [string, () => Promise<{ status: number; body: unknown }>, number, string, string[]][] = [
      [
        'invalid JSON',
        () =>
          call(runtime, 'POST', '/v1/reports', {
            token: reporter,
            rawBody: '{"kind":',
            headers: { 'content-type': 'application/json' },
          }),
        400,
        'invalid-input',
        ['(body)'],
      ],
      [
        'a wrong content type',
        () =>
          call(runtime, 'POST', '/v1/reports', {
            token: reporter,
            rawBody: 'kind=initial',
            headers: { 'content-type': 'text/plain' },
          }),
        415,
        'unsupported-media-type',
        [],
      ],
      [
        'a body over 64 KB',
        () => submit(initialReport('110101', 'U-1', { summary: 'x'.repeat(70 * 1024) })),
        413,
        'payload-too-large',
        [],
      ],
      [
        'unknown fields, top-level and nested',
        () => submit({ ...initialReport('110101', 'U-1'), colour: 'red', location: { address: 'x', floor: 3 } }),
        400,
        'invalid-input',
        ['colour', 'location.floor'],
      ],
      ['an unknown region', () => submit(initialReport('999999', 'U-1')), 400, 'invalid-input', ['regionCode']],
      ['a city code with counties', () => submit(initialReport('110100', 'U-1')), 400, 'invalid-input', ['regionCode']],
      [
        'negative and fractional counts',
        () => submit(initialReport('110101', 'U-1', { casualties: { dead: -1, injured: 1.5, missing: 0 } })),
        400,
        'invalid-input',
        ['casualties.dead', 'casualties.injured'],
      ],
      [
        'times in the future',
        () =>
          submit(
            initialReport('110101', 'U-1', {
              occurredAt: new Date(Date.now() + 3600_000).toISOString(),
              learnedAt: new Date(Date.now() + 7200_000).toISOString(),
            }),
          ),
        400,
        'invalid-input',
        ['occurredAt', 'learnedAt'],
      ],
      [
        'a follow-up for an unknown incident',
        () => submit(initialReport('110101', 'U-1', { kind: 'follow-up', incidentId: 'INC-20261122-00000000' })),
        404,
        'not-found',
        [],
      ],
    ];

    for (const [name, send, status, code, fields] of cases) {
      it(`${name} → ${status}`, async () => {
        const before = await itemCount();
        const answer = await send();
        expect(answer.status).toBe(status);
        const error = (answer.body as ErrorBody).error;
        expect(error.code).toBe(code);
        expect(error.message.length).toBeGreaterThan(0);
        const reported = (error.details ?? []).map((d) => d.field);
        for (const field of fields) expect(reported).toContain(field);
        expect(await itemCount()).toBe(before);
      });
    }

    it('lists every bad field of a body with many problems in one answer', async () => {
      const answer = await submit({
        kind: 'initial',
        category: 'meteor',
        regionCode: '12',
        casualties: { dead: -1, injured: 0, missing: 0 },
        reporter: { name: '', phone: 'call me', unit: 'U-1' },
      });
      expect(answer.status).toBe(400);
      const fields = ((answer.body as ErrorBody).error.details ?? []).map((d) => d.field);
      expect(fields).toEqual(
        expect.arrayContaining([
          'category',
          'subtype',
          'occurredAt',
          'learnedAt',
          'regionCode',
          'location',
          'casualties.dead',
          'affectedPeople',
          'directLossYuan',
          'summary',
          'reporter.name',
          'reporter.phone',
        ]),
      );
    });

    it('refuses anything after the final report with 409', async () => {
      const first = (await submit(initialReport('110101', 'U-1'))).body as Created;
      const final = await submit(initialReport('110101', 'U-1', { kind: 'final', incidentId: first.incidentId }));
      expect(final.status).toBe(201);
      expect((final.body as { status: string }).status).toBe('closed');
      const before = await itemCount();
      const late = await submit(initialReport('110101', 'U-1', { kind: 'follow-up', incidentId: first.incidentId }));
      expect(late.status).toBe(409);
      expect((late.body as ErrorBody).error.code).toBe('incident-closed');
      expect(await itemCount()).toBe(before);
    });
  });

  describe('authorisation by jurisdiction', () => {
    it('refuses a unit reporting for another county, records it, and lets the inspectors of both see it', async () => {
      const answer = await submit(initialReport('110101', 'U-9'), otherCountyReporter);
      expect(answer.status).toBe(403);
      expect((answer.body as ErrorBody).error.code).toBe('forbidden');

      const denied = await call(runtime, 'GET', '/v1/audit/access-denied', { token: inspector });
      expect(denied.status).toBe(200);
      const items = (denied.body as { items: { actor: { sub: string }; action: string; targetRegion: string }[] })
        .items;
      expect(items).toContainEqual(
        expect.objectContaining({
          actor: expect.objectContaining({ sub: 'unit-u9' }),
          action: 'POST /v1/reports',
          targetRegion: '110101',
        }),
      );
    });

    it('lets an office read inside its jurisdiction only, and an inspector only read', async () => {
      const created = (await submit(initialReport('110101', 'U-1'))).body as Created;
      expect((await call(runtime, 'GET', `/v1/incidents/${created.incidentId}`, { token: cityOffice })).status).toBe(
        200,
      );
      expect(
        (await call(runtime, 'GET', `/v1/incidents/${created.incidentId}`, { token: otherCityOffice })).status,
      ).toBe(403);
      expect(
        (await call(runtime, 'GET', `/v1/incidents/${created.incidentId}`, { token: otherCountyReporter })).status,
      ).toBe(403);
      expect((await submit(initialReport('110101', 'U-1'), inspector)).status).toBe(403);
      expect(
        (await call(runtime, 'GET', `/v1/incidents/${created.incidentId}/audit`, { token: reporter })).status,
      ).toBe(403);
      expect((await call(runtime, 'GET', '/v1/audit/access-denied', { token: cityOffice })).status).toBe(403);
    });

    it('answers 401 without a token', async () => {
      expect((await call(runtime, 'POST', '/v1/reports', { body: initialReport('110101', 'U-1') })).status).toBe(401);
    });
  });

  describe('idempotency', () => {
    it('returns exactly the first answer to a retry and writes nothing more; another body under the key is 409', async () => {
      const body = initialReport('110101', 'U-1');
      const key = { 'idempotency-key': `retry-${Date.now()}` };
      const first = await submit(body, reporter, key);
      expect(first.status).toBe(201);
      const before = await itemCount();
      const retry = await submit(body, reporter, key);
      expect(retry.status).toBe(201);
      expect((retry as { text: string }).text).toBe((first as { text: string }).text);
      expect(await itemCount()).toBe(before);

      const different = await submit({ ...body, affectedPeople: 999 }, reporter, key);
      expect(different.status).toBe(409);
      expect((different.body as ErrorBody).error.code).toBe('idempotency-key-reused');
    });

    it('survives a retry storm: 50 concurrent copies → one incident, one report, 50 identical answers', async () => {
      const body = initialReport('110101', 'U-1', { summary: `storm ${Date.now()}` });
      const key = { 'idempotency-key': `storm-${Date.now()}` };
      const before = await itemCount();
      const answers = await Promise.all(Array.from({ length: 50 }, () => submit(body, reporter, key)));
      expect(new Set(answers.map((a) => a.status))).toEqual(new Set([201]));
      expect(new Set(answers.map((a) => (a as { text: string }).text)).size).toBe(1);
      // One incident and one idempotency record …
      expect((await itemCount()) - before).toBe(2);
      // … whose log holds the report once.
      const { incidentId } = JSON.parse((answers[0] as { text: string }).text) as { incidentId: string };
      const audit = await call(runtime, 'GET', `/v1/incidents/${incidentId}/audit`, { token: cityOffice });
      const types = (audit.body as { events: { type: string }[] }).events.map((e) => e.type);
      expect(types.filter((type) => type === 'ReportSubmitted')).toHaveLength(1);
    });
  });

  it('lands 20 concurrent follow-ups to one incident: 21 reports, contiguous, chain intact', async () => {
    const created = (await submit(initialReport('110101', 'U-1'))).body as Created;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        submit(
          initialReport('110101', 'U-1', {
            kind: 'follow-up',
            incidentId: created.incidentId,
            casualties: { dead: 0, injured: 2 + i, missing: 1, trapped: 0 },
          }),
        ),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    const audit = await call(runtime, 'GET', `/v1/incidents/${created.incidentId}/audit`, { token: cityOffice });
    const trail = audit.body as {
      events: { seq: number; type: string }[];
      verification: { intact: boolean; events: number };
    };
    expect(trail.events.map((e) => e.seq)).toEqual(trail.events.map((_, i) => i + 1));
    expect(trail.events.filter((e) => e.type === 'ReportSubmitted')).toHaveLength(21);
    expect(trail.verification).toMatchObject({ intact: true, events: trail.events.length });
  });

  it('lists a region’s incidents a page at a time with an opaque cursor', async () => {
    for (let i = 0; i < 3; i++) await submit(initialReport('110101', 'U-1'));
    const seen = new Set<string>();
    let next: string | undefined;
    let pages = 0;
    do {
      const answer = await call(
        runtime,
        'GET',
        `/v1/incidents?region=110100&limit=2${next ? `&cursor=${encodeURIComponent(next)}` : ''}`,
        { token: cityOffice },
      );
      expect(answer.status).toBe(200);
      const page = answer.body as { items: { incidentId: string }[]; next?: string };
      expect(page.items.length).toBeLessThanOrEqual(2);
      for (const item of page.items) {
        expect(seen.has(item.incidentId)).toBe(false);
        seen.add(item.incidentId);
      }
      next = page.next;
      pages += 1;
    } while (next && pages < 50);
    expect(seen.size).toBeGreaterThanOrEqual(3);

    const outside = await call(runtime, 'GET', '/v1/incidents?region=110100', { token: otherCityOffice });
    expect(outside.status).toBe(403);
    const badCursor = await call(runtime, 'GET', '/v1/incidents?cursor=not-a-cursor', { token: cityOffice });
    expect(badCursor.status).toBe(400);
  });

  it('serves the OpenAPI 3.1 document generated from the schemas', async () => {
    const answer = await call(runtime, 'GET', '/v1/openapi.json');
    expect(answer.status).toBe(200);
    const document = answer.body as { openapi: string; components: { schemas: { Report: { properties: object } } } };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.components.schemas.Report.properties)).toEqual(
      expect.arrayContaining(['casualties', 'learnedAt', 'occurredAt', 'reporter']),
    );
  });
});
