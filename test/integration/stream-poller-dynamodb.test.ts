/**
 * The local twin's stream poller on the suite's DynamoDB Local: idle, it reads the stream seldom,
 * yet a write this process announces (through the commit barrier's client) is read at once, and
 * stopping does not wait out the idle read's wait; it says when it has passed on every write this
 * process announced; when the benchmarks count DynamoDB calls, its own are counted as the
 * poller's.
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { LocalResources } from '../../infra/local/provision';
import { type StreamPoller, startStreamPoller, streamPollersCaughtUp } from '../../infra/local/stream-poller';
import { withCommitBarrier } from '../../shared/adapters/dynamodb/commit-barrier';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import { resetWriteTally, writeTally } from '../../shared/adapters/dynamodb/write-counter';
import { provisionTestResources } from './support';

/** Far longer than any test here waits: a record read before it was read because of the write. */
const IDLE_MS = 60_000;

let dynamodb: DynamoDBClient;
let resources: LocalResources;
let close: (() => void) | undefined;
let streamArn: string;

beforeAll(async () => {
  ({ dynamodb, resources, close } = await provisionTestResources());
  const table = await dynamodb.send(new DescribeTableCommand({ TableName: resources.tables.incidents }));
  streamArn = table.Table?.LatestStreamArn ?? '';
});

afterAll(() => {
  close?.();
});

afterEach(() => {
  vi.unstubAllEnvs();
  resetWriteTally();
});

const idlePoller = async (received: DynamoDBRecord[]): Promise<StreamPoller> => {
  const poller = await startStreamPoller({
    endpoint: inject('dynamodbEndpoint'),
    streamArn,
    batchSize: 10,
    startAt: 'LATEST',
    idleMs: IDLE_MS,
    consumer: async (event) => {
      received.push(...event.Records);
      return { batchItemFailures: [] };
    },
  });
  // A second without writes or records: the poller is in its idle wait.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  return poller;
};

describe('the stream poller', () => {
  it('reads a write announced in this process at once, though idle, and says when it has caught up with it', async () => {
    // PREPARE
    const received: DynamoDBRecord[] = [];
    const poller = await idlePoller(received);
    const documents = makeDocumentClient(withCommitBarrier(dynamodb));
    expect(poller.caughtUp()).toBe(true);

    try {
      // ACT
      const written = Date.now();
      await documents.send(
        new PutCommand({ TableName: resources.tables.incidents, Item: { pk: 'INC#stream-wake', sk: 'HEAD' } }),
      );
      const behind = { poller: poller.caughtUp(), all: streamPollersCaughtUp() };
      await expect.poll(() => received.length, { timeout: 20_000, interval: 20 }).toBe(1);
      await expect.poll(() => poller.caughtUp(), { timeout: 20_000, interval: 20 }).toBe(true);

      // ASSESS
      expect(received[0]?.dynamodb?.Keys?.pk?.S).toBe('INC#stream-wake');
      expect(Date.now() - written).toBeLessThan(IDLE_MS / 3);
      // Behind until a read that began after the write found nothing more; then caught up.
      expect(behind).toEqual({ poller: false, all: false });
      expect(streamPollersCaughtUp()).toBe(true);
    } finally {
      await poller.stop();
    }
  });

  it('counts its own calls, by operation and what a page returned, when DynamoDB calls are counted', async () => {
    vi.stubEnv('DYNAMODB_COUNT_WRITES', 'true');
    const received: DynamoDBRecord[] = [];
    const poller = await idlePoller(received);
    try {
      await makeDocumentClient(withCommitBarrier(dynamodb)).send(
        new PutCommand({ TableName: resources.tables.incidents, Item: { pk: 'INC#stream-count', sk: 'HEAD' } }),
      );
      await expect.poll(() => received.length, { timeout: 20_000, interval: 20 }).toBe(1);
    } finally {
      await poller.stop();
    }

    const calls = (writeTally().calls ?? []).filter((c) => c.fn === 'streamPoller');
    const count = (operation: string, shape: string) =>
      calls.find((c) => c.operation === operation && c.shape === shape)?.count ?? 0;
    expect(count('DescribeStream', 'stream')).toBeGreaterThanOrEqual(1);
    expect(count('GetShardIterator', 'stream')).toBeGreaterThanOrEqual(1);
    expect(count('GetRecords', 'stream, 0 returned')).toBeGreaterThanOrEqual(1);
    expect(count('GetRecords', 'stream, 1 returned')).toBe(1);
  });

  it('stops without waiting out its idle wait', async () => {
    const poller = await idlePoller([]);

    const stopping = Date.now();
    await poller.stop();

    expect(Date.now() - stopping).toBeLessThan(IDLE_MS / 3);
  });
});
