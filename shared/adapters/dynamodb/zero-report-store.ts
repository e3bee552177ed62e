/**
 * Duty periods and zero-report logs in the ZeroReports table (key layout in `./keys`), as the
 * zero-report use cases keep them. The table is an audit trail: it grants its writers PutItem and
 * reads only and refuses UpdateItem, DeleteItem and BatchWriteItem, so everything here is a Put —
 * conditional wherever a second write must not win. An append is one TransactWriteItems, as for an
 * incident: the events on the condition that their sequence numbers are free, the head on the
 * condition that its version is the one the change was computed from, and the lookups of a new log
 * and of each miss, so a miss cannot be recorded without being findable, nor twice. A new duty
 * period is written with the period lock of every province it covers, conditioned on the versions
 * its activation read, so two overlapping activations cannot both be written.
 *
 * The inspectors read the same table through their own adapters: the missed list
 * (`./missed-zero-reports`) and the logs for verification (`./zero-report-audit-chains`).
 */

import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type DutyPeriod, provincesCovering, type ZeroChainState } from '../../domain/zero-reports';
import { ChainConflict, PeriodsChanged, type ZeroReportStore } from '../../ports/zero-report-store';
import { chainAppendItems, type TransactItems } from './chain-append';
import { chainsPk, checkedPk, HEAD_SK, PERIOD_LOCKS_PK, PERIODS_PK, zeroChainPk } from './keys';
import { batchGetAll, queryAll } from './paging';
import {
  eventsOf,
  getItem,
  headOf,
  missLookupItem,
  provinceOf,
  withoutKeys,
  type ZeroReportTable,
} from './zero-report-items';

export const makeDynamoZeroReportStore = (config: ZeroReportTable): ZeroReportStore => {
  const { client, table } = config;

  const store: ZeroReportStore = {
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
      const item = await getItem(config, PERIODS_PK, periodId);
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

    head(periodId, unit) {
      return headOf(config, periodId, unit);
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

    events(periodId, unit) {
      return eventsOf(config, periodId, unit);
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
  };
  return store;
};
