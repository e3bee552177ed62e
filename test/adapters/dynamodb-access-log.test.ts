/**
 * The DynamoDB access log against a mocked document client: which province partitions a refusal
 * is filed under — each filing a link of that province's chain for the day, written in one
 * transaction with the day's head — and how a listing reads, filters and pages through them.
 */
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcherWithAliases } from 'aws-sdk-client-mock-vitest';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeDynamoAccessLog } from '../../shared/adapters/dynamodb/access-log';
import { deniedDayOf } from '../../shared/domain/access-chain';
import { ValidationError } from '../../shared/domain/errors';
import { GENESIS_HASH, seal } from '../../shared/domain/hash-chain';
import { childrenOf, NATIONAL } from '../../shared/domain/regions/regions';
import type { AccessDenied } from '../../shared/ports/access-log';

expect.extend(allCustomMatcherWithAliases);

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
);
const log = makeDynamoAccessLog({ client, table: 'AccessLog' });

const denial = (
  id: string,
  at: string,
  actorRegion: string,
  targetRegion?: string,
  extra: Partial<AccessDenied> = {},
): AccessDenied => ({
  id,
  at,
  actor: { sub: `user-${id}`, role: 'reporter', region: actorRegion, unit: 'U-9' },
  action: 'POST /v1/reports',
  ...(targetRegion ? { targetRegion } : {}),
  reason: `${actorRegion} may not report for ${targetRegion ?? 'that region'}`,
  ...extra,
});

/**
 * The transaction of one filing, the first of its province's day: the day's new head and the
 * refusal as link 1 of the day's chain. `filedUnder` lists every partition the refusal went to,
 * the first one first.
 */
const putFor = (partition: string, entry: AccessDenied, filedUnder: readonly string[]) => {
  const day = deniedDayOf(entry.at);
  const link = seal({ ...entry, v: 1, jurisdiction: partition, day, filedUnder, seq: 1 }, GENESIS_HASH);
  return [
    {
      Put: {
        TableName: 'AccessLog',
        Item: { pk: `DENIED_HEADS#${partition}`, sk: day, version: 1, lastHash: link.hash },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName: 'AccessLog',
        Item: { pk: `DENIED#${partition}`, sk: `${entry.at}#${entry.id}`, ...link },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ];
};

const sentPuts = () => ddb.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems);
const sentQueries = () => ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);

/** A refusal as stored, with the partitions it was filed under (absent on items written before that field). */
interface Filing {
  readonly entry: AccessDenied;
  readonly filedUnder?: readonly string[];
}

/** Filed under one partition only, as recordDenied files a refusal within one province. */
const once = (entry: AccessDenied, province: string): Filing => ({ entry, filedUnder: [province] });

/** The items of each partition as DynamoDB would hold them, newest first (the listing reads backwards). */
type Partitions = Record<string, readonly Filing[]>;

/**
 * Answers Query like DynamoDB for `pk = :pk` read backwards: at most Limit items after
 * ExclusiveStartKey, and a LastEvaluatedKey whenever it stopped because of the Limit.
 */
const serve = (partitions: Partitions) => {
  ddb.on(QueryCommand).callsFake((input: QueryCommandInput) => {
    const pk = String(input.ExpressionAttributeValues?.[':pk']);
    const rows = (partitions[pk] ?? []).map(({ entry, filedUnder }) => ({
      pk,
      sk: `${entry.at}#${entry.id}`,
      ...entry,
      ...(filedUnder ? { filedUnder } : {}),
    }));
    const startSk = input.ExclusiveStartKey?.sk;
    const from = startSk === undefined ? 0 : rows.findIndex((row) => row.sk === startSk) + 1;
    const limit = input.Limit ?? rows.length;
    const Items = rows.slice(from, from + limit);
    const last = Items.at(-1);
    return {
      Items,
      ...(Items.length === limit && last ? { LastEvaluatedKey: { pk: last.pk, sk: last.sk } } : {}),
    };
  });
};

const provinceIndex = (code: string): string => {
  const partitions = [...childrenOf(NATIONAL).map((p) => p.code), NATIONAL];
  return String(partitions.indexOf(code));
};

beforeEach(() => {
  ddb.reset();
});

