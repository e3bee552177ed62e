/**
 * The DynamoDB adapters against the suite's real DynamoDB Local, on tables provisioned from
 * `infra/resources.ts` under a prefix of their own: what is appended reads back unchanged, a lost
 * race writes nothing, and the list and sweeper indexes hold what they should.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalResources } from '../../infra/local/provision';
import { makeDynamoAccessLog } from '../../shared/adapters/dynamodb/access-log';
import { makeDynamoIncidentStore } from '../../shared/adapters/dynamodb/incident-store';
import { OPEN_SHARDS, openShard } from '../../shared/adapters/dynamodb/keys';
import type { IncidentState } from '../../shared/domain/incident';
import type { Obligation } from '../../shared/domain/obligation';
import { NATIONAL } from '../../shared/domain/regions/regions';
import type { AccessDenied, AccessLog } from '../../shared/ports/access-log';
import {
  DuplicateRequest,
  type IncidentQuery,
  type IncidentStore,
  VersionConflict,
} from '../../shared/ports/incident-store';
import { answerFor, buildIncident, creation, regrade } from '../adapters/incident-fixtures';
import { provisionTestResources } from './support';

let close: (() => void) | undefined;
let documents: DynamoDBDocumentClient;
let resources: LocalResources;
let store: IncidentStore;
let accessLog: AccessLog;

beforeAll(async () => {
  ({ resources, documents, close } = await provisionTestResources());
  store = makeDynamoIncidentStore({
    client: documents,
    incidentsTable: resources.tables.incidents,
    idempotencyTable: resources.tables.idempotency,
  });
  accessLog = makeDynamoAccessLog({ client: documents, table: resources.tables.accessLog });
});

afterAll(() => {
  close?.();
});

/** Incident ids are `INC-<yyyymmdd>-<8>`; the suffix keeps each test's incidents apart. */
const incidentId = (suffix: string): string => `INC-20260301-${suffix.padEnd(8, '0').slice(0, 8)}`;

const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('round trip', () => {
  it('reads back exactly the head and events it appended, null county and floats included (Dongguan 441900)', async () => {
    const incident = buildIncident({
      incidentId: incidentId('RTDG0001'),
      regionCode: '441900',
      receivedAt: '2026-03-01T02:00:00.000Z',
      grade: 'III',
    });
    expect(incident.state.countyCode).toBeNull();

    await store.append(creation(incident));

    const state = await store.getState(incident.state.incidentId);
    const events = await store.getEvents(incident.state.incidentId);
    expect(state).toStrictEqual(incident.state);
    expect(events).toStrictEqual(incident.events);
    const [report] = events;
    expect(report?.type === 'ReportSubmitted' && report.data.location).toEqual({
      address: 'No. 3 shaft, 东城区',
      lat: 39.93,
      lon: 116.4,
    });
  });

  it('reads back a follow-up in sequence order after the first append (Shijiazhuang 130102)', async () => {
    const incident = buildIncident({
      incidentId: incidentId('RTHB0001'),
      regionCode: '130102',
      receivedAt: '2026-03-01T02:00:00.000Z',
    });
    await store.append(creation(incident));
    const followUp = regrade(incident, 'II');

    await store.append(followUp);

    await expect(store.getState(incident.state.incidentId)).resolves.toStrictEqual(followUp.state);
    await expect(store.getEvents(incident.state.incidentId)).resolves.toStrictEqual([
      ...incident.events,
      ...followUp.events,
    ]);
    expect(followUp.state).toMatchObject({ version: 3, grade: 'II', countyCode: '130102', cityCode: '130100' });
  });

  it('stores the idempotent answer beside the change and finds it by key', async () => {
    const incident = buildIncident({
      incidentId: incidentId('RTIDEM01'),
      regionCode: '130102',
      receivedAt: '2026-03-01T02:00:00.000Z',
    });
    const answer = answerFor('U-1#round-trip');

    await store.append(creation(incident, answer));

    await expect(store.findAnswer('U-1#round-trip')).resolves.toStrictEqual(answer);
    await expect(store.findAnswer('U-1#never-used')).resolves.toBeUndefined();
  });
});

