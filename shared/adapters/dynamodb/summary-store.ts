/**
 * Roll-up summaries in the Summaries table. A summary item is `SUM#<region>` / `<day>`, its counters stored as `c.<name>` attributes so an update can ADD to any of them,
 * creating it if new. Applied events are recorded as `APPLIED#<incident>` / `<seq>` items, put in
 * the same transaction as the additions on the condition that they are new: an event is in the
 * summaries exactly once, however often it is delivered.
 *
 * An office's punctuality counters for an incident day are `DUTY#<office>` / `<day>`, counters as
 * `c.<name>` too; each duty's kept standing is `DUTYOF#<incident>` / `<obligation>`, put in the
 * same transaction as the additions on the condition that it is still the standing they move from.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  ScanCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DutyStanding } from '../../domain/audit/duty-counters';
import {
  AlreadyApplied,
  type DutyDayChange,
  type DutyDayItem,
  type SummaryItem,
  type SummaryStore,
} from '../../ports/summary-store';
import { batchWriteAll, queryAll } from './paging';

const summaryPk = (region: string) => `SUM#${region}`;
const DUTY_PREFIX = 'DUTY#';
const dutyPk = (office: string) => `${DUTY_PREFIX}${office}`;
const STANDING_PREFIX = 'DUTYOF#';
const standingKey = (duty: { readonly incidentId: string; readonly obligationId: string }) => ({
  pk: `${STANDING_PREFIX}${duty.incidentId}`,
  sk: duty.obligationId,
});
const standingItem = (s: DutyStanding, now: string) => ({
  ...standingKey(s),
  seq: s.seq,
  office: s.office,
  day: s.day,
  outcome: s.outcome,
  ...(s.lateByMs !== undefined ? { lateByMs: s.lateByMs } : {}),
  updatedAt: now,
});
const standingFrom = (item: Record<string, unknown>): DutyStanding => ({
  incidentId: String(item.pk).slice(STANDING_PREFIX.length),
  obligationId: String(item.sk),
  seq: Number(item.seq),
  office: String(item.office),
  day: String(item.day),
  outcome: String(item.outcome) as DutyStanding['outcome'],
  ...(typeof item.lateByMs === 'number' ? { lateByMs: item.lateByMs } : {}),
});
const COUNTER = 'c.';
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const markerKey = (eventId: string) => {
  const at = eventId.lastIndexOf('#');
  return { pk: `APPLIED#${eventId.slice(0, at)}`, sk: eventId.slice(at + 1).padStart(10, '0') };
};
const markerId = (item: Record<string, unknown>) => `${String(item.pk).slice('APPLIED#'.length)}#${Number(item.sk)}`;

const countersFrom = (item: Record<string, unknown>): Record<string, number> => {
  const counters: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(COUNTER) && typeof value === 'number' && value !== 0)
      counters[name.slice(COUNTER.length)] = value;
  }
  return counters;
};

const itemFrom = (item: Record<string, unknown>): SummaryItem => ({
  key: { region: String(item.region), period: String(item.period) },
  counters: countersFrom(item),
  writes: typeof item.writes === 'number' ? item.writes : 0,
});

const dutyDayFrom = (item: Record<string, unknown>): DutyDayItem => ({
  key: { office: String(item.pk).slice(DUTY_PREFIX.length), day: String(item.sk) },
  counters: countersFrom(item),
});

/** An update that ADDs counters to an item, creating it if new, and counts the write. */
const addingUpdate = (
  table: string,
  key: { readonly pk: string; readonly sk: string },
  set: Readonly<Record<string, string>>,
  counters: ReadonlyMap<string, number>,
  now: string,
) => {
  const names: Record<string, string> = { '#w': 'writes', '#u': 'updatedAt' };
  const values: Record<string, unknown> = { ':one': 1, ':u': now };
  const sets = ['#u = :u'];
  for (const [i, [name, value]] of Object.entries(set).entries()) {
    names[`#s${i}`] = name;
    values[`:s${i}`] = value;
    sets.push(`#s${i} = :s${i}`);
  }
  const adds = ['#w :one'];
  let n = 0;
  for (const [counter, value] of counters) {
    names[`#c${n}`] = `${COUNTER}${counter}`;
    values[`:c${n}`] = value;
    adds.push(`#c${n} :c${n}`);
    n += 1;
  }
  return {
    Update: {
      TableName: table,
      Key: key,
      UpdateExpression: `SET ${sets.join(', ')} ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};

/** An item put whole with exact counters (reconciliation). */
const exactItem = (
  key: { readonly pk: string; readonly sk: string },
  set: Readonly<Record<string, string>>,
  counters: ReadonlyMap<string, number>,
  now: string,
): Record<string, unknown> => {
  const item: Record<string, unknown> = { ...key, ...set, updatedAt: now, writes: 0 };
  for (const [counter, value] of counters) item[`${COUNTER}${counter}`] = value;
  return item;
};

export const makeDynamoSummaryStore = (config: {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
}): SummaryStore => {
  const { client, table } = config;

  /** Every item whose partition key starts with `prefix`. */
  const scanPrefix = async (prefix: string): Promise<Record<string, unknown>[]> => {
    const result: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: table,
          FilterExpression: 'begins_with(pk, :prefix)',
          ExpressionAttributeValues: { ':prefix': prefix },
          ExclusiveStartKey: start,
        }),
      );
      result.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return result;
  };

  return {
    async appliedOf(eventIds) {
      const found = new Set<string>();
      for (let i = 0; i < eventIds.length; i += 100) {
        let keys: Record<string, unknown>[] | undefined = eventIds.slice(i, i + 100).map(markerKey);
        while (keys && keys.length > 0) {
          const result: BatchGetCommandOutput = await client.send(
            new BatchGetCommand({
              RequestItems: { [table]: { Keys: keys, ProjectionExpression: 'pk, sk', ConsistentRead: true } },
            }),
          );
          for (const item of result.Responses?.[table] ?? []) found.add(markerId(item));
          keys = result.UnprocessedKeys?.[table]?.Keys;
        }
      }
      return found;
    },

    async apply(eventIds, items) {
      const now = new Date().toISOString();
      const transact: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [];
      for (const id of eventIds) {
        transact.push({
          Put: {
            TableName: table,
            Item: { ...markerKey(id), appliedAt: now },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
      }
      for (const { key, counters } of items) {
        transact.push(
          addingUpdate(
            table,
            { pk: summaryPk(key.region), sk: key.period },
            { region: key.region, period: key.period },
            counters,
            now,
          ),
        );
      }
      try {
        await client.send(new TransactWriteCommand({ TransactItems: transact }));
      } catch (error) {
        // A marker already there, or another consumer writing the same summary at that moment:
        // either way the caller looks again at what is applied and retries.
        if (error instanceof TransactionCanceledException) throw new AlreadyApplied();
        throw error;
      }
    },

    async read(region, days) {
      const items = await queryAll(client, {
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': summaryPk(region) },
        ConsistentRead: true,
      });
      return items
        .filter((item) => {
          const period = String(item.sk);
          // Only day items count: anything else under the region's key (a leftover from an older
          // layout) is not a day and would be added twice.
          const isDay = DAY.test(period);
          const inRange =
            (days.from === undefined || period >= days.from) && (days.to === undefined || period <= days.to);
          return isDay && inRange;
        })
        .map(itemFrom);
    },

    async all() {
      return (await scanPrefix('SUM#')).map(itemFrom);
    },

    async dutyDays(office, days) {
      const items = await queryAll(client, {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': dutyPk(office), ':from': days.from, ':to': days.to },
        ConsistentRead: true,
      });
      return items.filter((item) => DAY.test(String(item.sk))).map(dutyDayFrom);
    },

    async dutyStandings(duties) {
      const found = new Map<string, DutyStanding>();
      for (let i = 0; i < duties.length; i += 100) {
        let keys: Record<string, unknown>[] | undefined = duties.slice(i, i + 100).map(standingKey);
        while (keys && keys.length > 0) {
          const result: BatchGetCommandOutput = await client.send(
            new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
          );
          for (const item of result.Responses?.[table] ?? []) {
            const standing = standingFrom(item);
            found.set(standing.obligationId, standing);
          }
          keys = result.UnprocessedKeys?.[table]?.Keys;
        }
      }
      return found;
    },

    async moveDuties(moves, days) {
      const now = new Date().toISOString();
      const transact: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [];
      for (const { to, from } of moves) {
        transact.push({
          Put: {
            TableName: table,
            Item: standingItem(to, now),
            ...(from
              ? {
                  ConditionExpression: '#seq = :seq',
                  ExpressionAttributeNames: { '#seq': 'seq' },
                  ExpressionAttributeValues: { ':seq': from.seq },
                }
              : { ConditionExpression: 'attribute_not_exists(pk)' }),
          },
        });
      }
      for (const { key, counters } of days) {
        transact.push(addingUpdate(table, { pk: dutyPk(key.office), sk: key.day }, {}, counters, now));
      }
      try {
        await client.send(new TransactWriteCommand({ TransactItems: transact }));
      } catch (error) {
        // Another consumer moved one of these duties meanwhile: the caller reads again and retries.
        if (error instanceof TransactionCanceledException) throw new AlreadyApplied();
        throw error;
      }
    },

    async allDutyStandings() {
      return (await scanPrefix(STANDING_PREFIX)).map(standingFrom);
    },

    async allDutyDays() {
      return (await scanPrefix(DUTY_PREFIX)).map(dutyDayFrom);
    },

    async overwriteDutyDays(items, remove, standings) {
      const now = new Date().toISOString();
      await batchWriteAll(client, table, [
        ...standings.map((standing) => ({ PutRequest: { Item: standingItem(standing, now) } })),
        ...items.map(({ key, counters }: DutyDayChange) => ({
          PutRequest: { Item: exactItem({ pk: dutyPk(key.office), sk: key.day }, {}, counters, now) },
        })),
        ...remove.map((key) => ({ DeleteRequest: { Key: { pk: dutyPk(key.office), sk: key.day } } })),
      ]);
    },

    async overwrite(items, remove, applied) {
      const now = new Date().toISOString();
      for (const { key, counters } of items) {
        const item = exactItem(
          { pk: summaryPk(key.region), sk: key.period },
          { region: key.region, period: key.period },
          counters,
          now,
        );
        await client.send(new PutCommand({ TableName: table, Item: item }));
      }
      for (const key of remove) {
        await client.send(new DeleteCommand({ TableName: table, Key: { pk: summaryPk(key.region), sk: key.period } }));
      }
      await batchWriteAll(
        client,
        table,
        applied.map((id) => ({ PutRequest: { Item: { ...markerKey(id), appliedAt: now } } })),
      );
    },
  };
};
