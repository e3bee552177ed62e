/**
 * Duty periods and zero-report logs in the ZeroReports table (key layout in `./keys`). The table is
 * an audit trail: it grants its writers PutItem and reads only and refuses UpdateItem, DeleteItem
 * and BatchWriteItem, so everything here is a Put — conditional wherever a second write must not
 * win. An append is one TransactWriteItems, as for an incident: the events on the condition that
 * their sequence numbers are free, the head on the condition that its version is the one the
 * change was computed from, and the lookups of a new log and of each miss, so a miss cannot be
 * recorded without being findable, nor twice. A new duty period is written with the period lock of
 * every province it covers, conditioned on the versions its activation read, so two overlapping
 * activations cannot both be written.
 *
 * The same store answers the inspectors: the misses of a region by cut-off ({@link MissedZeroReports})
 * and every log of a region for verification ({@link AuditChainSource}), each with its head and the
 * miss lookups the missed list reads instead of the log — those filed where its misses file them,
 * and any other that names it — so verification can hold the lookups to the log as well.
 */

import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../../domain/errors';
import { itemDifferences } from '../../domain/head-projection';
import { chainOf, isWithin } from '../../domain/regions/regions';
import {
  chainIdOf,
  type DutyPeriod,
  isReportingRegion,
  provincesCovering,
  type ZeroChainState,
  type ZeroReportEvent,
} from '../../domain/zero-reports';
import type { AuditChain, AuditChainSource, DailyReportMissedEvent, MissLookup } from '../../ports/audit-chains';
import type { MissedZeroReport, MissedZeroReports } from '../../ports/missed-zero-reports';
import { ChainConflict, PeriodsChanged, type ZeroReportStore } from '../../ports/zero-report-store';
import { chainAppendItems, type TransactItems } from './chain-append';
import {
  chainsPk,
  checkedPk,
  EVENT_SK_PREFIX,
  eventSk,
  HEAD_SK,
  missedPk,
  PERIOD_LOCKS_PK,
  PERIODS_PK,
  zeroChainPk,
} from './keys';
import { queryAll } from './paging';

type Item = Record<string, unknown>;

const provinceOf = (county: string): string => chainOf(county).province.code;

const withoutKeys = (item: Item): Item => {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest;
};

const instant = (value: string, field: string): string => {
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new ValidationError(`${field} is not a time`, [{ field, problem: 'is not an ISO time' }]);
  return new Date(at).toISOString();
};

/** One item per key (up to 100 per call), re-asking for whatever DynamoDB left unprocessed. */
const batchGetAll = async (client: DynamoDBDocumentClient, table: string, keys: readonly Item[]): Promise<Item[]> => {
  const items: Item[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Item[] | undefined = keys.slice(i, i + 100);
    while (pending && pending.length > 0) {
      const result = await client.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
      items.push(...((result.Responses?.[table] ?? []) as Item[]));
      pending = result.UnprocessedKeys?.[table]?.Keys as Item[] | undefined;
    }
  }
  return items;
};

const keyOf = (item: Item): string => `${String(item.pk)}/${String(item.sk)}`;

/**
 * The lookup `append` writes for a miss, in the same transaction as the event, and as it writes it:
 * what the missed list reads instead of the log, so verification holds every lookup to it.
 */
export const missLookupItem = (event: DailyReportMissedEvent): Item => ({
  pk: missedPk(provinceOf(event.county)),
  sk: `${event.data.cutoffAt}#${event.county}#${event.periodId}#${event.unit}`,
  periodId: event.periodId,
  unit: event.unit,
  unitName: event.data.unitName,
  county: event.county,
  date: event.data.date,
  cutoffAt: event.data.cutoffAt,
  missedAt: event.at,
  missedSeq: event.seq,
});

/** The lookup of a miss as read back, or nothing for one no lookup can be filed for (a county the division data lacks). */
const lookupOrNothing = (event: DailyReportMissedEvent): Item | undefined => {
  try {
    return missLookupItem(event);
  } catch {
    return undefined;
  }
};

