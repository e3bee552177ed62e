/**
 * The on-demand directory import as an operator invokes it: the handler with its real adapters,
 * DynamoDB and SNS mocked at the SDK (aws-sdk-client-mock), asserting the exact calls made.
 */
import { readFileSync } from 'node:fs';
import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

const TOPIC = 'arn:aws:sns:cn-north-1:123456789012:officer-notifications';
const DEAD_LETTERS = 'arn:aws:sqs:cn-north-1:123456789012:officer-delivery-dlq';
const REDRIVE_POLICY = JSON.stringify({ deadLetterTargetArn: DEAD_LETTERS });
const TABLE = 'Officers';
const dynamodb = mockClient(DynamoDBDocumentClient);
const sns = mockClient(SNSClient);

const fixture = (name: string) => readFileSync(new URL(`../fixtures/officers/${name}`, import.meta.url), 'utf8');
const context = { awsRequestId: 'req-1', functionName: 'import-officers', getRemainingTimeInMillis: () => 900_000 };

let handler: (event: unknown, context: Context) => Promise<unknown>;

beforeAll(async () => {
  // The handler reads its configuration when it is first imported.
  vi.stubEnv('OFFICERS_TABLE', TABLE);
  vi.stubEnv('OFFICER_NOTIFICATIONS_TOPIC_ARN', TOPIC);
  vi.stubEnv('OFFICER_DELIVERY_DLQ_ARN', DEAD_LETTERS);
  vi.stubEnv('AWS_REGION', 'cn-north-1');
  ({ handler } = (await import('../../functions/import-officers/handler')) as unknown as { handler: typeof handler });
});

afterAll(() => {
  vi.unstubAllEnvs();
});

beforeEach(() => {
  dynamodb.reset();
  sns.reset();
});

const invoke = (payload: unknown) => handler(payload, context as Context);

/**
 * 东城 as it was before the file: P-GONE, who is not in it, has a phone subscribed. The
 * subscriptions redrive to the dead-letter queue, unless they were made `beforeDeadLetters`.
 */
const dongchengAsItWas = ({ beforeDeadLetters = false } = {}) => {
  dynamodb.on(QueryCommand).resolves({
    Items: [
      {
        pk: 'OFFICE#110101',
        sk: 'OFFICER#P-GONE',
        office: '110101',
        personId: 'P-GONE',
        name: '孙离任',
        roles: ['duty-officer'],
        endpoints: { sms: '+8613800000099' },
      },
    ],
  });
  dynamodb.on(PutCommand).resolves({});
  const subscriptions = [
    { arn: `${TOPIC}:li`, protocol: 'email', endpoint: 'li@dongcheng.example.cn', people: ['P-LI'] },
    { arn: `${TOPIC}:gone`, protocol: 'sms', endpoint: '+8613800000099', people: ['P-GONE'] },
    // 西城's officer: not this file's to decide.
    { arn: `${TOPIC}:xicheng`, protocol: 'sms', endpoint: '+8613800000077', people: ['P-X'] },
  ];
  sns.on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC }).resolves({
    Subscriptions: [
      ...subscriptions.map((s) => ({ SubscriptionArn: s.arn, Protocol: s.protocol, Endpoint: s.endpoint })),
      { SubscriptionArn: `${TOPIC}:archive`, Protocol: 'sqs', Endpoint: 'arn:aws:sqs:cn-north-1:123456789012:inbox' },
    ],
  });
  for (const s of subscriptions) {
    sns.on(GetSubscriptionAttributesCommand, { SubscriptionArn: s.arn }).resolves({
      Attributes: {
        FilterPolicy: JSON.stringify({ personId: s.people }),
        ...(beforeDeadLetters ? {} : { RedrivePolicy: REDRIVE_POLICY }),
      },
    });
  }
  sns.on(SubscribeCommand).resolves({});
  sns.on(UnsubscribeCommand).resolves({});
  sns.on(SetSubscriptionAttributesCommand).resolves({});
};

const subscribed = (protocol: string, endpoint: string, personId: string) => ({
  TopicArn: TOPIC,
  Protocol: protocol,
  Endpoint: endpoint,
  Attributes: {
    FilterPolicy: JSON.stringify({ personId: [personId] }),
    FilterPolicyScope: 'MessageAttributes',
    RedrivePolicy: REDRIVE_POLICY,
  },
});

