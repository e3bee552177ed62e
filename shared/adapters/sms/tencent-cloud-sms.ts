/**
 * SMS through Tencent Cloud SMS (短信), its API 3.0 `SendSms` action (version 2021-01-11): a JSON
 * POST signed with TC3-HMAC-SHA256, naming the SMS application (`SmsSdkAppId`), the approved sign
 * name and template, and the template's parameters. Each answer names one send status per number;
 * anything but `Ok` is a refusal, thrown so the message is tried again and finally dead-lettered.
 */
import type { Sms, SmsReceipt, SmsSender } from '../../ports/sms-sender';
import { tc3Authorization } from './tc3-signature';

export const TENCENT_SMS_ACTION = 'SendSms';
export const TENCENT_SMS_VERSION = '2021-01-11';
export const TENCENT_SMS_SERVICE = 'sms';
const CONTENT_TYPE = 'application/json; charset=utf-8';

/** The keys of a Tencent Cloud API sub-account allowed `sms:SendSms`. */
export interface TencentCredentials {
  readonly secretId: string;
  readonly secretKey: string;
}

export interface TencentSmsConfig {
  /** `https://sms.tencentcloudapi.com` in production; the fake provider's address locally. */
  readonly endpoint: string;
  /** The API region (`ap-guangzhou`, `ap-beijing` or `ap-nanjing` for mainland SMS). */
  readonly region: string;
  /** The SMS application's id (`SmsSdkAppId`). */
  readonly sdkAppId: string;
  /** The approved sign name, e.g. `应急管理`. */
  readonly signName: string;
  /** Read when a message is sent, so that a rotated secret is picked up without a redeploy. */
  readonly credentials: () => Promise<TencentCredentials>;
  readonly now?: () => Date;
  /** How long one request may take. @default 10 s */
  readonly timeoutMs?: number;
}

/** One send status of `SendStatusSet`. */
interface SendStatus {
  readonly SerialNo?: string;
  readonly PhoneNumber?: string;
  readonly Code?: string;
  readonly Message?: string;
}

interface SendSmsAnswer {
  readonly Response?: {
    readonly SendStatusSet?: readonly SendStatus[];
    readonly Error?: { readonly Code?: string; readonly Message?: string };
    readonly RequestId?: string;
  };
}

/** The provider refused the message, or answered nothing usable. */
export class SmsNotAcceptedError extends Error {
  override readonly name = 'SmsNotAcceptedError';
}

export const makeTencentCloudSms = (config: TencentSmsConfig): SmsSender => {
  const host = new URL(config.endpoint).host;
  return {
    async send(sms: Sms): Promise<SmsReceipt> {
      const body = JSON.stringify({
        PhoneNumberSet: [sms.phone],
        SmsSdkAppId: config.sdkAppId,
        SignName: config.signName,
        TemplateId: sms.templateId,
        TemplateParamSet: [...sms.params],
      });
      const timestamp = Math.floor((config.now?.() ?? new Date()).getTime() / 1000);
      const { secretId, secretKey } = await config.credentials();
      const authorization = tc3Authorization(
        { host, service: TENCENT_SMS_SERVICE, contentType: CONTENT_TYPE, body, timestamp },
        secretId,
        secretKey,
      );
      const response = await fetch(config.endpoint, {
        method: 'POST',
        headers: {
          authorization,
          'content-type': CONTENT_TYPE,
          'x-tc-action': TENCENT_SMS_ACTION,
          'x-tc-version': TENCENT_SMS_VERSION,
          'x-tc-timestamp': String(timestamp),
          'x-tc-region': config.region,
        },
        body,
        signal: AbortSignal.timeout(config.timeoutMs ?? 10_000),
      });
      if (!response.ok) throw new SmsNotAcceptedError(`Tencent Cloud SMS answered HTTP ${response.status}`);
      const answer = (await response.json()) as SendSmsAnswer;
      const error = answer.Response?.Error;
      if (error) throw new SmsNotAcceptedError(`Tencent Cloud SMS refused the request: ${error.Code} ${error.Message}`);
      const [status] = answer.Response?.SendStatusSet ?? [];
      if (!status?.SerialNo || status.Code !== 'Ok') {
        throw new SmsNotAcceptedError(
          `Tencent Cloud SMS did not send to the number: ${status?.Code ?? 'no status'} ${status?.Message ?? ''}`.trim(),
        );
      }
      return {
        provider: 'tencent-cloud',
        messageId: status.SerialNo,
        code: status.Code,
        description: status.Message ?? '',
      };
    },
  };
};
