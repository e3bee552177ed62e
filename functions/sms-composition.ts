/**
 * The SMS provider for the functions that talk to it (sending, and pulling delivery reports): its
 * keys read from Secrets Manager on first use, through a traced client made once per container.
 * Undefined when SNS sends the SMS (`OFFICER_SMS_CHANNEL=sns`).
 */
import type * as z from 'zod';
import { makeSmsSender, SecretsManagerClient, type smsEnv } from '../shared/adapters/sms';
import { tracer } from '../shared/observability';

export const composeSmsProvider = (env: z.output<typeof smsEnv>) => {
  let secrets: SecretsManagerClient | undefined;
  return makeSmsSender(env, () => {
    secrets ??= tracer.captureAWSv3Client(new SecretsManagerClient({}));
    return secrets;
  });
};
