/**
 * Every unit's zero-report log of a region, for verification, from the ZeroReports table: each log
 * with its head and the miss lookups the missed list reads instead of the log — those filed where
 * its misses file them, and any other that names it — so verification can hold the lookups to the
 * log as well.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { readLogWithHead } from '../../application/read-log';
import { itemDifferences } from '../../domain/head-projection';
import { isWithin } from '../../domain/regions/regions';
import { chainIdOf, isReportingRegion, provincesCovering, type ZeroReportEvent } from '../../domain/zero-reports';
import type { AuditChain, AuditChainSource, DailyReportMissedEvent, MissLookup } from '../../ports/audit-chains';
import { chainsPk, eventSk, missedPk, zeroChainPk } from './keys';
import { batchGetAll } from './paging';
import {
  eventsOf,
  headOf,
  type Item,
  keyOf,
  missLookupItem,
  withoutKeys,
  type ZeroReportTable,
} from './zero-report-items';

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

export const makeDynamoZeroReportAuditChains = (config: ZeroReportTable): AuditChainSource => {
  const { client, table } = config;

  /** A unit's log and its head, read as one: an append landing meanwhile must not look like a broken chain. */
  const readLog = (periodId: string, unit: string) =>
    readLogWithHead({
      head: () => headOf(config, periodId, unit),
      events: () => eventsOf(config, periodId, unit),
      endOf: (head) => ({ seq: head.version, hash: head.lastHash }),
    });

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

  return {
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
};
