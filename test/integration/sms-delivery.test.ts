/**
 * Officers' SMS through the provider that delivers in mainland China: the SMS worker hears the
 * officer-notifications topic through its queue, sends through the stand-in provider (signed
 * requests, its message id back), and records the message id and receipt in the incident's log.
 * The provider's delivery report follows, pulled on a schedule and recorded beside it: delivered,
 * or failed for a number the network cannot reach. A number the provider refuses is tried again
 * and finally parked in the SMS dead-letter queue, never silently dropped.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import { makeDynamoOfficerDirectory } from '../../shared/adapters/dynamodb/officer-directory';
import { systemClock } from '../../shared/adapters/system';
import { makeImportOfficers } from '../../shared/application/officers';
import { directoryRows } from '../../shared/schemas/officers';
import { call, initialReport, startTestRuntime, type TestRuntime, tokenFor } from './support';

const config = { region: LOCAL_REGION, credentials: localCredentials };
/** Dongcheng's duty officers, one on duty at any hour, each with a phone. */
const directory = {
  officers: [
    { office: '110101', personId: 'P-LI', name: '李主任', roles: ['first-responsible'], email: 'li@dc.example.cn' },
    {
      office: '110101',
      personId: 'P-WANG',
      name: '王副主任',
      roles: ['directly-responsible'],
      email: 'w@dc.example.cn',
    },
    { office: '110101', personId: 'P-ZHAO', name: '赵值班', roles: ['duty-officer'], sms: '+8613800000002' },
    { office: '110101', personId: 'P-QIAN', name: '钱值班', roles: ['duty-officer'], sms: '+8613800000003' },
  ],
  roster: [
    { office: '110101', personId: 'P-ZHAO', from: '08:00', to: '20:00' },
    { office: '110101', personId: 'P-QIAN', from: '20:00', to: '08:00' },
  ],
};

let runtime: TestRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime();
  const client = makeDocumentClient(new DynamoDBClient({ ...config, endpoint: runtime.endpoints.dynamodb }));
  await makeImportOfficers({
    directory: makeDynamoOfficerDirectory({ client, table: runtime.resources.tables.officers }),
    clock: systemClock,
  })(directoryRows(JSON.stringify(directory), 'json').rows);
});

afterAll(async () => {
  await runtime?.close();
});

const report = async (): Promise<string> => {
  const reporter = await tokenFor(runtime, { sub: 'u1', role: 'reporter', region: '110101', unit: 'U-1' });
  const created = await call(runtime, 'POST', '/v1/reports', { token: reporter, body: initialReport('110101', 'U-1') });
  expect(created.status, created.text).toBe(201);
  return (created.body as { incidentId: string }).incidentId;
};

type LoggedEvent = { type: string; data: Record<string, unknown> };
const logOf = async (incidentId: string): Promise<LoggedEvent[]> => {
  const inspector = await tokenFor(runtime, { sub: 'insp', role: 'inspector', region: '110000' });
  const audit = await call(runtime, 'GET', `/v1/incidents/${incidentId}/audit`, { token: inspector });
  return (audit.body as { events: LoggedEvent[] }).events;
};

const eventually = async <T>(find: () => Promise<T | undefined>, ms: number): Promise<T | undefined> => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const found = await find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return undefined;
};

describe('SMS to duty officers through the provider', () => {
  it('sends the report-arrived SMS to the officer on duty and records the provider’s message id and receipt', async () => {
    const incidentId = await report();

    const sent = await eventually(async () => runtime.sms.sent().find((sms) => sms.params[1] === incidentId), 20_000);
    const delivered = await eventually(
      async () => (await logOf(incidentId)).find((event) => event.type === 'SmsDelivered'),
      10_000,
    );

    expect(sent).toMatchObject({ signName: '应急管理', params: ['新报告待处理', incidentId, expect.any(String)] });
    expect(['+8613800000002', '+8613800000003']).toContain(sent?.phone);
    expect(delivered?.data).toMatchObject({
      kind: 'report-arrived',
      office: '110101',
      role: 'duty-officer',
      provider: 'tencent-cloud',
      providerMessageId: sent?.serialNo,
      receipt: { code: 'Ok', description: 'send success' },
    });
    // Sent once, though the worker hears every notification of the topic.
    expect(runtime.sms.sent().filter((sms) => sms.params[1] === incidentId)).toHaveLength(1);

    // The handset's delivery, as the provider reports it later, recorded once beside the sending.
    const reported = await eventually(
      async () => (await logOf(incidentId)).find((event) => event.type === 'SmsDeliveryReported'),
      15_000,
    );
    expect(reported?.data).toMatchObject({
      key: `sms-report:${sent?.serialNo}`,
      provider: 'tencent-cloud',
      providerMessageId: sent?.serialNo,
      status: 'delivered',
      code: 'DELIVRD',
      reportedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect((await logOf(incidentId)).filter((event) => event.type === 'SmsDeliveryReported')).toHaveLength(1);
  });

  it('records the failure the provider reports for an SMS that never reached an unreachable number', async () => {
    for (const phone of ['+8613800000002', '+8613800000003']) runtime.sms.unreachable(phone);
    const incidentId = await report();

    const failed = await eventually(
      async () => (await logOf(incidentId)).find((event) => event.type === 'SmsDeliveryReported'),
      30_000,
    );
    const sent = runtime.sms.sent().find((sms) => sms.params[1] === incidentId);

    expect(failed?.data).toMatchObject({ providerMessageId: sent?.serialNo, status: 'failed', code: 'MK:0001' });
  });

  it('retries a number the provider refuses, then parks the notification in the SMS dead-letter queue', async () => {
    for (const phone of ['+8613800000002', '+8613800000003']) runtime.sms.refuse(phone);
    const incidentId = await report();

    const sqs = new SQSClient({ ...config, endpoint: runtime.endpoints.messaging });
    const parked = await eventually(async () => {
      const received = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: runtime.resources.queues.officerSms.deadLetterUrl, WaitTimeSeconds: 1 }),
      );
      return received.Messages?.find((m) => (m.Body ?? '').includes(incidentId));
    }, 40_000);
    sqs.destroy();

    expect(parked, 'the refused SMS is parked, not dropped').toBeDefined();
    expect(runtime.sms.sent().filter((sms) => sms.params[1] === incidentId)).toEqual([]);
    expect((await logOf(incidentId)).some((event) => event.type === 'SmsDelivered')).toBe(false);
  });
});
