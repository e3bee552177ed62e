/**
 * Who sends officers' SMS, as the functions configure it (`OFFICER_SMS_CHANNEL`): SNS itself, through
 * each officer's `sms` subscription (the global partition's default), or Tencent Cloud SMS through
 * the SMS worker (the China partition, where SNS sends no SMS). For Tencent Cloud: its application,
 * sign name and template from the environment, its API keys from Secrets Manager on AWS (a JSON
 * secret `{"secretId": "…", "secretKey": "…"}`), or from the environment in the local runtime, whose
 * fake provider checks the same signature.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import type { SmsSender } from '../../ports/sms-sender';
import { smsChannelEnv } from './channel';
import { makeTencentCloudSms, type TencentCredentials } from './tencent-cloud-sms';

export const smsEnv = smsChannelEnv
  .extend({
    SMS_ENDPOINT: z.url().default('https://sms.tencentcloudapi.com'),
    SMS_REGION: z.string().min(1).default('ap-beijing'),
    SMS_SDK_APP_ID: z.string().min(1).optional(),
    SMS_SIGN_NAME: z.string().min(1).optional(),
    SMS_TEMPLATE_ID: z.string().min(1).optional(),
    /** On AWS: the secret holding the API keys. */
    SMS_CREDENTIALS_SECRET_ARN: z.string().min(1).optional(),
    /** Locally: the API keys themselves. */
    SMS_SECRET_ID: z.string().min(1).optional(),
    SMS_SECRET_KEY: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.OFFICER_SMS_CHANNEL !== 'tencent-cloud') return;
    for (const name of ['SMS_SDK_APP_ID', 'SMS_SIGN_NAME', 'SMS_TEMPLATE_ID'] as const) {
      if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required for Tencent Cloud SMS' });
    }
    if (!env.SMS_CREDENTIALS_SECRET_ARN && !(env.SMS_SECRET_ID && env.SMS_SECRET_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: ['SMS_CREDENTIALS_SECRET_ARN'],
        message: 'is required for Tencent Cloud SMS (or SMS_SECRET_ID and SMS_SECRET_KEY locally)',
      });
    }
  });

const credentialsSchema = z.object({ secretId: z.string().min(1), secretKey: z.string().min(1) });

/** How long a secret read is reused: a rotation is picked up within this, without a call per message. */
const SECRET_TTL_MS = 5 * 60_000;

const credentialsFrom = (
  env: z.output<typeof smsEnv>,
  secrets: () => SecretsManagerClient,
): (() => Promise<TencentCredentials>) => {
  if (env.SMS_SECRET_ID && env.SMS_SECRET_KEY) {
    const fixed = { secretId: env.SMS_SECRET_ID, secretKey: env.SMS_SECRET_KEY };
    return async () => fixed;
  }
  const secretArn = env.SMS_CREDENTIALS_SECRET_ARN ?? '';
  let cached: { credentials: TencentCredentials; until: number } | undefined;
  return async () => {
    if (cached && cached.until > Date.now()) return cached.credentials;
    const { SecretString } = await secrets().send(new GetSecretValueCommand({ SecretId: secretArn }));
    const credentials = credentialsSchema.parse(JSON.parse(SecretString ?? '{}'));
    cached = { credentials, until: Date.now() + SECRET_TTL_MS };
    return credentials;
  };
};

/** The provider's sender and template, or none when SNS sends the SMS itself. */
export const makeSmsSender = (
  env: z.output<typeof smsEnv>,
  secrets: () => SecretsManagerClient,
): { readonly sender: SmsSender; readonly templateId: string } | undefined => {
  if (env.OFFICER_SMS_CHANNEL !== 'tencent-cloud') return undefined;
  return {
    sender: makeTencentCloudSms({
      endpoint: env.SMS_ENDPOINT,
      region: env.SMS_REGION,
      sdkAppId: env.SMS_SDK_APP_ID ?? '',
      signName: env.SMS_SIGN_NAME ?? '',
      credentials: credentialsFrom(env, secrets),
    }),
    templateId: env.SMS_TEMPLATE_ID ?? '',
  };
};

export { SMS_CHANNELS, type SmsChannel, smsChannelEnv } from './channel';
export { SecretsManagerClient };
