import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeSnsSubscriptionRegistry } from '../../shared/adapters/sns/officer-subscriptions';

const TOPIC = 'arn:aws:sns:cn-north-1:123456789012:officer-notifications';
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

  it('subscribes with the filter on message attributes, and unsubscribes by ARN', async () => {
    sns.on(SubscribeCommand).resolves({});
    sns.on(UnsubscribeCommand).resolves({});
    const registry = makeSnsSubscriptionRegistry({ client: new SNSClient({}), topicArn: TOPIC });

    await registry.subscribe({ protocol: 'sms', endpoint: '+8613800000001', filterPolicy: { personId: ['P-1'] } });
    await registry.unsubscribe(`${TOPIC}:9`);

    expect(sns.commandCalls(SubscribeCommand)[0]?.args[0].input).toEqual({
      TopicArn: TOPIC,
      Protocol: 'sms',
      Endpoint: '+8613800000001',
      Attributes: { FilterPolicy: '{"personId":["P-1"]}', FilterPolicyScope: 'MessageAttributes' },
    });
    expect(sns.commandCalls(UnsubscribeCommand)[0]?.args[0].input).toEqual({ SubscriptionArn: `${TOPIC}:9` });
  });
});
