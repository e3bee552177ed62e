/**
 * Consumer of the timers queue: starts a deadline timer for every obligation an event opens.
 * Timers start from the event stream, never from the request path, so a crash between the write
 * and the start cannot lose one; a failed record is retried alone, then dead-lettered.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { loadPolicy, policyEnv } from '../../shared/adapters/policy-source';
import { makeStepFunctionsTimerScheduler } from '../../shared/adapters/sfn/timer-scheduler';
import { makeStartTimers } from '../../shared/application/escalation';
import { readEnv } from '../../shared/config/env';
import { observe, tracer } from '../../shared/observability';
import { incidentEventSchema } from '../../shared/schemas/events';

const env = readEnv(policyEnv.extend({ ESCALATION_STATE_MACHINE_ARN: z.string().min(1) }));
const startTimers = makeStartTimers({
  scheduler: makeStepFunctionsTimerScheduler({
    client: tracer.captureAWSv3Client(new SFNClient({})),
    stateMachineArn: env.ESCALATION_STATE_MACHINE_ARN,
  }),
  policy: await loadPolicy(env.POLICY),
});
const processor = new BatchProcessor(EventType.SQS);

const recordHandler = async (record: SQSRecord): Promise<void> => {
  const event = incidentEventSchema.parse(JSON.parse(record.body));
  await startTimers([event]);
};

export const handler = middy<SQSEvent>()
  .use(observe())
  .handler(async (event: SQSEvent) => processPartialResponse(event, recordHandler, processor));