/** Whether `lookup` is exactly the lookup of `event`: then nothing is wrong with it. */
const accountsFor = (event: ZeroReportEvent, lookup: Item): boolean => {
  if (event.type !== 'DailyReportMissed') return false;
  const expected = lookupOrNothing(event);
  return expected !== undefined && itemDifferences(lookup, expected).length === 0;
};

const missLookupOf = (item: Item): MissLookup => ({
  key: keyOf(item),
  ...(typeof item.missedSeq === 'number' ? { seq: item.missedSeq } : {}),
  item,
});

export type DynamoZeroReportStore = ZeroReportStore & MissedZeroReports & AuditChainSource;

export const makeDynamoZeroReportStore = (config: {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
}): DynamoZeroReportStore => {
  const { client, table } = config;

  const getItem = async (pk: string, sk: string): Promise<Item | undefined> =>
    (await client.send(new GetCommand({ TableName: table, Key: { pk, sk }, ConsistentRead: true }))).Item;

  /**
   * A unit's log and its head, the events first and then the head, read again while they disagree:
   * an append landing between the two reads must not look like a broken chain.
   */
  const readLog = async (periodId: string, unit: string) => {
    let events = await store.events(periodId, unit);
    let head = await store.head(periodId, unit);
    for (let attempt = 0; attempt < 5 && head && head.version !== events.length; attempt++) {
      events = await store.events(periodId, unit);
      head = await store.head(periodId, unit);
    }
    return { events, head };
  };

  /**
   * The miss lookups of a province, inside `region`, that the log they name does not account for —
   * forged, moved or edited — by the log they name. A lookup is accounted for when the event at the
   * sequence number it names is a miss whose lookup is exactly this one; each of those is read
   * again, at its key, with its log. The partition is read a page at a time and only the others are
   * kept, so memory stays bounded by what was tampered with.
   */
  const unaccountedLookups = async (province: string, region: string): Promise<Map<string, Item[]>> => {
    const unaccounted = new Map<string, Item[]>();
    const claimedEvent = (lookup: Item): Item | undefined => {
      const seq = lookup.missedSeq;
      if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return undefined;
      return { pk: zeroChainPk(String(lookup.periodId), String(lookup.unit)), sk: eventSk(seq) };
    };
    let start: Item | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': missedPk(province) },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      const lookups = ((page.Items ?? []) as Item[]).filter((item) => isWithin(String(item.county), region));
      const keys = new Map<string, Item>();
      for (const lookup of lookups) {
        const key = claimedEvent(lookup);
        if (key) keys.set(keyOf(key), key);
      }
      const events = new Map(
        (await batchGetAll(client, table, [...keys.values()])).map((item) => [keyOf(item), withoutKeys(item)] as const),
      );
      for (const lookup of lookups) {
        const key = claimedEvent(lookup);
        const event = key ? events.get(keyOf(key)) : undefined;
        if (event && accountsFor(event as unknown as ZeroReportEvent, lookup)) continue;
        const id = chainIdOf(String(lookup.periodId), String(lookup.unit));
        unaccounted.set(id, [...(unaccounted.get(id) ?? []), lookup]);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return unaccounted;
  };

  /**
   * A unit's log as an audit chain, with its head and its miss lookups: the ones stored where its
   * misses file them, and `stray`, the others naming it.
   */
  const auditChainOf = async (periodId: string, unit: string, county: string, stray: readonly Item[]) => {
    const { events, head } = await readLog(periodId, unit);
    // Read after the log: a miss's lookup is written with it, so every miss read has its lookup.
    const expected = new Map<string, Item>();
    for (const event of events) {
      if (event.type !== 'DailyReportMissed') continue;
      const item = lookupOrNothing(event);
      if (item) expected.set(keyOf(item), { pk: item.pk, sk: item.sk });
    }
    const stored = new Map<string, MissLookup>();
    for (const item of [...(await batchGetAll(client, table, [...expected.values()])), ...stray]) {
      const lookup = missLookupOf(item);
      stored.set(lookup.key, lookup);
    }
    const chain: AuditChain = {
      kind: 'zero-report',
      id: chainIdOf(periodId, unit),
      region: county,
      events,
      ...(head ? { head: { seq: head.version, hash: head.lastHash }, zeroState: head } : {}),
      lookups: { stored: [...stored.values()], of: (event) => missLookupOf(missLookupItem(event)) },
    };
    return chain;
  };

  const store: DynamoZeroReportStore = {
    async periodsSnapshot(provinces) {
      // The locks before the periods: a period created after this read moves a lock, so the
      // conditional create fails instead of deciding on a list that lacks it.
      const locks = await batchGetAll(
        client,
        table,
        [...new Set(provinces)].map((province) => ({ pk: PERIOD_LOCKS_PK, sk: province })),
      );
      const versions: Record<string, number> = Object.fromEntries(provinces.map((province) => [province, 0]));
      for (const lock of locks) versions[String(lock.sk)] = Number(lock.version);
      return { periods: await store.periods(), versions };
    },

    async createPeriod(period, versions) {
      const items: TransactItems = [
        {
          Put: {
            TableName: table,
            Item: { pk: PERIODS_PK, sk: period.periodId, ...period },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ];
      const provinces = provincesCovering(period.region);
      for (const province of provinces) {
        const version = versions[province] ?? 0;
        items.push({
          Put: {
            TableName: table,
            Item: { pk: PERIOD_LOCKS_PK, sk: province, version: version + 1, periodId: period.periodId },
            ...(version === 0
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : { ConditionExpression: 'version = :read', ExpressionAttributeValues: { ':read': version } }),
          },
        });
      }
      try {
        await client.send(new TransactWriteCommand({ TransactItems: items }));
        return { created: true, period };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        // The id taken (a retry of the same activation, or another on the same terms) answers the
        // stored period; otherwise a lock moved, or a concurrent transaction held one: decide again.
        const stored = await store.period(period.periodId);
        if (stored) return { created: false, period: stored };
        throw new PeriodsChanged(provinces);
      }
    },

    async period(periodId) {
      const item = await getItem(PERIODS_PK, periodId);
      return item ? (withoutKeys(item) as unknown as DutyPeriod) : undefined;
    },

    async periods() {
      const items = await queryAll(client, {
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': PERIODS_PK },
        ConsistentRead: true,
      });
      return items.map((item) => withoutKeys(item) as unknown as DutyPeriod);
    },

    async checkedDays(periodId) {
      const items = await queryAll(client, {
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': checkedPk(periodId) },
        ProjectionExpression: 'sk',
        ConsistentRead: true,
      });
      return new Set(items.map((item) => String(item.sk)));
    },

    async markChecked(periodId, date, at) {
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: { pk: checkedPk(periodId), sk: date, periodId, date, checkedAt: at },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        // A concurrent check completed the day first: its record stands.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },

    async head(periodId, unit) {
      const item = await getItem(zeroChainPk(periodId, unit), HEAD_SK);
      return item ? (withoutKeys(item) as unknown as ZeroChainState) : undefined;
    },

    async heads(periodId, units) {
      const keys = [...new Set(units)].map((unit) => ({ pk: zeroChainPk(periodId, unit), sk: HEAD_SK }));
      const items = await batchGetAll(client, table, keys);
      return new Map(
        items.map((item) => {
          const head = withoutKeys(item) as unknown as ZeroChainState;
          return [head.unit, head] as const;
        }),
      );
    },

    async events(periodId, unit) {
      const items = await queryAll(client, {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)',
        ExpressionAttributeValues: { ':pk': zeroChainPk(periodId, unit), ':events': EVENT_SK_PREFIX },
        ConsistentRead: true,
      });
      // Exactly as appended, so the stored hashes can be recomputed.
      return items.map((item) => withoutKeys(item) as unknown as ZeroReportEvent);
    },

    async append(change) {
      const { periodId, unit, county } = change.state;
      const pk = zeroChainPk(periodId, unit);
      const province = provinceOf(county);
      const items = chainAppendItems({
        table,
        pk,
        head: { pk, sk: HEAD_SK, ...change.state },
        expectedVersion: change.expectedVersion,
        events: change.events,
      });
      for (const event of change.events) {
        if (event.type === 'DailyReportMissed') {
          items.push({
            Put: {
              TableName: table,
              Item: missLookupItem(event),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          });
        }
      }
      if (change.expectedVersion === null) {
        items.push({
          Put: {
            TableName: table,
            Item: { pk: chainsPk(province), sk: `${county}#${periodId}#${unit}`, periodId, unit, county },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
      }
      try {
        await client.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (error) {
        // A stale head, a taken sequence number, a miss already recorded, or a concurrent
        // transaction on the same items: all mean "recompute from the new head".
        if (error instanceof TransactionCanceledException) throw new ChainConflict(periodId, unit);
        throw error;
      }
    },

    async missedIn(region, from, to) {
      const lower = instant(from, 'from');
      // The sort key continues after the instant, so everything at `to` sorts below `to#~`.
      const upper = `${instant(to, 'to')}#~`;
      const lookups: Item[] = [];
      for (const province of provincesCovering(region)) {
        const items = await queryAll(client, {
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': missedPk(province), ':from': lower, ':to': upper },
        });
        lookups.push(...items.filter((item) => isWithin(String(item.county), region)));
      }
      const heads = new Map<string, ZeroChainState>();
      const keys = [...new Set(lookups.map((l) => zeroChainPk(String(l.periodId), String(l.unit))))];
      for (const item of await batchGetAll(
        client,
        table,
        keys.map((pk) => ({ pk, sk: HEAD_SK })),
      )) {
        heads.set(String(item.pk), withoutKeys(item) as unknown as ZeroChainState);
      }
      return lookups
        .map((l): MissedZeroReport => {
          const periodId = String(l.periodId);
          const unit = String(l.unit);
          const date = String(l.date);
          const day = heads.get(zeroChainPk(periodId, unit))?.days[date];
          const filedAfter = day?.filedSeq !== undefined && (day.filedSeq > Number(l.missedSeq) || day.late === true);
          return {
            periodId,
            unit,
            unitName: String(l.unitName),
            county: String(l.county),
            date,
            cutoffAt: String(l.cutoffAt),
            missedAt: String(l.missedAt),
            ...(filedAfter && day?.filedAt ? { filedLateAt: day.filedAt } : {}),
            ...(day?.notifiedAt ? { notifiedAt: day.notifiedAt } : {}),
          };
        })
        .sort((a, b) =>
          `${a.cutoffAt}#${a.county}#${a.periodId}#${a.unit}`.localeCompare(
            `${b.cutoffAt}#${b.county}#${b.periodId}#${b.unit}`,
          ),
        );
    },

    async *chainsIn(region): AsyncIterable<AuditChain> {
      // A county's logs are a prefix of its province's; anything wider is filtered.
      const prefix = isReportingRegion(region) ? `${region}#` : undefined;
      for (const province of provincesCovering(region)) {
        // Read before the logs, so each log is handed over with the stray lookups that name it.
        const unaccounted = await unaccountedLookups(province, region);
        let start: Item | undefined;
        do {
          const page = await client.send(
            new QueryCommand({
              TableName: table,
              KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
              ExpressionAttributeValues: { ':pk': chainsPk(province), ...(prefix ? { ':prefix': prefix } : {}) },
              ExclusiveStartKey: start,
            }),
          );
          for (const lookup of (page.Items ?? []) as Item[]) {
            const county = String(lookup.county);
            if (!isWithin(county, region)) continue;
            const periodId = String(lookup.periodId);
            const unit = String(lookup.unit);
            const id = chainIdOf(periodId, unit);
            const stray = unaccounted.get(id) ?? [];
            unaccounted.delete(id);
            yield await auditChainOf(periodId, unit, county, stray);
          }
          start = page.LastEvaluatedKey;
        } while (start);
        // Lookups naming a log this province does not list (a log that never was, or whose own
        // lookup is gone): the log is read by the name the lookup gives, so the miss is named.
        for (const stray of unaccounted.values()) {
          const first = stray[0] as Item;
          yield await auditChainOf(String(first.periodId), String(first.unit), String(first.county), stray);
        }
      }
    },
  };
  return store;
};
