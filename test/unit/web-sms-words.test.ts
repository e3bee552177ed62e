/**
 * The desk's words for an SMS delivery report: an SMS that did not reach the officer's phone is
 * said so in both languages, with the provider's code, apart from one that did.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { IncidentEvent } from '../../shared/domain/incident';
import { lang } from '../../web/src/i18n/i18n';
import { eventWords } from '../../web/src/screens/desk/words';

const reported = (status: 'delivered' | 'failed', code: string) =>
  ({
    incidentId: 'INC-20261205-00000001',
    seq: 4,
    type: 'SmsDeliveryReported',
    at: '2026-12-05T02:00:09.000Z',
    actor: { sub: 'system', role: 'system' },
    scope: { region: '110101', grade: 'IV' },
    data: {
      key: 'sms-report:2433:abc',
      provider: 'tencent-cloud',
      providerMessageId: '2433:abc',
      status,
      reportedAt: '2026-12-05T02:00:07.000Z',
      code,
      description: status === 'delivered' ? 'SUCCESS' : 'FAIL',
    },
    prevHash: '',
    hash: '',
  }) as unknown as IncidentEvent;

afterEach(() => {
  lang.value = 'zh-CN';
});

describe('the desk’s words for an SMS delivery report', () => {
  it('say in Chinese first whether the SMS reached the phone, naming the provider’s code of a failure', () => {
    lang.value = 'zh-CN';
    expect(eventWords(reported('delivered', 'DELIVRD'))).toContain('短信已送达值班人员手机（短信编号 2433:abc）');
    const failed = eventWords(reported('failed', 'MK:0001'));
    expect(failed).toContain('短信未能送达');
    expect(failed).toContain('MK:0001');
  });

  it('say it in English too', () => {
    lang.value = 'en';
    expect(eventWords(reported('delivered', 'DELIVRD'))).toContain('SMS received by the officer’s phone');
    expect(eventWords(reported('failed', 'MK:0001'))).toMatch(/SMS NOT delivered .*MK:0001/);
  });
});