describe('recordDenied', () => {
  it('files a refusal that concerns two provinces under both: actor 310101 targeting 110101', async () => {
    const entry = denial('d1', '2026-03-01T02:00:00.000Z', '310101', '110101', { incidentId: 'INC-20260301-AAAAAAAA' });

    await log.recordDenied(entry);

    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
    const filedUnder = ['310000', '110000'];
    expect(ddb).toHaveReceivedCommandWith(TransactWriteCommand, { TransactItems: putFor('310000', entry, filedUnder) });
    expect(ddb).toHaveReceivedCommandWith(TransactWriteCommand, { TransactItems: putFor('110000', entry, filedUnder) });
    expect(sentPuts()).toStrictEqual([putFor('310000', entry, filedUnder), putFor('110000', entry, filedUnder)]);
    // Each filing reads its day's head, then writes the link with the head.
    expect(ddb.calls()).toHaveLength(4);
  });

  it('chains a refusal after the day’s head, and seals it again after a refusal that landed first', async () => {
    const entry = denial('d7', '2026-03-01T02:00:00.000Z', '110105', '110101');
    const first = { version: 4, lastHash: 'a'.repeat(64) };
    const second = { version: 5, lastHash: 'b'.repeat(64) };
    ddb.on(GetCommand).resolvesOnce({ Item: first }).resolves({ Item: second });
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(new TransactionCanceledException({ message: 'conditional check failed', $metadata: {} }))
      .resolves({});

    await log.recordDenied(entry);

    const [tried, landed] = sentPuts();
    const link = (put: NonNullable<typeof tried>) => put[1]?.Put?.Item as Record<string, unknown>;
    expect(tried?.[0]?.Put).toMatchObject({
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': 4 },
    });
    expect(link(tried ?? [])).toMatchObject({ seq: 5, prevHash: first.lastHash });
    expect(landed?.[0]?.Put).toMatchObject({
      Item: { version: 6, lastHash: link(landed ?? []).hash },
      ExpressionAttributeValues: { ':expected': 5 },
    });
    expect(link(landed ?? [])).toMatchObject({
      seq: 6,
      prevHash: second.lastHash,
      jurisdiction: '110000',
      day: '2026-03-01',
    });
  });

  it('files a refusal within one province once: actor 110105 targeting 110101', async () => {
    const entry = denial('d2', '2026-03-01T02:00:00.000Z', '110105', '110101');

    await log.recordDenied(entry);

    expect(sentPuts()).toStrictEqual([putFor('110000', entry, ['110000'])]);
  });

  it('files a city-level actor under its province: 440300 targeting 440305', async () => {
    const entry = denial('d3', '2026-03-01T02:00:00.000Z', '440300', '440305');

    await log.recordDenied(entry);

    expect(sentPuts()).toStrictEqual([putFor('440000', entry, ['440000'])]);
  });

  it('files a refusal whose regions are all unknown under DENIED#000000', async () => {
    const entry = denial('d4', '2026-03-01T02:00:00.000Z', '999999', 'not-a-code');

    await log.recordDenied(entry);

    expect(sentPuts()).toStrictEqual([putFor('000000', entry, ['000000'])]);
  });

  it('files an unknown actor targeting a known region under 000000 and the target province', async () => {
    const entry = denial('d5', '2026-03-01T02:00:00.000Z', '999999', '440106');

    await log.recordDenied(entry);

    const filedUnder = ['000000', '440000'];
    expect(sentPuts()).toStrictEqual([putFor('000000', entry, filedUnder), putFor('440000', entry, filedUnder)]);
  });

  it('files a refusal with no target region under the actor province alone, not also under 000000', async () => {
    const entry = denial('d6', '2026-03-01T02:00:00.000Z', '310101');

    await log.recordDenied(entry);

    expect(sentPuts()).toStrictEqual([putFor('310000', entry, ['310000'])]);
  });
});

