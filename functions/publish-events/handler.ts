/**
 * The Incidents table's stream consumer: every newly appended event goes to the incident-events
 * topic, whose subscriptions fan it out to the roll-up, timer and notification queues. Heads and
 * other items are not events and are skipped.
 *
 * A batch's events go out together, ten to a `PublishBatch` (SNS's most), in stream order, instead
 * of one call per event: about seven events per report made seven calls. When a call fails, or a
 * record is not a valid event, the batch answers that record as the first failure, and the stream
 * is retried from there (as Lambda retries a stream from its lowest failed record): everything
 * before it is out once, everything from it on goes again. Consumers already take an event twice.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import * as z from 'zod';
import { eventFromStreamRecord } from '../../shared/adapters/dynamodb/stream-events';
import { makeSnsEventPublisher } from '../../shared/adapters/sns/event-publisher';
import { readEnv } from '../../shared/config/env';
import type { IncidentEvent } from '../../shared/domain/incident';
import { logger, observe, tracer } from '../../shared/observability';
import { incidentEventSchema } from '../../shared/schemas/events';

const env = readEnv(z.object({ INCIDENT_EVENTS_TOPIC_ARN: z.string().min(1) }));
const publisher = makeSnsEventPublisher({
  client: tracer.captureAWSv3Client(new SNSClient({})),
  topicArn: env.INCIDENT_EVENTS_TOPIC_ARN,
});

/** SNS takes at most ten messages per PublishBatch. */
const GROUP = 10;

const failedFrom = (record: DynamoDBRecord): DynamoDBBatchResponse => ({
  batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }],
});

export const handler = middy<DynamoDBStreamEvent>()
  .use(observe())
  .handler(async (event): Promise<DynamoDBBatchResponse> => {
    // The events up to the first record that is not a valid event, each with the record it came in.
    const pending: { readonly record: DynamoDBRecord; readonly event: IncidentEvent }[] = [];
    let invalid: DynamoDBRecord | undefined;
    for (const record of event.Records) {
      const stored = eventFromStreamRecord(record);
      // Heads and their updates are not for the fan-out.
      if (!stored) continue;
      const parsed = incidentEventSchema.safeParse(stored);
      if (!parsed.success) {
        logger.error('not a valid event: the stream stops here until it is', {
          sequenceNumber: record.dynamodb?.SequenceNumber,
          issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
        });
        invalid = record;
        break;
      }
      pending.push({ record, event: parsed.data });
    }
    for (let i = 0; i < pending.length; i += GROUP) {
      const group = pending.slice(i, i + GROUP);
      try {
        await publisher.publish(group.map((p) => p.event));
      } catch (error) {
        logger.error('publishing failed: the stream is retried from this group', { error });
        const [first] = group;
        if (first) return failedFrom(first.record);
      }
    }
    return invalid ? failedFrom(invalid) : { batchItemFailures: [] };
  });
