/**
 * The loops DynamoDB adapters need: all pages of a query, every item of a batch get, and batch
 * writes to the end.
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';

/** Every item a query matches, following LastEvaluatedKey to the last page. */
export const queryAll = async (
  client: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...((page.Items ?? []) as Record<string, unknown>[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

/** One item per key that exists (up to 100 keys per call, read consistently), re-asking for whatever DynamoDB left unprocessed. */
export const batchGetAll = async (
  client: DynamoDBDocumentClient,
  table: string,
  keys: readonly Record<string, unknown>[],
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + 100);
    while (pending && pending.length > 0) {
      const result = await client.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
      items.push(...((result.Responses?.[table] ?? []) as Record<string, unknown>[]));
      pending = result.UnprocessedKeys?.[table]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  return items;
};

/** Put and delete requests to one table, 25 per call, resending whatever DynamoDB left unprocessed. */
export const batchWriteAll = async (
  client: DynamoDBDocumentClient,
  table: string,
  requests: readonly Record<string, unknown>[],
): Promise<void> => {
  for (let i = 0; i < requests.length; i += 25) {
    let pending: Record<string, unknown>[] | undefined = requests.slice(i, i + 25);
    while (pending && pending.length > 0) {
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [table]: pending as never } }));
      pending = result.UnprocessedItems?.[table] as Record<string, unknown>[] | undefined;
    }
  }
};
