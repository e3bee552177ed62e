/**
 * Routing officer notifications on the suite's fauxqs. The officers' subscriptions are derived
 * from a directory by the subscription sync through the SNS registry adapter, as the directory
 * import makes them. fauxqs stores email, SMS and HTTPS subscriptions but delivers only to queues,
 * so each subscription the sync made is mirrored by a queue subscribed raw with the filter policy
 * read back from fauxqs: what that phone, mailbox or webhook would receive. Every endpoint gets
 * exactly its officers' messages, so a wrongly derived filter fails here.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { deliveredToSqs } from '../../infra/local/fauxqs';
import { makeSnsNotificationPublisher } from '../../shared/adapters/sns/notification-publisher';
import { makeSnsSubscriptionRegistry } from '../../shared/adapters/sns/officer-subscriptions';
import { makeSyncOfficerSubscriptions } from '../../shared/application/officer-subscriptions';
import type { Officer } from '../../shared/domain/officers';
import type { NotificationPublisher, OfficerNotification } from '../../shared/ports/notification-publisher';

const COUNTY = '110101';
const CITY = '110100';
const ELSEWHERE = '310101';
const INCIDENT = 'INC-20261122-00000001';
const DUTY_ROOM = '+8601065000000';

const officer = (office: string, personId: string, roles: Officer['roles'], endpoints: Officer['endpoints']) => ({
  office,
  personId,
  name: personId,
  roles,
  endpoints,
});

/** The directory the subscriptions are derived from; the county's duty officers share the duty-room phone. */
const DIRECTORY: readonly Officer[] = [
  officer(COUNTY, 'P-COUNTY-DUTY', ['duty-officer'], { sms: DUTY_ROOM, email: 'duty@dongcheng.example.cn' }),
  officer(COUNTY, 'P-COUNTY-NIGHT', ['duty-officer'], { sms: DUTY_ROOM }),
  officer(COUNTY, 'P-COUNTY-DIRECT', ['directly-responsible'], { sms: '+8613800000001' }),
  officer(CITY, 'P-CITY-DUTY', ['duty-officer'], { webhook: 'https://duty.beijing.example.cn/hook' }),
  officer(ELSEWHERE, 'P-SHANGHAI-DUTY', ['duty-officer'], { sms: '+8613900000000' }),
];

/** Every endpoint in the directory and the people who registered it, independent of the sync's own rule. */
const endpointsOfDirectory = (): Map<string, string[]> => {
  const endpoints = new Map<string, string[]>();
  const protocol = { email: 'email', sms: 'sms', webhook: 'https' } as const;
  for (const o of DIRECTORY) {
    for (const channel of ['email', 'sms', 'webhook'] as const) {
      const endpoint = o.endpoints[channel];
      if (!endpoint) continue;
      const key = `${protocol[channel]} ${endpoint}`;
      endpoints.set(key, [...(endpoints.get(key) ?? []), o.personId]);
    }
  }
  return endpoints;
};

const notificationTo = (who: Officer, kind: OfficerNotification['kind'], officeLevel: string): OfficerNotification => ({
  kind,
  incidentId: INCIDENT,
  personId: who.personId,
  office: who.office,
  officeLevel,
  role: who.roles[0] ?? 'duty-officer',
  grade: 'III',
  regions: { province: '110000', city: CITY, county: COUNTY },
  channels: ['sms'],
  text: `${INCIDENT}: grade III accident (mine flooding) in 110101 东城区 — ${kind} for ${who.personId}`,
});

/** The body an SQS subscription delivers raw, as SNS picks it from a `MessageStructure: 'json'` message. */
const deliveredBody = (message: Message): unknown => JSON.parse(deliveredToSqs(message.Body ?? 'null'));

