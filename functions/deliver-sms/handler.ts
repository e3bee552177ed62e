/**
 * Consumer of the officer SMS queue, subscribed to the officer-notifications topic: sends each
 * notification meant for an officer's phone through the SMS provider that delivers in mainland
 * China and records its message id and receipt in the incident's log. Each message is handled on
 * its own, so a refusal fails it alone: the queue gives it again (five times), then parks it in its
 * dead-letter queue, where the operators' alarm sees it — never silently dropped.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { makeOfficerDirectory, officersEnv } from '../../shared/adapters/dynamodb';
import { smsEnv } from '../../shared/adapters/sms';
import { systemClock } from '../../shared/adapters/system';
import { makeDeliverSms } from '../../shared/application/deliver-sms';
import { makeDirectoryPerBatch } from '../../shared/application/directory-per-batch';
import { makeGroupedAppendEvents, NOTIFY_LINGER_MS } from '../../shared/application/grouped-append';
import { readEnv } from '../../shared/config/env';
import { logger, observe } from '../../shared/observability';
import { officerNotificationSchema } from '../../shared/schemas/officer-notification';
import { composeAppendEvents } from '../append-events-composition';
import { composeSmsProvider } from '../sms-composition';

const env = readEnv(smsEnv.and(officersEnv));
const { incidents, clock, policy } = await composeAppendEvents();
// The batch's messages are handled at once, and the SMS of one notification (a missed deadline
// tells three people) are recorded on the same incident: grouped, they share one write instead of
// colliding on its head.
const appendEvents = makeGroupedAppendEvents({ incidents, clock, policy, lingerMs: NOTIFY_LINGER_MS });
const provider = composeSmsProvider(env);
// The phones as read after the batch began: each office once per batch, not once per SMS.
const officers = makeDirectoryPerBatch(makeOfficerDirectory(env));
// With OFFICER_SMS_CHANNEL=sns, SNS sends the SMS through the officers' own subscriptions: nothing to do here.
const deliverSms =
  provider &&
  makeDeliverSms({
    directory: officers.directory,
    sender: provider.sender,
    incidents,
    appendEvents,
    clock: systemClock,
    templateId: provider.templateId,
  });
const processor = new BatchProcessor(EventType.SQS);

const recordHandler = async (record: SQSRecord): Promise<void> => {
  if (!deliverSms) return;
  const notification = officerNotificationSchema.parse(JSON.parse(record.body));
  const result = await deliverSms(notification, record.messageId);
  if (result.outcome === 'no-phone') {
    logger.warn('no phone on record for an SMS notification', { personId: notification.personId });
  }
  if (result.outcome === 'sent') {
    logger.info('SMS sent', {
      kind: notification.kind,
      personId: notification.personId,
      provider: result.receipt.provider,
      providerMessageId: result.receipt.messageId,
      recordedInIncidentLog: result.recorded,
    });
  }
};

export const handler = middy<SQSEvent>()
  .use(observe())
  .handler(async (event) => {
    officers.newBatch();
    return processPartialResponse(event, recordHandler, processor);
  });
