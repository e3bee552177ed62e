/**
 * The SMS provider's delivery reports, pulled on a schedule (Tencent Cloud's `PullSmsSendStatus`)
 * and recorded in the incidents' logs: whether each officer's phone received the SMS the worker
 * sent. A pull takes its reports, so a report that cannot be recorded is logged here as an error,
 * with everything it said, rather than lost in silence.
 */
import middy from '@middy/core';
import { smsEnv } from '../../shared/adapters/sms';
import { TENCENT_SMS_PULL_LIMIT } from '../../shared/adapters/sms/tencent-cloud-sms';
import { makeRecordSmsReports } from '../../shared/application/record-sms-reports';
import { readEnv } from '../../shared/config/env';
import { logger, observe } from '../../shared/observability';
import { composeAppendEvents } from '../append-events-composition';
import { composeSmsProvider } from '../sms-composition';

const env = readEnv(smsEnv);
const { appendEvents } = await composeAppendEvents();
const provider = composeSmsProvider(env);
// With OFFICER_SMS_CHANNEL=sns, SNS sends the SMS and there are no provider reports to pull.
const recordReports =
  provider &&
  makeRecordSmsReports({
    sender: provider.sender,
    appendEvents,
    pullSize: TENCENT_SMS_PULL_LIMIT,
    // Ten pulls of a hundred a minute: far above what the duty rosters send.
    maxPulls: 10,
  });

export const handler = middy()
  .use(observe())
  .handler(async () => {
    if (!recordReports) return { pulled: 0, recorded: 0, failed: 0 };
    const run = await recordReports();
    if (run.failed > 0) logger.warn('SMS not delivered to officers’ phones', { failed: run.failed });
    for (const report of run.unmatched) logger.info('SMS delivery report outside an incident log', { report });
    for (const { report, error } of run.notRecorded) {
      logger.error('SMS delivery report not recorded', { report, error });
    }
    return { pulled: run.pulled, recorded: run.recorded, failed: run.failed };
  });
