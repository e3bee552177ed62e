/**
 * `npm run officers -- import FILE` against a running local runtime also syncs the officers'
 * delivery subscriptions on its officer-notifications topic in fauxqs, as the import function does
 * on AWS (without a dead-letter queue: the local runtime has none for officers), and prints what it
 * changed. And the sync, through the SNS adapter on the suite's fauxqs, points subscriptions made
 * before there was a dead-letter queue at it, in place, as the import function does on AWS.
 */

import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { makeSnsSubscriptionRegistry } from '../../shared/adapters/sns/officer-subscriptions';
import { makeSyncOfficerSubscriptions } from '../../shared/application/officer-subscriptions';
import type { Officer } from '../../shared/domain/officers';
import { runScript, startTestRuntime, type TestRuntime } from './support';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/officers/${name}`, import.meta.url));

describe('the officers’ subscriptions, synced by the directory import', () => {
  let runtime: TestRuntime;
  let sns: SNSClient;

  const importFile = (file: string) => runScript(runtime, 'officers', 'import', file);

  /** The topic's subscriptions as `protocol endpoint → filter`, sorted. */
  const subscriptions = async (): Promise<string[]> => {
    const { Subscriptions = [] } = await sns.send(
      new ListSubscriptionsByTopicCommand({ TopicArn: runtime.resources.topics.officerNotifications }),
    );
    const described = await Promise.all(
      Subscriptions.map(async (s) => {
        const { Attributes } = await sns.send(
          new GetSubscriptionAttributesCommand({ SubscriptionArn: s.SubscriptionArn }),
        );
        const queue = s.Endpoint === runtime.resources.queues.officerSms.arn ? '(the SMS queue)' : '(the inbox queue)';
        return `${s.Protocol} ${s.Protocol === 'sqs' ? queue : s.Endpoint} → ${Attributes?.FilterPolicy ?? 'everything'}`;
      }),
    );
    return described.sort();
  };

  /** The redrive policies the topic's subscriptions carry. */
  const redrivePolicies = async (): Promise<string[]> => {
    const { Subscriptions = [] } = await sns.send(
      new ListSubscriptionsByTopicCommand({ TopicArn: runtime.resources.topics.officerNotifications }),
    );
    const attributes = await Promise.all(
      Subscriptions.map((s) => sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: s.SubscriptionArn }))),
    );
    return attributes.flatMap(({ Attributes }) => (Attributes?.RedrivePolicy ? [Attributes.RedrivePolicy] : []));
  };

  beforeAll(async () => {
    runtime = await startTestRuntime();
    sns = new SNSClient({ endpoint: runtime.endpoints.messaging, region: LOCAL_REGION, credentials: localCredentials });
  });

  afterAll(async () => {
    sns?.destroy();
    await runtime?.close();
  });

  it('refuses a bad file without subscribing anyone', async () => {
    const result = await importFile(fixture('broken.csv'));

    expect(result.code).toBe(1);
    expect(await subscriptions()).toEqual(['sqs (the SMS queue) → everything', 'sqs (the inbox queue) → everything']);
  });

  it('subscribes every channel of the imported officers, filtered on each, and prints what changed', async () => {
    // ACT
    const result = await importFile(fixture('dongcheng.json'));

    // ASSESS
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('imported 4 officers and 2 shifts for 1 offices');
    expect(result.stdout).toContain('subscriptions on officer-notifications: 4 added, 0 kept, 0 removed');
    expect(result.stdout).toContain('+ sms +8613800000001 for P-WANG');
    expect(await subscriptions()).toEqual([
      'email li@dongcheng.example.cn → {"personId":["P-LI"]}',
      'https https://duty.dongcheng.example.cn/hook → {"personId":["P-QIAN"]}',
      'sms +8613800000001 → {"personId":["P-WANG"]}',
      'sms +8613800000002 → {"personId":["P-ZHAO"]}',
      // The local inbox's and the SMS worker's own subscriptions are not an officer's, and are left alone.
      'sqs (the SMS queue) → everything',
      'sqs (the inbox queue) → everything',
    ]);
    // The local runtime has no officer-delivery dead-letter queue, so nothing names one.
    expect(await redrivePolicies()).toEqual([]);
  });

  it('changes nothing when the same file is imported again', async () => {
    const result = await importFile(fixture('dongcheng.json'));

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('subscriptions on officer-notifications: 0 added, 4 kept, 0 removed');
    expect(await subscriptions()).toHaveLength(6);
  });
});

describe('the officers’ subscriptions and the dead-letter queue, through the SNS adapter on fauxqs', () => {
  const config = { region: LOCAL_REGION, credentials: localCredentials, endpoint: inject('messagingEndpoint') };
  const sns = new SNSClient(config);
  const sqs = new SQSClient(config);
  const prefix = `t${randomUUID().slice(0, 8)}-`;

  const officer = (personId: string, endpoints: Officer['endpoints']): Officer => ({
    office: '110101',
    personId,
    name: personId,
    roles: ['duty-officer'],
    endpoints,
  });
  const DIRECTORY = [
    officer('P-1', { email: 'one@dongcheng.example.cn', webhook: 'https://duty.dongcheng.example.cn/hook' }),
  ];

  afterAll(() => {
    sns.destroy();
    sqs.destroy();
  });

  it('points the subscriptions made before the dead-letter queue at it, in place, and then keeps them', async () => {
    // PREPARE: a topic of this test's own, a queue standing for the officer-delivery DLQ, and the
    // officer's subscriptions as a sync made them before there was one.
    const { TopicArn: topicArn } = await sns.send(new CreateTopicCommand({ Name: `${prefix}officer-notifications` }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}officer-delivery-dlq` }));
    const { Attributes: queue } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    const deadLetterTarget = queue?.QueueArn;
    if (!topicArn || !deadLetterTarget) throw new Error('fauxqs returned no topic or queue ARN');
    const registry = makeSnsSubscriptionRegistry({ client: sns, topicArn });
    expect(await makeSyncOfficerSubscriptions({ registry })(DIRECTORY)).toEqual({ added: 2, kept: 0, removed: 0 });
    const arnsBefore = (await registry.list()).map((s) => s.arn).sort();
    const sync = makeSyncOfficerSubscriptions({ registry, deadLetterTarget });

    // ACT
    const result = await sync(DIRECTORY);
    const again = await sync(DIRECTORY);

    // ASSESS: the same two subscriptions, each now with the redrive policy SNS reads.
    expect(result).toEqual({ added: 0, kept: 0, removed: 0, updated: 2 });
    expect(again).toEqual({ added: 0, kept: 2, removed: 0, updated: 0 });
    const { Subscriptions = [] } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    expect(Subscriptions.map((s) => s.SubscriptionArn).sort()).toEqual(arnsBefore);
    for (const { SubscriptionArn } of Subscriptions) {
      const { Attributes } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
      expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({ deadLetterTargetArn: deadLetterTarget });
    }
  });

  it('subscribes a newcomer with the dead-letter queue as the subscription’s redrive policy', async () => {
    const { TopicArn: topicArn } = await sns.send(new CreateTopicCommand({ Name: `${prefix}newcomers` }));
    if (!topicArn) throw new Error('fauxqs returned no topic ARN');
    const deadLetterTarget = `arn:aws:sqs:${LOCAL_REGION}:000000000000:${prefix}officer-delivery-dlq`;
    const registry = makeSnsSubscriptionRegistry({ client: sns, topicArn });

    const result = await makeSyncOfficerSubscriptions({ registry, deadLetterTarget })([
      officer('P-2', { sms: '+8613800000002' }),
    ]);

    expect(result).toEqual({ added: 1, kept: 0, removed: 0, updated: 0 });
    expect(await registry.list()).toEqual([
      expect.objectContaining({ endpoint: '+8613800000002', deadLetterTarget, filterPolicy: { personId: ['P-2'] } }),
    ]);
  });
});