describe('a lost race writes nothing', () => {
  it('a second append computed from a stale version is a VersionConflict and leaves head and log as they were', async () => {
    const incident = buildIncident({
      incidentId: incidentId('RACEVER1'),
      regionCode: '120101',
      receivedAt: '2026-03-01T02:00:00.000Z',
    });
    await store.append(creation(incident));
    const winner = regrade(incident, 'II');
    const loser = regrade(incident, 'I');
    await store.append(winner);

    const error = await rejection(store.append(loser));

    expect(error).toBeInstanceOf(VersionConflict);
    expect(error).toHaveProperty('incidentId', incident.state.incidentId);
    await expect(store.getState(incident.state.incidentId)).resolves.toStrictEqual(winner.state);
    await expect(store.getEvents(incident.state.incidentId)).resolves.toStrictEqual([
      ...incident.events,
      ...winner.events,
    ]);
  });

  it('a stale change with no events (an obligation update alone) is refused by the head version alone', async () => {
    const incident = buildIncident({
      incidentId: incidentId('RACEOBL1'),
      regionCode: '120101',
      receivedAt: '2026-03-01T02:00:00.000Z',
    });
    await store.append(creation(incident));
    const winner = regrade(incident, 'II');
    await store.append(winner);
    const [obligation] = incident.state.obligations;
    if (!obligation) throw new Error('the fixture has no obligation');

    const error = await rejection(
      store.append({
        incidentId: incident.state.incidentId,
        expectedVersion: incident.state.version,
        state: { ...incident.state, obligations: [{ ...obligation, status: 'met' }] },
        events: [],
      }),
    );

    expect(error).toBeInstanceOf(VersionConflict);
    await expect(store.getState(incident.state.incidentId)).resolves.toStrictEqual(winner.state);
    expect(winner.state.obligations).toStrictEqual([obligation]);
    const head = await storedHeadOf(incident.state.incidentId);
    expect(head).toMatchObject({ openShard: openShard(incident.state.incidentId), nextDueAt: obligation.dueAt });
  });

  it('creating an incident that already exists is a VersionConflict and writes nothing', async () => {
    const incident = buildIncident({
      incidentId: incidentId('RACENEW1'),
      regionCode: '120101',
      receivedAt: '2026-03-01T02:00:00.000Z',
    });
    await store.append(creation(incident));
    const rival = buildIncident({
      incidentId: incident.state.incidentId,
      regionCode: '120101',
      receivedAt: '2026-03-01T02:05:00.000Z',
      grade: 'I',
    });

    await expect(store.append(creation(rival))).rejects.toBeInstanceOf(VersionConflict);
    await expect(store.getState(incident.state.incidentId)).resolves.toStrictEqual(incident.state);
    await expect(store.getEvents(incident.state.incidentId)).resolves.toStrictEqual(incident.events);
  });

  it('a reused idempotency key is a DuplicateRequest: neither the new incident nor its events are written', async () => {
    const first = buildIncident({
      incidentId: incidentId('DUPNEW01'),
      regionCode: '120101',
      receivedAt: '2026-03-01T02:00:00.000Z',
    });
    await store.append(creation(first, answerFor('U-1#reused')));
    const second = buildIncident({
      incidentId: incidentId('DUPNEW02'),
      regionCode: '120101',
      receivedAt: '2026-03-01T02:10:00.000Z',
    });
    const reused = answerFor('U-1#reused');
    const other = { ...reused, requestHash: 'f'.repeat(64), receipt: { ...reused.receipt, seq: 9 } };

    const error = await rejection(store.append(creation(second, other)));

    expect(error).toBeInstanceOf(DuplicateRequest);
    expect(error).toHaveProperty('key', 'U-1#reused');
    await expect(store.getState(second.state.incidentId)).resolves.toBeUndefined();
    await expect(store.getEvents(second.state.incidentId)).resolves.toEqual([]);
    await expect(store.findAnswer('U-1#reused')).resolves.toStrictEqual(answerFor('U-1#reused'));
    expect(await openObligations()).not.toContainEqual(
      expect.objectContaining({ incidentId: second.state.incidentId }),
    );
  });

  it('a reused idempotency key on a follow-up is a DuplicateRequest and leaves head and log unchanged', async () => {
    const incident = buildIncident({
      incidentId: incidentId('DUPFOL01'),
      regionCode: '120101',
      receivedAt: '2026-03-01T02:00:00.000Z',
    });
    await store.append(creation(incident, answerFor('U-1#follow-up')));

    const error = await rejection(store.append(regrade(incident, 'I', { answer: answerFor('U-1#follow-up') })));

    expect(error).toBeInstanceOf(DuplicateRequest);
    await expect(store.getState(incident.state.incidentId)).resolves.toStrictEqual(incident.state);
    await expect(store.getEvents(incident.state.incidentId)).resolves.toStrictEqual(incident.events);
  });
});

