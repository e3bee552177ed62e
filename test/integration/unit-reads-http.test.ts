/**
 * A reporting unit's own reads over HTTP on the local runtime: `GET /v1/units/{unit}/incidents`
 * lists the incidents it reported — never another unit's, even in the same county — with where
 * each has got to, a page at a time; `GET /v1/units/{unit}/daily-reports` says what it owes today.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import { makeDynamoUnitRegistry } from '../../shared/adapters/dynamodb/unit-registry';
import { chinaDateOf } from '../../shared/domain/china-time';
import { call, initialReport, startTestRuntime, type TestRuntime, tokenFor } from './support';

interface UnitIncident {
  incidentId: string;
  status: string;
  receivedBy: { office: string } | null;
  forwarded: { from: { office: string }; to: { office: string }; by: string }[];
}
interface Page {
  items: UnitIncident[];
  next?: string;
}

describe('a reporting unit’s own reads over HTTP', () => {
  let runtime: TestRuntime;
  const tokens: Record<string, string> = {};
  const mine: string[] = [];
  let theirs: string;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    tokens.u1 = await tokenFor(runtime, { sub: 'unit-u1', role: 'reporter', region: '110101', unit: 'U-1' });
    tokens.u2 = await tokenFor(runtime, { sub: 'unit-u2', role: 'reporter', region: '110101', unit: 'U-2' });
    tokens.county = await tokenFor(runtime, { sub: 'dongcheng', role: 'office', region: '110101', level: 'county' });
    tokens.inspector = await tokenFor(runtime, { sub: 'insp-bj', role: 'inspector', region: '110000' });
    for (let i = 0; i < 3; i++) {
      const created = await call(runtime, 'POST', '/v1/reports', {
        token: tokens.u1,
        body: initialReport('110101', 'U-1', { subtype: `landslide ${i}` }),
      });
      expect(created.status).toBe(201);
      mine.push((created.body as { incidentId: string }).incidentId);
    }
    const other = await call(runtime, 'POST', '/v1/reports', {
      token: tokens.u2,
      body: initialReport('110101', 'U-2'),
    });
    theirs = (other.body as { incidentId: string }).incidentId;
  });

  afterAll(async () => {
    await runtime?.close();
  });

  const list = async (token: string | undefined, query = '') =>
    call(runtime, 'GET', `/v1/units/U-1/incidents${query}`, { ...(token ? { token } : {}) });

  it('lists the unit’s own incidents, newest first, and none of another unit’s in the same county', async () => {
    const answer = await list(tokens.u1);
    expect(answer.status).toBe(200);
    const ids = (answer.body as Page).items.map((i) => i.incidentId);
    expect(ids).toEqual([...mine].reverse());
    expect(ids).not.toContain(theirs);
  });

  it('pages with a cursor, and the pages together are the whole list', async () => {
    const first = (await list(tokens.u1, '?limit=2')).body as Page;
    expect(first.items).toHaveLength(2);
    expect(first.next).toBeDefined();
    const second = (await list(tokens.u1, `?limit=2&cursor=${encodeURIComponent(first.next ?? '')}`)).body as Page;
    expect([...first.items, ...second.items].map((i) => i.incidentId)).toEqual([...mine].reverse());
  });

  it('refuses another unit’s list with a recorded 403, and anyone but a unit', async () => {
    const asOther = await list(tokens.u2);
    expect(asOther.status).toBe(403);
    expect(await list(tokens.county).then((a) => a.status)).toBe(403);
    expect(await list(tokens.inspector).then((a) => a.status)).toBe(403);
    expect(await list(undefined).then((a) => a.status)).toBe(401);
    const denied = await call(runtime, 'GET', '/v1/audit/access-denied?region=110000&limit=200', {
      token: tokens.inspector,
    });
    const refused = (denied.body as { items: { action: string; actor: { sub: string } }[] }).items.filter(
      (d) => d.action === 'GET /v1/units/{unit}/incidents',
    );
    expect(refused.map((d) => d.actor.sub)).toEqual(expect.arrayContaining(['unit-u2', 'dongcheng', 'insp-bj']));
  });

  it('says who received the report and where it was forwarded', async () => {
    const id = mine[0] ?? '';
    expect(
      (await call(runtime, 'POST', `/v1/incidents/${id}/acknowledge`, { token: tokens.county, body: {} })).status,
    ).toBe(200);
    expect(
      (await call(runtime, 'POST', `/v1/incidents/${id}/forward`, { token: tokens.county, body: {} })).status,
    ).toBe(200);
    const item = ((await list(tokens.u1)).body as Page).items.find((i) => i.incidentId === id);
    expect(item?.receivedBy?.office).toBe('110101');
    expect(item?.forwarded).toEqual([
      expect.objectContaining({
        from: expect.objectContaining({ office: '110101' }),
        to: expect.objectContaining({ office: '110100' }),
        by: 'office',
      }),
    ]);
  });

  it('refuses a malformed query with the field named', async () => {
    const answer = await list(tokens.u1, '?limit=0');
    expect(answer.status).toBe(400);
    expect((answer.body as { error: { details: { field: string }[] } }).error.details.map((d) => d.field)).toEqual([
      'limit',
    ]);
  });

  it('tells a registered unit the zero report it owes today, and an unregistered one that it is not registered', async () => {
    const client = makeDocumentClient(
      new DynamoDBClient({ region: LOCAL_REGION, credentials: localCredentials, endpoint: runtime.endpoints.dynamodb }),
    );
    const registry = makeDynamoUnitRegistry({ client, table: runtime.resources.tables.officers });
    await registry.replaceCounties(
      ['110101'],
      [
        {
          unitId: 'U-1',
          name: '东华门街道办事处',
          county: '110101',
          kind: 'township',
          contact: { name: '刘明', phone: '+86 10 6512 0001' },
        },
      ],
    );
    const today = chinaDateOf(new Date());
    const tomorrow = chinaDateOf(new Date(Date.now() + 86_400_000));
    const activated = await call(runtime, 'POST', '/v1/duty-periods', {
      token: tokens.county,
      body: { region: '110101', firstDate: today, lastDate: tomorrow, cutoffHour: 23, reason: 'flood season' },
    });
    expect(activated.status).toBe(201);

    const answer = await call(runtime, 'GET', '/v1/units/U-1/daily-reports', { token: tokens.u1 });
    expect(answer.status).toBe(200);
    const body = answer.body as {
      date: string;
      registered: boolean;
      duties: { date: string; reason: string; filed: unknown }[];
    };
    expect(body.date).toBe(today);
    expect(body.registered).toBe(true);
    // Today's report until its 23:00 cut-off; after it, tomorrow's, whose filing has opened.
    expect(body.duties.length).toBeGreaterThan(0);
    for (const duty of body.duties) {
      expect(duty).toEqual(expect.objectContaining({ reason: 'flood season', filed: null }));
      expect([today, tomorrow]).toContain(duty.date);
    }

    const unregistered = await call(runtime, 'GET', '/v1/units/U-2/daily-reports', { token: tokens.u2 });
    expect(unregistered.body).toEqual({ date: today, registered: false, duties: [] });
    expect((await call(runtime, 'GET', '/v1/units/U-1/daily-reports', { token: tokens.u2 })).status).toBe(403);
  });
});
