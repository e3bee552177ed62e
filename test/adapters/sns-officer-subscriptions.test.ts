import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeSnsSubscriptionRegistry } from '../../shared/adapters/sns/officer-subscriptions';

const TOPIC = 'arn:aws:sns:cn-north-1:123456789012:officer-notifications';
const DEAD_LETTERS = 'arn:aws:sqs:cn-north-1:123456789012:officer-delivery-dlq';
const sns = mockClient(SNSClient);

describe('SNS subscription registry', () => {
  beforeEach(() => sns.reset());

  it('lists officers’ subscriptions with their person filter, leaving out queues and pending confirmations', async () => {
    sns.on(ListSubscriptionsByTopicCommand).resolves({
      Subscriptions: [
        { SubscriptionArn: `${TOPIC}:1`, Protocol: 'email', Endpoint: 'a@example.cn' },
        { SubscriptionArn: 'PendingConfirmation', Protocol: 'email', Endpoint: 'b@example.cn' },
        { SubscriptionArn: `${TOPIC}:2`, Protocol: 'sqs', Endpoint: 'arn:aws:sqs:cn-north-1:123456789012:inbox' },
      ],
    });
    sns.on(GetSubscriptionAttributesCommand).resolves({ Attributes: { FilterPolicy: '{"personId":["P-1"]}' } });
    const registry = makeSnsSubscriptionRegistry({ client: new SNSClient({}), topicArn: TOPIC });

    expect(await registry.list()).toEqual([
      { arn: `${TOPIC}:1`, protocol: 'email', endpoint: 'a@example.cn', filterPolicy: { personId: ['P-1'] } },
    ]);
  });

  it('reads each subscription’s dead-letter queue from its redrive policy', async () => {
    // PREPARE: one subscription made with a dead-letter queue, one before there was any.
    sns.on(ListSubscriptionsByTopicCommand).resolves({
      Subscriptions: [
        { SubscriptionArn: `${TOPIC}:1`, Protocol: 'https', Endpoint: 'https://duty.example.cn/hook' },
        { SubscriptionArn: `${TOPIC}:2`, Protocol: 'sms', Endpoint: '+8613800000002' },
      ],
    });
    sns.on(GetSubscriptionAttributesCommand, { SubscriptionArn: `${TOPIC}:1` }).resolves({
      Attributes: {
        FilterPolicy: '{"personId":["P-1"]}',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: DEAD_LETTERS }),
      },
    });
    sns
      .on(GetSubscriptionAttributesCommand, { SubscriptionArn: `${TOPIC}:2` })
      .resolves({ Attributes: { FilterPolicy: '{"personId":["P-2"]}' } });
    const registry = makeSnsSubscriptionRegistry({ client: new SNSClient({}), topicArn: TOPIC });

    // ACT
    const listed = await registry.list();

    // ASSESS
    expect(listed).toStrictEqual([
      {
        arn: `${TOPIC}:1`,
        protocol: 'https',
        endpoint: 'https://duty.example.cn/hook',
        filterPolicy: { personId: ['P-1'] },
        deadLetterTarget: DEAD_LETTERS,
      },
      { arn: `${TOPIC}:2`, protocol: 'sms', endpoint: '+8613800000002', filterPolicy: { personId: ['P-2'] } },
    ]);
  });

  it('subscribes with the filter on message attributes and the dead-letter queue as redrive policy', async () => {
    // PREPARE
    sns.on(SubscribeCommand).resolves({});
    const registry = makeSnsSubscriptionRegistry({ client: new SNSClient({}), topicArn: TOPIC });

    // ACT
    await registry.subscribe({
      protocol: 'https',
      endpoint: 'https://duty.example.cn/hook',
      filterPolicy: { personId: ['P-1'] },
      deadLetterTarget: DEAD_LETTERS,
    });

    // ASSESS
    expect(sns.commandCalls(SubscribeCommand).map((call) => call.args[0].input)).toStrictEqual([
      {
        TopicArn: TOPIC,
        Protocol: 'https',
        Endpoint: 'https://duty.example.cn/hook',
        Attributes: {
          FilterPolicy: '{"personId":["P-1"]}',
          FilterPolicyScope: 'MessageAttributes',
          RedrivePolicy: `{"deadLetterTargetArn":"${DEAD_LETTERS}"}`,
        },
      },
    ]);
  });

  it('points an existing subscription at a dead-letter queue in place, setting its redrive policy alone', async () => {
    sns.on(SetSubscriptionAttributesCommand).resolves({});
    const registry = makeSnsSubscriptionRegistry({ client: new SNSClient({}), topicArn: TOPIC });

    await registry.setDeadLetterTarget(`${TOPIC}:7`, DEAD_LETTERS);

    expect(sns.calls().map((call) => call.args[0].input)).toStrictEqual([
      {
        SubscriptionArn: `${TOPIC}:7`,
        AttributeName: 'RedrivePolicy',
        AttributeValue: `{"deadLetterTargetArn":"${DEAD_LETTERS}"}`,
      },
    ]);
  });

  it('subscribes without a redrive policy where there is no dead-letter queue, and unsubscribes by ARN', async () => {
    sns.on(SubscribeCommand).resolves({});
    sns.on(UnsubscribeCommand).resolves({});
    const registry = makeSnsSubscriptionRegistry({ client: new SNSClient({}), topicArn: TOPIC });

    await registry.subscribe({ protocol: 'sms', endpoint: '+8613800000001', filterPolicy: { personId: ['P-1'] } });
    await registry.unsubscribe(`${TOPIC}:9`);

    // Strict: no RedrivePolicy key at all, not even an undefined one.
    expect(sns.commandCalls(SubscribeCommand)[0]?.args[0].input).toStrictEqual({
      TopicArn: TOPIC,
      Protocol: 'sms',
      Endpoint: '+8613800000001',
      Attributes: { FilterPolicy: '{"personId":["P-1"]}', FilterPolicyScope: 'MessageAttributes' },
    });
    expect(sns.commandCalls(UnsubscribeCommand)[0]?.args[0].input).toEqual({ SubscriptionArn: `${TOPIC}:9` });
  });
});
