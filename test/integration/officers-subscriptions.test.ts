/**
 * `npm run officers -- import FILE` against a running local runtime also syncs the officers'
 * delivery subscriptions on its officer-notifications topic in fauxqs, as the import function does
 * on AWS, and prints what it changed.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { startTestRuntime, type TestRuntime } from './support';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/officers/${name}`, import.meta.url));

describe('the officers’ subscriptions, synced by the directory import', () => {
  let runtime: TestRuntime;
  let sns: SNSClient;

  const importFile = (file: string) =>
    spawnSync('npm', ['run', '--silent', 'officers', '--', 'import', file], {
      env: { ...process.env, DATA_DIR: runtime.dataDir },
      encoding: 'utf8',
    });

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
        return `${s.Protocol} ${s.Protocol === 'sqs' ? '(the inbox queue)' : s.Endpoint} → ${Attributes?.FilterPolicy ?? 'everything'}`;
      }),
    );
    return described.sort();
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
    const result = importFile(fixture('broken.csv'));

    expect(result.status).toBe(1);
    expect(await subscriptions()).toEqual(['sqs (the inbox queue) → everything']);
  });

  it('subscribes every channel of the imported officers, filtered on each, and prints what changed', async () => {
    // ACT
    const result = importFile(fixture('dongcheng.json'));

    // ASSESS
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('imported 4 officers and 2 shifts for 1 offices');
    expect(result.stdout).toContain('subscriptions on officer-notifications: 4 added, 0 kept, 0 removed');
    expect(result.stdout).toContain('+ sms +8613800000001 for P-WANG');
    expect(await subscriptions()).toEqual([
      'email li@dongcheng.example.cn → {"personId":["P-LI"]}',
      'https https://duty.dongcheng.example.cn/hook → {"personId":["P-QIAN"]}',
      'sms +8613800000001 → {"personId":["P-WANG"]}',
      'sms +8613800000002 → {"personId":["P-ZHAO"]}',
      // The local inbox's own subscription is not an officer's, and is left alone.
      'sqs (the inbox queue) → everything',
    ]);
  });

  it('changes nothing when the same file is imported again', async () => {
    const result = importFile(fixture('dongcheng.json'));

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('subscriptions on officer-notifications: 0 added, 4 kept, 0 removed');
    expect(await subscriptions()).toHaveLength(5);
  });
});
