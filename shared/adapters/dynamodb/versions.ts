/**
 * Records kept through time in the Officers table (the officer directory, the unit registry): one
 * partition per office or county, one item per version (`AS_OF#<effectiveAt>`), beside the items
 * written before the record kept history, which the caller reads as its first version.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Versioned } from '../../domain/history';
import { DIRECTORY_VERSION_SK_PREFIX } from './keys';
import { queryAll } from './paging';

type Item = Record<string, unknown>;

/** An item as the domain knows it, without its table keys. */
export const withoutKeys = <T>(item: Item): T => {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
};

/** A partition's versions, oldest first, and its other items (those written before the history). */
export const readVersions = async <V extends Versioned>(
  client: DynamoDBDocumentClient,
  table: string,
  pk: string,
): Promise<{ readonly versions: V[]; readonly before: Item[] }> => {
  const items = await queryAll(client, {
    TableName: table,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': pk },
    ConsistentRead: true,
  });
  const isVersion = (item: Item) => String(item.sk).startsWith(DIRECTORY_VERSION_SK_PREFIX);
  return {
    versions: items
      .filter(isVersion)
      .map((item) => withoutKeys<V>(item))
      .sort((a, b) => a.effectiveAt.localeCompare(b.effectiveAt)),
    before: items.filter((item) => !isVersion(item)),
  };
};
