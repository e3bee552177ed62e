/**
 * Roll-up summaries on the local runtime (DynamoDB Local, fauxqs, the stream and queue pollers),
 * over HTTP with real tokens: reports from two counties of 武汉 reach the city's summary exactly,
 * follow-ups move figures and grade buckets by their deltas, redelivered events change nothing, a
 * poison message is parked without holding up the rest of its batch, and reconciliation finds and
 * repairs a tampered summary.
 *
 * The tests share one runtime and run in order: each waits until its own events are applied, so
 * when reconciliation runs every event in the log is in the summaries. The poison and transaction
 * tests come after it because they add events that are not in the incident log, and the poller's
 * burst test comes last.
 *
 * The runtime runs in this process, so faking `Date` here moves the clock its handlers read: the
 * tests run at midday in China, and every incident falls on the same China day whenever they run.
 */
import { DynamoDBClient, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import { makeDynamoIncidentStore } from '../../shared/adapters/dynamodb/incident-store';
import { makeDynamoSummaryStore } from '../../shared/adapters/dynamodb/summary-store';
import { policyByName } from '../../shared/adapters/policy-source';
import { eventAttributes } from '../../shared/adapters/sns/event-publisher';
import { randomIds, systemClock } from '../../shared/adapters/system';
import { type makeReadSummary, makeReconcile, makeRollUpEvents } from '../../shared/application/roll-up';
import { makeSubmitReport } from '../../shared/application/submit-report';
import type { IncidentEvent } from '../../shared/domain/incident';
import { chainOf, childrenOf, NATIONAL } from '../../shared/domain/regions/regions';
import { incidentDay, isRolledUp } from '../../shared/domain/rollup';
import { incidentEventSchema } from '../../shared/schemas/events';
import { makeReportBodySchema } from '../../shared/schemas/report';
import { InMemoryIncidentStore } from '../fakes/in-memory-incident-store';
import { call, initialReport, startTestRuntime, type TestRuntime, tokenFor } from './support';

type Summary = Awaited<ReturnType<ReturnType<typeof makeReadSummary>>>;

interface ErrorBody {
  error: { code: string; message: string };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Midday in China on 10 March 2031, when the tests start: hours from either midnight. */
const START = new Date('2031-03-10T04:00:00.000Z');
/** The China day of every incident here. */
const DAY = '2031-03-10';

/** The calendar day in China (UTC+8) of an instant. */
const chinaDay = (at: Date): string => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

const casualties = (dead: number, injured: number, missing: number) => ({ dead, injured, missing, trapped: 0 });

/** A zero in every named figure: what the API shows for a figure nothing has added to. */
const ZERO = {
  incidents: 0,
  open: 0,
  closed: 0,
  dead: 0,
  injured: 0,
  missing: 0,
  affectedPeople: 0,
  directLossYuan: 0,
  lateReports: 0,
  missedReports: 0,
};

/**
 * Real events of one initial report, made by the real use case over an in-memory log: events the
 * roll-up consumer has never seen and the runtime's incident log does not hold.
 */
const eventsOfAReport = async (regionCode: string, changes: Record<string, unknown>): Promise<IncidentEvent[]> => {
  const incidents = new InMemoryIncidentStore();
  const submit = makeSubmitReport({ incidents, clock: systemClock, ids: randomIds, policy: policyByName('national') });
  const report = makeReportBodySchema().parse(initialReport(regionCode, 'U-9', changes));
  const { response } = await submit({
    actor: { sub: `unit-${regionCode}`, role: 'reporter', region: regionCode, unit: 'U-9' },
    report,
  });
  return [...incidents.eventsOf(response.incidentId)];
};

describe('roll-up summaries on the local runtime', () => {
  let runtime: TestRuntime;
  let dynamodb: DynamoDBClient;
  let sns: SNSClient;
  let sqs: SQSClient;
  let reporterJiangan: string;
  let reporterWuchang: string;
  let reporterBeijing: string;
  let wuhan: string;
  let hubei: string;
  let huangshi: string;
  let beijing: string;
  let shenzhen: string;
  /** Everything received from the roll-up DLQ so far (a received message stays hidden a while). */
  const parked: string[] = [];

  /** The two incidents of 武汉 the tests follow: A in 江岸区, B in 武昌区. */
  let incidentA = '';
  let incidentB = '';

  const submit = async (token: string, body: unknown): Promise<string> => {
    const answer = await call(runtime, 'POST', '/v1/reports', { token, body });
    expect(answer.status, answer.text).toBe(201);
    return (answer.body as { incidentId: string }).incidentId;
  };

  const summary = async (region: string, token: string): Promise<Summary> => {
    const answer = await call(runtime, 'GET', `/v1/summaries/${region}`, { token });
    expect(answer.status, answer.text).toBe(200);
    return answer.body as Summary;
  };

  /** Polls a summary until `done` holds, as an office refreshing its dashboard would. */
  const waitForSummary = async (
    region: string,
    token: string,
    done: (s: Summary) => boolean,
    timeoutMs = 20_000,
  ): Promise<Summary> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const s = await summary(region, token);
      if (done(s)) return s;
      if (Date.now() > until)
        throw new Error(`summary of ${region} not reached in ${timeoutMs} ms: ${JSON.stringify(s)}`);
      await sleep(200);
    }
  };

  const rolledUpEventsOf = async (incidentId: string): Promise<IncidentEvent[]> => {
    const answer = await call(runtime, 'GET', `/v1/incidents/${incidentId}/audit`, { token: wuhan });
    expect(answer.status, answer.text).toBe(200);
    const { events } = answer.body as { events: unknown[] };
    return events.map((e) => incidentEventSchema.parse(e)).filter(isRolledUp);
  };

  /** Publishes messages to the incident-events topic as the stream consumer does (ten per call). */
  const publish = async (messages: readonly { body: string; event: IncidentEvent }[]) => {
    for (let i = 0; i < messages.length; i += 10) {
      const result = await sns.send(
        new PublishBatchCommand({
          TopicArn: runtime.resources.topics.incidentEvents,
          PublishBatchRequestEntries: messages.slice(i, i + 10).map(({ body, event }, index) => ({
            Id: String(index),
            Message: body,
            MessageAttributes: eventAttributes(event),
          })),
        }),
      );
      expect(result.Failed ?? []).toStrictEqual([]);
    }
  };

  /** Waits until the roll-up queue holds nothing, visible or in flight, twice in a row. */
  const waitForRollupQueueDrained = async (timeoutMs = 20_000) => {
    const until = Date.now() + timeoutMs;
    let quiet = 0;
    while (quiet < 2) {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: runtime.resources.queues.rollup.url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      const left =
        Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
      quiet = left === 0 ? quiet + 1 : 0;
      if (Date.now() > until) throw new Error(`the roll-up queue still holds ${left} messages`);
      await sleep(300);
    }
  };

  /** Receives from the roll-up DLQ until `body` is there. */
  const waitForParked = async (body: string, timeoutMs = 40_000) => {
    const until = Date.now() + timeoutMs;
    while (!parked.includes(body)) {
      if (Date.now() > until) throw new Error(`not parked in ${timeoutMs} ms; the DLQ holds ${parked.length} messages`);
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: runtime.resources.queues.rollup.deadLetterUrl,
          WaitTimeSeconds: 1,
          MaxNumberOfMessages: 10,
        }),
      );
      parked.push(...(received.Messages ?? []).map((m) => m.Body ?? ''));
    }
  };

  /** Every summary item in the table, as stored (counters, write counts). */
  const storedItems = async () => {
    const result = await dynamodb.send(
      new ScanCommand({ TableName: runtime.resources.tables.summaries, ConsistentRead: true }),
    );
    return (result.Items ?? [])
      .map((item) => unmarshall(item))
      .filter((item) => String(item.pk).startsWith('SUM#'))
      .sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
  };

  const realAdapters = () => {
    const client = makeDocumentClient(dynamodb);
    return {
      incidents: makeDynamoIncidentStore({ client, incidentsTable: runtime.resources.tables.incidents }),
      summaries: makeDynamoSummaryStore({ client, table: runtime.resources.tables.summaries }),
    };
  };

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true, now: START });
    // The poison tests need a message parked, not five redeliveries of it first: one retry, then
    // the dead-letter queue (valid events of a batch are applied on their first delivery).
    runtime = await startTestRuntime('national', { maxReceiveCount: 2 });
    const config = { region: LOCAL_REGION, credentials: localCredentials };
    dynamodb = new DynamoDBClient({ ...config, endpoint: runtime.endpoints.dynamodb });
    sns = new SNSClient({ ...config, endpoint: runtime.endpoints.messaging });
    sqs = new SQSClient({ ...config, endpoint: runtime.endpoints.messaging });
    reporterJiangan = await tokenFor(runtime, { sub: 'u-jiangan', role: 'reporter', region: '420102', unit: 'U-1' });
    reporterWuchang = await tokenFor(runtime, { sub: 'u-wuchang', role: 'reporter', region: '420106', unit: 'U-2' });
    reporterBeijing = await tokenFor(runtime, { sub: 'u-dongcheng', role: 'reporter', region: '110101', unit: 'U-3' });
    wuhan = await tokenFor(runtime, { sub: 'wuhan', role: 'office', region: '420100', level: 'city' });
    hubei = await tokenFor(runtime, { sub: 'hubei', role: 'office', region: '420000', level: 'province' });
    huangshi = await tokenFor(runtime, { sub: 'huangshi', role: 'office', region: '420200', level: 'city' });
    beijing = await tokenFor(runtime, { sub: 'beijing', role: 'office', region: '110100', level: 'city' });
    shenzhen = await tokenFor(runtime, { sub: 'shenzhen', role: 'office', region: '440300', level: 'city' });
  });

  afterAll(async () => {
    for (const client of [dynamodb, sns, sqs]) client?.destroy();
    await runtime?.close();
    vi.useRealTimers();
  });

  it('rolls reports from two counties up into the city: totals, the incident’s China day, children, category × grade', async () => {
    const dayBefore = chinaDay(new Date());
    incidentA = await submit(
      reporterJiangan,
      initialReport('420102', 'U-1', { casualties: casualties(1, 2, 1), affectedPeople: 120, directLossYuan: 500_000 }),
    );
    // 12 injured reach grade III (without a count of the seriously injured, all injured count).
    incidentB = await submit(
      reporterWuchang,
      initialReport('420106', 'U-2', {
        casualties: casualties(0, 12, 0),
        affectedPeople: 300,
        directLossYuan: 2_000_000,
      }),
    );

    const dayAfter = chinaDay(new Date());
    const city = await waitForSummary('420100', wuhan, (s) => s.totals.incidents === 2);

    const totals = {
      ...ZERO,
      incidents: 2,
      open: 2,
      dead: 1,
      injured: 14,
      missing: 1,
      affectedPeople: 420,
      directLossYuan: 2_500_000,
      byCategoryGrade: { accident: { IV: 1, III: 1 } },
    };
    expect(city.totals).toStrictEqual(totals);
    expect(city).toMatchObject({ region: '420100', name: '武汉市', level: 'city' });
    // Both incidents count on the China day their ids carry: the clock's, at midday.
    expect([dayBefore, dayAfter]).toStrictEqual([DAY, DAY]);
    expect([incidentA, incidentB].map(incidentDay)).toStrictEqual([DAY, DAY]);
    expect(city.days).toStrictEqual([{ day: DAY, ...totals }]);
    expect(city.children).toStrictEqual([
      {
        region: '420102',
        name: '江岸区',
        level: 'county',
        ...ZERO,
        incidents: 1,
        open: 1,
        dead: 1,
        injured: 2,
        missing: 1,
        affectedPeople: 120,
        directLossYuan: 500_000,
        byCategoryGrade: { accident: { IV: 1 } },
      },
      {
        region: '420106',
        name: '武昌区',
        level: 'county',
        ...ZERO,
        incidents: 1,
        open: 1,
        injured: 12,
        affectedPeople: 300,
        directLossYuan: 2_000_000,
        byCategoryGrade: { accident: { III: 1 } },
      },
    ]);
    // The province sees the same figures, in total and as its city's.
    const province = await summary('420000', hubei);
    expect(province.totals).toStrictEqual(totals);
    expect(province.children).toStrictEqual([{ region: '420100', name: '武汉市', level: 'city', ...totals }]);
  });

  it('a follow-up changes the figures by exactly its delta and a raised grade moves the incident between buckets', async () => {
    // 4 dead and 1 missing reach grade III: the incident leaves IV for III.
    await submit(
      reporterJiangan,
      initialReport('420102', 'U-1', {
        kind: 'follow-up',
        incidentId: incidentA,
        casualties: casualties(4, 3, 1),
        affectedPeople: 150,
        directLossYuan: 800_000,
      }),
    );

    const city = await waitForSummary(
      '420100',
      wuhan,
      (s) => s.totals.dead === 4 && s.totals.byCategoryGrade.accident?.III === 2,
    );

    expect(city.totals).toStrictEqual({
      ...ZERO,
      incidents: 2,
      open: 2,
      dead: 4,
      injured: 15,
      missing: 1,
      affectedPeople: 450,
      directLossYuan: 2_800_000,
      byCategoryGrade: { accident: { III: 2 } },
    });
    expect(city.children.find((c) => c.region === '420102')).toMatchObject({
      dead: 4,
      injured: 3,
      affectedPeople: 150,
      directLossYuan: 800_000,
      byCategoryGrade: { accident: { III: 1 } },
    });
  });

  it('a final report moves the incident from open to closed', async () => {
    await submit(
      reporterWuchang,
      initialReport('420106', 'U-2', {
        kind: 'final',
        incidentId: incidentB,
        casualties: casualties(0, 10, 0),
        affectedPeople: 300,
        directLossYuan: 2_100_000,
      }),
    );

    const city = await waitForSummary('420100', wuhan, (s) => s.totals.closed === 1);

    expect(city.totals).toStrictEqual({
      ...ZERO,
      incidents: 2,
      open: 1,
      closed: 1,
      dead: 4,
      injured: 13,
      missing: 1,
      affectedPeople: 450,
      directLossYuan: 2_900_000,
      byCategoryGrade: { accident: { III: 2 } },
    });
    expect(city.children.find((c) => c.region === '420106')).toMatchObject({ incidents: 1, open: 0, closed: 1 });
  });

  it('a redelivered event changes no summary and writes no item', async () => {
    await waitForRollupQueueDrained();
    const events = [...(await rolledUpEventsOf(incidentA)), ...(await rolledUpEventsOf(incidentB))];
    expect(events.map((e) => e.type).sort()).toStrictEqual([
      'GradeAssessed',
      'IncidentClosed',
      'ReportSubmitted',
      'ReportSubmitted',
      'ReportSubmitted',
      'ReportSubmitted',
    ]);
    const before = {
      city: await summary('420100', wuhan),
      province: await summary('420000', hubei),
      items: await storedItems(),
    };
    expect(before.items.length).toBeGreaterThan(0);

    // The same event JSON, with the attributes the publisher gives it. fauxqs enqueues on publish,
    // so once the queue is empty the consumer has received and deleted every redelivery.
    await publish(events.map((event) => ({ body: JSON.stringify(event), event })));
    await waitForRollupQueueDrained();

    expect(await summary('420100', wuhan)).toStrictEqual(before.city);
    expect(await summary('420000', hubei)).toStrictEqual(before.province);
    // Not even the write counts or update times moved: every redelivery was skipped.
    expect(await storedItems()).toStrictEqual(before.items);
  });

  it('answers 403 to an office of another city and to a reporter, 404 to an unknown region', async () => {
    const otherCity = await call(runtime, 'GET', '/v1/summaries/420100', { token: huangshi });
    const reporter = await call(runtime, 'GET', '/v1/summaries/420100', { token: reporterJiangan });
    const unknown = await call(runtime, 'GET', '/v1/summaries/999999', { token: hubei });

    expect(otherCity.status).toBe(403);
    expect((otherCity.body as ErrorBody).error.code).toBe('forbidden');
    expect(reporter.status).toBe(403);
    expect((reporter.body as ErrorBody).error.code).toBe('forbidden');
    expect(unknown.status).toBe(404);
    // The city's own office still reads it.
    expect((await call(runtime, 'GET', '/v1/summaries/420100', { token: wuhan })).status).toBe(200);
  });

  it('reconciliation (npm run reconcile) finds exactly a tampered counter and repairs it with fix', async () => {
    await waitForRollupQueueDrained();
    const reconcile = makeReconcile(realAdapters());
    expect((await reconcile({ fix: false })).differences).toStrictEqual([]);

    await dynamodb.send(
      new UpdateItemCommand({
        TableName: runtime.resources.tables.summaries,
        Key: { pk: { S: 'SUM#420100' }, sk: { S: incidentDay(incidentA) } },
        UpdateExpression: 'SET #dead = :dead',
        ExpressionAttributeNames: { '#dead': 'c.dead' },
        ExpressionAttributeValues: { ':dead': { N: '999' } },
      }),
    );
    expect((await summary('420100', wuhan)).totals.dead).toBe(999);

    const found = await reconcile({ fix: false });

    expect(found.differences).toStrictEqual([
      { key: { region: '420100', period: incidentDay(incidentA) }, counter: 'dead', stored: 999, recomputed: 4 },
    ]);
    expect(found).toMatchObject({ incidents: 2, fixed: 0 });
    expect((await summary('420100', wuhan)).totals.dead).toBe(999);

    const fixed = await reconcile({ fix: true });

    expect(fixed).toMatchObject({ fixed: 1, differences: found.differences });
    expect((await summary('420100', wuhan)).totals).toMatchObject({ dead: 4, incidents: 2, closed: 1 });
    expect((await reconcile({ fix: false })).differences).toStrictEqual([]);
  });

  it('parks a message that is not an event in the DLQ and applies the valid events of its batch', async () => {
    // 4 dead against a proposed IV: a ReportSubmitted and a GradeAssessed IV → III.
    const valid = (
      await eventsOfAReport('440305', { grade: 'IV', casualties: casualties(4, 0, 0), affectedPeople: 9 })
    ).filter(isRolledUp);
    expect(valid.map((e) => e.type)).toStrictEqual(['ReportSubmitted', 'GradeAssessed']);
    const [first] = valid;
    if (!first) throw new Error('no event');
    const poison = JSON.stringify(first).slice(0, 60);

    await publish([
      { body: JSON.stringify(valid[0]), event: first },
      { body: poison, event: first },
      ...valid.slice(1).map((event) => ({ body: JSON.stringify(event), event })),
    ]);
    await waitForParked(poison);

    const city = await waitForSummary('440300', shenzhen, (s) => s.totals.incidents === 1, 5_000);
    expect(city.totals).toStrictEqual({
      ...ZERO,
      incidents: 1,
      open: 1,
      dead: 4,
      affectedPeople: 9,
      directLossYuan: 500_000,
      byCategoryGrade: { accident: { III: 1 } },
    });
    expect(parked.filter((body) => valid.some((e) => body === JSON.stringify(e)))).toStrictEqual([]);
  });

  it('parks an event the roll-up cannot use (a ReportSubmitted without its delta) alone, not with its whole batch', async () => {
    // The consumer checks only the envelope of an event (incidentEventSchema); countersOf then
    // throws on the missing `data.delta` inside makeRollUpEvents, which fails the whole batch.
    const valid = (await eventsOfAReport('440306', { casualties: casualties(0, 5, 0), affectedPeople: 7 })).filter(
      isRolledUp,
    );
    const [first] = valid;
    if (first?.type !== 'ReportSubmitted') throw new Error('no report');
    // Another event id, or the consumer would take it for a duplicate of the valid one.
    const poisonEvent = {
      ...first,
      incidentId: first.incidentId.replace(/-[0-9A-Z]{8}$/, '-P0150N00'),
      data: { kind: 'initial' },
    };
    const poison = JSON.stringify(poisonEvent);

    await publish([
      { body: JSON.stringify(first), event: first },
      { body: poison, event: first },
    ]);
    await waitForParked(poison);

    const city = await waitForSummary('440300', shenzhen, (s) => s.totals.incidents >= 2, 3_000).catch(
      (error: unknown) => error,
    );
    expect(parked, 'the valid event of the batch was parked with the poison').not.toContain(JSON.stringify(first));
    expect(city).toMatchObject({ totals: { incidents: 2, injured: 5, affectedPeople: 9 + 7 } });
  });

  it('applies a chunk of 20 events from 20 provinces within one DynamoDB transaction (at most 100 operations)', async () => {
    // The worst chunk: nothing shared, so 20 markers and 20 × (county, city, province) day items.
    // DynamoDB Local refuses more than 100 operations ("Member must have length less than or
    // equal to 100"), as it did here when every region also had a `total` item (before 25cfc2d).
    const counties = childrenOf(NATIONAL)
      .flatMap((province) => {
        const city = childrenOf(province.code).find((r) => r.level === 'city' && childrenOf(r.code).length > 0);
        const county = city ? childrenOf(city.code)[0] : undefined;
        return county ? [county.code] : [];
      })
      .slice(0, 20);
    const provinces = counties.map((c) => chainOf(c).province.code);
    expect(new Set(provinces).size).toBe(20);
    const events = (await Promise.all(counties.map((c) => eventsOfAReport(c, {})))).flatMap((e) =>
      e.filter(isRolledUp),
    );
    expect(events).toHaveLength(20);
    const national = await tokenFor(runtime, { sub: 'national', role: 'inspector', region: NATIONAL });
    const incidentsBy = (s: Summary) => Object.fromEntries(s.children.map((c) => [c.region, c.incidents]));
    const before = incidentsBy(await summary(NATIONAL, national));

    const result = await makeRollUpEvents({ summaries: realAdapters().summaries })(events).catch(
      (error: unknown) => error,
    );

    expect(result).toStrictEqual({ applied: 20, skipped: 0, writes: 60 });
    const after = incidentsBy(await summary(NATIONAL, national));
    expect(after).toStrictEqual({
      ...before,
      ...Object.fromEntries(provinces.map((p) => [p, (before[p] ?? 0) + 1])),
    });
  });

  it('the local roll-up poller survives a burst of more than ten messages in one batching window', async () => {
    // The poller used to delete a whole batch (up to batchSize = 100 for the roll-up queue) in one
    // DeleteMessageBatch, which SQS caps at ten entries; the refusal escaped the poller's loop and
    // the roll-up consumer stopped for good (fixed in 50679c2). Redeliveries are harmless in
    // themselves, so twelve of them must leave the pipeline working.
    await waitForRollupQueueDrained();
    const events = [...(await rolledUpEventsOf(incidentA)), ...(await rolledUpEventsOf(incidentB))];
    await publish([...events, ...events].map((event) => ({ body: JSON.stringify(event), event })));

    await submit(reporterBeijing, initialReport('110101', 'U-3'));

    const beijingCity = await waitForSummary('110100', beijing, (s) => s.totals.incidents === 1, 15_000).catch(
      (error: unknown) => error,
    );
    expect(beijingCity).toMatchObject({ totals: { incidents: 1 } });
  });
});
