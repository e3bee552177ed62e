/**
 * Redelivery on SQS against a mocked client: the exact commands that read a queue's receive limit
 * and put off a failed message's next delivery, the queue found from its ARN.
 */
import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeSqsRedelivery } from '../../shared/adapters/sqs/redelivery';

const sqs = mockClient(SQSClient);
const QUEUE_ARN = 'arn:aws-cn:sqs:cn-north-1:123456789012:IncidentPipeline-NotifyQueue-AbC123';
const QUEUE_URL = 'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/IncidentPipeline-NotifyQueue-AbC123';
const client = new SQSClient({
  region: 'cn-north-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

describe('redelivery on SQS', () => {
  beforeEach(() => {
    sqs.reset();
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: QUEUE_URL });
  });

  it('reads the receive limit from the redrive policy of the queue the ARN names', async () => {
    // PREPARE
    sqs.on(GetQueueAttributesCommand).resolves({
      Attributes: {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `${QUEUE_ARN}-dlq`, maxReceiveCount: 5 }),
      },
    });
    const redelivery = makeSqsRedelivery({ client });

    // ACT
    const max = await redelivery.maxReceives(QUEUE_ARN);

    // ASSESS
    expect(max).toBe(5);
    expect(sqs.commandCalls(GetQueueUrlCommand).map((c) => c.args[0].input)).toStrictEqual([
      { QueueName: 'IncidentPipeline-NotifyQueue-AbC123', QueueOwnerAWSAccountId: '123456789012' },
    ]);
    expect(sqs.commandCalls(GetQueueAttributesCommand).map((c) => c.args[0].input)).toStrictEqual([
      { QueueUrl: QUEUE_URL, AttributeNames: ['RedrivePolicy'] },
    ]);
  });

  it('answers no limit for a queue without a redrive policy', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: {} });

    expect(await makeSqsRedelivery({ client }).maxReceives(QUEUE_ARN)).toBeUndefined();
  });

  it('puts off the message’s next delivery by changing its visibility, looking the queue up once', async () => {
    // PREPARE
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const redelivery = makeSqsRedelivery({ client });

    // ACT
    await redelivery.delay({ queueArn: QUEUE_ARN, receiptHandle: 'rh-1', receiveCount: 1 }, 30);
    await redelivery.delay({ queueArn: QUEUE_ARN, receiptHandle: 'rh-2', receiveCount: 2 }, 60);

    // ASSESS
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toStrictEqual([
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'rh-1', VisibilityTimeout: 30 },
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'rh-2', VisibilityTimeout: 60 },
    ]);
    expect(sqs.commandCalls(GetQueueUrlCommand)).toHaveLength(1);
  });

  it('looks the queue up again after a failed lookup', async () => {
    // PREPARE
    sqs.on(GetQueueUrlCommand).rejectsOnce(new Error('Throttling')).resolves({ QueueUrl: QUEUE_URL });
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const redelivery = makeSqsRedelivery({ client });
    const message = { queueArn: QUEUE_ARN, receiptHandle: 'rh-1', receiveCount: 1 };

    // ACT
    const first = redelivery.delay(message, 30);

    // ASSESS
    await expect(first).rejects.toThrow('Throttling');
    await redelivery.delay(message, 30);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(1);
  });

  it('refuses what is not a queue ARN, without calling SQS', async () => {
    await expect(makeSqsRedelivery({ client }).maxReceives('notify')).rejects.toThrow('notify is not an SQS queue ARN');
    expect(sqs.calls()).toEqual([]);
  });
});
