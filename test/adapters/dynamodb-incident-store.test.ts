/**
 * The DynamoDB incident store against a mocked document client: the exact commands it sends and
 * how it reads the answers and errors DynamoDB gives back.
 */
import {
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcherWithAliases } from 'aws-sdk-client-mock-vitest';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { headItem, makeDynamoIncidentStore } from '../../shared/adapters/dynamodb/incident-store';
import { openShard } from '../../shared/adapters/dynamodb/keys';
import { ValidationError } from '../../shared/domain/errors';
import type { IncidentEvent, IncidentState } from '../../shared/domain/incident';
import type { Obligation } from '../../shared/domain/obligation';
import { DuplicateRequest, type IncidentQuery, VersionConflict } from '../../shared/ports/incident-store';
import { answerFor, buildIncident, creation, regrade } from './incident-fixtures';

expect.extend(allCustomMatcherWithAliases);

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
);
const store = makeDynamoIncidentStore({
  client,
  incidentsTable: 'Incidents',
  idempotencyTable: 'Idempotency',
  idempotencyTtlSeconds: 3600,
});

// 2026-03-01T02:00:05Z in epoch seconds.
const NOW = '2026-03-01T02:00:05.000Z';
const NOW_SECONDS = 1_772_330_405;

const ID = 'INC-20260301-AAAAAAAA';
const RECEIVED = '2026-03-01T02:00:00.000Z';

/**
 * The head without the sweeper's keys: every state field but the null region codes, plus keys,
 * listKey and the boards' keys (on a board while open or owing a hand-over, by when it changed).
 */
const listedHead = (state: IncidentState): Record<string, unknown> => {
  const { countyCode, cityCode, ...rest } = state;
  const onBoard = state.status === 'open' || state.obligations.some((o) => o.status === 'pending');
  return {
    pk: `INC#${state.incidentId}`,
    sk: 'HEAD',
    ...rest,
    ...(countyCode === null ? {} : { countyCode }),
    ...(cityCode === null ? {} : { cityCode }),
    listKey: `${state.receivedAt}#${state.incidentId}`,
    boardKey: `${onBoard ? 'BOARD' : 'OFF'}#${state.provinceCode}`,
    changeKey: `${state.updatedAt}#${state.incidentId}`,
  };
};

/**
 * The head as stored: while an obligation is pending it also carries the keys of the sweeper's
 * index, the incident's shard and its earliest pending deadline.
 */
const storedHead = (state: IncidentState): Record<string, unknown> => {
  const [nextDueAt] = state.obligations
    .filter((obligation) => obligation.status === 'pending')
    .map((obligation) => obligation.dueAt)
    .sort();
  return {
    ...listedHead(state),
    ...(nextDueAt === undefined ? {} : { openShard: openShard(state.incidentId), nextDueAt }),
  };
};

const storedEvent = (event: IncidentEvent, sk: string): Record<string, unknown> => ({
  pk: `INC#${event.incidentId}`,
  sk,
  ...event,
});

const sentTransactions = () => ddb.commandCalls(TransactWriteCommand).map((call) => call.args[0].input);
const sentQueries = () => ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: codes.map((Code) => ({
      Code,
      ...(Code === 'None'
        ? {}
        : { Message: Code === 'ConditionalCheckFailed' ? 'The conditional request failed' : Code }),
    })),
  });

