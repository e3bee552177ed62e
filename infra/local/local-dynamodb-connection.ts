/**
 * For the command-line tools: the DynamoDB Local of the running `npm start` (announced in
 * DATA_DIR/runtime.json) if it answers, or else a DynamoDB Local of our own on DATA_DIR's files.
 * Two Java processes must never open the same files, hence the check.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import { type TableName, tables } from '../resources';
import { LOCAL_REGION, localCredentials } from './aws-local';
import { startDynamoDbLocal } from './dynamodb-local';

export interface LocalDynamoDbConnection {
  readonly endpoint: string;
  /** A document client on the engine, as the handlers make theirs. */
  readonly client: DynamoDBDocumentClient;
  /** A table's name there: the running runtime's, when it is the runtime's engine; else its local name. */
  table(name: TableName): string;
  /** The running runtime's table names, when it is the runtime's engine. */
  readonly tables?: Readonly<Partial<Record<TableName, string>>>;
  stop(): Promise<void>;
}

const connectionTo = (
  endpoint: string,
  stopEngine: () => Promise<void>,
  running?: Readonly<Partial<Record<TableName, string>>>,
): LocalDynamoDbConnection => {
  const client = makeDocumentClient(
    new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: localCredentials }),
  );
  return {
    endpoint,
    client,
    table: (name) => running?.[name] ?? tables[name].localName,
    ...(running ? { tables: running } : {}),
    stop: async () => {
      client.destroy();
      await stopEngine();
    },
  };
};

const answers = async (endpoint: string): Promise<boolean> => {
  const probe = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: localCredentials, maxAttempts: 1 });
  try {
    await probe.send(new ListTablesCommand({ Limit: 1 }));
    return true;
  } catch {
    return false;
  } finally {
    probe.destroy();
  }
};

export const connectToLocalDynamoDb = async (dataDir: string): Promise<LocalDynamoDbConnection> => {
  const runtimeFile = join(dataDir, 'runtime.json');
  if (existsSync(runtimeFile)) {
    const running = JSON.parse(readFileSync(runtimeFile, 'utf8')) as {
      dynamodb: string;
      tables: Partial<Record<TableName, string>>;
    };
    if (await answers(running.dynamodb)) {
      console.error(`using the running local runtime's DynamoDB Local at ${running.dynamodb}`);
      return connectionTo(running.dynamodb, async () => undefined, running.tables);
    }
  }
  if (!existsSync(join(dataDir, 'dynamodb'))) {
    throw new Error(`no data in ${dataDir}: start the pipeline once with \`npm start\`, or set DATA_DIR`);
  }
  const local = await startDynamoDbLocal({ dataDir: join(dataDir, 'dynamodb') });
  console.error(`started DynamoDB Local on ${dataDir}`);
  return connectionTo(local.endpoint, local.stop);
};
