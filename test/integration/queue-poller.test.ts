/**
 * The local twin of an SQS event source with a batching window, on the suite's fauxqs: a batch is
 * handed over when it is full or when its window ends, with what arrived meanwhile, and gathering
 * it does not ask the queue again and again while nothing comes.
 */
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { startQueuePoller } from '../../infra/local/queue-poller';

const sqs = new SQSClient({
  region: LOCAL_REGION,
  credentials: localCredentials,
  endpoint: inject('messagingEndpoint'),
});
let receives = 0;
sqs.middlewareStack.add(
  (next, context) => async (args) => {
    if (context.commandName === ReceiveMessageCommand.name) receives += 1;
    return next(args);
  },
  { step: 'initialize', name: 'countReceives' },
);

afterAll(() => sqs.destroy());

const queue = async (name: string) => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-${Date.now()}` }));
  if (!QueueUrl) throw new Error('no queue');
  return QueueUrl;
};

const send = (queueUrl: string, from: number, count: number) =>
  sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: Array.from({ length: count }, (_, i) => ({ Id: String(i), MessageBody: `m${from + i}` })),
    }),
  );

const pollerOn = (queueUrl: string) => {
  const batches: { at: number; bodies: string[] }[] = [];
  const poller = startQueuePoller({
    client: sqs,
    queueUrl,
    queueArn: `arn:aws:sqs:${LOCAL_REGION}:000000000000:test`,
    batchSize: 100,
    batchingWindowMs: 1_000,
    consumer: async (event: SQSEvent) => {
      batches.push({ at: Date.now(), bodies: event.Records.map((r) => r.body) });
      return { batchItemFailures: [] };
    },
  });
  return { batches, poller };
};

const until = async (check: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
};

describe('queue poller with a batching window', () => {
  it('hands over what trickled in during the window as one batch when it ends, without polling all along', async () => {
    const queueUrl = await queue('trickle');
    const { batches, poller } = pollerOn(queueUrl);
    try {
      // Let the poller start its long poll, then send one message every 100 ms for 600 ms.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const before = receives;
      const first = Date.now();
      for (let i = 0; i < 7; i++) {
        await send(queueUrl, i, 1);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await until(() => batches.length > 0);
      const [batch] = batches;
      expect(batch?.bodies.sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6']);
      // Not before the window that began with the first message ended.
      expect((batch?.at ?? 0) - first).toBeGreaterThanOrEqual(900);
      // The long poll that found the first message and a top-up every 200 ms or so until the window
      // ends (asking every 50 ms made about twenty).
      expect(receives - before).toBeLessThanOrEqual(10);
    } finally {
      await poller.stop();
    }
  });

  it('hands a full batch over before its window ends', async () => {
    const queueUrl = await queue('burst');
    const { batches, poller } = pollerOn(queueUrl);
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const sent = Date.now();
      await Promise.all(Array.from({ length: 10 }, (_, i) => send(queueUrl, 10 * i, 10)));
      await until(() => batches.reduce((n, b) => n + b.bodies.length, 0) >= 100);
      expect(batches[0]?.bodies).toHaveLength(100);
      expect((batches[0]?.at ?? Number.POSITIVE_INFINITY) - sent).toBeLessThan(1_000);
    } finally {
      await poller.stop();
    }
  });
});
