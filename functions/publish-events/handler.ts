/**
 * The Incidents table's stream consumer: every newly appended event goes to the incident-events
 * topic, whose subscriptions fan it out to the roll-up, timer and notification queues. Heads and
 * other items are not events and are skipped. A record that fails is retried on its own.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import * as z from 'zod';
import { eventFromStreamRecord } from '../../shared/adapters/dynamodb/stream-events';
import { makeSnsEventPublisher } from '../../shared/adapters/sns/event-publisher';
import { readEnv } from '../../shared/config/env';
import { observe, tracer } from '../../shared/observability';
import { incidentEventSchema } from '../../shared/schemas/events';

const env = readEnv(z.object({ INCIDENT_EVENTS_TOPIC_ARN: z.string().min(1) }));
const publisher = makeSnsEventPublisher({
  client: tracer.captureAWSv3Client(new SNSClient({})),
  topicArn: env.INCIDENT_EVENTS_TOPIC_ARN,
});
const processor = new BatchProcessor(EventType.DynamoDBStreams);

const recordHandler = async (record: DynamoDBRecord): Promise<void> => {
  const stored = eventFromStreamRecord(record);
  // Heads and their updates are not for the fan-out.
  if (!stored) return;
  await publisher.publish([incidentEventSchema.parse(stored)]);
};

export const handler = middy<DynamoDBStreamEvent>()
  .use(observe())
  .handler(async (event: DynamoDBStreamEvent) => processPartialResponse(event, recordHandler, processor));
