/**
 * Properties of intake over HTTP, against the local runtime: random valid reports are stored and
 * read back exactly; random invalid bodies always get a 4xx and leave the tables untouched.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import divisions from '../../shared/domain/regions/divisions.json' with { type: 'json' };
import { call, initialReport, startTestRuntime, type TestRuntime, tokenFor } from './support';

const COUNTIES = divisions.counties.map(([code]) => code).filter((code): code is string => typeof code === 'string');

const count = fc.nat({ max: 5_000 });
const text = fc.string({ minLength: 1, maxLength: 60 }).filter((s) => s.trim().length > 0);

/** A valid initial report for a random real county, with random figures and text. */
const validReport = fc.record({
  county: fc.constantFrom(...COUNTIES),
  category: fc.constantFrom('natural-disaster', 'accident', 'public-health', 'social-security'),
  subtype: text,
  minutesAgo: fc.integer({ min: 1, max: 55 }),
  dead: count,
  injured: count,
  missing: count,
  trapped: count,
  affectedPeople: fc.nat({ max: 1_000_000 }),
  directLossYuan: fc.nat({ max: 2_000_000_000 }),
  summary: text,
  address: text,
});

type Mutation = (body: Record<string, unknown>) => Record<string, unknown>;

/** Ways to break a valid body; each alone must make it invalid. */
const mutation = fc.oneof(
  fc.constantFrom<Mutation>(
    (b) => ({ ...b, kind: 'rumour' }),
    (b) => ({ ...b, category: 'meteor' }),
    (b) => ({ ...b, regionCode: '999999' }),
    (b) => ({ ...b, regionCode: '110000' }),
    (b) => ({ ...b, grade: 'V' }),
    (b) => ({ ...b, occurredAt: 'yesterday' }),
    (b) => ({ ...b, learnedAt: new Date(Date.now() + 86_400_000).toISOString() }),
    (b) => ({ ...b, incidentId: 'INC-20261122-AAAAAAAA' }),
    (b) => ({ ...b, casualties: { dead: 0, injured: 0 } }),
    (b) => ({ ...b, reporter: { name: 'x', phone: 'x', unit: 'U-1' } }),
  ),
  fc
    .constantFrom('summary', 'regionCode', 'casualties', 'reporter', 'occurredAt', 'category')
    .map<Mutation>((field) => (b) => Object.fromEntries(Object.entries(b).filter(([key]) => key !== field))),
  fc
    .constantFrom('dead', 'injured', 'missing')
    .chain((field) =>
      fc
        .oneof(fc.integer({ min: -1000, max: -1 }), fc.double({ min: 0.1, max: 99.9, noInteger: true }))
        .map<Mutation>((value) => (b) => ({ ...b, casualties: { ...(b.casualties as object), [field]: value } })),
    ),
  fc
    .string({ minLength: 1, maxLength: 12 })
    .filter((key) => !(key in initialReport('110101', 'U-1')))
    .map<Mutation>((key) => (b) => ({ ...b, [key]: 1 })),
);

describe('intake properties over HTTP', () => {
  let runtime: TestRuntime;
  let dynamodb: DynamoDBClient;

  /** Incidents (head items), idempotency records and refusals: what a request can write. */
  const itemCount = async (): Promise<number> => {
    const { incidents, idempotency, accessLog } = runtime.resources.tables;
    const heads = await dynamodb.send(
      new ScanCommand({
        TableName: incidents,
        Select: 'COUNT',
        ConsistentRead: true,
        FilterExpression: 'sk = :head',
        ExpressionAttributeValues: { ':head': { S: 'HEAD' } },
      }),
    );
    let total = heads.Count ?? 0;
    for (const table of [idempotency, accessLog]) {
      total +=
        (await dynamodb.send(new ScanCommand({ TableName: table, Select: 'COUNT', ConsistentRead: true }))).Count ?? 0;
    }
    return total;
  };

  beforeAll(async () => {
    runtime = await startTestRuntime();
    dynamodb = new DynamoDBClient({
      region: LOCAL_REGION,
      credentials: localCredentials,
      endpoint: runtime.endpoints.dynamodb,
    });
  });

  afterAll(async () => {
    dynamodb?.destroy();
    await runtime?.close();
  });

  it('stores random valid reports and reads them back exactly', async () => {
    await fc.assert(
      fc.asyncProperty(validReport, async (r) => {
        const learned = new Date(Date.now() - r.minutesAgo * 60_000);
        const body = initialReport(r.county, `U-${r.county}`, {
          category: r.category,
          subtype: r.subtype,
          occurredAt: new Date(learned.getTime() - 60_000).toISOString(),
          learnedAt: learned.toISOString(),
          location: { address: r.address },
          casualties: { dead: r.dead, injured: r.injured, missing: r.missing, trapped: r.trapped },
          affectedPeople: r.affectedPeople,
          directLossYuan: r.directLossYuan,
          summary: r.summary,
        });
        const token = await tokenFor(runtime, {
          sub: `u-${r.county}`,
          role: 'reporter',
          region: r.county,
          unit: `U-${r.county}`,
        });
        const created = await call(runtime, 'POST', '/v1/reports', { token, body });
        expect(created.status).toBe(201);
        const { incidentId } = created.body as { incidentId: string };
        const read = await call(runtime, 'GET', `/v1/incidents/${incidentId}`, { token });
        expect(read.status).toBe(200);
        const report = (read.body as { reports: Record<string, unknown>[] }).reports[0];
        expect(report).toMatchObject({
          category: r.category,
          subtype: r.subtype.trim(),
          regionCode: r.county,
          summary: r.summary.trim(),
          location: { address: r.address.trim() },
          figures: {
            dead: r.dead,
            injured: r.injured,
            missing: r.missing,
            trapped: r.trapped,
            affectedPeople: r.affectedPeople,
            directLossYuan: r.directLossYuan,
          },
          occurredAt: new Date(learned.getTime() - 60_000).toISOString(),
          learnedAt: learned.toISOString(),
        });
      }),
      { numRuns: 25 },
    );
  });

  it('answers random invalid bodies with a 4xx and writes nothing', async () => {
    const token = await tokenFor(runtime, { sub: 'u-1', role: 'reporter', region: '110101', unit: 'U-1' });
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const body = mutations.reduce<Record<string, unknown>>((b, m) => m(b), initialReport('110101', 'U-1'));
        const before = await itemCount();
        const answer = await call(runtime, 'POST', '/v1/reports', { token, body });
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
        expect((answer.body as { error: { details?: unknown[] } }).error.details?.length ?? 0).toBeGreaterThan(0);
        expect(await itemCount()).toBe(before);
      }),
      { numRuns: 40 },
    );
  });
});
