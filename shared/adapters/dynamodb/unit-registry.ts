/**
 * The registry of reporting units in the Officers table, filed by county and kept through time:
 * `UNITS#<county>` holds one item per version of the county's list (`AS_OF#<effectiveAt>`, its units
 * whole), so the units a duty period obliges on any day are one query per county. A county's list
 * is at most a few thousand small units, inside an item's 400 KB. A version is only ever added,
 * never changed. Beside it, where each unit id was last imported (`UNIT#<unit>` / `COUNTY`), so an
 * import can tell a unit already registered in another county.
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { BEFORE_HISTORY } from '../../domain/history';
import { type RegistryVersion, unitsAt } from '../../domain/unit-registry';
import type { ReportingUnit } from '../../domain/zero-reports';
import type { UnitRegistry } from '../../ports/unit-registry';
import { directoryVersionSk, UNIT_INDEX_SK, UNIT_SK_PREFIX, unitIndexPk, unitsPk } from './keys';
import { batchGetAll, batchWriteAll } from './paging';
import { readVersions, withoutKeys } from './versions';

export const makeDynamoUnitRegistry = (config: {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
}): UnitRegistry => {
  const { client, table } = config;

  const registry: UnitRegistry = {
    async historyOf(county) {
      const { versions, before } = await readVersions<RegistryVersion>(client, table, unitsPk(county));
      // Units written before the registry kept history were the county's list then, and are not rewritten.
      const units = before
        .filter((item) => String(item.sk).startsWith(UNIT_SK_PREFIX))
        .map((item) => withoutKeys<ReportingUnit>(item));
      return {
        county,
        versions: units.length > 0 ? [{ effectiveAt: BEFORE_HISTORY, units }, ...versions] : versions,
      };
    },

    async unitsOf(county, at = new Date()) {
      return unitsAt(await registry.historyOf(county), at);
    },

    async unit(county, unitId, at = new Date()) {
      return (await registry.unitsOf(county, at)).find((u) => u.unitId === unitId);
    },

    async countiesOf(unitIds) {
      const found = new Map<string, string>();
      const keys = [...new Set(unitIds)].map((unitId) => ({ pk: unitIndexPk(unitId), sk: UNIT_INDEX_SK }));
      for (const item of await batchGetAll(client, table, keys)) {
        found.set(String(item.unitId), String(item.county));
      }
      return found;
    },

    async replaceCounties(counties, units, effectiveAt = new Date()) {
      // What the counties held before this version: a unit no longer listed loses its pointer.
      const before = new Map<string, readonly ReportingUnit[]>();
      for (const county of counties) before.set(county, await registry.unitsOf(county, effectiveAt));
      // One item per county: a county's new version is written whole or not at all.
      for (const county of counties) {
        const version: RegistryVersion = {
          effectiveAt: effectiveAt.toISOString(),
          units: units.filter((u) => u.county === county),
        };
        await client.send(
          new PutCommand({
            TableName: table,
            Item: { pk: unitsPk(county), sk: directoryVersionSk(effectiveAt), ...version },
          }),
        );
      }
      const ids = new Set(units.map((u) => u.unitId));
      await batchWriteAll(
        client,
        table,
        units.map((unit) => ({
          PutRequest: {
            Item: { pk: unitIndexPk(unit.unitId), sk: UNIT_INDEX_SK, unitId: unit.unitId, county: unit.county },
          },
        })),
      );
      const gone = [...before].flatMap(([county, held]) =>
        held.filter((u) => !ids.has(u.unitId)).map((u) => ({ unitId: u.unitId, county })),
      );
      // A pointer goes with the unit only if it points here: one filed twice by an older import
      // stays pointed at the county that still lists it.
      const pointers = gone.length > 0 ? await registry.countiesOf(gone.map((g) => g.unitId)) : new Map();
      await batchWriteAll(
        client,
        table,
        gone
          .filter(({ unitId, county }) => pointers.get(unitId) === county)
          .map(({ unitId }) => ({ DeleteRequest: { Key: { pk: unitIndexPk(unitId), sk: UNIT_INDEX_SK } } })),
      );
    },
  };
  return registry;
};