describe('officer notifications routed by the subscriptions derived from the directory, on fauxqs', () => {
  const config = { region: LOCAL_REGION, credentials: localCredentials, endpoint: inject('messagingEndpoint') };
  const sns = new SNSClient(config);
  const sqs = new SQSClient(config);
  const prefix = `t${randomUUID().slice(0, 8)}-`;
  /** `protocol endpoint` → the queue standing in for it. */
  const standIns = new Map<string, string>();
  let publisher: NotificationPublisher;

  /** Everything in a stand-in queue, waiting until `expected` messages came or the wait ran out. */
  const drain = async (endpoint: string, expected: number): Promise<Message[]> => {
    const QueueUrl = standIns.get(endpoint);
    if (!QueueUrl) throw new Error(`no stand-in queue for ${endpoint}`);
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
    const topicArn = topic.TopicArn;
    if (!topicArn) throw new Error('fauxqs returned no topic ARN');

    // The officers' subscriptions, as the directory import makes them.
    const sync = makeSyncOfficerSubscriptions({ registry: makeSnsSubscriptionRegistry({ client: sns, topicArn }) });
    expect(await sync(DIRECTORY)).toEqual({ added: 5, kept: 0, removed: 0 });

    // A stand-in queue per subscription, filtered exactly as fauxqs holds the subscription's filter.
    const { Subscriptions = [] } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    for (const [i, s] of Subscriptions.entries()) {
      const { Attributes } = await sns.send(
        new GetSubscriptionAttributesCommand({ SubscriptionArn: s.SubscriptionArn }),
      );
      const queue = await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}stand-in-${i}` }));
      if (!queue.QueueUrl) throw new Error(`no stand-in queue for ${s.Endpoint}`);
      const queueAttributes = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }),
      );
      await sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: 'sqs',
          Endpoint: queueAttributes.Attributes?.QueueArn,
          Attributes: {
            RawMessageDelivery: 'true',
            ...(Attributes?.FilterPolicy ? { FilterPolicy: Attributes.FilterPolicy } : {}),
            ...(Attributes?.FilterPolicyScope ? { FilterPolicyScope: Attributes.FilterPolicyScope } : {}),
          },
        }),
      );
      standIns.set(`${s.Protocol} ${s.Endpoint}`, queue.QueueUrl);
    }
    publisher = makeSnsNotificationPublisher({ client: sns, topicArn });
  });

  afterAll(() => {
    sns.destroy();
    sqs.destroy();
  });

  it('subscribes every endpoint of the directory once', () => {
    expect([...standIns.keys()].sort()).toEqual([...endpointsOfDirectory().keys()].sort());
  });

  it('delivers each endpoint exactly its officers’ notifications, and nothing to an officer elsewhere', async () => {
    // PREPARE: a report in 东城区 (county 110101 of city 110100)
    const [countyDuty, countyNight, countyDirect, cityDuty] = DIRECTORY;
    if (!countyDuty || !countyNight || !countyDirect || !cityDuty) throw new Error('directory incomplete');
    const sent = [
      notificationTo(countyDuty, 'report-arrived', 'county'),
      notificationTo(countyDuty, 'deadline-reminder', 'county'),
      notificationTo(countyDirect, 'deadline-reminder', 'county'),
      notificationTo(countyNight, 'deadline-missed', 'county'),
      notificationTo(cityDuty, 'auto-escalated', 'city'),
    ];

    // ACT
    const messageIds = [];
    for (const notification of sent) messageIds.push(await publisher.publish(notification));

    // ASSESS
    expect(new Set(messageIds).size).toBe(sent.length);
    for (const [endpoint, people] of endpointsOfDirectory()) {
      const theirs = sent.filter((n) => people.includes(n.personId));
      const received = await drain(endpoint, theirs.length);
      expect(received.map(deliveredBody), endpoint).toStrictEqual(theirs);
      for (const [i, message] of received.entries()) {
        // The routing attributes, exactly as published.
        expect(
          Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue])),
        ).toStrictEqual({
          kind: theirs[i]?.kind,
          incidentId: INCIDENT,
          personId: theirs[i]?.personId,
          office: theirs[i]?.office,
          officeLevel: theirs[i]?.officeLevel,
          role: theirs[i]?.role,
          grade: 'III',
          province: '110000',
          city: CITY,
          county: COUNTY,
        });
      }
    }
  });
});
