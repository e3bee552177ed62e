/**
 * Creates the tables, stream, topics, queues, dead-letter queues, subscriptions and buckets of
 * `infra/resources.ts` in the local engines — the same description the CDK stateful stack is
 * built from. Safe to run on every start: what exists is kept, a missing index is added.
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  type BucketName,
  buckets,
  type IndexDef,
  type KeyDef,
  type QueueName,
  queues,
  subscriptions,
  type TableDef,
  type TableName,
  type TopicName,
  tables,
  topics,
} from '../resources';

/** Physical names, URLs and ARNs of what was provisioned, keyed by the description's names. */
export interface LocalResources {
  readonly tables: Record<TableName, string>;
  readonly queues: Record<QueueName, { url: string; arn: string; deadLetterUrl: string; deadLetterArn: string }>;
  readonly topics: Record<TopicName, string>;
  readonly buckets: Record<BucketName, string>;
}

const keySchema = (partitionKey: KeyDef, sortKey?: KeyDef): KeySchemaElement[] => [
  { AttributeName: partitionKey.name, KeyType: 'HASH' },
  ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
];

const gsi = (index: IndexDef): GlobalSecondaryIndex => ({
  IndexName: index.name,
  KeySchema: keySchema(index.partitionKey, index.sortKey),
  Projection: { ProjectionType: index.projection },
});

const attributeDefinitions = (keys: readonly (KeyDef | undefined)[]): AttributeDefinition[] => {
  const byName = new Map<string, KeyDef>();
  for (const key of keys) if (key) byName.set(key.name, key);
  return [...byName.values()].map((key) => ({ AttributeName: key.name, AttributeType: key.type }));
};

const provisionTable = async (client: DynamoDBClient, name: string, def: TableDef): Promise<void> => {
  const existing = await client
    .send(new DescribeTableCommand({ TableName: name }))
    .then((r) => r.Table)
    .catch((error: unknown) => {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    });
  if (!existing) {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: keySchema(def.partitionKey, def.sortKey),
        AttributeDefinitions: attributeDefinitions([
          def.partitionKey,
          def.sortKey,
          ...def.globalIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
        ]),
        ...(def.globalIndexes.length > 0 ? { GlobalSecondaryIndexes: def.globalIndexes.map(gsi) } : {}),
        ...(def.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: def.stream } } : {}),
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 2 }, { TableName: name });
    if (def.timeToLiveAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { Enabled: true, AttributeName: def.timeToLiveAttribute },
        }),
      );
    }
    return;
  }
  // A table kept from an earlier start may predate an index that the description has since gained.
  const present = new Set((existing.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  for (const index of def.globalIndexes) {
    if (present.has(index.name)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: attributeDefinitions([index.partitionKey, index.sortKey]),
        GlobalSecondaryIndexUpdates: [{ Create: gsi(index) }],
      }),
    );
  }
};

export interface ProvisionClients {
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly s3: S3Client;
}

export interface ProvisionOptions {
  /**
   * Receives before a failed message moves to its dead-letter queue, for every queue; the
   * description's by default. A test that only needs a message parked sets fewer, and waits for
   * fewer redeliveries.
   */
  readonly maxReceiveCount?: number;
}

/**
 * Provisions everything in the description. `prefix` namespaces the physical names, so test files
 * sharing one DynamoDB Local and one fauxqs do not see each other's data.
 */