describe('list', () => {
  // Seven Beijing incidents (province 110000, city 110100), a minute apart, newest last here.
  const beijing = [
    { suffix: 'LSTBJ001', regionCode: '110101', grade: 'IV', closed: false },
    { suffix: 'LSTBJ002', regionCode: '110105', grade: 'III', closed: false },
    { suffix: 'LSTBJ003', regionCode: '110101', grade: 'III', closed: true },
    { suffix: 'LSTBJ004', regionCode: '110108', grade: 'II', closed: false },
    { suffix: 'LSTBJ005', regionCode: '110101', grade: 'III', closed: false },
    { suffix: 'LSTBJ006', regionCode: '110105', grade: 'IV', closed: true },
    { suffix: 'LSTBJ007', regionCode: '110101', grade: 'III', closed: false },
  ] as const;
  const states: IncidentState[] = [];
  const ids = (items: readonly IncidentState[]) => items.map((s) => s.incidentId);
  /** Expected order: newest first. */
  const newestFirst = (predicate: (s: IncidentState) => boolean) =>
    ids(states.filter(predicate).sort((a, b) => b.receivedAt.localeCompare(a.receivedAt)));

  /** Reads every page of a query, checking that each page is at most `limit` long. */
  const listAll = async (query: Omit<IncidentQuery, 'after'>) => {
    const seen: IncidentState[] = [];
    let after: Readonly<Record<string, string>> | undefined;
    let pages = 0;
    do {
      const page = await store.list({ ...query, ...(after ? { after } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(query.limit);
      seen.push(...page.items);
      after = page.after;
      pages += 1;
      expect(pages).toBeLessThan(20);
    } while (after);
    return { items: seen, pages };
  };

  beforeAll(async () => {
    for (const [i, spec] of beijing.entries()) {
      const incident = buildIncident({
        incidentId: incidentId(spec.suffix),
        regionCode: spec.regionCode,
        receivedAt: new Date(Date.parse('2026-03-02T00:00:00.000Z') + i * 60_000).toISOString(),
        grade: spec.grade,
        closed: spec.closed,
      });
      await store.append(creation(incident));
      states.push(incident.state);
    }
    // Elsewhere in Guangdong, to be left out of every Beijing list.
    await store.append(
      creation(
        buildIncident({
          incidentId: incidentId('LSTGD001'),
          regionCode: '440106',
          receivedAt: '2026-03-02T00:03:30.000Z',
          grade: 'III',
        }),
      ),
    );
  });

  it('pages through a province, limit 3, returning each of its seven incidents exactly once, newest first', async () => {
    const { items, pages } = await listAll({ level: 'province', regionCode: '110000', limit: 3 });

    expect(ids(items)).toEqual(newestFirst(() => true));
    expect(new Set(ids(items)).size).toBe(7);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(items).toStrictEqual([...states].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt)));
  });

  it('pages through a city the same way', async () => {
    const { items } = await listAll({ level: 'city', regionCode: '110100', limit: 3 });

    expect(ids(items)).toEqual(newestFirst(() => true));
  });

  it('lists a county by its own index', async () => {
    const { items } = await listAll({ level: 'county', regionCode: '110101', limit: 3 });

    expect(ids(items)).toEqual(newestFirst((s) => s.countyCode === '110101'));
    expect(items).toHaveLength(4);
  });

  it('bounds by from and to, both inclusive', async () => {
    const second = states[1];
    const fifth = states[4];
    if (!second || !fifth) throw new Error('seven incidents expected');

    const { items } = await listAll({
      level: 'province',
      regionCode: '110000',
      from: second.receivedAt,
      to: fifth.receivedAt,
      limit: 2,
    });

    expect(ids(items)).toEqual(
      newestFirst((s) => s.receivedAt >= second.receivedAt && s.receivedAt <= fifth.receivedAt),
    );
    expect(items).toHaveLength(4);
  });

  it('filters by status across pages without skipping an incident', async () => {
    const { items } = await listAll({ level: 'province', regionCode: '110000', status: 'open', limit: 2 });

    expect(ids(items)).toEqual(newestFirst((s) => s.status === 'open'));
    expect(items).toHaveLength(5);
  });

  it('filters by status and grade together', async () => {
    const { items } = await listAll({ level: 'city', regionCode: '110100', status: 'open', grade: 'III', limit: 1 });

    expect(ids(items)).toEqual(newestFirst((s) => s.status === 'open' && s.grade === 'III'));
    expect(items).toHaveLength(3);
  });

  it('lists a Dongguan incident by city and province but not by any county', async () => {
    const dongguan = buildIncident({
      incidentId: incidentId('LSTDG001'),
      regionCode: '441900',
      receivedAt: '2026-03-03T00:00:00.000Z',
    });
    await store.append(creation(dongguan));

    // The round trip above wrote another Dongguan incident on 1 March: the bounds leave it out.
    const byCity = await store.list({
      level: 'city',
      regionCode: '441900',
      from: '2026-03-03T00:00:00.000Z',
      to: '2026-03-03T23:59:59.999Z',
      limit: 10,
    });
    const byProvince = await listAll({ level: 'province', regionCode: '440000', limit: 10 });

    expect(byCity.items).toStrictEqual([dongguan.state]);
    expect(ids(byProvince.items)).toContain(dongguan.state.incidentId);
    expect(ids(byProvince.items)).not.toContain(states[0]?.incidentId);
  });

  it('rejects a cursor from another region', async () => {
    const page = await store.list({ level: 'county', regionCode: '110101', limit: 1 });
    expect(page.after).toBeDefined();

    await expect(
      store.list({ level: 'county', regionCode: '110105', limit: 1, ...(page.after ? { after: page.after } : {}) }),
    ).rejects.toMatchObject({ name: 'ValidationError', details: [expect.objectContaining({ field: 'cursor' })] });
  });
});

/** The head item exactly as the table holds it, index keys included. */
const storedHeadOf = async (id: string): Promise<Record<string, unknown> | undefined> => {
  const { Item } = await documents.send(
    new GetCommand({
      TableName: resources.tables.incidents,
      Key: { pk: `INC#${id}`, sk: 'HEAD' },
      ConsistentRead: true,
    }),
  );
  return Item;
};

/**
 * Every item of the sweeper's index, shard by shard, each shard earliest deadline first: the heads
 * of the incidents with a pending obligation, and nothing else.
 */
const openObligations = async (): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  for (let shard = 0; shard < OPEN_SHARDS; shard += 1) {
    let start: Record<string, unknown> | undefined;
    const inShard: Record<string, unknown>[] = [];
    do {
      const page = await documents.send(
        new QueryCommand({
          TableName: resources.tables.incidents,
          IndexName: 'openObligations',
          KeyConditionExpression: 'openShard = :shard',
          ExpressionAttributeValues: { ':shard': `OPEN#${shard}` },
          ExclusiveStartKey: start,
        }),
      );
      inShard.push(...((page.Items ?? []) as Record<string, unknown>[]));
      start = page.LastEvaluatedKey;
    } while (start);
    const dueAts = inShard.map((item) => String(item.nextDueAt));
    expect(dueAts).toEqual([...dueAts].sort());
    for (const item of inShard) {
      expect(item).toMatchObject({ sk: 'HEAD', openShard: `OPEN#${shard}` });
      expect(item.openShard).toBe(openShard(String(item.incidentId)));
    }
    items.push(...inShard);
  }
  return items;
};