beforeEach(() => {
  ddb.reset();
  vi.useFakeTimers({ now: new Date(NOW), toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('append', () => {
  it('writes a new incident as one transaction: head (obligations in it), one put per event, idempotent answer', async () => {
    const incident = buildIncident({ incidentId: ID, regionCode: '110101', receivedAt: RECEIVED, grade: 'III' });
    const [pending] = incident.state.obligations;
    if (!pending) throw new Error('the fixture has no obligation');
    expect(pending).toMatchObject({ status: 'pending', dueAt: '2026-03-01T04:00:00.000Z' });
    const answer = answerFor('U-1#key-1');

    await store.append(creation(incident, answer));

    const expected = {
      TransactItems: [
        {
          Put: {
            TableName: 'Incidents',
            Item: {
              ...listedHead(incident.state),
              openShard: openShard(ID),
              nextDueAt: '2026-03-01T04:00:00.000Z',
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: 'Incidents',
            Item: storedEvent(incident.events[0] as IncidentEvent, 'EVT#0000000001'),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: 'Incidents',
            Item: storedEvent(incident.events[1] as IncidentEvent, 'EVT#0000000002'),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: 'Idempotency',
            // The receipt as the JSON text it was given as: a map would not keep its keys' order.
            Item: {
              id: 'U-1#key-1',
              key: 'U-1#key-1',
              requestHash: answer.requestHash,
              receipt: JSON.stringify(answer.receipt),
              expiration: NOW_SECONDS + 3600,
            },
            ConditionExpression: 'attribute_not_exists(id) OR expiration < :now',
            ExpressionAttributeValues: { ':now': NOW_SECONDS },
          },
        },
      ],
    };
    expect(ddb).toHaveReceivedCommandExactlyOnceWith(TransactWriteCommand, expected);
    expect(ddb.calls()).toHaveLength(1);
    expect(sentTransactions()).toStrictEqual([expected]);
    expect(sentTransactions()[0]?.TransactItems?.[0]?.Put?.Item?.obligations).toStrictEqual([pending]);
    expect(openShard(ID)).toMatch(/^OPEN#[0-3]$/);
  });

  it('keys the head for the sweeper by its earliest pending deadline, ignoring met and missed ones', async () => {
    const incident = buildIncident({ incidentId: ID, regionCode: '110101', receivedAt: RECEIVED });
    const [opened] = incident.state.obligations;
    if (!opened) throw new Error('the fixture has no obligation');
    const other = (suffix: string, dueAt: string, status: Obligation['status']): Obligation => ({
      ...opened,
      obligationId: `${opened.obligationId}-${suffix}`,
      dueAt,
      status,
    });
    const obligations = [
      other('late', '2026-03-01T09:00:00.000Z', 'pending'),
      other('met', '2026-03-01T02:30:00.000Z', 'met'),
      other('next', '2026-03-01T03:15:00.000Z', 'pending'),
      other('missed', '2026-03-01T02:10:00.000Z', 'missed'),
    ];

    const change = regrade(incident, 'II', { obligations });
    expect(change.state.obligations).toStrictEqual(obligations);

    await store.append(change);

    const head = sentTransactions()[0]?.TransactItems?.[0]?.Put?.Item;
    expect(head).toStrictEqual({
      ...listedHead(change.state),
      openShard: openShard(ID),
      nextDueAt: '2026-03-01T03:15:00.000Z',
    });
  });

  it('spreads incidents over the sweeper shards by incident id', () => {
    const shards = new Set(
      Array.from({ length: 40 }, (_, i) => openShard(`INC-20260301-${String(i).padStart(8, '0')}`)),
    );

    expect([...shards].sort()).toEqual(['OPEN#0', 'OPEN#1', 'OPEN#2', 'OPEN#3']);
    expect(openShard(ID)).toBe(openShard(ID));
  });

  it.each<[string, Obligation['status'][]]>([
    ['all met or missed', ['met', 'missed']],
    ['none at all', []],
  ])('leaves the sweeper keys out of the head when its obligations are %s', async (_what, statuses) => {
    const incident = buildIncident({ incidentId: ID, regionCode: '110101', receivedAt: RECEIVED });
    const [opened] = incident.state.obligations;
    if (!opened) throw new Error('the fixture has no obligation');
    const obligations = statuses.map((status, i) => ({
      ...opened,
      obligationId: `${opened.obligationId}-${i}`,
      status,
    }));
    const change = regrade(incident, 'II', { obligations });

    await store.append(change);

    const head = sentTransactions()[0]?.TransactItems?.[0]?.Put?.Item;
    expect(head).toStrictEqual(listedHead(change.state));
    expect(head).not.toHaveProperty('openShard');
    expect(head).not.toHaveProperty('nextDueAt');
    expect(head?.obligations).toStrictEqual(obligations);
    expect(sentTransactions()[0]?.TransactItems).toHaveLength(2);
  });

  it('keys the head for the list indexes: listKey <receivedAt>#<id>, all three region codes', async () => {
    const incident = buildIncident({ incidentId: ID, regionCode: '110101', receivedAt: RECEIVED });

    await store.append(creation(incident));

    const head = sentTransactions()[0]?.TransactItems?.[0]?.Put?.Item;
    expect(head).toMatchObject({
      pk: 'INC#INC-20260301-AAAAAAAA',
      sk: 'HEAD',
      countyCode: '110101',
      cityCode: '110100',
      provinceCode: '110000',
      listKey: '2026-03-01T02:00:00.000Z#INC-20260301-AAAAAAAA',
    });
  });

  it('leaves countyCode out of the head of a Dongguan incident (no county), so it is not in byCounty', async () => {
    const incident = buildIncident({ incidentId: ID, regionCode: '441900', receivedAt: RECEIVED });
    expect(incident.state.countyCode).toBeNull();

    await store.append(creation(incident));

    const head = sentTransactions()[0]?.TransactItems?.[0]?.Put?.Item;
    expect(head).toStrictEqual(storedHead(incident.state));
    expect(head).not.toHaveProperty('countyCode');
    expect(head).toMatchObject({ cityCode: '441900', provinceCode: '440000' });
  });

  it('leaves cityCode out of the head of a Xiantao incident (a county the province administers)', async () => {
    const incident = buildIncident({ incidentId: ID, regionCode: '429004', receivedAt: RECEIVED });
    expect(incident.state.cityCode).toBeNull();

    await store.append(creation(incident));

    const head = sentTransactions()[0]?.TransactItems?.[0]?.Put?.Item;
    expect(head).not.toHaveProperty('cityCode');
    expect(head).toMatchObject({ countyCode: '429004', provinceCode: '420000' });
  });

  it('appends to an existing incident on the condition that the head is still at the expected version', async () => {
    const incident = buildIncident({ incidentId: ID, regionCode: '110101', receivedAt: RECEIVED });
    const change = regrade(incident, 'II');
    expect(change.expectedVersion).toBe(2);

    await store.append(change);

    const event = change.events[0] as IncidentEvent;
    expect(sentTransactions()).toStrictEqual([
      {
        TransactItems: [
          {
            Put: {
              TableName: 'Incidents',
              Item: storedHead(change.state),
              ConditionExpression: 'version = :expected',
              ExpressionAttributeValues: { ':expected': 2 },
            },
          },
          {
            Put: {
              TableName: 'Incidents',
              Item: storedEvent(event, 'EVT#0000000003'),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      },
    ]);
    expect(ddb.calls()).toHaveLength(1);
  });

  it('pads the event sort key to ten digits, so seq 10 sorts after seq 9', async () => {
    const incident = buildIncident({ incidentId: ID, regionCode: '110101', receivedAt: RECEIVED });
    const change = regrade({ ...incident, state: { ...incident.state, version: 9 } }, 'II');

    await store.append(change);

    expect(sentTransactions()[0]?.TransactItems?.[1]?.Put?.Item).toMatchObject({ sk: 'EVT#0000000010', seq: 10 });
  });

  it('refuses an idempotent change when it was not given the idempotency table, and sends nothing', async () => {
    const bare = makeDynamoIncidentStore({ client, incidentsTable: 'Incidents' });
    const incident = buildIncident({ incidentId: ID, regionCode: '110101', receivedAt: RECEIVED });

    await expect(bare.append(creation(incident, answerFor('U-1#key-1')))).rejects.toThrow(
      'this function was not given the idempotency table',
    );
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  describe('reading a cancelled transaction', () => {
    const incident = buildIncident({ incidentId: ID, regionCode: '110101', receivedAt: RECEIVED });
    // Items: 0 head, 1-2 events, 3 idempotent answer.
    const change = creation(incident, answerFor('U-1#key-1'));

    it('a failed condition on the idempotent answer is a DuplicateRequest for its key', async () => {
      ddb.on(TransactWriteCommand).rejects(cancelled('None', 'None', 'None', 'ConditionalCheckFailed'));

      const error = await store.append(change).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(DuplicateRequest);
      expect(error).toHaveProperty('key', 'U-1#key-1');
    });

    it('a failed condition on the head is a VersionConflict for the incident', async () => {
      ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None', 'None'));

      const error = await store.append(change).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(VersionConflict);
      expect(error).toHaveProperty('incidentId', ID);
    });

    it('a taken sequence number is a VersionConflict', async () => {
      ddb.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed', 'None', 'None'));

      await expect(store.append(change)).rejects.toBeInstanceOf(VersionConflict);
    });

    it('a taken sequence number on the last event, just before the answer, is a VersionConflict', async () => {
      ddb.on(TransactWriteCommand).rejects(cancelled('None', 'None', 'ConditionalCheckFailed', 'None'));

      await expect(store.append(change)).rejects.toBeInstanceOf(VersionConflict);
    });

    it('a concurrent transaction on the same items is a VersionConflict', async () => {
      ddb.on(TransactWriteCommand).rejects(cancelled('TransactionConflict', 'None', 'None', 'None'));

      await expect(store.append(change)).rejects.toBeInstanceOf(VersionConflict);
    });

    it('without an idempotent answer, a failed condition at the last item is still a VersionConflict', async () => {
      ddb.on(TransactWriteCommand).rejects(cancelled('None', 'None', 'ConditionalCheckFailed'));

      await expect(store.append(creation(incident))).rejects.toBeInstanceOf(VersionConflict);
    });

    it('passes any other error through unchanged', async () => {
      const throttled = new ProvisionedThroughputExceededException({
        message: 'Rate of requests exceeds the allowed throughput',
        $metadata: { httpStatusCode: 400 },
      });
      ddb.on(TransactWriteCommand).rejects(throttled);

      await expect(store.append(change)).rejects.toBe(throttled);
    });

    it('passes a plain network error through unchanged', async () => {
      const reset = new Error('socket hang up');
      ddb.on(TransactWriteCommand).rejects(reset);

      await expect(store.append(change)).rejects.toBe(reset);
    });
  });
});

describe('getState', () => {
  it('reads the head consistently and gives back the state, without the index keys, null for the region codes it lacks', async () => {
    const incident = buildIncident({ incidentId: ID, regionCode: '441900', receivedAt: RECEIVED });
    const item = storedHead(incident.state);
    expect(item).toMatchObject({ openShard: openShard(ID), nextDueAt: incident.state.obligations[0]?.dueAt });
    ddb.on(GetCommand).resolves({ Item: item });

    const state = await store.getState(ID);

    expect(state).toStrictEqual(incident.state);
    expect(state?.countyCode).toBeNull();
    expect(state).not.toHaveProperty('listKey');
    expect(state).not.toHaveProperty('openShard');
    expect(state).not.toHaveProperty('nextDueAt');
    expect(ddb).toHaveReceivedCommandExactlyOnceWith(GetCommand, {
      TableName: 'Incidents',
      Key: { pk: `INC#${ID}`, sk: 'HEAD' },
      ConsistentRead: true,
    });
    expect(ddb.calls()).toHaveLength(1);
  });

  it('gives back a state whose obligations are all met from a head without the sweeper keys', async () => {
    const incident = buildIncident({ incidentId: ID, regionCode: '110101', receivedAt: RECEIVED });
    const state = {
      ...incident.state,
      obligations: incident.state.obligations.map((o) => ({ ...o, status: 'met' as const })),
    };
    ddb.on(GetCommand).resolves({ Item: listedHead(state) });

    await expect(store.getState(ID)).resolves.toStrictEqual(state);
  });

  it('is undefined for an incident that does not exist', async () => {
    ddb.on(GetCommand).resolves({});

    await expect(store.getState(ID)).resolves.toBeUndefined();
  });
});

describe('getHeadItem', () => {
  it('reads the head consistently once and gives back the item untouched, index keys and all, with its state', async () => {
    const incident = buildIncident({ incidentId: ID, regionCode: '110101', receivedAt: RECEIVED });
    const item = storedHead(incident.state);
    ddb.on(GetCommand).resolves({ Item: item });

    const head = await store.getHeadItem?.(ID);

    expect(head?.item).toStrictEqual(item);
    expect(head?.item).toMatchObject({ listKey: `${RECEIVED}#${ID}`, openShard: openShard(ID) });
    expect(head?.state).toStrictEqual(incident.state);
    expect(ddb).toHaveReceivedCommandExactlyOnceWith(GetCommand, {
      TableName: 'Incidents',
      Key: { pk: `INC#${ID}`, sk: 'HEAD' },
      ConsistentRead: true,
    });
    expect(ddb.calls()).toHaveLength(1);
  });

  it('is undefined for an incident that does not exist', async () => {
    ddb.on(GetCommand).resolves({});

    await expect(store.getHeadItem?.(ID)).resolves.toBeUndefined();
  });

  it('builds, for a state, exactly the head item an append writes', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const incident = buildIncident({ incidentId: ID, regionCode: '441900', receivedAt: RECEIVED });

    await store.append(creation(incident));

    const written = sentTransactions()[0]?.TransactItems?.[0]?.Put?.Item;
    expect(written).toStrictEqual(storedHead(incident.state));
    expect(store.headItemOf?.(incident.state)).toStrictEqual(written);
    expect(headItem(incident.state)).toStrictEqual(written);
  });
});

describe('getEvents', () => {
  it('strips the keys from every event and follows LastEvaluatedKey to the end of the log', async () => {
    const incident = buildIncident({ incidentId: ID, regionCode: '110101', receivedAt: RECEIVED, closed: true });
    const [first, second, third] = incident.events;
    if (!first || !second || !third) throw new Error('the fixture has fewer than three events');
    const pageEnd = { pk: `INC#${ID}`, sk: 'EVT#0000000002' };
    ddb
      .on(QueryCommand)
      .resolvesOnce({
        Items: [storedEvent(first, 'EVT#0000000001'), storedEvent(second, 'EVT#0000000002')],
        LastEvaluatedKey: pageEnd,
      })
      .resolvesOnce({ Items: [storedEvent(third, 'EVT#0000000003')] });

    const events = await store.getEvents(ID);

    expect(events).toStrictEqual([first, second, third]);
    const query = {
      TableName: 'Incidents',
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)',
      ExpressionAttributeValues: { ':pk': `INC#${ID}`, ':events': 'EVT#' },
      ConsistentRead: true,
    };
    expect(sentQueries()).toEqual([query, { ...query, ExclusiveStartKey: pageEnd }]);
    expect(sentQueries()[0]?.ExclusiveStartKey).toBeUndefined();
    expect(ddb.calls()).toHaveLength(2);
  });

  it('is empty for an incident without events', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });

    await expect(store.getEvents(ID)).resolves.toEqual([]);
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 1);
  });
});

describe('findAnswer', () => {
  const answer = answerFor('U-1#key-1');
  const stored = (expiration: number) => ({
    id: 'U-1#key-1',
    key: 'U-1#key-1',
    requestHash: answer.requestHash,
    receipt: JSON.stringify(answer.receipt),
    expiration,
  });

  it('reads the stored answer consistently and returns it without the table fields', async () => {
    ddb.on(GetCommand).resolves({ Item: stored(NOW_SECONDS + 10) });

    await expect(store.findAnswer('U-1#key-1')).resolves.toStrictEqual(answer);
    expect(ddb).toHaveReceivedCommandExactlyOnceWith(GetCommand, {
      TableName: 'Idempotency',
      Key: { id: 'U-1#key-1' },
      ConsistentRead: true,
    });
  });

  it('reads a record written before the receipt was stored as itself: the HTTP body beside its status', async () => {
    const { receipt: _receipt, ...rest } = stored(NOW_SECONDS + 10);
    ddb.on(GetCommand).resolves({ Item: { ...rest, statusCode: 201, body: JSON.stringify(answer.receipt) } });

    await expect(store.findAnswer('U-1#key-1')).resolves.toStrictEqual(answer);
  });

  it('still returns an answer in its last second', async () => {
    ddb.on(GetCommand).resolves({ Item: stored(NOW_SECONDS) });

    await expect(store.findAnswer('U-1#key-1')).resolves.toStrictEqual(answer);
  });

  it('ignores an expired answer that the TTL sweep has not deleted yet', async () => {
    ddb.on(GetCommand).resolves({ Item: stored(NOW_SECONDS - 1) });

    await expect(store.findAnswer('U-1#key-1')).resolves.toBeUndefined();
  });

  it('is undefined for an unknown key', async () => {
    ddb.on(GetCommand).resolves({});

    await expect(store.findAnswer('U-1#nope')).resolves.toBeUndefined();
  });
});

describe('list', () => {
  const incidentsIn = (regionCode: string, count: number): IncidentState[] =>
    Array.from(
      { length: count },
      (_, i) =>
        buildIncident({
          incidentId: `INC-20260301-LIST000${i}`,
          regionCode,
          receivedAt: new Date(Date.parse(RECEIVED) - i * 60_000).toISOString(),
        }).state,
    );
  const keyOf = (state: IncidentState, indexKey: 'countyCode' | 'cityCode' | 'provinceCode') => ({
    pk: `INC#${state.incidentId}`,
    sk: 'HEAD',
    [indexKey]: state[indexKey] ?? '',
    listKey: `${state.receivedAt}#${state.incidentId}`,
  });

  it.each([
    { level: 'county', regionCode: '110101', index: 'byCounty', indexKey: 'countyCode' },
    { level: 'city', regionCode: '110100', index: 'byCity', indexKey: 'cityCode' },
    { level: 'province', regionCode: '110000', index: 'byProvince', indexKey: 'provinceCode' },
  ] as const)(
    'reads the $index index for a $level, newest first, with open bounds by default',
    async ({ level, regionCode, index, indexKey }) => {
      const states = incidentsIn('110101', 2);
      ddb.on(QueryCommand).resolves({ Items: states.map(storedHead) });

      const page = await store.list({ level, regionCode, limit: 10 });

      expect(page).toStrictEqual({ items: states });
      expect(sentQueries()).toEqual([
        {
          TableName: 'Incidents',
          IndexName: index,
          KeyConditionExpression: '#region = :region AND #listKey BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#region': indexKey, '#listKey': 'listKey' },
          ExpressionAttributeValues: { ':region': regionCode, ':from': '0000', ':to': '9999#~' },
          ScanIndexForward: false,
          Limit: 10,
        },
      ]);
      expect(sentQueries()[0]).not.toHaveProperty('FilterExpression');
    },
  );

  it('bounds listKey by from and to (inclusive of an incident received at `to`) and filters status and grade', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });

    await store.list({
      level: 'city',
      regionCode: '441900',
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-01T15:59:59.999Z',
      status: 'open',
      grade: 'II',
      limit: 3,
    });

    expect(ddb).toHaveReceivedCommandExactlyOnceWith(QueryCommand, {
      TableName: 'Incidents',
      IndexName: 'byCity',
      KeyConditionExpression: '#region = :region AND #listKey BETWEEN :from AND :to',
      FilterExpression: '#status = :status AND #grade = :grade',
      ExpressionAttributeNames: {
        '#region': 'cityCode',
        '#listKey': 'listKey',
        '#status': 'status',
        '#grade': 'grade',
      },
      ExpressionAttributeValues: {
        ':region': '441900',
        ':from': '2026-03-01T00:00:00.000Z',
        ':to': '2026-03-01T15:59:59.999Z#~',
        ':status': 'open',
        ':grade': 'II',
      },
      ScanIndexForward: false,
      Limit: 3,
    });
  });

  it('asks each page for no more than is still wanted and stops at the limit, returning the cursor as strings', async () => {
    const [a, b, c] = incidentsIn('110101', 3);
    if (!a || !b || !c) throw new Error('three incidents expected');
    // The filter dropped two of the three evaluated items of the first page.
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [storedHead(a)], LastEvaluatedKey: keyOf(a, 'countyCode') })
      .resolvesOnce({ Items: [storedHead(b), storedHead(c)], LastEvaluatedKey: keyOf(c, 'countyCode') })
      .resolves({ Items: [] });

    const page = await store.list({ level: 'county', regionCode: '110101', status: 'open', limit: 3 });

    expect(page.items).toStrictEqual([a, b, c]);
    expect(page.after).toStrictEqual({
      pk: `INC#${c.incidentId}`,
      sk: 'HEAD',
      countyCode: '110101',
      listKey: `${c.receivedAt}#${c.incidentId}`,
    });
    for (const value of Object.values(page.after ?? {})) expect(typeof value).toBe('string');
    expect(sentQueries().map((q) => [q.Limit, q.ExclusiveStartKey])).toEqual([
      [3, undefined],
      [2, keyOf(a, 'countyCode')],
    ]);
  });

  it('converts a non-string key value of LastEvaluatedKey to a string', async () => {
    const [a] = incidentsIn('110101', 1);
    if (!a) throw new Error('an incident expected');
    ddb.on(QueryCommand).resolvesOnce({
      Items: [storedHead(a)],
      LastEvaluatedKey: { provinceCode: '110000', listKey: 'x', n: 7 },
    });

    const page = await store.list({ level: 'province', regionCode: '110000', limit: 1 });

    expect(page.after).toStrictEqual({ provinceCode: '110000', listKey: 'x', n: '7' });
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 1);
  });

  it('returns no cursor when the index has no more items', async () => {
    const states = incidentsIn('110101', 2);
    ddb.on(QueryCommand).resolves({ Items: states.map(storedHead) });

    const page = await store.list({ level: 'county', regionCode: '110101', limit: 5 });

    expect(page).not.toHaveProperty('after');
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 1);
  });

  it('resumes from the cursor it returned', async () => {
    const [a] = incidentsIn('110101', 1);
    if (!a) throw new Error('an incident expected');
    const after = {
      pk: `INC#${a.incidentId}`,
      sk: 'HEAD',
      cityCode: '110100',
      listKey: `${a.receivedAt}#${a.incidentId}`,
    };
    ddb.on(QueryCommand).resolves({ Items: [] });

    await store.list({ level: 'city', regionCode: '110100', limit: 2, after });

    expect(ddb).toHaveReceivedCommandExactlyOnceWith(QueryCommand, { ExclusiveStartKey: after, Limit: 2 });
  });

  it.each<{ name: string; query: IncidentQuery }>([
    {
      name: 'another county',
      query: {
        level: 'county',
        regionCode: '110101',
        limit: 2,
        after: { pk: 'INC#x', sk: 'HEAD', countyCode: '110105', listKey: 'k' },
      },
    },
    {
      name: 'a cursor of another level',
      query: {
        level: 'city',
        regionCode: '110100',
        limit: 2,
        after: { pk: 'INC#x', sk: 'HEAD', countyCode: '110101', listKey: 'k' },
      },
    },
    {
      name: 'another province',
      query: {
        level: 'province',
        regionCode: '110000',
        limit: 2,
        after: { pk: 'INC#x', sk: 'HEAD', provinceCode: '440000', listKey: 'k' },
      },
    },
    {
      name: 'the right region with a key added',
      query: {
        level: 'county',
        regionCode: '110101',
        limit: 2,
        after: { pk: 'INC#x', sk: 'HEAD', countyCode: '110101', listKey: '2026-11-22T00:00:00.000Z#x', extra: 'y' },
      },
    },
    {
      name: 'the right region with a key missing',
      query: { level: 'county', regionCode: '110101', limit: 2, after: { countyCode: '110101', listKey: 'k' } },
    },
    {
      name: 'an event key instead of a head',
      query: {
        level: 'county',
        regionCode: '110101',
        limit: 2,
        after: { pk: 'INC#x', sk: 'EVT#0000000001', countyCode: '110101', listKey: '2026-11-22T00:00:00.000Z#x' },
      },
    },
    {
      name: 'a position outside the query’s from/to (a cursor of another period)',
      query: {
        level: 'county',
        regionCode: '110101',
        limit: 2,
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-11-30T23:59:59.999Z',
        after: { pk: 'INC#x', sk: 'HEAD', countyCode: '110101', listKey: '2026-12-05T00:00:00.000Z#x' },
      },
    },
  ])('rejects a cursor of $name with a ValidationError naming the cursor, sending nothing', async ({ query }) => {
    const error = await store.list(query).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toHaveProperty('details', [expect.objectContaining({ field: 'cursor' })]);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });
});
