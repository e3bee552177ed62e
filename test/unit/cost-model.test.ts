/**
 * The cost model of `npm run cost`: each service priced from the counts `bench:pipeline` saves,
 * per million accepted reports, and charged to the stage that caused it.
 */
import { describe, expect, it } from 'vitest';
import { costModel, LOG_BYTES_PER_INVOCATION, MEMORY_GB, TRANSITIONS_PER_TIMER } from '../bench/cost-model';
import type { PipelineCounts } from '../bench/pipeline';
import { PRICES } from '../bench/prices';

/** Ten reports: one intake transaction each, a roll-up whose DynamoDB Local units are below the floor, two timers. */
const counts: PipelineCounts = {
  measuredAt: '2026-12-05T10:00:00.000Z',
  mix: { reports: 8, rate: 10, province: '420000' },
  accepted: { initial: 8, 'follow-up': 1, final: 1 },
  forwards: { 'on-time': 2, late: 0, silent: 0 },
  apiRequests: 12,
  eventsByType: { ReportSubmitted: 10, ObligationOpened: 2 },
  tally: {
    writes: [
      {
        fn: 'submitReport',
        table: 'Incidents',
        kind: 'INC/HEAD',
        items: 10,
        units: 60,
        indexUnits: 40,
        floorUnits: 20,
      },
      { fn: 'rollUp', table: 'Summaries', kind: 'APPLIED', items: 10, units: 1, indexUnits: 0, floorUnits: 20 },
    ],
    refusals: [],
    invocations: [{ fn: 'submitReport', count: 10, ms: 2_000 }],
    reads: [{ fn: 'notifyOfficers', calls: 20, units: 30 }],
  },
};

const cost = (service: string, stage: string) =>
  costModel(counts, PRICES).lines.find((l) => l.service === service && l.stage === stage)?.perMillion ?? 0;

describe('the cost model', () => {
  it('prices DynamoDB writes by stage, at no less than DynamoDB would bill', () => {
    // 60 units for 10 reports, and the markers' floor of 2 units an item, not the 1 reported.
    expect(cost('DynamoDB writes', 'intake')).toBeCloseTo(6e6 * PRICES.dynamodbWriteUnit.price);
    expect(cost('DynamoDB writes', 'roll-up markers')).toBeCloseTo(2e6 * PRICES.dynamodbWriteUnit.price);
  });

  it('prices read units by the stage of the function that read', () => {
    expect(cost('DynamoDB reads', 'notifications')).toBeCloseTo(3e6 * PRICES.dynamodbReadUnit.price);
  });

  it('prices invocations, their duration at the configured memory, and their logs', () => {
    const perReport = PRICES.lambdaRequest.price + 0.2 * MEMORY_GB * PRICES.lambdaGbSecond.price;
    expect(cost('Lambda', 'intake')).toBeCloseTo(1e6 * perReport);
    expect(cost('CloudWatch Logs', 'intake')).toBeCloseTo(
      (1e6 * LOG_BYTES_PER_INVOCATION * PRICES.logsGb.price) / 1024 ** 3,
    );
  });

  it('bills a stated duration instead of the measured one when asked', () => {
    const model = costModel(counts, PRICES, { msPerInvocation: 100 });
    const lambda = model.lines.find((l) => l.service === 'Lambda')?.perMillion;
    expect(lambda).toBeCloseTo(1e6 * (PRICES.lambdaRequest.price + 0.1 * MEMORY_GB * PRICES.lambdaGbSecond.price));
  });

  it('derives publishes, queue requests and state transitions from the events in the log', () => {
    expect(cost('SNS', 'fan-out')).toBeCloseTo(1.2e6 * PRICES.snsPublish.price);
    // The roll-up hears ReportSubmitted, and ObligationOpened for the punctuality counters; the
    // timers ObligationOpened; notifications both.
    expect(cost('SQS', 'roll-up summaries')).toBeCloseTo(1.2e6 * 3 * PRICES.sqsRequest.price);
    expect(cost('SQS', 'timers and escalation')).toBeCloseTo(0.2e6 * 3 * PRICES.sqsRequest.price);
    expect(cost('SQS', 'notifications')).toBeCloseTo(1.2e6 * 3 * PRICES.sqsRequest.price);
    expect(cost('Step Functions', 'timers and escalation')).toBeCloseTo(
      0.2e6 * TRANSITIONS_PER_TIMER * PRICES.stateTransition.price,
    );
    expect(cost('API Gateway', 'all')).toBeCloseTo(1.2e6 * PRICES.apiRequest.price);
  });

  it('prices the officer messages as counted: a publish per person told, the e-mails, each message in both officer queues', () => {
    // 30 people told, 20 of them with an e-mail address; 25 SMS went through the provider (not priced here).
    const told = { ...counts, officerMessages: { published: 30, sms: 25, email: 20 } };
    const line = (service: string, stage: string) =>
      costModel(told, PRICES)
        .lines.filter((l) => l.service === service && l.stage === stage)
        .reduce((n, l) => n + l.perMillion, 0);

    expect(line('SNS', 'notifications')).toBeCloseTo(
      3e6 * PRICES.snsPublish.price + 2e6 * PRICES.snsEmailDelivery.price,
    );
    // The notify queue's 1.2 messages a report, and the inbox's 3.
    expect(line('SQS', 'notifications')).toBeCloseTo((1.2e6 + 3e6) * 3 * PRICES.sqsRequest.price);
    expect(line('SQS', 'SMS delivery')).toBeCloseTo(3e6 * 3 * PRICES.sqsRequest.price);
  });

  it('counts one publish per NotificationSent from counts saved before the messages were counted', () => {
    const before = { ...counts, eventsByType: { ...counts.eventsByType, NotificationSent: 4 } };
    const sns = costModel(before, PRICES).lines.filter((l) => l.service === 'SNS' && l.stage === 'notifications');
    expect(sns.reduce((n, l) => n + l.perMillion, 0)).toBeCloseTo(0.4e6 * PRICES.snsPublish.price);
  });

  it('adds up to the same total by service and by stage', () => {
    const model = costModel(counts, PRICES);
    const sum = (map: ReadonlyMap<unknown, number>) => [...map.values()].reduce((a, b) => a + b, 0);
    expect(model.reports).toBe(10);
    expect(sum(model.byService)).toBeCloseTo(model.total);
    expect(sum(model.byStage)).toBeCloseTo(model.total);
  });
});