describe('openObligations index', () => {
  /** The index's items of these incidents, in index order (shard by shard, earliest deadline first). */
  const openHeadsOf = async (ids: readonly string[]) =>
    (await openObligations()).filter((item) => ids.includes(String(item.incidentId)));

  it('holds the head of each incident with a pending obligation, keyed by its shard and earliest deadline', async () => {
    const stays = buildIncident({
      incidentId: incidentId('OBLOPEN1'),
      regionCode: '130104',
      receivedAt: '2026-03-04T00:00:00.000Z',
    });

    await store.append(creation(stays));

    const [obligation] = stays.state.obligations;
    if (!obligation) throw new Error('the fixture has no obligation');
    const { countyCode, cityCode, ...rest } = stays.state;
    expect(await openHeadsOf([stays.state.incidentId])).toStrictEqual([
      {
        pk: `INC#${stays.state.incidentId}`,
        sk: 'HEAD',
        ...rest,
        countyCode,
        cityCode,
        listKey: `${stays.state.receivedAt}#${stays.state.incidentId}`,
        boardKey: 'BOARD#130000',
        changeKey: `${stays.state.updatedAt}#${stays.state.incidentId}`,
        openShard: openShard(stays.state.incidentId),
        nextDueAt: obligation.dueAt,
      },
    ]);
    await expect(store.getState(stays.state.incidentId)).resolves.toStrictEqual(stays.state);
  });

  it('orders the incidents of a shard by their earliest pending deadline, not by when they were written', async () => {
    // Written latest deadline first; six incidents over four shards put at least two in one shard.
    const incidents = Array.from({ length: 6 }, (_, i) =>
      buildIncident({
        incidentId: incidentId(`OBLORD0${i}`),
        regionCode: '130104',
        receivedAt: new Date(Date.parse('2026-03-05T06:00:00.000Z') - i * 600_000).toISOString(),
      }),
    );
    for (const incident of incidents) await store.append(creation(incident));
    const ids = incidents.map((incident) => incident.state.incidentId);

    const dueAts = incidents.map((incident) => incident.state.obligations[0]?.dueAt);
    expect(new Set(dueAts).size).toBe(6);
    expect(dueAts).toEqual([...dueAts].sort().reverse());

    const items = await openHeadsOf(ids);

    expect(items.map((item) => item.incidentId).sort()).toEqual([...ids].sort());
    items.forEach((item) => {
      expect(item.nextDueAt).toBe(dueAts[ids.indexOf(String(item.incidentId))]);
    });
    const shards = [...new Set(ids.map(openShard))];
    expect(Math.max(...shards.map((shard) => ids.filter((id) => openShard(id) === shard).length))).toBeGreaterThan(1);
    for (const shard of shards) {
      const indexOrder = items.filter((item) => item.openShard === shard).map((item) => item.incidentId);
      const writeOrder = ids.filter((id) => openShard(id) === shard);
      expect(indexOrder).toEqual([...writeOrder].reverse());
    }
  });

  it('moves an incident to its next pending deadline once the earliest is met, and drops it once none is pending', async () => {
    const goes = buildIncident({
      incidentId: incidentId('OBLMET01'),
      regionCode: '441900',
      receivedAt: '2026-03-04T00:05:00.000Z',
    });
    const id = goes.state.incidentId;
    await store.append(creation(goes));
    const [first] = goes.state.obligations;
    if (!first) throw new Error('the fixture has no obligation');
    const later: Obligation = {
      ...first,
      obligationId: `${first.obligationId}-later`,
      dueAt: new Date(Date.parse(first.dueAt) + 3_600_000).toISOString(),
    };
    const opened = regrade(goes, 'III', { obligations: [later, first] });
    await store.append(opened);
    expect(await openHeadsOf([id])).toEqual([expect.objectContaining({ nextDueAt: first.dueAt })]);

    const firstMet = regrade({ state: opened.state, chain: goes.chain }, 'II', {
      obligations: [later, { ...first, status: 'met' }],
    });
    await store.append(firstMet);

    expect(await openHeadsOf([id])).toEqual([
      expect.objectContaining({ openShard: openShard(id), nextDueAt: later.dueAt, version: 4 }),
    ]);

    const noneLeft = regrade({ state: firstMet.state, chain: goes.chain }, 'I', {
      obligations: [
        { ...later, status: 'missed' },
        { ...first, status: 'met' },
      ],
    });
    await store.append(noneLeft);

    expect(await openHeadsOf([id])).toEqual([]);
    const head = await storedHeadOf(id);
    expect(head).toMatchObject({ version: 5, grade: 'I' });
    expect(head).not.toHaveProperty('openShard');
    expect(head).not.toHaveProperty('nextDueAt');
    await expect(store.getState(id)).resolves.toStrictEqual(noneLeft.state);
    await expect(store.getEvents(id)).resolves.toHaveLength(5);
  });
});

