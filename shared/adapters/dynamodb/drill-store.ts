/**
 * Drills in the Drills table: one partition per province (`DRILLS#<province>` / `<drill id>`),
 * so the drills that may cover a report are one query, and an early end one conditional write.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type Drill, provinceOfDrill } from '../../domain/drills';
import { DrillChanged, type DrillStore } from '../../ports/drill-store';
import { queryAll } from './paging';

const drillsPk = (province: string): string => `DRILLS#${province}`;

const drillOf = (item: Record<string, unknown>): Drill => {
  const { pk: _pk, sk: _sk, ...drill } = item;
  return drill as unknown as Drill;
};

export const makeDynamoDrillStore = (deps: { readonly client: DynamoDBDocumentClient; readonly table: string }) => {
  const keyOf = (drillId: string) => {
    const province = provinceOfDrill(drillId);
    return province ? { pk: drillsPk(province), sk: drillId } : undefined;
  };

  const get = async (drillId: string): Promise<Drill | undefined> => {
    const key = keyOf(drillId);
    if (!key) return undefined;
    const { Item } = await deps.client.send(new GetCommand({ TableName: deps.table, Key: key, ConsistentRead: true }));
    return Item ? drillOf(Item) : undefined;
  };

  const store: DrillStore = {
    create: async (drill) => {
      const key = keyOf(drill.drillId);
      if (!key) throw new Error(`${drill.drillId} is not a drill id`);
      try {
        await deps.client.send(
          new PutCommand({
            TableName: deps.table,
            Item: { ...key, ...drill },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return { created: true, drill };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const existing = await get(drill.drillId);
        if (!existing) throw error;
        return { created: false, drill: existing };
      }
    },
    get,
    inProvince: async (province) =>
      (
        await queryAll(deps.client, {
          TableName: deps.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': drillsPk(province) },
          ConsistentRead: true,
        })
      )
        .map(drillOf)
        .sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.drillId.localeCompare(b.drillId)),
    end: async (drill) => {
      const key = keyOf(drill.drillId);
      if (!key || !drill.endedEarly) throw new DrillChanged(drill.drillId);
      try {
        await deps.client.send(
          new PutCommand({
            TableName: deps.table,
            Item: { ...key, ...drill },
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(endedEarly)',
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new DrillChanged(drill.drillId);
        throw error;
      }
    },
  };
  return store;
};
