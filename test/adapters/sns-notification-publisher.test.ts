/**
 * The SNS notification publisher against a mocked client: the exact PublishCommand it sends, whose
 * message attributes are what each officer's subscription filters on, and whose message gives each
 * protocol its own body.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcherWithAliases } from 'aws-sdk-client-mock-vitest';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeSnsNotificationPublisher } from '../../shared/adapters/sns/notification-publisher';
import type { OfficerNotification } from '../../shared/ports/notification-publisher';

expect.extend(allCustomMatcherWithAliases);

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:000000000000:officer-notifications';
const publisher = makeSnsNotificationPublisher({
  client: new SNSClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
  topicArn: TOPIC,
});

const notification: OfficerNotification = {
  kind: 'report-arrived',
  incidentId: 'INC-20261122-00000001',
  personId: 'P-ZHAO',
  office: '110101',
  officeLevel: 'county',
  role: 'duty-officer',
  grade: 'III',
  regions: { province: '110000', city: '110100', county: '110101' },
  channels: ['sms'],
  text: 'INC-20261122-00000001: grade III accident (mine flooding) in 110101 东城区.',
  brief:
    'New report: INC-20261122-00000001, grade III accident, 110101 东城区. Report it to 110100 by 11:00 China time.',
};

/** The per-protocol message, as SNS reads it with `MessageStructure: 'json'`. */
const bodies = (input: { Message?: string | undefined } | undefined) =>
  JSON.parse(input?.Message ?? '{}') as Record<string, unknown>;

const string = (value: string) => ({ DataType: 'String', StringValue: value });

describe('the SNS notification publisher', () => {
  beforeEach(() => {
    sns.reset();
  });

  it('publishes one message to the topic with every attribute a subscription filters on', async () => {
    // PREPARE
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });

    // ACT
    const messageId = await publisher.publish(notification);

    // ASSESS
    expect(messageId).toBe('m-1');
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    const json = JSON.stringify(notification);
    expect(input).toStrictEqual({
      TopicArn: TOPIC,
      Subject: 'New report: INC-20261122-00000001 (grade III)',
      MessageStructure: 'json',
      Message: JSON.stringify({
        default: json,
        https: json,
        sqs: json,
        email:
          'INC-20261122-00000001: grade III accident (mine flooding) in 110101 东城区.\n\n' +
          'You receive this as the duty officer of 110101 东城区.',
        sms: 'New report: INC-20261122-00000001, grade III accident, 110101 东城区. Report it to 110100 by 11:00 China time.',
      }),
      MessageAttributes: {
        kind: string('report-arrived'),
        incidentId: string('INC-20261122-00000001'),
        personId: string('P-ZHAO'),
        office: string('110101'),
        officeLevel: string('county'),
        role: string('duty-officer'),
        grade: string('III'),
        province: string('110000'),
        city: string('110100'),
        county: string('110101'),
      },
    });
    // What a queue subscribed raw and a webhook receive: the notification itself.
    expect(JSON.parse(bodies(input).default as string)).toStrictEqual(notification);
    expect(JSON.parse(bodies(input).https as string)).toStrictEqual(notification);
  });

  it('leaves out the city and county attributes when the notification has none (a provincial office)', async () => {
    // PREPARE
    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    const provincial: OfficerNotification = {
      ...notification,
      kind: 'grave-incident',
      personId: 'P-PROV',
      office: '110000',
      officeLevel: 'province',
      grade: 'I',
      regions: { province: '110000', city: null, county: null },
    };

    // ACT
    await publisher.publish(provincial);

    // ASSESS
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.Subject).toBe('Grade I/II incident: INC-20261122-00000001 (grade I)');
    expect(input?.MessageAttributes).toStrictEqual({
      kind: string('grave-incident'),
      incidentId: string('INC-20261122-00000001'),
      personId: string('P-PROV'),
      office: string('110000'),
      officeLevel: string('province'),
      role: string('duty-officer'),
      grade: string('I'),
      province: string('110000'),
    });
    expect(bodies(input).email).toBe(
      'INC-20261122-00000001: grade III accident (mine flooding) in 110101 东城区.\n\n' +
        'You receive this as the duty officer of 110000 北京市.',
    );
  });

  it('keeps an SMS to 140 characters, shortening the message when the sender gave no brief', async () => {
    // PREPARE: a zero-report notice, which comes without a brief and has no grade.
    sns.on(PublishCommand).resolves({ MessageId: 'm-3' });
    const text =
      'Zero report missed — 永定门街道办事处 (DC-YJ, subdistrict) of 110101 东城区 did not file its daily report for ' +
      '2026-07-01 by 16:00 China time (duty period DP-2026-FLOOD: flood season). Call 张三 on +8613800000000.';
    const { brief: _none, ...withoutBrief } = notification;

    // ACT
    await publisher.publish({ ...withoutBrief, kind: 'zero-report-missed', grade: 'none', text });

    // ASSESS
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    const sms = bodies(input).sms as string;
    expect([...sms]).toHaveLength(140);
    expect(sms).toBe(`${[...text].slice(0, 139).join('')}…`);
    expect(input?.Subject).toBe('Zero report missed: INC-20261122-00000001');
  });

  it('puts only printable ASCII in the subject, as SNS requires of it', async () => {
    // PREPARE
    sns.on(PublishCommand).resolves({ MessageId: 'm-4' });

    // ACT
    await publisher.publish({
      ...notification,
      kind: 'zero-report-missed',
      grade: 'none',
      incidentId: 'DP-汛期/DC-YJ',
    });

    // ASSESS
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject).toBe('Zero report missed: DP-/DC-YJ');
  });

  it('refuses an answer without a message id, which would leave no proof of hand-over', async () => {
    // PREPARE
    sns.on(PublishCommand).resolves({});

    // ACT
    const publishing = publisher.publish(notification);

    // ASSESS
    await expect(publishing).rejects.toThrow('SNS returned no message id');
  });

  it('lets an SNS error through, so the message is delivered again', async () => {
    // PREPARE
    sns.on(PublishCommand).rejects(new Error('Rate exceeded'));

    // ACT
    const publishing = publisher.publish(notification);

    // ASSESS
    await expect(publishing).rejects.toThrow('Rate exceeded');
  });
});
