/**
 * The Incidents table's stream consumer: every newly appended event goes to the incident-events
 * topic, whose subscriptions fan it out to the roll-up, timer and notification queues. Heads and
 * other items are not events and are skipped. A record that fails is retried on its own.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { DynamoDBRecord, DynamoDBStreamEvent, AttributeValue as StreamAttributeValue } from 'aws-lambda';
import { z } from 'zod';
import { EVENT_SK_PREFIX } from '../../shared/adapters/dynamodb/keys';
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
  // Events are only ever inserted; anything else (head updates) is not for the fan-out.
  if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) return;
  const image = unmarshall(
    record.dynamodb.NewImage as Record<string, StreamAttributeValue> as Record<string, AttributeValue>,
  );
  if (typeof image.sk !== 'string' || !image.sk.startsWith(EVENT_SK_PREFIX)) return;
  const { pk: _pk, sk: _sk, ...stored } = image;
  await publisher.publish([incidentEventSchema.parse(stored)]);
};

export const handler = middy<DynamoDBStreamEvent>()
  .use(observe())
  .handler(async (event: DynamoDBStreamEvent) => processPartialResponse(event, recordHandler, processor));
