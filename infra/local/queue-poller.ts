/**
 * The local twin of an SQS event source mapping: long-polls a fauxqs queue, calls the consumer
 * with Lambda-shaped batches and deletes what it handled. Messages the consumer reports as failed
 * stay on the queue and come back after a short visibility timeout, until the queue's redrive
 * policy moves them to its dead-letter queue — exactly the AWS behaviour the tests rely on.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { LOCAL_REGION } from './aws-local';
import { deliveredToSqs } from './fauxqs';

export type QueueConsumer = (
  event: SQSEvent,
) => Promise<{ batchItemFailures?: { itemIdentifier: string }[] } | undefined>;

export interface QueuePollerOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  /** Up to this many messages per call (SQS hands out at most 10 per receive; more are gathered). */
  readonly batchSize: number;
  /** Gather messages for up to this long to fill a batch, as Lambda's batching window does. */
  readonly batchingWindowMs?: number;
  readonly consumer: QueueConsumer;
  /** How soon a failed message is offered again (seconds). */
  readonly retryAfterSeconds?: number;
}

export interface QueuePoller {
  stop(): Promise<void>;
}

/** How often a batch that has begun is topped up while its window lasts and the queue is empty. */
const TOP_UP_MS = 200;

export const startQueuePoller = (options: QueuePollerOptions): QueuePoller => {
  let running = true;
  const retryAfter = options.retryAfterSeconds ?? 1;
  const loop = (async () => {
    while (running) {
      const messages: Message[] = [];
      try {
        let windowEnds: number | undefined;
        while (running && messages.length < options.batchSize) {
          const wanted = Math.min(10, options.batchSize - messages.length);
          const received = await options.client.send(
            new ReceiveMessageCommand({
              QueueUrl: options.queueUrl,
              MaxNumberOfMessages: wanted,
              // Long-poll for the first message; once a batch has begun, only top it up.
              WaitTimeSeconds: windowEnds === undefined ? 1 : 0,
              MessageAttributeNames: ['All'],
              MessageSystemAttributeNames: ['All'],
            }),
          );
          const got = received.Messages ?? [];
          messages.push(...got);
          if (messages.length === 0) break;
          windowEnds ??= Date.now() + (options.batchingWindowMs ?? 0);
          // All that was asked for came: more may be waiting, so ask again at once.
          if (got.length === wanted) continue;
          // The queue is empty for now: look again in a while, and at the window's end take what
          // arrived meanwhile, as Lambda hands a batch over when it is full or its window ends.
          // Every 200 ms, not every 50: a quarter of the receives, and a batch that fills still
          // goes within 200 ms of filling.
          const left = windowEnds - Date.now();
          if (left <= 0) break;
          await new Promise((resolve) => setTimeout(resolve, Math.min(TOP_UP_MS, left)));
        }
      } catch (error) {
        if (!running) break;
        console.error(`queue poller ${options.queueUrl}: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      if (messages.length === 0) continue;

      const records: SQSRecord[] = messages.map((m) => ({
        messageId: m.MessageId ?? '',
        receiptHandle: m.ReceiptHandle ?? '',
        // What SNS hands a raw subscription of a structured message (fauxqs hands over all of it).
        body: deliveredToSqs(m.Body ?? ''),
        attributes: (m.Attributes ?? {}) as unknown as SQSRecord['attributes'],
        messageAttributes: Object.fromEntries(
          Object.entries(m.MessageAttributes ?? {}).map(([name, value]) => [
            name,
            {
              dataType: value.DataType ?? 'String',
              stringValue: value.StringValue,
              stringListValues: [],
              binaryListValues: [],
            },
          ]),
        ),
        md5OfBody: m.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: options.queueArn,
        awsRegion: LOCAL_REGION,
      }));

      let failed: Set<string>;
      try {
        const result = await options.consumer({ Records: records });
        failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch (error) {
        // As Lambda would, a consumer that throws fails the whole batch; say why.
        console.error(
          `consumer of ${options.queueUrl.split('/').at(-1)} failed a batch of ${records.length}: ${(error as Error).message}`,
        );
        failed = new Set(records.map((r) => r.messageId));
      }
      const handled = messages.filter((m) => !failed.has(m.MessageId ?? ''));
      const retry = messages.filter((m) => failed.has(m.MessageId ?? ''));
      try {
        // The batch APIs take ten entries at a time.
        for (let i = 0; i < handled.length; i += 10) {
          await options.client.send(
            new DeleteMessageBatchCommand({
              QueueUrl: options.queueUrl,
              Entries: handled.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle })),
            }),
          );
        }
        for (let i = 0; i < retry.length; i += 10) {
          await options.client.send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl: options.queueUrl,
              Entries: retry
                .slice(i, i + 10)
                .map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: retryAfter })),
            }),
          );
        }
      } catch (error) {
        // Not deleted means delivered again: consumers are idempotent, so this costs time, not data.
        if (running) console.error(`queue poller ${options.queueUrl}: ${(error as Error).message}`);
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
};
