/**
 * The incident log in DynamoDB. Each incident is one partition of the Incidents table: its head
 * item (current state and version, obligations included) and its events (`EVT#<seq>`,
 * immutable). An append is one TransactWriteItems: the new events on the condition that their
 * sequence numbers are free, the head on the condition that its version is the one the change was
 * computed from, and, for an idempotent request, the answer it was given on the condition that
 * the key is unused. Either all of it is written or none.
 */

import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { isOnBoard } from '../../domain/board';
import type { IncidentEvent, IncidentState } from '../../domain/incident';
import {
  type BoardHeads,
  type BoardQuery,
  DuplicateRequest,
  type IdempotentAnswer,
  type IncidentChange,
  type IncidentPage,
  type IncidentQuery,
  type IncidentStore,
  type StoredHead,
  VersionConflict,
} from '../../ports/incident-store';
import { chainAppendItems } from './chain-append';
import { EVENT_SK_PREFIX, HEAD_SK, incidentPk, OPEN_SHARDS, openShard } from './keys';
import { queryAll } from './paging';
import { between, checkStartKey, cursorRefused, equalTo, startingWith } from './start-key';

export interface DynamoIncidentStoreConfig {
  readonly client: DynamoDBDocumentClient;
  readonly incidentsTable: string;
  /** Needed only to append idempotent requests and to find their answers. */
  readonly idempotencyTable?: string;
  /** How long a stored answer replays a retried request. */
  readonly idempotencyTtlSeconds?: number;
}

const INDEX_BY_LEVEL = { county: 'byCounty', city: 'byCity', province: 'byProvince' } as const;
const KEY_BY_LEVEL = { county: 'countyCode', city: 'cityCode', province: 'provinceCode' } as const;

/**
 * The head as stored: the state plus the keys of the indexes. Levels the chain lacks are left out
 * of the list indexes; while any obligation is pending, `openShard` and `nextDueAt` (the earliest
 * pending deadline) put the incident in the deadline sweeper's index. Verification holds every
 * stored head to this item built from the incident's log, so a key moved by hand is found too.
 */
export const headItem = (state: IncidentState): Record<string, unknown> => {
  const { countyCode, cityCode, ...rest } = state;
  const pendingDue = state.obligations.filter((o) => o.status === 'pending').map((o) => o.dueAt);
  const nextDueAt = pendingDue.length > 0 ? pendingDue.reduce((a, b) => (a < b ? a : b)) : undefined;
  return {
    pk: incidentPk(state.incidentId),
    sk: HEAD_SK,
    ...rest,
    ...(countyCode ? { countyCode } : {}),
    ...(cityCode ? { cityCode } : {}),
    listKey: `${state.receivedAt}#${state.incidentId}`,
    boardKey: boardKeyOf(state.provinceCode, isOnBoard(state)),
    changeKey: `${state.updatedAt}#${state.incidentId}`,
    ...(nextDueAt ? { openShard: openShard(state.incidentId), nextDueAt } : {}),
  };
};

/**
 * The boards' index: every head is filed under its province, on the board or off it, by when it
 * last changed, so a desk's first read is the province's board and every read after it only what
 * changed since — leaving the board included.
 */
const boardKeyOf = (province: string, onBoard: boolean): string => `${onBoard ? 'BOARD' : 'OFF'}#${province}`;

const stateFrom = (item: Record<string, unknown>): IncidentState => {
  const {
    pk: _pk,
    sk: _sk,
    listKey: _listKey,
    boardKey: _boardKey,
    changeKey: _changeKey,
    openShard: _shard,
    nextDueAt: _next,
    countyCode,
    cityCode,
    ...rest
  } = item;
  return {
    ...(rest as Omit<IncidentState, 'countyCode' | 'cityCode'>),
    countyCode: typeof countyCode === 'string' ? countyCode : null,
    cityCode: typeof cityCode === 'string' ? cityCode : null,
  };
};

/**
 * A position in the scan of every head: the key DynamoDB's scan stopped at (a head's or an
 * event's), as base64url JSON, which an operator hands back to resume.
 */
const scanPositionOf = (key: Record<string, unknown>): string =>
  Buffer.from(JSON.stringify({ pk: String(key.pk), sk: String(key.sk) })).toString('base64url');

const scanStartFrom = (position: string): Record<string, string> => {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(position, 'base64url').toString('utf8'));
  } catch {
    throw cursorRefused('is not a position of the scan of heads');
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) {
    throw cursorRefused('is not a position of the scan of heads');
  }
  const start = Object.fromEntries(Object.entries(key).map(([k, v]) => [k, String(v)]));
  checkStartKey(start, {
    pk: startingWith('INC#'),
    sk: (sk) => (sk === HEAD_SK || sk.startsWith(EVENT_SK_PREFIX) ? undefined : 'is not an incident item'),
  });
  return start;
};

