/**
 * The metrics a handler prints, read from its stdout as CloudWatch reads them: the roll-up
 * consumer as Lambda invokes it (DynamoDB mocked at the SDK) reports its cold start once, and the
 * lag from each event to the summaries that now hold it.
 */
import { BatchGetCommand, DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { policyByName } from '../../shared/adapters/policy-source';
import { makeSubmitReport } from '../../shared/application/submit-report';
import type { IncidentEvent } from '../../shared/domain/incident';
import { makeReportBodySchema } from '../../shared/schemas/report';
import { captureEmf, metricValues } from '../fakes/emf';
import { FakeClock } from '../fakes/fake-clock';
import { InMemoryIncidentStore } from '../fakes/in-memory-incident-store';
import { reportWith } from '../fixtures/reports';

const REPORTED_AT = '2026-11-22T01:00:00.000Z';
const dynamodb = mockClient(DynamoDBDocumentClient);
const context = { awsRequestId: 'req-1', functionName: 'RollUpFunction', getRemainingTimeInMillis: () => 30_000 };

let handler: (event: SQSEvent, context: Context) => Promise<{ batchItemFailures: unknown[] }>;
let events: readonly IncidentEvent[];

beforeAll(async () => {
  // Metrics are off for the suite; this file reads them. A first invocation in Lambda is a cold
  // start only where the runtime says it is on demand. All read when the handler is imported.
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'incident-pipeline');
  vi.stubEnv('SUMMARIES_TABLE', 'Summaries');
  vi.stubEnv('AWS_REGION', 'cn-north-1');
  ({ handler } = (await import('../../functions/roll-up/handler')) as unknown as { handler: typeof handler });

  // Real events, as the log records them.
  const incidents = new InMemoryIncidentStore();
  const clock = new FakeClock(REPORTED_AT);
  const submit = makeSubmitReport({
    incidents,
    clock,
    policy: policyByName('national'),
    ids: { incidentId: () => 'INC-20261122-00000001', unique: () => 'u-1' },
  });
  await submit({
    actor: { sub: 'unit-110101', role: 'reporter', region: '110101', unit: 'U-1' },
    report: makeReportBodySchema(() => clock.now().getTime()).parse(
      reportWith({ occurredAt: '2026-11-22T00:30:00.000Z', learnedAt: '2026-11-22T00:40:00.000Z', grade: 'IV' }),
    ),
  });
  events = incidents.eventsOf('INC-20261122-00000001');
});

afterAll(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

beforeEach(() => {
  dynamodb.reset();
  dynamodb.on(BatchGetCommand).resolves({ Responses: { Summaries: [] } });
  dynamodb.on(TransactWriteCommand).resolves({});
});

const sqsEvent = (bodies: readonly IncidentEvent[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({
    messageId: `m-${i}`,
    receiptHandle: `r-${i}`,
    body: JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'sns',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws-cn:sqs:cn-north-1:123456789012:rollup',
    awsRegion: 'cn-north-1',
  })),
});

describe('roll-up handler metrics', () => {
  it('prints its cold start once, and each event’s roll-up lag, as EMF for CloudWatch', async () => {
    // PREPARE: the batch is applied 2.5 s after the events.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse(REPORTED_AT) + 2_500 });

    // ACT
    const first = await captureEmf(() => handler(sqsEvent(events), context as Context));
    const second = await captureEmf(() => handler(sqsEvent(events.slice(0, 1)), context as Context));

    // ASSESS: the cold start, under the function's name, only on the first invocation.
    expect(dynamodb.commandCalls(TransactWriteCommand)).not.toHaveLength(0);
    const cold = first.find((document) => 'ColdStart' in document);
    expect(cold?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'IncidentPipeline',
        Dimensions: [['service', 'function_name']],
        Metrics: [{ Name: 'ColdStart', Unit: 'Count' }],
      },
    ]);
    expect(cold).toMatchObject({ service: 'incident-pipeline', function_name: 'RollUpFunction', ColdStart: 1 });
    expect(second.some((document) => 'ColdStart' in document)).toBe(false);
    // The lag, one value per event, in the namespace the alarms and the dashboard read.
    expect(metricValues(first).RollUpLag).toEqual({
      values: events.map(() => 2_500),
      dimensions: [['service=incident-pipeline']],
      unit: 'Milliseconds',
    });
    expect(metricValues(second).RollUpLag?.values).toEqual([2_500]);
  });
});
