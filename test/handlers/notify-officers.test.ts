/**
 * The notification queue's consumer as Lambda invokes it: the handler with its real adapters,
 * DynamoDB, SNS and SQS mocked at the SDK. Each record is checked at the edge and fails alone; a
 * record that fails has its next delivery put off by its receive count.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { policyByName } from '../../shared/adapters/policy-source';
import { makeSubmitReport } from '../../shared/application/submit-report';
import type { IncidentEvent } from '../../shared/domain/incident';
import { makeReportBodySchema } from '../../shared/schemas/report';
import { FakeClock } from '../fakes/fake-clock';
import { InMemoryIncidentStore } from '../fakes/in-memory-incident-store';
import { reportWith } from '../fixtures/reports';

const QUEUE_ARN = 'arn:aws-cn:sqs:cn-north-1:123456789012:notify';
const QUEUE_URL = 'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/notify';
const dynamodb = mockClient(DynamoDBDocumentClient);
const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);
const context = { awsRequestId: 'req-1', functionName: 'notify-officers', getRemainingTimeInMillis: () => 60_000 };

let handler: (event: SQSEvent, context: Context) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
let opened: IncidentEvent;
let closed: IncidentEvent;

beforeAll(async () => {
  // The handler reads its configuration when it is first imported.
  vi.stubEnv('INCIDENTS_TABLE', 'Incidents');
  vi.stubEnv('OFFICERS_TABLE', 'Officers');
  vi.stubEnv('OFFICER_NOTIFICATIONS_TOPIC_ARN', 'arn:aws-cn:sns:cn-north-1:123456789012:officer-notifications');
  vi.stubEnv('AWS_REGION', 'cn-north-1');
  ({ handler } = (await import('../../functions/notify-officers/handler')) as unknown as { handler: typeof handler });

  // Real events, as the log records them: a report's obligation, and its closing.
  const incidents = new InMemoryIncidentStore();
  const clock = new FakeClock('2026-11-22T01:00:00.000Z');
  const submit = makeSubmitReport({
    incidents,
    clock,
    policy: policyByName('national'),
    ids: { incidentId: () => 'INC-20261122-00000001', unique: () => 'u-1' },
  });
  const schema = makeReportBodySchema(() => clock.now().getTime());
  const actor = { sub: 'unit-110101', role: 'reporter', region: '110101', unit: 'U-1' } as const;
  const times = { occurredAt: '2026-11-22T00:30:00.000Z', learnedAt: '2026-11-22T00:40:00.000Z' };
  await submit({ actor, report: schema.parse(reportWith({ ...times, grade: 'IV' })) });
  await submit({
    actor,
    report: schema.parse(reportWith({ ...times, kind: 'final', incidentId: 'INC-20261122-00000001' })),
  });
  const events = incidents.eventsOf('INC-20261122-00000001');
  const find = (type: IncidentEvent['type']) => {
    const found = events.find((e) => e.type === type);
    if (!found) throw new Error(`no ${type}`);
    return found;
  };
  opened = find('ObligationOpened');
  closed = find('IncidentClosed');
});

afterAll(() => {
  vi.unstubAllEnvs();
});

beforeEach(() => {
  dynamodb.reset();
  sns.reset();
  sqs.reset();
  sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: QUEUE_URL });
  sqs.on(GetQueueAttributesCommand).resolves({
    Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `${QUEUE_ARN}-dlq`, maxReceiveCount: 5 }) },
  });
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
});

const record = (messageId: string, body: string, receiveCount: number): SQSRecord => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body,
  attributes: {
    ApproximateReceiveCount: String(receiveCount),
    SentTimestamp: '1795050000000',
    SenderId: 'AIDAEXAMPLE',
    ApproximateFirstReceiveTimestamp: '1795050000000',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: QUEUE_ARN,
  awsRegion: 'cn-north-1',
});

describe('notify-officers handler', () => {
  it('fails a malformed record alone, and puts off a failed one by its receive count', async () => {
    // PREPARE: the incident table cannot be read, so the obligation's notification fails.
    dynamodb.onAnyCommand().rejects(new Error('ProvisionedThroughputExceededException'));
    const event: SQSEvent = {
      Records: [
        record('not-json', '{"v":1,', 1),
        record('not-an-event', JSON.stringify({ v: 1, type: 'Whatever' }), 1),
        record('nothing-to-tell', JSON.stringify(closed), 1),
        record('third-try', JSON.stringify(opened), 3),
      ],
    };

    // ACT
    const result = await handler(event, context as Context);

    // ASSESS
    expect(result.batchItemFailures).toEqual([
      { itemIdentifier: 'not-json' },
      { itemIdentifier: 'not-an-event' },
      { itemIdentifier: 'third-try' },
    ]);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toStrictEqual([
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'rh-third-try', VisibilityTimeout: 120 },
    ]);
    expect(sns.calls()).toEqual([]);
  });

  it('leaves the last delivery’s visibility alone: the queue parks it next', async () => {
    // PREPARE
    dynamodb.onAnyCommand().rejects(new Error('ProvisionedThroughputExceededException'));

    // ACT
    const result = await handler(
      {
        Records: [record('nothing-to-tell', JSON.stringify(closed), 1), record('fifth-try', JSON.stringify(opened), 5)],
      },
      context as Context,
    );

    // ASSESS
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'fifth-try' }]);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toEqual([]);
  });
});
