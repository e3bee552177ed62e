/**
 * Redelivery on SQS: a failed message's next delivery is put off by changing its visibility
 * timeout, and the number of deliveries is read from the queue's redrive policy. The queue is
 * found from the ARN an SQS event record carries, with the permissions an SQS event source
 * already gives its function (GetQueueUrl, GetQueueAttributes, ChangeMessageVisibility).
 */
import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import * as z from 'zod';
import type { Redelivery } from '../../ports/redelivery';

const QUEUE_ARN = /^arn:[\w-]+:sqs:[\w-]+:(\d{12}):([\w.-]+)$/;

const redrivePolicy = z
  .string()
  .transform((text, context) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      context.addIssue({ code: 'custom', message: 'is not JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.looseObject({ maxReceiveCount: z.coerce.number().int().positive() }));

export const makeSqsRedelivery = (config: { readonly client: SQSClient }): Redelivery => {
  const urls = new Map<string, Promise<string>>();
  const urlOf = (queueArn: string): Promise<string> => {
    const cached = urls.get(queueArn);
    if (cached) return cached;
    const match = QUEUE_ARN.exec(queueArn);
    if (!match) return Promise.reject(new Error(`${queueArn} is not an SQS queue ARN`));
    const looking = config.client
      .send(new GetQueueUrlCommand({ QueueName: match[2], QueueOwnerAWSAccountId: match[1] }))
      .then(({ QueueUrl }) => {
        if (!QueueUrl) throw new Error(`SQS returned no URL for ${queueArn}`);
        return QueueUrl;
      });
    // A failed lookup is not remembered: the next message tries again.
    looking.catch(() => urls.delete(queueArn));
    urls.set(queueArn, looking);
    return looking;
  };

  return {
    async maxReceives(queueArn) {
      const { Attributes } = await config.client.send(
        new GetQueueAttributesCommand({ QueueUrl: await urlOf(queueArn), AttributeNames: ['RedrivePolicy'] }),
      );
      if (!Attributes?.RedrivePolicy) return undefined;
      return redrivePolicy.parse(Attributes.RedrivePolicy).maxReceiveCount;
    },
    async delay(message, seconds) {
      await config.client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: await urlOf(message.queueArn),
          ReceiptHandle: message.receiptHandle,
          VisibilityTimeout: seconds,
        }),
      );
    },
  };
};
