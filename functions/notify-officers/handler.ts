/**
 * Consumer of the notification queue: each event is notified on its own, so one that cannot be
 * published is retried alone — later each time (30 s, 60 s, 120 s …) — and, if it keeps failing,
 * lands in the dead-letter queue with its last failure recorded as final: never silently dropped.
 * Runs from the queue, never from the request path.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { makeOfficerDirectory, officersEnv } from '../../shared/adapters/dynamodb';
import { makeSnsNotificationPublisher } from '../../shared/adapters/sns/notification-publisher';
import { makeSqsRedelivery } from '../../shared/adapters/sqs/redelivery';
import { makeDirectoryPerBatch } from '../../shared/application/directory-per-batch';
import { makeGroupedAppendEvents, NOTIFY_LINGER_MS } from '../../shared/application/grouped-append';
import { makeNotifyOfficers, makeNotifyQueuedEvent } from '../../shared/application/notify-officers';
import { readEnv } from '../../shared/config/env';
import { logger, observe, pipelineMetrics, tracer } from '../../shared/observability';
import { queuedEventSchema } from '../../shared/schemas/queued-event';
import { composeAppendEvents } from '../append-events-composition';

const env = readEnv(officersEnv.extend({ OFFICER_NOTIFICATIONS_TOPIC_ARN: z.string().min(1) }));
// The batch's messages are handled at once: appends to the same incident share one write.
const { incidents, clock, policy } = await composeAppendEvents();
const officers = makeDirectoryPerBatch(makeOfficerDirectory(env));
const appendEvents = makeGroupedAppendEvents({ incidents, clock, policy, lingerMs: NOTIFY_LINGER_MS });
const notifyQueuedEvent = makeNotifyQueuedEvent({
  notify: makeNotifyOfficers({
    incidents,
    appendEvents,
    directory: officers.directory,
    publisher: makeSnsNotificationPublisher({
      client: tracer.captureAWSv3Client(new SNSClient({})),
      topicArn: env.OFFICER_NOTIFICATIONS_TOPIC_ARN,
    }),
  }),
  // The queue is the record's own event source, in the function's region: the SQS event source
  // mapping's grant covers it, and the regional endpoint serves it (the local twin's queue URLs
  // name no valid host, so the client does not take its endpoint from them).
  redelivery: makeSqsRedelivery({
    client: tracer.captureAWSv3Client(new SQSClient({ useQueueUrlAsEndpoint: false })),
  }),
  warn: (message, details) => logger.warn(message, details),
});
const processor = new BatchProcessor(EventType.SQS);

// Each record is checked on its own (not the batch in a middleware), so a malformed one fails alone.
const recordHandler = async (record: SQSRecord): Promise<void> => {
  const queued = queuedEventSchema.parse(record);
  let outcomes: Awaited<ReturnType<typeof notifyQueuedEvent>>;
  try {
    outcomes = await notifyQueuedEvent(queued);
  } catch (error) {
    // A publish failed: the event comes back later, or is dead-lettered after its last attempt.
    pipelineMetrics.notificationFailed();
    throw error;
  }
  pipelineMetrics.notified(outcomes);
  for (const { kind, unreached } of outcomes) {
    if (unreached) logger.warn('nobody on record to notify', { kind, unreached });
  }
};

export const handler = middy<SQSEvent>()
  .use(observe())
  .handler(async (event) => {
    officers.newBatch();
    return processPartialResponse(event, recordHandler, processor);
  });