describe('access log', () => {
  const denial = (id: string, at: string, actorRegion: string, targetRegion: string): AccessDenied => ({
    id,
    at,
    actor: { sub: `user-${id}`, role: 'reporter', region: actorRegion, unit: 'U-9' },
    action: 'POST /v1/reports',
    targetRegion,
    reason: `${actorRegion} may not report for ${targetRegion}`,
  });

  it('files a cross-province refusal where each province inspector reads it', async () => {
    const across = denial(randomUUID(), '2026-03-05T01:00:00.000Z', '310101', '110101');
    const local = denial(randomUUID(), '2026-03-05T02:00:00.000Z', '110105', '110101');

    await accessLog.recordDenied(across);
    await accessLog.recordDenied(local);

    await expect(accessLog.listDenied({ region: '110000', limit: 10 })).resolves.toStrictEqual({
      items: [local, across],
    });
    await expect(accessLog.listDenied({ region: '310101', limit: 10 })).resolves.toStrictEqual({ items: [across] });
    // A county inspector sees what concerns the county: the Shanghai unit targeted 110101, not 110105.
    await expect(accessLog.listDenied({ region: '110105', limit: 10 })).resolves.toStrictEqual({ items: [local] });
  });

  // Filed under DENIED#440000 and DENIED#120000; the national listing reads both partitions.
  it('lists a cross-province refusal once for the national inspector', async () => {
    const across = denial(randomUUID(), '2026-03-06T01:00:00.000Z', '440106', '120101');
    await accessLog.recordDenied(across);

    const items: AccessDenied[] = [];
    let after: Readonly<Record<string, string>> | undefined;
    do {
      const page = await accessLog.listDenied({
        region: NATIONAL,
        from: '2026-03-06T00:00:00.000Z',
        to: '2026-03-06T23:59:59.999Z',
        limit: 5,
        ...(after ? { after } : {}),
      });
      items.push(...page.items);
      after = page.after;
    } while (after);

    expect(items.map((item) => item.id)).toEqual([across.id]);
  });
});
