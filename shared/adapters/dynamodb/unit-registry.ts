/**
 * The registry of reporting units in the Officers table, filed by county (`UNITS#<county>` /
 * `UNIT#<unit>`), so the units a duty period obliges are one query per county, and the unit of a
 * filing is one read; beside it, where each unit id is registered (`UNIT#<unit>` / `COUNTY`), so an
 * import can tell a unit already registered in another county.
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ReportingUnit } from '../../domain/zero-reports';
import type { UnitRegistry } from '../../ports/unit-registry';
import { UNIT_INDEX_SK, UNIT_SK_PREFIX, unitIndexPk, unitSk, unitsPk } from './keys';
import { batchGetAll, batchWriteAll, queryAll } from './paging';

type Item = Record<string, unknown>;

const unitFrom = (item: Item): ReportingUnit => {
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

  const registry: UnitRegistry = {
    async unit(county, unitId) {
      const { Item } = await client.send(
        new GetCommand({ TableName: table, Key: { pk: unitsPk(county), sk: unitSk(unitId) }, ConsistentRead: true }),
      );
      return Item ? unitFrom(Item) : undefined;
    },

    async unitsOf(county) {
      return (await itemsOf(county)).map(unitFrom);
    },

    async countiesOf(unitIds) {
      const found = new Map<string, string>();
      const keys = [...new Set(unitIds)].map((unitId) => ({ pk: unitIndexPk(unitId), sk: UNIT_INDEX_SK }));
      for (const item of await batchGetAll(client, table, keys)) {
        found.set(String(item.unitId), String(item.county));
      }
      return found;
    },

    async replaceCounties(counties, units) {
      const keep = new Set<string>();
      const ids = new Set<string>();
      const puts: Item[] = [];
      for (const unit of units) {
        const key = { pk: unitsPk(unit.county), sk: unitSk(unit.unitId) };
        keep.add(`${key.pk}|${key.sk}`);
        ids.add(unit.unitId);
        puts.push({ PutRequest: { Item: { ...key, ...unit } } });
        puts.push({
          PutRequest: {
            Item: { pk: unitIndexPk(unit.unitId), sk: UNIT_INDEX_SK, unitId: unit.unitId, county: unit.county },
          },
        });
      }
      // Written first, removed after: a check running meanwhile never finds a county emptied.
      await batchWriteAll(client, table, puts);
      const stale: Item[] = [];
      const gone: { unitId: string; county: string }[] = [];
      for (const county of counties) {
        for (const item of await itemsOf(county)) {
          if (keep.has(`${String(item.pk)}|${String(item.sk)}`)) continue;
          stale.push({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } });
          // A unit that moved to another county of the file keeps the pointer just written there.
          if (!ids.has(String(item.unitId))) gone.push({ unitId: String(item.unitId), county });
        }
      }
      // A pointer goes with the unit only if it points here: one filed twice by an older import
      // stays pointed at the county that still lists it.
      const pointers = gone.length > 0 ? await registry.countiesOf(gone.map((g) => g.unitId)) : new Map();
      for (const { unitId, county } of gone) {
        if (pointers.get(unitId) === county) {
          stale.push({ DeleteRequest: { Key: { pk: unitIndexPk(unitId), sk: UNIT_INDEX_SK } } });
        }
      }
      await batchWriteAll(client, table, stale);
    },
  };
  return registry;
};
