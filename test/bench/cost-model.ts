/**
 * The cost model of `npm run cost`: what a million accepted reports cost on AWS at list prices
 * (prices.ts), from the counts `bench:pipeline` measured (write units, function invocations and
 * their durations, events in the log, API requests), by service and by stage.
 *
 * Read units are measured too (by function); DynamoDB Streams reads by Lambda are free. So are the
 * officer messages (officer-messages.ts): one publish per person told, and the e-mails SNS
 * delivers of them. Counts saved before those were measured count one publish per
 * `NotificationSent` and no e-mail. The SMS go through the provider that delivers in mainland
 * China, priced by it and not here.
 *
 * What was not measured is derived, and says so:
 * - SNS: the stream consumer publishes each event of the log once (PublishBatch of one);
 * - SQS: each event a queue's filter lets through is one message, sent, received and deleted
 *   (three requests; receives and deletes are batched on AWS, so this is an upper bound), and so
 *   is each officer message in each queue subscribed to the officer-notifications topic;
 * - Step Functions: one execution per obligation timer started (`ObligationOpened`,
 *   `DeadlineShortened`), entering the {@link TRANSITIONS_PER_TIMER} states of the path to a
 *   deadline (HasReminder, WaitForReminder, Remind, WaitForDeadline, Check, Outcome, Done); one
 *   stopped because the duty was met enters fewer, so this is an upper bound;
 * - CloudWatch: {@link LOG_BYTES_PER_INVOCATION} of logs and EMF metrics per invocation;
 * - Lambda durations are as measured locally, on one machine with Java beside them (a loaded one
 *   overstates them many times): `msPerInvocation` bills a stated duration instead; memory is
 *   every function's configured 512 MB.
 */
import { subscriptions } from '../../infra/resources';
import type { PipelineCounts } from './pipeline';
import type { Prices } from './prices';
import { billedUnits, type Stage, stageOf } from './stages';

export const TRANSITIONS_PER_TIMER = 7;
export const LOG_BYTES_PER_INVOCATION = 1_024;
export const MEMORY_GB = 512 / 1024;

/** Events that start a timer execution (the timers queue hears these; start-timers starts one each). */
const TIMER_STARTS = ['ObligationOpened', 'DeadlineShortened'];

export type Service =
  | 'API Gateway'
  | 'Lambda'
  | 'DynamoDB writes'
  | 'DynamoDB reads'
  | 'Step Functions'
  | 'SNS'
  | 'SQS'
  | 'CloudWatch Logs';

export interface CostLine {
  readonly service: Service;
  readonly stage: Stage | 'all';
  /** US dollars per million accepted reports. */
  readonly perMillion: number;
}

export interface CostModel {
  readonly reports: number;
  readonly lines: readonly CostLine[];
  readonly byService: ReadonlyMap<Service, number>;
  readonly byStage: ReadonlyMap<Stage | 'all', number>;
  readonly total: number;
}

const sumInto = <K>(map: Map<K, number>, key: K, value: number) => map.set(key, (map.get(key) ?? 0) + value);

export const costModel = (
  counts: PipelineCounts,
  prices: Prices,
  options: {
    /** Bill every invocation this long instead of as measured (the local durations are a loaded machine's). */
    readonly msPerInvocation?: number;
  } = {},
): CostModel => {
  const reports = counts.accepted.initial + counts.accepted['follow-up'] + counts.accepted.final;
  const perMillion = (total: number) => (total / reports) * 1e6;
  const lines: CostLine[] = [];
  const add = (service: Service, stage: Stage | 'all', total: number) => {
    if (total > 0) lines.push({ service, stage, perMillion: perMillion(total) });
  };

  add('API Gateway', 'all', counts.apiRequests * prices.apiRequest.price);
  for (const w of counts.tally.writes)
    add('DynamoDB writes', stageOf(w), billedUnits(w) * prices.dynamodbWriteUnit.price);
  // Counts saved before reads were counted have none.
  for (const r of counts.tally.reads ?? []) {
    add('DynamoDB reads', stageOf({ fn: r.fn, table: '', kind: '' }), r.units * prices.dynamodbReadUnit.price);
  }
  for (const i of counts.tally.invocations) {
    const stage = stageOf({ fn: i.fn, table: '', kind: '' });
    const ms = options.msPerInvocation === undefined ? i.ms : i.count * options.msPerInvocation;
    add('Lambda', stage, i.count * prices.lambdaRequest.price + (ms / 1000) * MEMORY_GB * prices.lambdaGbSecond.price);
    add('CloudWatch Logs', stage, ((i.count * LOG_BYTES_PER_INVOCATION) / 1024 ** 3) * prices.logsGb.price);
  }
  const events = counts.eventsByType;
  const eventCount = Object.values(events).reduce((n, c) => n + c, 0);
  add('SNS', 'fan-out', eventCount * prices.snsPublish.price);
  const told = counts.officerMessages ?? { published: events.NotificationSent ?? 0, sms: 0, email: 0 };
  add('SNS', 'notifications', told.published * prices.snsPublish.price);
  add('SNS', 'notifications', told.email * prices.snsEmailDelivery.price);
  for (const s of subscriptions) {
    if (s.topic === 'officerNotifications') {
      // Every officer message reaches every queue subscribed to the topic (no filter).
      add(
        'SQS',
        s.queue === 'officerSms' ? 'SMS delivery' : 'notifications',
        told.published * 3 * prices.sqsRequest.price,
      );
      continue;
    }
    const heard = Object.entries(events)
      .filter(([type]) => s.filterPolicy?.eventType?.includes(type) ?? true)
      .reduce((n, [, c]) => n + c, 0);
    const stage: Stage =
      s.queue === 'rollup' ? 'roll-up summaries' : s.queue === 'notify' ? 'notifications' : 'timers and escalation';
    add('SQS', stage, heard * 3 * prices.sqsRequest.price);
  }
  const timers = TIMER_STARTS.reduce((n, type) => n + (events[type] ?? 0), 0);
  add('Step Functions', 'timers and escalation', timers * TRANSITIONS_PER_TIMER * prices.stateTransition.price);

  const byService = new Map<Service, number>();
  const byStage = new Map<Stage | 'all', number>();
  for (const line of lines) {
    sumInto(byService, line.service, line.perMillion);
    sumInto(byStage, line.stage, line.perMillion);
  }
  return { reports, lines, byService, byStage, total: lines.reduce((n, l) => n + l.perMillion, 0) };
};
