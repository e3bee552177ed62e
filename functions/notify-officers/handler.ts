/**
 * Consumer of the notification queue: each event is notified on its own, so one that cannot be
 * published is retried alone and, if it keeps failing, lands in the dead-letter queue — never
 * silently dropped. Runs from the queue, never from the request path.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { makeOfficerDirectory, officersEnv } from '../../shared/adapters/dynamodb';
import { makeSnsNotificationPublisher } from '../../shared/adapters/sns/notification-publisher';
import { makeEscalationAdapters } from '../../shared/adapters/wiring';
import { makeNotifyOfficers } from '../../shared/application/notify-officers';
import { readEnv } from '../../shared/config/env';
import { logger, tracer } from '../../shared/observability';
import { incidentEventSchema } from '../../shared/schemas/events';

const env = readEnv(officersEnv.extend({ OFFICER_NOTIFICATIONS_TOPIC_ARN: z.string().min(1) }));
const { incidents, appendEvents } = await makeEscalationAdapters();
const notifyOfficers = makeNotifyOfficers({
  incidents,
  appendEvents,
  directory: makeOfficerDirectory(env),
  publisher: makeSnsNotificationPublisher({
    client: tracer.captureAWSv3Client(new SNSClient({})),
    topicArn: env.OFFICER_NOTIFICATIONS_TOPIC_ARN,
  }),
});
const processor = new BatchProcessor(EventType.SQS);

const recordHandler = async (record: SQSRecord): Promise<void> => {
  const outcomes = await notifyOfficers(incidentEventSchema.parse(JSON.parse(record.body)));
  for (const o of outcomes) if (o.outcome === 'nobody') logger.warn('nobody on record to notify', { ...o });
};

export const handler = middy<SQSEvent>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => processPartialResponse(event, recordHandler, processor));
