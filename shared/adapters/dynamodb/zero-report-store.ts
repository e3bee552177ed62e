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
 * and every log of a region for verification ({@link AuditChainSource}).
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
import { chainOf, isWithin } from '../../domain/regions/regions';
import {
  chainIdOf,
  type DutyPeriod,
  isReportingRegion,
  provincesCovering,
  type ZeroChainState,
  type ZeroReportEvent,
} from '../../domain/zero-reports';
import type { AuditChain, AuditChainSource } from '../../ports/audit-chains';
import type { MissedZeroReport, MissedZeroReports } from '../../ports/missed-zero-reports';
import { ChainConflict, PeriodsChanged, type ZeroReportStore } from '../../ports/zero-report-store';
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
type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

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

export type DynamoZeroReportStore = ZeroReportStore & MissedZeroReports & AuditChainSource;

export const makeDynamoZeroReportStore = (config: {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
}): DynamoZeroReportStore => {
  const { client, table } = config;

  const getItem = async (pk: string, sk: string): Promise<Item | undefined> =>
    (await client.send(new GetCommand({ TableName: table, Key: { pk, sk }, ConsistentRead: true }))).Item;

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
      const items: TransactItems = [
        {
          Put: {
            TableName: table,
            Item: { pk, sk: HEAD_SK, ...change.state },
            ...(change.expectedVersion === null
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: 'version = :expected',
                  ExpressionAttributeValues: { ':expected': change.expectedVersion },
                }),
          },
        },
      ];
      for (const event of change.events) {
        items.push({
          Put: {
            TableName: table,
            Item: { pk, sk: eventSk(event.seq), ...event },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
        if (event.type === 'DailyReportMissed') {
          items.push({
            Put: {
              TableName: table,
              Item: {
                pk: missedPk(province),
                sk: `${event.data.cutoffAt}#${county}#${periodId}#${unit}`,
                periodId,
                unit,
                unitName: event.data.unitName,
                county,
                date: event.data.date,
                cutoffAt: event.data.cutoffAt,
                missedAt: event.at,
                missedSeq: event.seq,
              },
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
            // Events first, then the head, read again while they disagree: an append landing
            // between the two reads must not look like a broken chain.
            let events = await store.events(periodId, unit);
            let head = await store.head(periodId, unit);
            for (let attempt = 0; attempt < 5 && head && head.version !== events.length; attempt++) {
              events = await store.events(periodId, unit);
              head = await store.head(periodId, unit);
            }
            yield {
              kind: 'zero-report',
              id: chainIdOf(periodId, unit),
              region: county,
              events,
              ...(head ? { head: { seq: head.version, hash: head.lastHash } } : {}),
            };
          }
          start = page.LastEvaluatedKey;
        } while (start);
      }
    },
  };
  return store;
};
