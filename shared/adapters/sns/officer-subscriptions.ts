/**
 * Officers' subscriptions on the officer-notifications topic (email, SMS, HTTPS), each with its
 * `personId` filter policy and its dead-letter queue (the `RedrivePolicy` attribute). Subscriptions
 * to other protocols (an SQS archive) are not officers' and are left alone.
 */
import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SetSubscriptionAttributesCommand,
  type SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import type { DeadLetteringSubscriptionRegistry, OfficerSubscription } from '../../ports/officer-subscriptions';

const OFFICER_PROTOCOLS = new Set(['email', 'sms', 'https']);

/** A subscription's redrive policy, as SNS states it: only the dead-letter queue's ARN. */
const redrivePolicy = (deadLetterTarget: string): string => JSON.stringify({ deadLetterTargetArn: deadLetterTarget });

/** The dead-letter queue a `RedrivePolicy` attribute names, if it names one. */
const deadLetterTargetOf = (policy: string | undefined): string | undefined => {
  const { deadLetterTargetArn } = JSON.parse(policy ?? '{}') as { deadLetterTargetArn?: unknown };
  return typeof deadLetterTargetArn === 'string' ? deadLetterTargetArn : undefined;
};

export const makeSnsSubscriptionRegistry = (config: {
  readonly client: SNSClient;
  readonly topicArn: string;
}): DeadLetteringSubscriptionRegistry => ({
  async list() {
    const found: (OfficerSubscription & { arn: string })[] = [];
    let token: string | undefined;
    do {
      const page = await config.client.send(
        new ListSubscriptionsByTopicCommand({ TopicArn: config.topicArn, NextToken: token }),
      );
      for (const s of page.Subscriptions ?? []) {
        // A confirmation still pending has no ARN yet; it is resent by subscribing again.
        if (!s.SubscriptionArn?.startsWith('arn:') || !s.Protocol || !OFFICER_PROTOCOLS.has(s.Protocol)) continue;
        const { Attributes } = await config.client.send(
          new GetSubscriptionAttributesCommand({ SubscriptionArn: s.SubscriptionArn }),
        );
        const filter = JSON.parse(Attributes?.FilterPolicy ?? '{}') as { personId?: string[] };
        const deadLetterTarget = deadLetterTargetOf(Attributes?.RedrivePolicy);
        found.push({
          arn: s.SubscriptionArn,
          protocol: s.Protocol as OfficerSubscription['protocol'],
          endpoint: s.Endpoint ?? '',
          filterPolicy: { personId: filter.personId ?? [] },
          ...(deadLetterTarget === undefined ? {} : { deadLetterTarget }),
        });
      }
      token = page.NextToken;
    } while (token);
    return found;
  },
  async subscribe(subscription) {
    await config.client.send(
      new SubscribeCommand({
        TopicArn: config.topicArn,
        Protocol: subscription.protocol,
        Endpoint: subscription.endpoint,
        Attributes: {
          FilterPolicy: JSON.stringify(subscription.filterPolicy),
          FilterPolicyScope: 'MessageAttributes',
          // Absent where there is no dead-letter queue (the local runtime's fauxqs): SNS then drops
          // what it cannot deliver, as it did before.
          ...(subscription.deadLetterTarget === undefined
            ? {}
            : { RedrivePolicy: redrivePolicy(subscription.deadLetterTarget) }),
        },
      }),
    );
  },
  async setDeadLetterTarget(arn, deadLetterTarget) {
    await config.client.send(
      new SetSubscriptionAttributesCommand({
        SubscriptionArn: arn,
        AttributeName: 'RedrivePolicy',
        AttributeValue: redrivePolicy(deadLetterTarget),
      }),
    );
  },
  async unsubscribe(arn) {
    await config.client.send(new UnsubscribeCommand({ SubscriptionArn: arn }));
  },
});
