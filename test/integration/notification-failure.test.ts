/**
 * When notifications cannot be published: each failed attempt is recorded in the incident's log
 * as NotificationFailed (to be retried), the message comes back, and on the last receive the
 * queue allows the failure is recorded as final before the message is parked in the notification
 * DLQ — never silently dropped, and the log never ends on a retry that will not come.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import { makeDynamoOfficerDirectory } from '../../shared/adapters/dynamodb/officer-directory';
import { systemClock } from '../../shared/adapters/system';
import { makeImportOfficers } from '../../shared/application/officers';
import { directoryRows } from '../../shared/schemas/officers';
import { call, initialReport, startTestRuntime, type TestRuntime, tokenFor } from './support';

let runtime: TestRuntime;
const config = { region: LOCAL_REGION, credentials: localCredentials };

beforeAll(async () => {
  runtime = await startTestRuntime();
  const client = makeDocumentClient(new DynamoDBClient({ ...config, endpoint: runtime.endpoints.dynamodb }));
  const file = fileURLToPath(new URL('../fixtures/officers/dongcheng.json', import.meta.url));
  await makeImportOfficers({
    directory: makeDynamoOfficerDirectory({ client, table: runtime.resources.tables.officers }),
    clock: systemClock,
  })(directoryRows(readFileSync(file, 'utf8'), 'json').rows);
});

afterAll(async () => {
  await runtime?.close();
});

it('records every failed publish and parks the event in the DLQ after its receives', async () => {
  // Break delivery: the officer-notifications topic is gone.
  const sns = new SNSClient({ ...config, endpoint: runtime.endpoints.messaging });
  await sns.send(new DeleteTopicCommand({ TopicArn: runtime.resources.topics.officerNotifications }));
  sns.destroy();

  const reporter = await tokenFor(runtime, { sub: 'u1', role: 'reporter', region: '110101', unit: 'U-1' });
  const inspector = await tokenFor(runtime, { sub: 'insp', role: 'inspector', region: '110000' });
  const created = await call(runtime, 'POST', '/v1/reports', { token: reporter, body: initialReport('110101', 'U-1') });
  const { incidentId } = created.body as { incidentId: string };

  const sqs = new SQSClient({ ...config, endpoint: runtime.endpoints.messaging });
  let parked: string[] = [];
  const until = Date.now() + 40_000;
  while (parked.length === 0 && Date.now() < until) {
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: runtime.resources.queues.notify.deadLetterUrl, WaitTimeSeconds: 1 }),
    );
    parked = (received.Messages ?? []).map((m) => m.Body ?? '');
  }
  sqs.destroy();
  expect(parked.map((body) => (JSON.parse(body) as { incidentId: string; type: string }).type)).toEqual([
    'ObligationOpened',
  ]);
  expect((JSON.parse(parked[0] ?? '{}') as { incidentId: string }).incidentId).toBe(incidentId);

  const audit = await call(runtime, 'GET', `/v1/incidents/${incidentId}/audit`, { token: inspector });
  const events = (audit.body as { events: { type: string; data: { willRetry?: boolean; kind?: string } }[] }).events;
  const failures = events.filter((e) => e.type === 'NotificationFailed');
  // One record per attempt (the queue allows five receives): four to be retried, then the last,
  // recorded as final because the queue parks the event after it.
  expect(failures.map((f) => [f.data.kind, f.data.willRetry])).toEqual([
    ['report-arrived', true],
    ['report-arrived', true],
    ['report-arrived', true],
    ['report-arrived', true],
    ['report-arrived', false],
  ]);
  expect(failures.at(-1)?.data).toMatchObject({
    reason: expect.stringContaining('the event is parked in the notification dead-letter queue'),
  });
  expect(events.at(-1)?.type).toBe('NotificationFailed');
  expect(events.some((e) => e.type === 'NotificationSent')).toBe(false);
});
