/**
 * SMS through Tencent Cloud SMS (短信), its API 3.0 (version 2021-01-11), JSON POSTs signed with
 * TC3-HMAC-SHA256. `SendSms` names the SMS application (`SmsSdkAppId`), the approved sign name and
 * template, the template's parameters and our `SessionContext`. Each answer names one send status
 * per number; anything but `Ok` is a refusal, thrown so the message is tried again and finally
 * dead-lettered. `PullSmsSendStatus` hands out the delivery reports the carriers have sent back
 * since the last pull (each once), with the `SessionContext` of the message they report on.
 */
import type { Sms, SmsDeliveryReport, SmsReceipt, SmsSender } from '../../ports/sms-sender';
import { tc3Authorization } from './tc3-signature';

export const TENCENT_SMS_ACTION = 'SendSms';
export const TENCENT_SMS_PULL_ACTION = 'PullSmsSendStatus';
/** The most reports one `PullSmsSendStatus` may ask for. */
export const TENCENT_SMS_PULL_LIMIT = 100;
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

/** One delivery report of `PullSmsSendStatusSet`. */
interface PulledStatus {
  readonly SerialNo?: string;
  readonly PhoneNumber?: string;
  /** `SUCCESS` or `FAIL`. */
  readonly ReportStatus?: string;
  /** `DELIVRD` on success, else the carrier's error code. */
  readonly Description?: string;
  /** Beijing time, `2026-12-05 10:00:00`. */
  readonly UserReceiveTime?: string;
  readonly SessionContext?: string;
}

interface Answer {
  readonly Response?: {
    readonly SendStatusSet?: readonly SendStatus[];
    readonly PullSmsSendStatusSet?: readonly PulledStatus[];
    readonly Error?: { readonly Code?: string; readonly Message?: string };
    readonly RequestId?: string;
  };
}

/**
 * `2026-12-05 10:00:00`, Beijing time as the provider writes it, as an instant; `pulledAt` if it is
 * unreadable, as a pull takes its reports and throwing would lose them all.
 */
const fromBeijingTime = (text: string | undefined, pulledAt: Date): string => {
  const at = text ? new Date(`${text.replace(' ', 'T')}+08:00`) : pulledAt;
  return (Number.isNaN(at.getTime()) ? pulledAt : at).toISOString();
};

/** The provider refused the message, or answered nothing usable. */
export class SmsNotAcceptedError extends Error {
  override readonly name = 'SmsNotAcceptedError';
}

export const makeTencentCloudSms = (config: TencentSmsConfig): SmsSender => {
  const host = new URL(config.endpoint).host;
  /** One signed call of `action`; an HTTP error or an `Error` answer is thrown. */
  const call = async (action: string, request: Record<string, unknown>): Promise<NonNullable<Answer['Response']>> => {
    const body = JSON.stringify(request);
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
        'x-tc-action': action,
        'x-tc-version': TENCENT_SMS_VERSION,
        'x-tc-timestamp': String(timestamp),
        'x-tc-region': config.region,
      },
      body,
      signal: AbortSignal.timeout(config.timeoutMs ?? 10_000),
    });
    if (!response.ok) throw new SmsNotAcceptedError(`Tencent Cloud SMS answered HTTP ${response.status}`);
    const answer = (await response.json()) as Answer;
    const error = answer.Response?.Error;
    if (error) throw new SmsNotAcceptedError(`Tencent Cloud SMS refused the request: ${error.Code} ${error.Message}`);
    return answer.Response ?? {};
  };
  return {
    async send(sms: Sms): Promise<SmsReceipt> {
      const answer = await call(TENCENT_SMS_ACTION, {
        PhoneNumberSet: [sms.phone],
        SmsSdkAppId: config.sdkAppId,
        SignName: config.signName,
        TemplateId: sms.templateId,
        TemplateParamSet: [...sms.params],
        ...(sms.context === undefined ? {} : { SessionContext: sms.context }),
      });
      const [status] = answer.SendStatusSet ?? [];
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

    async pullReports(limit: number): Promise<readonly SmsDeliveryReport[]> {
      const answer = await call(TENCENT_SMS_PULL_ACTION, {
        Limit: Math.max(1, Math.min(TENCENT_SMS_PULL_LIMIT, limit)),
        SmsSdkAppId: config.sdkAppId,
      });
      return (answer.PullSmsSendStatusSet ?? []).flatMap((status): SmsDeliveryReport[] =>
        status.SerialNo
          ? [
              {
                provider: 'tencent-cloud',
                messageId: status.SerialNo,
                status: status.ReportStatus === 'SUCCESS' ? 'delivered' : 'failed',
                reportedAt: fromBeijingTime(status.UserReceiveTime, config.now?.() ?? new Date()),
                code: status.Description ?? '',
                description: status.ReportStatus ?? '',
                ...(status.SessionContext ? { context: status.SessionContext } : {}),
              },
            ]
          : [],
      );
    },
  };
};