describe('listDenied', () => {
  it('reads the province partition of a city, newest first, and keeps the refusals that concern the city', async () => {
    const futian = denial('a1', '2026-03-01T05:00:00.000Z', '440304', '440106');
    const intoNanshan = denial('a2', '2026-03-01T04:00:00.000Z', '310101', '440305');
    const guangzhouOnly = denial('a3', '2026-03-01T03:00:00.000Z', '440106', '440106');
    serve({
      'DENIED#440000': [
        once(futian, '440000'),
        { entry: intoNanshan, filedUnder: ['310000', '440000'] },
        once(guangzhouOnly, '440000'),
      ],
    });

    const page = await log.listDenied({ region: '440300', limit: 10 });

    expect(page).toStrictEqual({ items: [futian, intoNanshan] });
    expect(sentQueries()).toEqual([
      {
        TableName: 'AccessLog',
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': 'DENIED#440000', ':from': '0000', ':to': '9999#~' },
        ScanIndexForward: false,
        Limit: 10,
      },
    ]);
  });

  it('bounds the sort key by from and to, inclusive of a refusal at `to`', async () => {
    serve({});

    await log.listDenied({
      region: '110000',
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-01T15:59:59.999Z',
      limit: 5,
    });

    expect(ddb).toHaveReceivedCommandExactlyOnceWith(QueryCommand, {
      ExpressionAttributeValues: {
        ':pk': 'DENIED#110000',
        ':from': '2026-03-01T00:00:00.000Z',
        ':to': '2026-03-01T15:59:59.999Z#~',
      },
    });
  });

  it('pages through every province partition and then 000000 for the national code', async () => {
    const b1 = denial('b1', '2026-03-01T05:00:00.000Z', '110101', '110105');
    const b2 = denial('b2', '2026-03-01T04:00:00.000Z', '110108', '110101');
    const s1 = denial('s1', '2026-03-01T06:00:00.000Z', '310101', '310101');
    const s2 = denial('s2', '2026-03-01T03:00:00.000Z', '310101', '310101');
    const g1 = denial('g1', '2026-03-01T02:00:00.000Z', '440106', '440106');
    const n1 = denial('n1', '2026-03-01T01:00:00.000Z', '999999');
    serve({
      'DENIED#110000': [once(b1, '110000'), once(b2, '110000')],
      'DENIED#310000': [once(s1, '310000'), once(s2, '310000')],
      'DENIED#440000': [once(g1, '440000')],
      'DENIED#000000': [once(n1, '000000')],
    });

    const first = await log.listDenied({ region: NATIONAL, limit: 3 });

    expect(first.items).toStrictEqual([b1, b2, s1]);
    expect(first.after).toStrictEqual({ partition: '8', pk: 'DENIED#310000', sk: `${s1.at}#${s1.id}` });
    expect(provinceIndex('310000')).toBe('8');
    // 110000 for three, then one at a time: 120000 … 230000 are empty, 310000 fills the page.
    expect(sentQueries().map((q) => [q.ExpressionAttributeValues?.[':pk'], q.Limit])).toEqual([
      ['DENIED#110000', 3],
      ...['120000', '130000', '140000', '150000', '210000', '220000', '230000'].map((p) => [`DENIED#${p}`, 1]),
      ['DENIED#310000', 1],
    ]);

    ddb.resetHistory();
    const second = await log.listDenied({ region: NATIONAL, limit: 3, after: first.after });

    // The page filled on 000000's last item: DynamoDB still hands back a key, so the cursor stays.
    expect(second).toStrictEqual({
      items: [s2, g1, n1],
      after: { partition: '31', pk: 'DENIED#000000', sk: `${n1.at}#${n1.id}` },
    });
    expect(sentQueries()[0]).toEqual({
      TableName: 'AccessLog',
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': 'DENIED#310000', ':from': '0000', ':to': '9999#~' },
      ScanIndexForward: false,
      Limit: 3,
      ExclusiveStartKey: { pk: 'DENIED#310000', sk: `${s1.at}#${s1.id}` },
    });
    expect(sentQueries().at(-1)?.ExpressionAttributeValues?.[':pk']).toBe('DENIED#000000');
    expect(
      sentQueries()
        .slice(1)
        .every((q) => q.ExclusiveStartKey === undefined),
    ).toBe(true);

    const last = await log.listDenied({ region: NATIONAL, limit: 3, after: second.after });
    expect(last).toStrictEqual({ items: [] });
  });

  it('hands out a cursor at the next partition when a page ends exactly at the end of one', async () => {
    const b1 = denial('b1', '2026-03-01T05:00:00.000Z', '110101', '110105');
    const t1 = denial('t1', '2026-03-01T04:00:00.000Z', '120101', '120101');
    serve({ 'DENIED#110000': [once(b1, '110000')], 'DENIED#120000': [once(t1, '120000')] });

    const first = await log.listDenied({ region: NATIONAL, limit: 1 });
    // DynamoDB reports a LastEvaluatedKey when it stops at the Limit, even on a partition's last item.
    expect(first).toStrictEqual({
      items: [b1],
      after: { partition: '0', pk: 'DENIED#110000', sk: `${b1.at}#${b1.id}` },
    });

    const second = await log.listDenied({ region: NATIONAL, limit: 1, after: first.after });
    expect(second.items).toStrictEqual([t1]);

    const rest = await log.listDenied({ region: NATIONAL, limit: 1, after: second.after });
    expect(rest).toStrictEqual({ items: [] });
  });

  // A refusal that concerns two provinces is filed under both, so that each province's inspector
  // reads it; the national listing reads every partition and must still show it once.
  it('lists a refusal filed under two provinces once for the national inspector, at its first filing', async () => {
    const across = denial('x1', '2026-03-01T05:00:00.000Z', '310101', '110101');
    const unknownActor = denial('x2', '2026-03-01T04:00:00.000Z', '999999', '440106');
    const filedAcross = ['310000', '110000'];
    const filedUnknown = ['000000', '440000'];
    serve({
      'DENIED#110000': [{ entry: across, filedUnder: filedAcross }],
      'DENIED#310000': [{ entry: across, filedUnder: filedAcross }],
      'DENIED#440000': [{ entry: unknownActor, filedUnder: filedUnknown }],
      'DENIED#000000': [{ entry: unknownActor, filedUnder: filedUnknown }],
    });

    const page = await log.listDenied({ region: NATIONAL, limit: 10 });

    // In partition order: 310000 (across's first filing) comes before 000000 (unknownActor's).
    expect(page).toStrictEqual({ items: [across, unknownActor] });
  });

  it('still shows a refusal filed under two provinces to the inspector of each', async () => {
    const across = denial('x1', '2026-03-01T05:00:00.000Z', '310101', '110101');
    serve({
      'DENIED#110000': [{ entry: across, filedUnder: ['310000', '110000'] }],
      'DENIED#310000': [{ entry: across, filedUnder: ['310000', '110000'] }],
    });

    await expect(log.listDenied({ region: '110000', limit: 10 })).resolves.toStrictEqual({ items: [across] });
    await expect(log.listDenied({ region: '310000', limit: 10 })).resolves.toStrictEqual({ items: [across] });
  });

  it('lists an item stored without filedUnder (written before the field existed) in the partition it is in', async () => {
    const legacy = denial('l1', '2026-03-01T05:00:00.000Z', '110101', '110105');
    serve({ 'DENIED#110000': [{ entry: legacy }] });

    await expect(log.listDenied({ region: NATIONAL, limit: 10 })).resolves.toStrictEqual({ items: [legacy] });
    await expect(log.listDenied({ region: '110105', limit: 10 })).resolves.toStrictEqual({ items: [legacy] });
  });

  it.each([
    { region: NATIONAL, partition: '32' },
    { region: NATIONAL, partition: '-1' },
    { region: NATIONAL, partition: 'one' },
    { region: '110101', partition: '1' },
  ])(
    'rejects a cursor whose partition $partition is not one of $region with a ValidationError naming the cursor',
    async ({ region, partition }) => {
      const error = await log.listDenied({ region, limit: 5, after: { partition } }).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toHaveProperty('details', [expect.objectContaining({ field: 'cursor' })]);
      expect(ddb).not.toHaveReceivedAnyCommand();
    },
  );

  it.each<{ name: string; region: string; from?: string; after: Record<string, string> }>([
    {
      name: 'a key past the end of the query’s range (DynamoDB: the starting key does not match the range key predicate)',
      region: '110000',
      after: { partition: '0', pk: 'DENIED#110000', sk: 'zzzz' },
    },
    {
      name: 'a key before the query’s from',
      region: '110000',
      from: '2026-03-01T00:00:00.000Z',
      after: { partition: '0', pk: 'DENIED#110000', sk: '2026-02-01T00:00:00.000Z#x' },
    },
    {
      name: 'a key of another province’s partition',
      region: '110000',
      after: { partition: '0', pk: 'DENIED#310000', sk: '2026-03-01T05:00:00.000Z#x' },
    },
    {
      name: 'a key of another partition of a national listing',
      region: NATIONAL,
      after: { partition: '1', pk: `DENIED#${childrenOf(NATIONAL)[0]?.code}`, sk: '2026-03-01T05:00:00.000Z#x' },
    },
    {
      name: 'another list’s real next (an incident head key)',
      region: '110000',
      after: {
        pk: 'INC#INC-20261122-7K3F9Q2M',
        sk: 'HEAD',
        provinceCode: '110000',
        listKey: '2026-11-22T00:00:00.000Z#x',
      },
    },
    { name: 'half a key', region: '110000', after: { partition: '0', pk: 'DENIED#110000' } },
    {
      name: 'a key with an attribute added',
      region: '110000',
      after: { partition: '0', pk: 'DENIED#110000', sk: '2026-03-01T05:00:00.000Z#x', extra: 'y' },
    },
  ])(
    'rejects a cursor of $name with a ValidationError naming the cursor, sending nothing',
    async ({ region, from, after }) => {
      const error = await log
        .listDenied({ region, limit: 5, after, ...(from ? { from } : {}) })
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toHaveProperty('details', [expect.objectContaining({ field: 'cursor' })]);
      expect(ddb).not.toHaveReceivedAnyCommand();
    },
  );

  it('resumes from a cursor it handed out, inside the query’s range', async () => {
    serve({ 'DENIED#110000': [] });
    const after = { partition: '0', pk: 'DENIED#110000', sk: '2026-03-01T05:00:00.000Z#x' };

    await log.listDenied({ region: '110000', limit: 5, after });

    expect(ddb).toHaveReceivedCommandWith(QueryCommand, { ExclusiveStartKey: { pk: 'DENIED#110000', sk: after.sk } });
  });
});