describe('import-officers handler', () => {
  it('answers a bad file with every problem by line, and writes and subscribes nothing', async () => {
    // ACT
    const result = await invoke({ format: 'csv', content: fixture('broken.csv') });

    // ASSESS: the problems `npm run officers -- import` prints for the same file.
    expect(result).toEqual({
      imported: false,
      message: 'the directory was not imported: 7 problems',
      problems: [
        'line 3: office: is not a GB/T 2260 region code (or 000000)',
        'line 4: roles.0: Invalid option: expected one of "first-responsible"|"directly-responsible"|"duty-officer"',
        'line 4: email: is not an email address',
        'line 6: shift of P-9 names nobody of office 110101 in this file',
        // 东城 could not be notified as the file has it.
        'line 2: office 110101 names nobody as directly-responsible',
        'line 2: office 110101 names nobody as duty-officer',
        'line 2: office 110101: nobody is on duty from 20:00 to 08:00',
      ],
    });
    expect(dynamodb.calls()).toEqual([]);
    expect(sns.calls()).toEqual([]);
  });

  it('imports a good file, then subscribes newcomers, unsubscribes leavers and keeps the rest', async () => {
    // PREPARE
    dongchengAsItWas();

    // ACT
    const result = await invoke({ format: 'json', content: fixture('dongcheng.json') });

    // ASSESS: the summary.
    expect(result).toEqual({
      imported: true,
      offices: 1,
      effectiveAt: expect.any(String),
      officers: 4,
      shifts: 2,
      subscriptions: { added: 3, kept: 1, removed: 1, updated: 0 },
    });
    // The directory: a new version of the office, effective now, holding the file's officers and
    // shifts; what it held before (P-GONE) is left on record, not deleted.
    const { effectiveAt } = result as { effectiveAt: string };
    expect(Math.abs(Date.parse(effectiveAt) - Date.now())).toBeLessThan(60_000);
    const [put] = dynamodb.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(put?.TableName).toBe(TABLE);
    expect(put?.Item).toMatchObject({ pk: 'OFFICE#110101', sk: `AS_OF#${effectiveAt}`, effectiveAt });
    expect(((put?.Item?.officers ?? []) as { personId: string }[]).map((o) => o.personId)).toEqual([
      'P-LI',
      'P-WANG',
      'P-ZHAO',
      'P-QIAN',
    ]);
    expect(
      ((put?.Item?.roster ?? []) as { personId: string; from: string }[]).map((s) => `${s.personId}#${s.from}`),
    ).toEqual(['P-ZHAO#08:00', 'P-QIAN#20:00']);
    expect(dynamodb.commandCalls(BatchWriteCommand)).toEqual([]);
    // The subscriptions: P-GONE's phone removed before anything is added; 西城's and the archive
    // left alone.
    expect(sns.commandCalls(UnsubscribeCommand).map((call) => call.args[0].input)).toEqual([
      { SubscriptionArn: `${TOPIC}:gone` },
    ]);
    expect(sns.commandCalls(SubscribeCommand).map((call) => call.args[0].input)).toStrictEqual([
      subscribed('sms', '+8613800000001', 'P-WANG'),
      subscribed('sms', '+8613800000002', 'P-ZHAO'),
      subscribed('https', 'https://duty.dongcheng.example.cn/hook', 'P-QIAN'),
    ]);
    expect(sns.commandCalls(SetSubscriptionAttributesCommand)).toEqual([]);
  });

  it('points the subscriptions made before the dead-letter queue at it in place, other offices’ included', async () => {
    // PREPARE
    dongchengAsItWas({ beforeDeadLetters: true });

    // ACT
    const result = await invoke({ format: 'json', content: fixture('dongcheng.json') });

    // ASSESS: P-LI's email and 西城's phone keep their subscriptions (an email owner would otherwise
    // have to confirm again); P-GONE's is removed, not updated; the newcomers are subscribed with it.
    expect(result).toMatchObject({ imported: true, subscriptions: { added: 3, kept: 0, removed: 1, updated: 2 } });
    expect(sns.commandCalls(SetSubscriptionAttributesCommand).map((call) => call.args[0].input)).toStrictEqual([
      { SubscriptionArn: `${TOPIC}:li`, AttributeName: 'RedrivePolicy', AttributeValue: REDRIVE_POLICY },
      { SubscriptionArn: `${TOPIC}:xicheng`, AttributeName: 'RedrivePolicy', AttributeValue: REDRIVE_POLICY },
    ]);
    expect(sns.commandCalls(UnsubscribeCommand).map((call) => call.args[0].input)).toEqual([
      { SubscriptionArn: `${TOPIC}:gone` },
    ]);
    expect(sns.commandCalls(SubscribeCommand).map((call) => call.args[0].input)).toStrictEqual([
      subscribed('sms', '+8613800000001', 'P-WANG'),
      subscribed('sms', '+8613800000002', 'P-ZHAO'),
      subscribed('https', 'https://duty.dongcheng.example.cn/hook', 'P-QIAN'),
    ]);
  });

  it('accepts a JSON directory given as the object itself', async () => {
    dongchengAsItWas();

    const result = await invoke({ format: 'json', content: JSON.parse(fixture('dongcheng.json')) });

    expect(result).toMatchObject({
      imported: true,
      officers: 4,
      subscriptions: { added: 3, kept: 1, removed: 1, updated: 0 },
    });
  });

  it('reads a GB18030 file sent as its bytes, as Excel saves CSV on Chinese Windows', async () => {
    // PREPARE: the file as it is on the office's disk; text in a JSON payload would already be decoded.
    dongchengAsItWas();
    const bytes = readFileSync(new URL('../fixtures/excel/officers-dongcheng.gb18030.csv', import.meta.url));

    // ACT
    const result = await invoke({ format: 'csv', contentBase64: bytes.toString('base64') });

    // ASSESS: imported with the names as written, commas, quotes and line breaks in them.
    expect(result).toMatchObject({ imported: true, offices: 1, officers: 4, shifts: 2 });
    const [put] = dynamodb.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(((put?.Item?.officers ?? []) as { name: string }[]).map((o) => o.name)).toEqual([
      '李主任, 东城区应急局',
      '王副主任 "老王"',
      '赵值班\n值班室',
      '钱值班',
    ]);
  });

  it('takes the file effective at the instant stated, and refuses one before now, writing nothing', async () => {
    // PREPARE
    dongchengAsItWas();
    const later = new Date(Date.now() + 86_400_000);
    const stated = `${later.toISOString().slice(0, 19)}Z`;

    // ACT
    const ahead = await invoke({ format: 'json', content: fixture('dongcheng.json'), effective: stated });
    const writes = dynamodb.commandCalls(PutCommand).length;
    const past = await invoke({
      format: 'json',
      content: fixture('dongcheng.json'),
      effective: '2026-01-01T08:00:00+08:00',
    });

    // ASSESS
    const effectiveAt = new Date(stated).toISOString();
    expect(ahead).toMatchObject({ imported: true, effectiveAt });
    expect(dynamodb.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({ sk: `AS_OF#${effectiveAt}` });
    expect(past).toMatchObject({
      imported: false,
      problems: [expect.stringMatching(/^effective: 2026-01-01T00:00:00.000Z is before now/)],
    });
    expect(dynamodb.commandCalls(PutCommand)).toHaveLength(writes);
  });

  it('refuses bytes that are not in the encoding it is told, naming the problem, and writes nothing', async () => {
    // PREPARE
    const bytes = readFileSync(new URL('../fixtures/excel/officers-dongcheng.gb18030.csv', import.meta.url));

    // ACT
    const result = await invoke({ format: 'csv', contentBase64: bytes.toString('base64'), encoding: 'utf-8' });

    // ASSESS
    expect(result).toEqual({
      imported: false,
      message: 'the directory was not imported: 1 problem',
      problems: [expect.stringMatching(/^the file is not UTF-8 text \(line 2 is not\): .* give the encoding gb18030/)],
    });
    expect(dynamodb.calls()).toEqual([]);
    expect(sns.calls()).toEqual([]);
  });

  it('refuses a payload that is not a directory file, before touching anything', async () => {
    await expect(invoke({ format: 'xlsx', content: '' })).rejects.toThrow(/format/);
    expect(dynamodb.calls()).toEqual([]);
    expect(sns.calls()).toEqual([]);
  });
});

describe('import-officers configuration', () => {
  it('refuses to start without the officer-delivery dead-letter queue, so no subscription is made without it', async () => {
    // PREPARE: a fresh load of the handler, its configuration lacking the queue.
    vi.resetModules();
    vi.stubEnv('OFFICER_DELIVERY_DLQ_ARN', undefined);

    // ACT + ASSESS
    await expect(import('../../functions/import-officers/handler')).rejects.toThrow(/OFFICER_DELIVERY_DLQ_ARN/);
    expect(sns.calls()).toEqual([]);
  });
});