/**
 * The stored record of an idempotent request's answer. The receipt is kept as the JSON text it was
 * first given as, not as a map: DynamoDB does not keep a map's keys in order, and a retry must get
 * back exactly the first answer, byte for byte.
 */
const answerItem = (answer: IdempotentAnswer, expiration: number): Record<string, unknown> => ({
  id: answer.key,
  key: answer.key,
  requestHash: answer.requestHash,
  receipt: JSON.stringify(answer.receipt),
  expiration,
});

/**
 * The answer a stored record holds. Records written before the receipt was stored as itself kept
 * the HTTP body (`body`, beside a `statusCode`); they are read the same way until their TTL ends.
 */
const answerFrom = (item: Record<string, unknown>): IdempotentAnswer => {
  const text = typeof item.receipt === 'string' ? item.receipt : item.body;
  return {
    key: String(item.key),
    requestHash: String(item.requestHash),
    receipt: JSON.parse(String(text)) as IdempotentAnswer['receipt'],
  };
};

/** An event exactly as appended: the item minus its keys, so the stored hash can be recomputed. */
const eventFrom = (item: Record<string, unknown>): IncidentEvent => {
  const { pk: _pk, sk: _sk, ...event } = item;
  return event as unknown as IncidentEvent;
};

export const makeDynamoIncidentStore = (config: DynamoIncidentStoreConfig): IncidentStore => {
  const { client, incidentsTable } = config;
  const idempotencyTable = (): string => {
    if (!config.idempotencyTable) throw new Error('this function was not given the idempotency table');
    return config.idempotencyTable;
  };
  const ttlSeconds = config.idempotencyTtlSeconds ?? 24 * 3600;

  return {
    async getState(incidentId) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: incidentsTable,
          Key: { pk: incidentPk(incidentId), sk: HEAD_SK },
          ConsistentRead: true,
        }),
      );
      return Item ? stateFrom(Item) : undefined;
    },

    async getHeadItem(incidentId) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: incidentsTable,
          Key: { pk: incidentPk(incidentId), sk: HEAD_SK },
          ConsistentRead: true,
        }),
      );
      return Item ? { state: stateFrom(Item), item: Item } : undefined;
    },

    headItemOf: headItem,

    async getEvents(incidentId) {
      const items = await queryAll(client, {
        TableName: incidentsTable,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)',
        ExpressionAttributeValues: { ':pk': incidentPk(incidentId), ':events': EVENT_SK_PREFIX },
        ConsistentRead: true,
      });
      return items.map(eventFrom);
    },

    async append(change: IncidentChange) {
      const pk = incidentPk(change.incidentId);
      const items = chainAppendItems({
        table: incidentsTable,
        pk,
        head: headItem(change.state),
        expectedVersion: change.expectedVersion,
        events: change.events,
      });
      const answerIndex = items.length;
      if (change.answer) {
        const nowSeconds = Math.floor(Date.now() / 1000);
        items.push({
          Put: {
            TableName: idempotencyTable(),
            Item: answerItem(change.answer, nowSeconds + ttlSeconds),
            // An expired record may linger until DynamoDB's TTL sweep deletes it: treat it as gone.
            ConditionExpression: 'attribute_not_exists(id) OR expiration < :now',
            ExpressionAttributeValues: { ':now': nowSeconds },
          },
        });
      }

      try {
        await client.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        if (change.answer && reasons[answerIndex]?.Code === 'ConditionalCheckFailed') {
          throw new DuplicateRequest(change.answer.key);
        }
        // A stale head, a taken sequence number or a concurrent transaction on the same items:
        // all mean "recompute from the new head and try again".
        throw new VersionConflict(change.incidentId);
      }
    },

    async findAnswer(key) {
      const { Item } = await client.send(
        new GetCommand({ TableName: idempotencyTable(), Key: { id: key }, ConsistentRead: true }),
      );
      if (!Item || (typeof Item.expiration === 'number' && Item.expiration < Math.floor(Date.now() / 1000))) {
        return undefined;
      }
      return answerFrom(Item);
    },

    async *allEvents() {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: incidentsTable,
            FilterExpression: 'sk = :head',
            ExpressionAttributeValues: { ':head': HEAD_SK },
            ProjectionExpression: 'incidentId',
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) {
          if (typeof item.incidentId === 'string') yield await this.getEvents(item.incidentId);
        }
        start = page.LastEvaluatedKey;
      } while (start);
    },

    async headsPage(page) {
      const { Items, LastEvaluatedKey } = await client.send(
        new ScanCommand({
          TableName: incidentsTable,
          FilterExpression: 'sk = :head',
          ExpressionAttributeValues: { ':head': HEAD_SK },
          // Items read, heads and events alike: a page of a table of long logs holds few heads.
          Limit: page.limit,
          ...(page.after ? { ExclusiveStartKey: scanStartFrom(page.after) } : {}),
        }),
      );
      const heads: StoredHead[] = (Items ?? []).map((item) => ({ state: stateFrom(item), item }));
      return { heads, ...(LastEvaluatedKey ? { after: scanPositionOf(LastEvaluatedKey) } : {}) };
    },

    async rewriteHead(state) {
      try {
        await client.send(
          new PutCommand({
            TableName: incidentsTable,
            Item: headItem(state),
            // The append's own condition: a head moved by an append since `state` was read stays.
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': state.version },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async withPendingObligations(query: { readonly dueBy?: string }) {
      const shards = Array.from({ length: OPEN_SHARDS }, (_, i) => `OPEN#${i}`);
      const perShard = await Promise.all(
        shards.map((shard) =>
          queryAll(client, {
            TableName: incidentsTable,
            IndexName: 'openObligations',
            KeyConditionExpression: query.dueBy ? 'openShard = :shard AND nextDueAt <= :dueBy' : 'openShard = :shard',
            ExpressionAttributeValues: { ':shard': shard, ...(query.dueBy ? { ':dueBy': query.dueBy } : {}) },
          }),
        ),
      );
      return perShard
        .flat()
        .sort((a, b) => String(a.nextDueAt).localeCompare(String(b.nextDueAt)))
        .map(stateFrom);
    },

    async board(query: BoardQuery): Promise<BoardHeads> {
      const read = async (onBoard: boolean): Promise<IncidentState[]> => {
        const names: Record<string, string> = { '#board': 'boardKey' };
        const values: Record<string, unknown> = { ':board': boardKeyOf(query.province, onBoard) };
        let condition = '#board = :board';
        if (query.since) {
          // `~` sorts after every incident id: only heads changed strictly after `since`.
          condition += ' AND #change > :since';
          names['#change'] = 'changeKey';
          values[':since'] = `${query.since}#~`;
        }
        let filter: string | undefined;
        if (query.within) {
          filter = '#within = :within';
          names['#within'] = KEY_BY_LEVEL[query.within.level];
          values[':within'] = query.within.code;
        }
        const items = await queryAll(client, {
          TableName: incidentsTable,
          IndexName: 'board',
          KeyConditionExpression: condition,
          ...(filter ? { FilterExpression: filter } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        });
        return items.map(stateFrom);
      };
      const [onBoard, offBoard] = await Promise.all([read(true), query.since ? read(false) : Promise.resolve([])]);
      return { onBoard, offBoard };
    },

    async list(query: IncidentQuery): Promise<IncidentPage> {
      const indexKey = KEY_BY_LEVEL[query.level];
      const from = query.from ?? '0000';
      // listKey is `<receivedAt>#<id>`: anything received up to `to` sorts below `to` + '#~'.
      const to = `${query.to ?? '9999'}#~`;
      if (query.after) {
        checkStartKey(query.after, {
          [indexKey]: equalTo(query.regionCode, 'does not belong to this region'),
          sk: equalTo(HEAD_SK),
          pk: startingWith('INC#'),
          listKey: between(from, to),
        });
      }
      const filters: string[] = [];
      const names: Record<string, string> = { '#region': indexKey, '#listKey': 'listKey' };
      const values: Record<string, unknown> = {
        ':region': query.regionCode,
        ':from': from,
        ':to': to,
      };
      if (query.status) {
        filters.push('#status = :status');
        names['#status'] = 'status';
        values[':status'] = query.status;
      }
      if (query.grade) {
        filters.push('#grade = :grade');
        names['#grade'] = 'grade';
        values[':grade'] = query.grade;
      }
      // A unit's own incidents are a filter of its county's: few enough per county that reading
      // the county's index is cheaper than a second index on every head.
      if (query.firstUnit) {
        filters.push('#firstUnit = :firstUnit');
        names['#firstUnit'] = 'firstUnit';
        values[':firstUnit'] = query.firstUnit;
      }

      const items: IncidentState[] = [];
      let start: Record<string, unknown> | undefined = query.after;
      do {
        // Asking for no more than is still wanted makes LastEvaluatedKey fall exactly after the
        // last item returned, even when the filter drops some: the cursor never skips an incident.
        const page = await client.send(
          new QueryCommand({
            TableName: incidentsTable,
            IndexName: INDEX_BY_LEVEL[query.level],
            KeyConditionExpression: '#region = :region AND #listKey BETWEEN :from AND :to',
            ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ScanIndexForward: false,
            Limit: query.limit - items.length,
            ExclusiveStartKey: start,
          }),
        );
        items.push(...((page.Items ?? []) as Record<string, unknown>[]).map(stateFrom));
        start = page.LastEvaluatedKey;
      } while (start && items.length < query.limit);

      return {
        items,
        ...(start ? { after: Object.fromEntries(Object.entries(start).map(([k, v]) => [k, String(v)])) } : {}),
      };
    },
  };
};
