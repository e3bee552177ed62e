/**
 * Routing officer notifications on the suite's fauxqs: one topic, and one queue per officer
 * subscribed with raw delivery and a filter policy on its `personId` attribute, as the officers'
 * subscriptions are derived from the directory. Every officer gets exactly their own messages.
 */
import { randomUUID } from 'node:crypto';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { makeSnsNotificationPublisher } from '../../shared/adapters/sns/notification-publisher';
import type { Officer } from '../../shared/domain/officers';
import type { NotificationPublisher, OfficerNotification } from '../../shared/ports/notification-publisher';

const COUNTY = '110101';
const CITY = '110100';
const ELSEWHERE = '310101';
const INCIDENT = 'INC-20261122-00000001';

const officer = (office: string, personId: string, roles: Officer['roles']): Officer => ({
  office,
  personId,
  name: personId,
  roles,
  endpoints: { sms: `+86${office}` },
});

/** The directory the subscriptions are derived from. */
const DIRECTORY: readonly Officer[] = [
  officer(COUNTY, 'P-COUNTY-DUTY', ['duty-officer']),
  officer(COUNTY, 'P-COUNTY-DIRECT', ['directly-responsible']),
  officer(CITY, 'P-CITY-DUTY', ['duty-officer']),
  officer(ELSEWHERE, 'P-SHANGHAI-DUTY', ['duty-officer']),
];

const notificationTo = (
  who: Officer,
  kind: OfficerNotification['kind'],
  officeLevel: string,
  role = who.roles[0] ?? 'duty-officer',
): OfficerNotification => ({
  kind,
  incidentId: INCIDENT,
  personId: who.personId,
  office: who.office,
  officeLevel,
  role,
  grade: 'III',
  regions: { province: '110000', city: CITY, county: COUNTY },
  channels: ['sms'],
  text: `${INCIDENT}: grade III accident (mine flooding) in 110101 东城区 — ${kind} for ${who.personId}`,
});

describe('officer notifications routed by subscription filter on fauxqs', () => {
  const config = { region: LOCAL_REGION, credentials: localCredentials, endpoint: inject('messagingEndpoint') };
  const sns = new SNSClient(config);
  const sqs = new SQSClient(config);
  const prefix = `t${randomUUID().slice(0, 8)}-`;
  const inboxes = new Map<string, string>();
  let publisher: NotificationPublisher;

  /** Everything in an officer's queue, waiting until `expected` messages came or the wait ran out. */
  const drain = async (personId: string, expected: number): Promise<Message[]> => {
    const QueueUrl = inboxes.get(personId);
    if (!QueueUrl) throw new Error(`no inbox for ${personId}`);
    const received: Message[] = [];
    const until = Date.now() + 5_000;
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: received.length >= expected ? 1 : 0,
          MessageAttributeNames: ['All'],
        }),
      );
      received.push(...Messages);
      // One more (waiting) receive after the expected count shows that nothing else arrives.
      if (received.length > expected || (received.length === expected && Messages.length === 0)) return received;
      if (Date.now() > until) return received;
      if (Messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    const topic = await sns.send(new CreateTopicCommand({ Name: `${prefix}officer-notifications` }));
    if (!topic.TopicArn) throw new Error('fauxqs returned no topic ARN');
    for (const { personId } of DIRECTORY) {
      const queue = await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}inbox-${personId}` }));
      if (!queue.QueueUrl) throw new Error(`no queue for ${personId}`);
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }),
      );
      await sns.send(
        new SubscribeCommand({
          TopicArn: topic.TopicArn,
          Protocol: 'sqs',
          Endpoint: Attributes?.QueueArn,
          Attributes: {
            RawMessageDelivery: 'true',
            FilterPolicy: JSON.stringify({ personId: [personId] }),
            FilterPolicyScope: 'MessageAttributes',
          },
        }),
      );
      inboxes.set(personId, queue.QueueUrl);
    }
    publisher = makeSnsNotificationPublisher({ client: sns, topicArn: topic.TopicArn });
  });

  afterAll(() => {
    sns.destroy();
    sqs.destroy();
  });

  it('delivers each officer exactly their own notifications, and nothing to an officer elsewhere', async () => {
    // PREPARE: a report in 东城区 (county 110101 of city 110100)
    const [countyDuty, countyDirect, cityDuty, shanghaiDuty] = DIRECTORY;
    if (!countyDuty || !countyDirect || !cityDuty || !shanghaiDuty) throw new Error('directory incomplete');
    const sent = [
      notificationTo(countyDuty, 'report-arrived', 'county'),
      notificationTo(countyDuty, 'deadline-reminder', 'county'),
      notificationTo(countyDirect, 'deadline-reminder', 'county'),
      notificationTo(cityDuty, 'auto-escalated', 'city'),
    ];

    // ACT
    const messageIds = [];
    for (const notification of sent) messageIds.push(await publisher.publish(notification));

    // ASSESS
    expect(new Set(messageIds).size).toBe(sent.length);
    for (const who of [countyDuty, countyDirect, cityDuty]) {
      const mine = sent.filter((n) => n.personId === who.personId);
      const received = await drain(who.personId, mine.length);
      expect(received.map((m) => JSON.parse(m.Body ?? 'null'))).toStrictEqual(mine);
      for (const message of received) {
        expect(message.MessageAttributes?.personId?.StringValue).toBe(who.personId);
        expect(message.MessageAttributes?.office?.StringValue).toBe(who.office);
      }
    }
    expect(await drain(shanghaiDuty.personId, 0)).toEqual([]);
  });
});
