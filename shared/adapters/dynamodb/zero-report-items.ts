/**
 * What the zero-report adapters (the store, the missed list, the audit chains) share of the
 * ZeroReports table (key layout in `./keys`): its items without their keys, a unit's head and log
 * as stored, and the lookup written with each miss.
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { chainOf } from '../../domain/regions/regions';
import type { ZeroChainState, ZeroReportEvent } from '../../domain/zero-reports';
import type { DailyReportMissedEvent } from '../../ports/audit-chains';
import { EVENT_SK_PREFIX, HEAD_SK, missedPk, zeroChainPk } from './keys';
import { queryAll } from './paging';

/** The ZeroReports table, as each of its adapters is given it. */
export interface ZeroReportTable {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
}

export type Item = Record<string, unknown>;

export const provinceOf = (county: string): string => chainOf(county).province.code;

export const withoutKeys = (item: Item): Item => {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest;
};

export const keyOf = (item: Item): string => `${String(item.pk)}/${String(item.sk)}`;

export const getItem = async ({ client, table }: ZeroReportTable, pk: string, sk: string): Promise<Item | undefined> =>
  (await client.send(new GetCommand({ TableName: table, Key: { pk, sk }, ConsistentRead: true }))).Item;

/** The head of a unit's log in a period, if it has one. */
export const headOf = async (
  table: ZeroReportTable,
  periodId: string,
  unit: string,
): Promise<ZeroChainState | undefined> => {
  const item = await getItem(table, zeroChainPk(periodId, unit), HEAD_SK);
  return item ? (withoutKeys(item) as unknown as ZeroChainState) : undefined;
};

/** A unit's log in a period, in sequence order, exactly as appended, so the stored hashes can be recomputed. */
export const eventsOf = async (
  { client, table }: ZeroReportTable,
  periodId: string,
  unit: string,
): Promise<ZeroReportEvent[]> => {
  const items = await queryAll(client, {
    TableName: table,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)',
    ExpressionAttributeValues: { ':pk': zeroChainPk(periodId, unit), ':events': EVENT_SK_PREFIX },
    ConsistentRead: true,
  });
  return items.map((item) => withoutKeys(item) as unknown as ZeroReportEvent);
};

/**
 * The lookup the store writes for a miss, in the same transaction as the event, and as it writes it:
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
