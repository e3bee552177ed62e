/**
 * The stream consumer as Lambda invokes it, SNS mocked at the SDK: a batch's events go out ten to a
 * PublishBatch in stream order, heads are skipped, and a failure answers the first record not yet
 * out, so the stream is retried from there and no event is left behind.
 */
import { PublishBatchCommand, type PublishBatchCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventSk, HEAD_SK, incidentPk } from '../../shared/adapters/dynamodb/keys';
import { policyByName } from '../../shared/adapters/policy-source';
import { makeSubmitReport } from '../../shared/application/submit-report';
import type { IncidentEvent } from '../../shared/domain/incident';
import { makeReportBodySchema } from '../../shared/schemas/report';
import { FakeClock } from '../fakes/fake-clock';
import { InMemoryIncidentStore } from '../fakes/in-memory-incident-store';
import { reportWith } from '../fixtures/reports';

const sns = mockClient(SNSClient);
const context = { awsRequestId: 'req-1', functionName: 'publish-events', getRemainingTimeInMillis: () => 60_000 };

let handler: (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;
/** Real events, as the log records them: twelve reports, each with its obligation. */
let events: IncidentEvent[];

// A record as DynamoDB Streams delivers it, numbered in stream order.
const recordOf = (n: number, item: Record<string, unknown>): DynamoDBRecord => ({
  eventName: 'INSERT',
  dynamodb: {
    SequenceNumber: String(1000 + n),
    NewImage: marshall(item, { removeUndefinedValues: true }) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'],
  },
});

/** Each event's item, and after each event a head update, which is not for the fan-out. */
const streamOf = (list: readonly IncidentEvent[]): DynamoDBRecord[] =>
  list.flatMap((e, i) => [
    recordOf(2 * i, { pk: incidentPk(e.incidentId), sk: eventSk(e.seq), ...e }),
    recordOf(2 * i + 1, { pk: incidentPk(e.incidentId), sk: HEAD_SK, state: 'reported' }),
  ]);

const published = (): string[] =>
  sns
    .commandCalls(PublishBatchCommand)
    .flatMap((c) => (c.args[0].input as PublishBatchCommandInput).PublishBatchRequestEntries ?? [])
    .map((entry) => {
      const e = JSON.parse(entry.Message ?? '{}') as IncidentEvent;
      return `${e.incidentId}#${e.seq}`;
    });
const idOf = (e: IncidentEvent) => `${e.incidentId}#${e.seq}`;

/** SNS taking every entry of a call. */
const accept = (input: PublishBatchCommandInput) => ({
  Successful: (input.PublishBatchRequestEntries ?? []).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
  Failed: [],
});

beforeAll(async () => {
  // The handler reads its configuration when it is first imported.
  vi.stubEnv('INCIDENT_EVENTS_TOPIC_ARN', 'arn:aws-cn:sns:cn-north-1:123456789012:incident-events');
  vi.stubEnv('AWS_REGION', 'cn-north-1');
  ({ handler } = (await import('../../functions/publish-events/handler')) as unknown as { handler: typeof handler });

  const incidents = new InMemoryIncidentStore();
  const clock = new FakeClock('2026-11-22T01:00:00.000Z');
  let n = 0;
  const submit = makeSubmitReport({
    incidents,
    clock,
    policy: policyByName('national'),
    ids: { incidentId: () => `INC-20261122-${String(++n).padStart(8, '0')}`, unique: () => `u-${n}` },
  });
  const schema = makeReportBodySchema(() => clock.now().getTime());
  const actor = { sub: 'unit-110101', role: 'reporter', region: '110101', unit: 'U-1' } as const;
  const times = { occurredAt: '2026-11-22T00:30:00.000Z', learnedAt: '2026-11-22T00:40:00.000Z' };
  events = [];
  for (let i = 0; i < 12; i++) {
    const { response } = await submit({ actor, report: schema.parse(reportWith({ ...times, grade: 'IV' })) });
    events.push(...incidents.eventsOf(response.incidentId));
  }
});

afterAll(() => {
  vi.unstubAllEnvs();
});

beforeEach(() => {
  sns.reset();
  sns.on(PublishBatchCommand).callsFake(accept);
});

describe('publish-events handler', () => {
  it('publishes every event of the batch once, ten to a call, in stream order, and skips the heads', async () => {
    expect(events).toHaveLength(24);
    const result = await handler({ Records: streamOf(events) }, context as unknown as Context);
    expect(result.batchItemFailures).toEqual([]);
    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(3);
    expect(published()).toEqual(events.map(idOf));
  });

  it('on a failed call, answers its group’s first record, so the stream is retried from there', async () => {
    sns.on(PublishBatchCommand).callsFakeOnce(accept).rejectsOnce(new Error('SNS is throttling'));
    const records = streamOf(events);
    const result = await handler({ Records: records }, context as unknown as Context);
    // The eleventh event is the second group's first; its record is the 21st of the stream.
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: records[20]?.dynamodb?.SequenceNumber }]);
    // Nothing after the failed group went out ahead of it.
    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(2);

    // The retry from that record on publishes the rest; the first ten are not sent again.
    sns.reset();
    sns.on(PublishBatchCommand).callsFake(accept);
    expect((await handler({ Records: records.slice(20) }, context as unknown as Context)).batchItemFailures).toEqual(
      [],
    );
    expect(published()).toEqual(events.slice(10).map(idOf));
  });

  it('stops at a record that is not a valid event: what comes before goes out, and the stream waits at it', async () => {
    const records = streamOf(events.slice(0, 6));
    const broken = recordOf(99, { pk: incidentPk('INC-x'), sk: eventSk(1), type: 'ReportSubmitted' });
    const result = await handler(
      { Records: [...records.slice(0, 6), broken, ...records.slice(6)] },
      context as unknown as Context,
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: broken.dynamodb?.SequenceNumber }]);
    expect(published()).toEqual(events.slice(0, 3).map(idOf));
  });

  it('fails from the group when SNS refuses some of its entries', async () => {
    sns
      .on(PublishBatchCommand)
      .resolves({ Successful: [], Failed: [{ Id: '0', Code: 'Throttled', SenderFault: false }] });
    const records = streamOf(events.slice(0, 4));
    const result = await handler({ Records: records }, context as unknown as Context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: records[0]?.dynamodb?.SequenceNumber }]);
  });
});
