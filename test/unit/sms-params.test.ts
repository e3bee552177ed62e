import { describe, expect, it } from 'vitest';
import { SMS_KIND_WORDS, smsParams } from '../../shared/application/deliver-sms';
import { toldAs } from '../../shared/domain/exercise';
import { NOTIFICATION_TITLES, type NotificationKind } from '../../shared/domain/officers';
import type { OfficerNotification } from '../../shared/ports/notification-publisher';

const notification = (text: string): OfficerNotification => ({
  kind: 'deadline-missed',
  incidentId: 'INC-1',
  personId: 'P-1',
  office: '110101',
  officeLevel: 'county',
  role: 'duty-officer',
  grade: 'III',
  regions: { province: '110000', city: '110100', county: '110101' },
  channels: ['sms'],
  text,
});

describe('the SMS template parameters', () => {
  it('name what happened, the incident and its grade', () => {
    expect(smsParams(notification('Deadline missed'))).toEqual(['报告期限已过', 'INC-1', 'III']);
  });

  it('keep an exercise’s mark, since the template rewords the message', () => {
    const drill = { drill: { drillId: 'D-1', policy: 'drill' } };
    expect(smsParams(notification(toldAs(drill, 'Deadline missed')))[0]).toBe('【演练】报告期限已过');
  });

  it('have words for every kind of notification', () => {
    for (const kind of Object.keys(NOTIFICATION_TITLES) as NotificationKind[]) {
      expect(SMS_KIND_WORDS[kind]).toMatch(/\S/);
    }
  });
});
