/**
 * DynamoDB Local answers a TransactWriteItems before the transaction is on disk: it queues the
 * SQLite COMMIT on its single database thread and replies without waiting for it, so a process
 * killed in that gap loses a write it has acknowledged. (Its PutItem, GetItem, ListTables and the
 * like do wait for their own work on that thread.) DynamoDB itself never does this: an answered
 * TransactWriteItems is durable.
 *
 * The barrier makes an acknowledged transaction durable locally too: after each successful
 * transaction the client sends one request that must take its turn on the same thread — a
 * ListTables of one name — so by the time it answers, the COMMIT queued before it has run. Only
 * the local runtime turns it on (`DYNAMODB_LOCAL_COMMIT_BARRIER=true`); on AWS the client is
 * untouched. Once a write is answered (and a transaction committed), the barrier announces it
 * (`local-writes.ts`), so that the local stream poller reads the new record at once.
 */
import { type DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { readEnv } from '../../config/env';
import { announceLocalWrite } from './local-writes';

/** The commands DynamoDB Local commits without waiting (both end in the same queued COMMIT). */
const TRANSACTIONS = new Set(['TransactWriteItemsCommand', 'ExecuteTransactionCommand']);

/** The commands that may change an item, and so add a record to a table's stream. */
const WRITES = new Set([
  ...TRANSACTIONS,
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'ExecuteStatementCommand',
  'BatchExecuteStatementCommand',
]);

const MIDDLEWARE_NAME = 'dynamoDbLocalCommitBarrier';

/**
 * Adds the barrier to `client` (once; adding it again changes nothing) and returns the client.
 * A barrier that fails fails the write's call: the write may not be durable, so the caller must
 * not report it as done (a retry with the same idempotency key replays it if it was).
 */
export const withCommitBarrier = (client: DynamoDBClient): DynamoDBClient => {
  if (client.middlewareStack.identify().some((entry) => entry.startsWith(MIDDLEWARE_NAME))) return client;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName && TRANSACTIONS.has(context.commandName)) {
        await client.send(new ListTablesCommand({ Limit: 1 }));
      }
      if (context.commandName && WRITES.has(context.commandName)) announceLocalWrite();
      return result;
    },
    { step: 'initialize', name: MIDDLEWARE_NAME },
  );
  return client;
};

const barrierEnv = z.object({
  DYNAMODB_LOCAL_COMMIT_BARRIER: z.enum(['true', 'false']).default('false'),
});

/** Whether this process runs against DynamoDB Local and wants the barrier (see above). */
export const commitBarrierWanted = (env: NodeJS.ProcessEnv = process.env): boolean =>
  readEnv(barrierEnv, env).DYNAMODB_LOCAL_COMMIT_BARRIER === 'true';
