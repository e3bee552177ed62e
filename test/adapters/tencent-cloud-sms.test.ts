/**
 * The Tencent Cloud SMS adapter against the local stand-in provider, which checks the TC3-HMAC-SHA256
 * signature as Tencent Cloud does: a signed request is accepted and answers its serial number; a
 * request signed with another key, a refused number or an error answer is thrown, to be retried.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSmsProvider, startFakeSmsProvider } from '../../infra/local/fake-sms-provider';
import { tc3Signature } from '../../shared/adapters/sms/tc3-signature';
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
});
