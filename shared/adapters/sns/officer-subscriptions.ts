/**
 * Officers' subscriptions on the officer-notifications topic (email, SMS, HTTPS), each with its
 * `personId` filter policy. Subscriptions to other protocols (an SQS archive) are not officers'
 * and are left alone.
 */
import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  type SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import type { OfficerSubscription, SubscriptionRegistry } from '../../ports/officer-subscriptions';

const OFFICER_PROTOCOLS = new Set(['email', 'sms', 'https']);

export const makeSnsSubscriptionRegistry = (config: {
  readonly client: SNSClient;
  readonly topicArn: string;
}): SubscriptionRegistry => ({
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
        found.push({
          arn: s.SubscriptionArn,
          protocol: s.Protocol as OfficerSubscription['protocol'],
          endpoint: s.Endpoint ?? '',
          filterPolicy: { personId: filter.personId ?? [] },
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
        Attributes: { FilterPolicy: JSON.stringify(subscription.filterPolicy), FilterPolicyScope: 'MessageAttributes' },
      }),
    );
  },
  async unsubscribe(arn) {
    await config.client.send(new UnsubscribeCommand({ SubscriptionArn: arn }));
  },
});
