/**
 * A stand-in for Tencent Cloud SMS on 127.0.0.1, for `npm start` and the tests: the `SendSms`
 * action of API 3.0 as the adapter calls it, with the same TC3-HMAC-SHA256 signature check (a
 * request signed with another key, for another host or body, or more than five minutes old is
 * refused as Tencent Cloud refuses it), and its answers' shapes. It sends nothing: each message it
 * accepts is kept, and written to `sms-outbox.jsonl` in the data folder, with its serial number.
 * Numbers it is told to refuse answer a failed send status, as a blocked number does. Its
 * `PullSmsSendStatus` hands out one delivery report per accepted message, each once, as Tencent
 * Cloud does: delivered, or failed for a number it is told the network cannot reach.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseTc3Authorization, tc3Signature } from '../../shared/adapters/sms/tc3-signature';
import {
  TENCENT_SMS_ACTION,
  TENCENT_SMS_PULL_ACTION,
  TENCENT_SMS_PULL_LIMIT,
  TENCENT_SMS_SERVICE,
  TENCENT_SMS_VERSION,
} from '../../shared/adapters/sms/tencent-cloud-sms';

/** One message the fake accepted. */
export interface FakeSms {
  readonly serialNo: string;
  readonly phone: string;
  readonly signName: string;
  readonly templateId: string;
  readonly params: readonly string[];
  /** The request's `SessionContext`, handed back with the message's delivery report. */
  readonly context?: string;
  readonly at: string;
}

export interface FakeSmsProvider {
  /** Where the adapter sends (`SMS_ENDPOINT`). */
  readonly endpoint: string;
  /** The environment that points the SMS worker here, keys included. */
  readonly environment: Readonly<Record<string, string>>;
  /** Every message accepted so far, oldest first. */
  sent(): readonly FakeSms[];
  /** From now on, sends to `phone` fail (a number the provider will not send to). */
  refuse(phone: string): void;
  /** From now on, sends to `phone` are accepted but their delivery reports say they failed. */
  unreachable(phone: string): void;
  close(): Promise<void>;
}

