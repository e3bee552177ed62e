/**
 * The Tencent Cloud SMS adapter against the local stand-in provider, which checks the TC3-HMAC-SHA256
 * signature as Tencent Cloud does: a signed request is accepted and answers its serial number; a
 * request signed with another key, a refused number or an error answer is thrown, to be retried.
 * Its pull of delivery reports: the exact signed request, and the reports read back.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSmsProvider, startFakeSmsProvider } from '../../infra/local/fake-sms-provider';
import { tc3Authorization, tc3Signature } from '../../shared/adapters/sms/tc3-signature';
import { makeTencentCloudSms, SmsNotAcceptedError } from '../../shared/adapters/sms/tencent-cloud-sms';

let provider: FakeSmsProvider;

beforeAll(async () => {
  provider = await startFakeSmsProvider();
});

afterAll(async () => {
  await provider?.close();
});

const senderWith = (secretKey: string, now?: () => Date) =>
  makeTencentCloudSms({
    endpoint: provider.endpoint,
    region: 'ap-beijing',
    sdkAppId: provider.environment.SMS_SDK_APP_ID ?? '',
    signName: provider.environment.SMS_SIGN_NAME ?? '',
    credentials: async () => ({ secretId: provider.environment.SMS_SECRET_ID ?? '', secretKey }),
    ...(now ? { now } : {}),
  });

const sms = { phone: '+8613800000001', templateId: '2000001', params: ['新报告待处理', 'INC-1', 'III'] };

describe('Tencent Cloud SMS adapter', () => {
  it('sends a signed SendSms request and answers the provider’s serial number and receipt', async () => {
    const receipt = await senderWith(provider.environment.SMS_SECRET_KEY ?? '').send(sms);

    expect(receipt).toEqual({
      provider: 'tencent-cloud',
      messageId: expect.stringMatching(/^2433:/),
      code: 'Ok',
      description: 'send success',
    });
    expect(provider.sent().at(-1)).toMatchObject({ serialNo: receipt.messageId, phone: sms.phone, params: sms.params });
  });

  it('is refused when signed with another key, or with a timestamp five minutes off', async () => {
    await expect(senderWith('not-the-key').send(sms)).rejects.toThrow(/AuthFailure.SignatureFailure/);
    const late = () => new Date(Date.now() - 6 * 60_000);
    await expect(senderWith(provider.environment.SMS_SECRET_KEY ?? '', late).send(sms)).rejects.toThrow(
      /AuthFailure.SignatureExpire/,
    );
  });

  it('throws when the provider does not send to the number, so the message is retried', async () => {
    provider.refuse('+8613800000099');

    await expect(
      senderWith(provider.environment.SMS_SECRET_KEY ?? '').send({ ...sms, phone: '+8613800000099' }),
    ).rejects.toBeInstanceOf(SmsNotAcceptedError);
  });

  it('signs the body, host and key: a change to any changes the signature', () => {
    const request = {
      host: 'sms.tencentcloudapi.com',
      service: 'sms',
      contentType: 'application/json; charset=utf-8',
      body: '{}',
      timestamp: 1_764_900_000,
    };
    const signature = tc3Signature(request, 'key');

    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    expect(tc3Signature({ ...request, body: '{ }' }, 'key')).not.toBe(signature);
    expect(tc3Signature({ ...request, host: 'other.example' }, 'key')).not.toBe(signature);
    expect(tc3Signature(request, 'other')).not.toBe(signature);
    expect(tc3Signature({ ...request, timestamp: request.timestamp + 86_400 }, 'key')).not.toBe(signature);
  });

  it('pulls the delivery reports with a signed PullSmsSendStatus request, exactly', async () => {
    const seen: { headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            Response: {
              PullSmsSendStatusSet: [
                {
                  UserReceiveTime: '2026-12-05 10:00:07',
                  CountryCode: '86',
                  SubscriberNumber: '13800000001',
                  PhoneNumber: '+8613800000001',
                  SerialNo: '2433:abc',
                  ReportStatus: 'FAIL',
                  Description: 'MK:0001',
                  SessionContext: 'incident:INC-1',
                },
              ],
              RequestId: 'r-1',
            },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const now = new Date('2026-12-05T02:00:00.000Z');
      const sender = makeTencentCloudSms({
        endpoint: `http://${host}`,
        region: 'ap-beijing',
        sdkAppId: '1400000001',
        signName: '应急管理',
        credentials: async () => ({ secretId: 'AKIDexample', secretKey: 'secret-example' }),
        now: () => now,
      });

      const reports = await sender.pullReports(500);

      const body = '{"Limit":100,"SmsSdkAppId":"1400000001"}';
      const timestamp = 1_796_436_000;
      expect(seen).toHaveLength(1);
      expect(seen[0]?.body).toBe(body);
      expect(seen[0]?.headers).toMatchObject({
        'content-type': 'application/json; charset=utf-8',
        'x-tc-action': 'PullSmsSendStatus',
        'x-tc-version': '2021-01-11',
        'x-tc-timestamp': String(timestamp),
        'x-tc-region': 'ap-beijing',
        authorization: tc3Authorization(
          { host, service: 'sms', contentType: 'application/json; charset=utf-8', body, timestamp },
          'AKIDexample',
          'secret-example',
        ),
      });
      expect(seen[0]?.headers.authorization).toMatch(
        /^TC3-HMAC-SHA256 Credential=AKIDexample\/2026-12-05\/sms\/tc3_request, SignedHeaders=content-type;host, Signature=[0-9a-f]{64}$/,
      );
      expect(reports).toEqual([
        {
          provider: 'tencent-cloud',
          messageId: '2433:abc',
          status: 'failed',
          // Beijing time as the provider writes it.
          reportedAt: '2026-12-05T02:00:07.000Z',
          code: 'MK:0001',
          description: 'FAIL',
          context: 'incident:INC-1',
        },
      ]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('reads back from the provider one report per message sent, each once: delivered, or failed for an unreachable number', async () => {
    const sender = senderWith(provider.environment.SMS_SECRET_KEY ?? '');
    await sender.pullReports(100);
    provider.unreachable('+8613800000098');

    const reached = await sender.send({ ...sms, context: 'incident:INC-2' });
    const unreached = await sender.send({ ...sms, phone: '+8613800000098', context: 'incident:INC-3' });
    const reports = await sender.pullReports(100);

    expect(reports).toEqual([
      expect.objectContaining({
        messageId: reached.messageId,
        status: 'delivered',
        code: 'DELIVRD',
        context: 'incident:INC-2',
      }),
      expect.objectContaining({ messageId: unreached.messageId, status: 'failed', context: 'incident:INC-3' }),
    ]);
    expect(Math.abs(Date.parse(reports[0]?.reportedAt ?? '') - Date.now())).toBeLessThan(60_000);
    expect(await sender.pullReports(100)).toEqual([]);
    await expect(senderWith('not-the-key').pullReports(100)).rejects.toThrow(/AuthFailure.SignatureFailure/);
  });
});
