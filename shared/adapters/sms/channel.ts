/**
 * Who sends officers' SMS (`OFFICER_SMS_CHANNEL`): SNS through each officer's `sms` subscription,
 * or the SMS worker through Tencent Cloud SMS. Apart from the provider's adapter, so the directory
 * import reads it without bundling the SMS client.
 */
import * as z from 'zod';

export const SMS_CHANNELS = ['sns', 'tencent-cloud'] as const;
export type SmsChannel = (typeof SMS_CHANNELS)[number];

export const SMS_CHANNEL_ENV = 'OFFICER_SMS_CHANNEL';

export const smsChannelEnv = z.object({ [SMS_CHANNEL_ENV]: z.enum(SMS_CHANNELS).default('sns') });
