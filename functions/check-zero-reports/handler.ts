/**
 * The zero-report cut-off check, run on a schedule: every unit that has not filed a day's report
 * by its cut-off gets one missed-report event, and its county office is told. Repeated and
 * overlapping runs are safe; a failed notification is retried by a later run.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import { z } from 'zod';
import {
  makeOfficerDirectory,
  makeUnitRegistry,
  makeZeroReportStore,
  officersEnv,
  zeroReportsEnv,
} from '../../shared/adapters/dynamodb';
import { makeSnsNotificationPublisher } from '../../shared/adapters/sns/notification-publisher';
import { systemClock } from '../../shared/adapters/system';
import { makeCheckZeroReports } from '../../shared/application/zero-reports';
import { readEnv } from '../../shared/config/env';
import { logger, tracer } from '../../shared/observability';

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

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const result = await check();
    if (result.missed > 0) logger.warn('zero reports missed at the cut-off', { ...result });
    // Units that could not be checked are retried by the next run; say so loudly meanwhile.
    if (result.errors.length > 0) logger.error('zero-report check incomplete', { errors: result.errors });
    return result;
  });