export const provisionLocalResources = async (
  clients: ProvisionClients,
  prefix = '',
  options: ProvisionOptions = {},
): Promise<LocalResources> => {
  // Each request waits on an engine, and few depend on one another: tables, queues (each after its
  // dead-letter queue), topics and buckets are created at once, the subscriptions once their
  // queues and topics exist.
  const tableNames = {} as Record<TableName, string>;
  const creatingTables = Promise.all(
    (Object.entries(tables) as [TableName, TableDef][]).map(async ([key, def]) => {
      tableNames[key] = `${prefix}${def.localName}`;
      await provisionTable(clients.dynamodb, tableNames[key], def);
    }),
  );

  const queueRefs = {} as LocalResources['queues'];
  const creatingQueues = Promise.all(
    (Object.entries(queues) as [QueueName, (typeof queues)[QueueName]][]).map(async ([key, def]) => {
      const dlq = await createQueue(clients.sqs, `${prefix}${def.deadLetter.localName}`, {
        MessageRetentionPeriod: String(14 * 24 * 3600),
      });
      const main = await createQueue(clients.sqs, `${prefix}${def.localName}`, {
        VisibilityTimeout: String(def.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlq.arn,
          maxReceiveCount: options.maxReceiveCount ?? def.deadLetter.maxReceiveCount,
        }),
      });
      queueRefs[key] = { url: main.url, arn: main.arn, deadLetterUrl: dlq.url, deadLetterArn: dlq.arn };
    }),
  );

  const topicArns = {} as Record<TopicName, string>;
  const creatingTopics = Promise.all(
    (Object.entries(topics) as [TopicName, (typeof topics)[TopicName]][]).map(async ([key, def]) => {
      const created = await clients.sns.send(new CreateTopicCommand({ Name: `${prefix}${def.localName}` }));
      if (!created.TopicArn) throw new Error(`fauxqs returned no ARN for topic ${def.localName}`);
      topicArns[key] = created.TopicArn;
    }),
  );

  const bucketNames = {} as Record<BucketName, string>;
  const creatingBuckets = Promise.all(
    (Object.entries(buckets) as [BucketName, (typeof buckets)[BucketName]][]).map(async ([key, def]) => {
      bucketNames[key] = `${prefix}${def.localName}`.toLowerCase();
      // Idempotent in the emulator: a bucket kept from an earlier start is answered as created.
      await clients.s3.send(new CreateBucketCommand({ Bucket: bucketNames[key] }));
    }),
  );

  const subscribe = () =>
    Promise.all(
      subscriptions.map((sub) =>
        clients.sns.send(
          new SubscribeCommand({
            TopicArn: topicArns[sub.topic],
            Protocol: 'sqs',
            Endpoint: queueRefs[sub.queue].arn,
            Attributes: {
              RawMessageDelivery: String(sub.rawMessageDelivery),
              ...(sub.filterPolicy
                ? { FilterPolicy: JSON.stringify(sub.filterPolicy), FilterPolicyScope: 'MessageAttributes' }
                : {}),
            },
          }),
        ),
      ),
    );
  // Awaited together, so that a failure of any is handled while the others still run.
  await Promise.all([creatingTables, creatingBuckets, Promise.all([creatingQueues, creatingTopics]).then(subscribe)]);

  return { tables: tableNames, queues: queueRefs, topics: topicArns, buckets: bucketNames };
};

const createQueue = async (
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<{ url: string; arn: string }> => {
  const created = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!created.QueueUrl) throw new Error(`fauxqs returned no URL for queue ${name}`);
  const attrs = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: created.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = attrs.Attributes?.QueueArn;
  if (!arn) throw new Error(`fauxqs returned no ARN for queue ${name}`);
  return { url: created.QueueUrl, arn };
};

/** The environment variables a handler reads to find each resource, as the CDK bind helpers set them. */
export const resourceEnvironment = (resources: LocalResources): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const [key, def] of Object.entries(tables) as [TableName, TableDef][]) env[def.env] = resources.tables[key];
  for (const [key, def] of Object.entries(queues) as [QueueName, (typeof queues)[QueueName]][]) {
    env[def.env] = resources.queues[key].url;
  }
  for (const [key, def] of Object.entries(topics) as [TopicName, (typeof topics)[TopicName]][]) {
    env[def.env] = resources.topics[key];
  }
  for (const [key, def] of Object.entries(buckets) as [BucketName, (typeof buckets)[BucketName]][]) {
    env[def.env] = resources.buckets[key];
  }
  return env;
};
