/**
 * The SNS notification publisher against a mocked client: the exact PublishCommand it sends, whose
 * message attributes are what each officer's subscription filters on.
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
};

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
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toStrictEqual({
      TopicArn: TOPIC,
      Subject: '[III] report-arrived INC-20261122-00000001',
      Message: JSON.stringify(notification),
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
    expect(JSON.parse(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '')).toStrictEqual(notification);
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
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toStrictEqual({
      TopicArn: TOPIC,
      Subject: '[I] grave-incident INC-20261122-00000001',
      Message: JSON.stringify(provincial),
      MessageAttributes: {
        kind: string('grave-incident'),
        incidentId: string('INC-20261122-00000001'),
        personId: string('P-PROV'),
        office: string('110000'),
        officeLevel: string('province'),
        role: string('duty-officer'),
        grade: string('I'),
        province: string('110000'),
      },
    });
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
