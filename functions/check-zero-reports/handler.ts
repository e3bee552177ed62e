/**
 * The zero-report cut-off check, run on a schedule: every unit that has not filed a day's report
 * by its cut-off gets one missed-report event, and its county office is told. Repeated and
 * overlapping runs are safe; a failed notification is retried by a later run.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import {
  makeOfficerDirectory,
  makeUnitRegistry,
  makeZeroReportStore,
  officersEnv,
  zeroReportsEnv,
} from '../../shared/adapters/dynamodb';
import { makeSnsNotificationPublisher } from '../../shared/adapters/sns/notification-publisher';
import { systemClock } from '../../shared/adapters/system';
import { makeCheckZeroReports } from '../../shared/application/check-zero-reports';
import { readEnv } from '../../shared/config/env';
import { logger, observe, pipelineMetrics, tracer } from '../../shared/observability';

const env = readEnv(
  zeroReportsEnv.extend(officersEnv.shape).extend({ OFFICER_NOTIFICATIONS_TOPIC_ARN: z.string().min(1) }),
);
const check = makeCheckZeroReports({
  store: makeZeroReportStore(env),
  registry: makeUnitRegistry(env),
  directory: makeOfficerDirectory(env),
  publisher: makeSnsNotificationPublisher({
    client: tracer.captureAWSv3Client(new SNSClient({})),
    topicArn: env.OFFICER_NOTIFICATIONS_TOPIC_ARN,
  }),
  clock: systemClock,
});

/**
 * What a run keeps back of its invocation's time: a unit started just before `stopAt` still reads
 * and appends to its log and publishes (a few calls of tens of milliseconds, retried under
 * contention), so new work stops this long before Lambda would cut the run off — or, under a
 * timeout too short for that, halfway through it, so that every run still gets something done.
 */
const FINISH_MARGIN_MS = 15_000;
const stopAtFor = (context: Context): Date => {
  const remaining = context.getRemainingTimeInMillis();
  return new Date(Date.now() + Math.max(remaining - FINISH_MARGIN_MS, remaining / 2));
};

export const handler = middy()
  .use(observe())
  .handler(async (_event: unknown, context: Context) => {
    const result = await check({ stopAt: stopAtFor(context) });
    pipelineMetrics.zeroReportsChecked(result);
    if (result.missed > 0) logger.warn('zero reports missed at the cut-off', { ...result });
    if (result.daysDeferred > 0 || result.unitsDeferred > 0) {
      logger.info('zero-report check continues next run', {
        daysDeferred: result.daysDeferred,
        unitsDeferred: result.unitsDeferred,
      });
    }
    // Units that could not be checked are retried by the next run; say so loudly meanwhile.
    if (result.errors.length > 0) logger.error('zero-report check incomplete', { errors: result.errors });
    // Units the registry holds wrongly are left out of their day until it is corrected.
    if (result.skipped.length > 0) logger.error('zero-report check skipped units', { skipped: result.skipped });
    return result;
  });
