/**
 * The registry of reporting units in the Officers table, filed by county (`UNITS#<county>` /
 * `UNIT#<unit>`), so the units a duty period obliges are one query per county, and the unit of a
 * filing is one read.
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ReportingUnit } from '../../domain/zero-reports';
import type { UnitRegistry } from '../../ports/unit-registry';
import { UNIT_SK_PREFIX, unitSk, unitsPk } from './keys';
import { batchWriteAll, queryAll } from './paging';

const unitFrom = (item: Record<string, unknown>): ReportingUnit => {
  const { pk: _pk, sk: _sk, ...unit } = item;
  return unit as unknown as ReportingUnit;
};

export const makeDynamoUnitRegistry = (config: {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
}): UnitRegistry => {
  const { client, table } = config;

  const itemsOf = (county: string) =>
    queryAll(client, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :units)',
      ExpressionAttributeValues: { ':pk': unitsPk(county), ':units': UNIT_SK_PREFIX },
      ConsistentRead: true,
    });

  return {
    async unit(county, unitId) {
      const { Item } = await client.send(
        new GetCommand({ TableName: table, Key: { pk: unitsPk(county), sk: unitSk(unitId) }, ConsistentRead: true }),
      );
      return Item ? unitFrom(Item) : undefined;
    },

    async unitsOf(county) {
      return (await itemsOf(county)).map(unitFrom);
    },

    async replaceCounties(counties, units) {
      const keep = new Set<string>();
      const puts: Record<string, unknown>[] = [];
      for (const unit of units) {
        const key = { pk: unitsPk(unit.county), sk: unitSk(unit.unitId) };
        keep.add(`${key.pk}|${key.sk}`);
        puts.push({ PutRequest: { Item: { ...key, ...unit } } });
      }
      // Written first, removed after: a check running meanwhile never finds a county emptied.
      await batchWriteAll(client, table, puts);
      const stale: Record<string, unknown>[] = [];
      for (const county of counties) {
        for (const item of await itemsOf(county)) {
          if (!keep.has(`${String(item.pk)}|${String(item.sk)}`)) {
            stale.push({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } });
          }
        }
      }
      await batchWriteAll(client, table, stale);
    },
  };
};
