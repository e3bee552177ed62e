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

export type QueueConsumer = (
  event: SQSEvent,
) => Promise<{ batchItemFailures?: { itemIdentifier: string }[] } | undefined>;

export interface QueuePollerOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly batchSize: number;
  readonly consumer: QueueConsumer;
  /** How soon a failed message is offered again (seconds). */
  readonly retryAfterSeconds?: number;
}

export interface QueuePoller {
  stop(): Promise<void>;
}

export const startQueuePoller = (options: QueuePollerOptions): QueuePoller => {
  let running = true;
  const retryAfter = options.retryAfterSeconds ?? 1;
  const loop = (async () => {
    while (running) {
      let messages: Message[] = [];
      try {
        const received = await options.client.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: options.batchSize,
            WaitTimeSeconds: 1,
            MessageAttributeNames: ['All'],
            MessageSystemAttributeNames: ['All'],
          }),
        );
        messages = received.Messages ?? [];
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
        body: m.Body ?? '',
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
      } catch {
        failed = new Set(records.map((r) => r.messageId));
      }
      const handled = messages.filter((m) => !failed.has(m.MessageId ?? ''));
      const retry = messages.filter((m) => failed.has(m.MessageId ?? ''));
      if (handled.length > 0) {
        await options.client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: options.queueUrl,
            Entries: handled.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
      }
      if (retry.length > 0) {
        await options.client.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: options.queueUrl,
            Entries: retry.map((m, i) => ({
              Id: String(i),
              ReceiptHandle: m.ReceiptHandle,
              VisibilityTimeout: retryAfter,
            })),
          }),
        );
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
