/** Telling officers one at a time, and what is recorded when a publish fails part-way. */
import { describe, expect, it } from 'vitest';
import { type PersonToTell, tellOfficers } from '../../shared/application/tell-officers';
import type { NotificationRecipient } from '../../shared/domain/incident';
import type { NotificationPublisher, OfficerNotification } from '../../shared/ports/notification-publisher';

/** Hands out message ids; the publish numbered `failAt` (from 1) fails. */
class Publisher implements NotificationPublisher {
  readonly published: OfficerNotification[] = [];
  constructor(private readonly failAt?: number) {}
  async publish(notification: OfficerNotification): Promise<string> {
    if (this.published.length + 1 === this.failAt) throw new Error('SNS is throttling');
    this.published.push(notification);
    return `msg-${this.published.length}`;
  }
}

/** Keeps what the caller's log would record. */
const recorder = () => {
  const records: { what: 'allTold' | 'failed'; told: readonly NotificationRecipient[]; reason?: string }[] = [];
  return {
    records,
    record: {
      allTold: async (told: readonly NotificationRecipient[]) => {
        records.push({ what: 'allTold', told });
      },
      failed: async (told: readonly NotificationRecipient[], reason: string) => {
        records.push({ what: 'failed', told, reason });
      },
    },
  };
};

const person = (personId: string, office: string, role: PersonToTell['role']): PersonToTell => ({
  officer: { office, personId, name: personId, roles: [role], endpoints: { sms: '+86 138 0000 0000' } },
  office,
  role,
});

const message = {
  kind: 'report-arrived',
  incidentId: 'INC-1',
  grade: 'III',
  regions: { province: '110000', city: null, county: '110101' },
  text: 'A report arrived.',
  brief: 'Report arrived.',
} as const;

const people = [
  person('P-WANG', '110101', 'duty-officer'),
  person('P-LI', 'NATIONAL', 'duty-officer'),
  person('P-ZHAO', '110000', 'first-responsible'),
];

describe('telling officers', () => {
  it('hands each person the message in turn, as whom they were named, and records that all were told', async () => {
    // PREPARE
    const publisher = new Publisher();
    const { records, record } = recorder();

    // ACT
    const telling = await tellOfficers(publisher, { people, message, record });

    // ASSESS
    expect(publisher.published).toEqual([
      {
        ...message,
        personId: 'P-WANG',
        office: '110101',
        officeLevel: 'county',
        role: 'duty-officer',
        channels: ['sms'],
      },
      // An office outside the division data (the national office) has no level to filter on.
      {
        ...message,
        personId: 'P-LI',
        office: 'NATIONAL',
        officeLevel: 'unknown',
        role: 'duty-officer',
        channels: ['sms'],
      },
      {
        ...message,
        personId: 'P-ZHAO',
        office: '110000',
        officeLevel: 'province',
        role: 'first-responsible',
        channels: ['sms'],
      },
    ]);
    const told = [
      { office: '110101', role: 'duty-officer', personId: 'P-WANG', channels: ['sms'], messageId: 'msg-1' },
      { office: 'NATIONAL', role: 'duty-officer', personId: 'P-LI', channels: ['sms'], messageId: 'msg-2' },
      { office: '110000', role: 'first-responsible', personId: 'P-ZHAO', channels: ['sms'], messageId: 'msg-3' },
    ];
    expect(telling).toEqual({ outcome: 'told', told });
    expect(records).toEqual([{ what: 'allTold', told }]);
  });

  it('stops at a failed publish and records, with its reason, those told before it', async () => {
    // PREPARE
    const publisher = new Publisher(2);
    const { records, record } = recorder();

    // ACT
    const telling = await tellOfficers(publisher, { people, message, record });

    // ASSESS: P-ZHAO is not tried after the failure; the retry tells P-LI and P-ZHAO.
    expect(publisher.published.map((n) => n.personId)).toEqual(['P-WANG']);
    const told = [
      { office: '110101', role: 'duty-officer', personId: 'P-WANG', channels: ['sms'], messageId: 'msg-1' },
    ];
    expect(telling).toMatchObject({ outcome: 'failed', told });
    expect(telling.outcome === 'failed' && (telling.error as Error).message).toBe('SNS is throttling');
    expect(records).toEqual([{ what: 'failed', told, reason: 'SNS is throttling' }]);
  });

  it('records that all were told when nobody was left to tell', async () => {
    // PREPARE
    const { records, record } = recorder();

    // ACT
    const telling = await tellOfficers(new Publisher(), { people: [], message, record });

    // ASSESS
    expect(telling).toEqual({ outcome: 'told', told: [] });
    expect(records).toEqual([{ what: 'allTold', told: [] }]);
  });
});
