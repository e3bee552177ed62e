import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { queues, tables } from '../../infra/resources';
import { startTestRuntime, type TestRuntime } from './support';

describe('local runtime on DynamoDB Local and fauxqs', () => {
  let runtime: TestRuntime;
  let dynamodb: DynamoDBClient;
  let sqs: SQSClient;
  let sns: SNSClient;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    const config = { region: LOCAL_REGION, credentials: localCredentials };
    dynamodb = new DynamoDBClient({ ...config, endpoint: runtime.endpoints.dynamodb });
    sqs = new SQSClient({ ...config, endpoint: runtime.endpoints.messaging });
    sns = new SNSClient({ ...config, endpoint: runtime.endpoints.messaging });
  });

  afterAll(async () => {
    for (const client of [dynamodb, sqs, sns]) client?.destroy();
    await runtime?.close();
  });

  it('serves GET /health on 127.0.0.1 without a token', async () => {
    expect(runtime.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${runtime.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers an unknown route with the contract error shape', async () => {
    const response = await fetch(`${runtime.url}/v1/nothing-here`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not-found', message: expect.any(String) } });
  });

  it('creates every table as described: keys, indexes, stream and TTL', async () => {
    for (const [name, def] of Object.entries(tables)) {
      const { Table } = await dynamodb.send(
        new DescribeTableCommand({ TableName: runtime.resources.tables[name as keyof typeof tables] }),
      );
      expect(Table?.KeySchema?.map((k) => k.AttributeName)).toEqual(
        [def.partitionKey.name, 'sortKey' in def ? def.sortKey.name : undefined].filter(Boolean),
      );
      expect((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual(
        def.globalIndexes.map((i) => i.name).sort(),
      );
      expect(Table?.StreamSpecification?.StreamViewType).toBe('stream' in def ? def.stream : undefined);
      if ('timeToLiveAttribute' in def) {
        const ttl = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: Table?.TableName }));
        expect(ttl.TimeToLiveDescription?.AttributeName).toBe(def.timeToLiveAttribute);
      }
    }
  });

  it('gives every queue its dead-letter queue with the described redrive', async () => {
    for (const [name, def] of Object.entries(queues)) {
      const refs = runtime.resources.queues[name as keyof typeof queues];
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: refs.url, AttributeNames: ['RedrivePolicy', 'VisibilityTimeout'] }),
      );
      expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({
        deadLetterTargetArn: refs.deadLetterArn,
        maxReceiveCount: def.deadLetter.maxReceiveCount,
      });
      expect(Number(Attributes?.VisibilityTimeout)).toBe(def.visibilityTimeoutSeconds);
    }
  });

  it('fans events out by the described filter policies, and parks a poison message in the DLQ', async () => {
    // A ReportSubmitted that is not a valid event: the roll-up subscription takes it, its consumer
    // fails it on every receive, and the queue's redrive parks it after maxReceiveCount receives.
    await sns.send(
      new PublishCommand({
        TopicArn: runtime.resources.topics.incidentEvents,
        Message: JSON.stringify({ probe: 'poison' }),
        MessageAttributes: { eventType: { DataType: 'String', StringValue: 'ReportSubmitted' } },
      }),
    );
    const receive = (url: string) =>
      sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }));
    let parked: string[] = [];
    const until = Date.now() + 30_000;
    while (parked.length === 0 && Date.now() < until) {
      parked = ((await receive(runtime.resources.queues.rollup.deadLetterUrl)).Messages ?? []).map((m) => m.Body ?? '');
    }
    // Raw delivery: the DLQ holds the message itself, not an SNS envelope.
    expect(parked).toEqual([JSON.stringify({ probe: 'poison' })]);
    // The timers subscription does not take ReportSubmitted: nothing there, nor in its DLQ.
    expect((await receive(runtime.resources.queues.timers.deadLetterUrl)).Messages ?? []).toEqual([]);
  });
});
