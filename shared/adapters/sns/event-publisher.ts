/**
 * Publishes incident events to the incident-events topic. Message attributes carry what the
 * subscriptions filter on (event type) and what consumers route by (grade, category, and the
 * region at each level), so no consumer has to open a message it will not use.
 */
import { PublishBatchCommand, type PublishBatchRequestEntry, type SNSClient } from '@aws-sdk/client-sns';
import type { IncidentEvent } from '../../domain/incident';
import type { EventPublisher } from '../../ports/event-publisher';

const attribute = (value: string) => ({ DataType: 'String', StringValue: value });

export const eventAttributes = (event: IncidentEvent): NonNullable<PublishBatchRequestEntry['MessageAttributes']> => ({
  eventType: attribute(event.type),
  incidentId: attribute(event.incidentId),
  grade: attribute(event.scope.grade),
  category: attribute(event.scope.category),
  province: attribute(event.scope.province),
  ...(event.scope.city ? { city: attribute(event.scope.city) } : {}),
  ...(event.scope.county ? { county: attribute(event.scope.county) } : {}),
});

// SNS takes at most ten messages per PublishBatch.
const BATCH = 10;

export const makeSnsEventPublisher = (config: {
  readonly client: SNSClient;
  readonly topicArn: string;
}): EventPublisher => ({
  async publish(events) {
    for (let i = 0; i < events.length; i += BATCH) {
      const batch = events.slice(i, i + BATCH);
      const result = await config.client.send(
        new PublishBatchCommand({
          TopicArn: config.topicArn,
          PublishBatchRequestEntries: batch.map((event, index) => ({
            Id: String(index),
            Message: JSON.stringify(event),
            MessageAttributes: eventAttributes(event),
          })),
        }),
      );
      const failed = result.Failed ?? [];
      if (failed.length > 0) {
        throw new Error(
          `SNS refused ${failed.length} of ${batch.length} events: ${failed.map((f) => f.Message ?? f.Code).join('; ')}`,
        );
      }
    }
  },
});