const MAX_SKEW_SECONDS = 300;

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const sameText = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export const startFakeSmsProvider = async (
  options: { readonly dataDir?: string; readonly log?: (line: string) => void } = {},
): Promise<FakeSmsProvider> => {
  const keys = { secretId: `AKID${randomBytes(12).toString('hex')}`, secretKey: randomBytes(24).toString('hex') };
  const app = { sdkAppId: '1400000001', signName: '应急管理', templateId: '2000001' };
  const accepted: FakeSms[] = [];
  const refused = new Set<string>();
  const unreachable = new Set<string>();
  /** Delivery reports not pulled yet, oldest first, in the answer's shape. */
  const reports: Record<string, unknown>[] = [];
  const outbox = options.dataDir ? join(options.dataDir, 'sms-outbox.jsonl') : undefined;

  const server = createServer(async (req, res) => {
    const requestId = randomUUID();
    const answer = (response: Record<string, unknown>) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Response: { ...response, RequestId: requestId } }));
    };
    const error = (code: string, message: string) => answer({ Error: { Code: code, Message: message } });
    const body = await readBody(req);
    if (req.method !== 'POST') return error('InvalidParameter', 'only POST is served');
    const header = (name: string): string => String(req.headers[name] ?? '');
    const action = header('x-tc-action');
    if (action !== TENCENT_SMS_ACTION && action !== TENCENT_SMS_PULL_ACTION)
      return error('InvalidAction', `no action ${action}`);
    if (header('x-tc-version') !== TENCENT_SMS_VERSION)
      return error('NoSuchVersion', `no version ${header('x-tc-version')}`);
    const timestamp = Number(header('x-tc-timestamp'));
    if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > MAX_SKEW_SECONDS) {
      return error('AuthFailure.SignatureExpire', 'the request timestamp is more than five minutes off');
    }
    const authorization = parseTc3Authorization(header('authorization'));
    if (
      !authorization ||
      authorization.service !== TENCENT_SMS_SERVICE ||
      authorization.signedHeaders !== 'content-type;host'
    ) {
      return error('AuthFailure.InvalidAuthorization', 'the Authorization header is not a TC3-HMAC-SHA256 one');
    }
    if (authorization.secretId !== keys.secretId) return error('AuthFailure.SecretIdNotFound', 'unknown SecretId');
    const expected = tc3Signature(
      { host: header('host'), service: TENCENT_SMS_SERVICE, contentType: header('content-type'), body, timestamp },
      keys.secretKey,
    );
    if (!sameText(expected, authorization.signature)) {
      return error('AuthFailure.SignatureFailure', 'the request signature does not match');
    }

    let request: {
      Limit?: unknown;
      SessionContext?: unknown;
      PhoneNumberSet?: unknown;
      SmsSdkAppId?: unknown;
      SignName?: unknown;
      TemplateId?: unknown;
      TemplateParamSet?: unknown;
    };
    try {
      request = JSON.parse(body);
    } catch {
      return error('InvalidParameter', 'the body is not JSON');
    }
    if (request.SmsSdkAppId !== app.sdkAppId) return error('FailedOperation.InvalidSmsSdkAppId', 'unknown SmsSdkAppId');
    if (action === TENCENT_SMS_PULL_ACTION) {
      const limit = Number(request.Limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > TENCENT_SMS_PULL_LIMIT) {
        return error('InvalidParameterValue', `Limit must be 1 to ${TENCENT_SMS_PULL_LIMIT}`);
      }
      return answer({ PullSmsSendStatusSet: reports.splice(0, limit) });
    }
    if (request.SignName !== app.signName)
      return error('FailedOperation.SignatureIncorrectOrUnapproved', 'unapproved sign name');
    if (request.TemplateId !== app.templateId)
      return error('FailedOperation.TemplateIncorrectOrUnapproved', 'unapproved template');
    const phones = Array.isArray(request.PhoneNumberSet) ? request.PhoneNumberSet.map(String) : [];
    const params = Array.isArray(request.TemplateParamSet) ? request.TemplateParamSet.map(String) : [];
    if (phones.length === 0) return error('InvalidParameterValue.IncorrectPhoneNumber', 'no phone number');

    const SendStatusSet = phones.map((phone) => {
      if (!/^\+\d{6,15}$/.test(phone) || refused.has(phone)) {
        return {
          SerialNo: '',
          PhoneNumber: phone,
          Fee: 0,
          Code: 'LimitExceeded.PhoneNumberDailyLimit',
          Message: 'the number cannot be sent to now',
        };
      }
      const sms: FakeSms = {
        serialNo: `2433:${randomBytes(10).toString('hex')}`,
        phone,
        signName: app.signName,
        templateId: app.templateId,
        params,
        ...(typeof request.SessionContext === 'string' ? { context: request.SessionContext } : {}),
        at: new Date().toISOString(),
      };
      accepted.push(sms);
      const failed = unreachable.has(phone);
      reports.push({
        // Beijing time, as Tencent Cloud writes it.
        UserReceiveTime: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' '),
        CountryCode: phone.startsWith('+86') ? '86' : '',
        SubscriberNumber: phone.replace(/^\+86/, ''),
        PhoneNumber: phone,
        SerialNo: sms.serialNo,
        ReportStatus: failed ? 'FAIL' : 'SUCCESS',
        Description: failed ? 'MK:0001' : 'DELIVRD',
        SessionContext: sms.context ?? '',
      });
      if (outbox) appendFileSync(outbox, `${JSON.stringify(sms)}\n`);
      options.log?.(
        `sms ${phone} 【${sms.signName}】 template ${sms.templateId} (${params.join(', ')}): ${sms.serialNo}`,
      );
      return { SerialNo: sms.serialNo, PhoneNumber: phone, Fee: 1, Code: 'Ok', Message: 'send success' };
    });
    return answer({ SendStatusSet });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    environment: {
      OFFICER_SMS_CHANNEL: 'tencent-cloud',
      SMS_ENDPOINT: endpoint,
      SMS_REGION: 'ap-beijing',
      SMS_SDK_APP_ID: app.sdkAppId,
      SMS_SIGN_NAME: app.signName,
      SMS_TEMPLATE_ID: app.templateId,
      SMS_SECRET_ID: keys.secretId,
      SMS_SECRET_KEY: keys.secretKey,
    },
    sent: () => [...accepted],
    refuse: (phone) => {
      refused.add(phone);
    },
    unreachable: (phone) => {
      unreachable.add(phone);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
