/**
 * What wakes an operator, and what they look at when woken: an alarm on every way the pipeline
 * can fail quietly — a function erring or throttled, the API failing or slow, a deadline timer's
 * execution failing, the stream falling behind, DynamoDB throttling or failing, SNS giving up on a
 * delivery, summaries lagging, a timer lost, a hash chain broken — each telling the operators'
 * topic, and one CloudWatch dashboard with those signals beside the business metrics the handlers
 * emit (`shared/observability/metric-names.ts`). Every alarm's description is its runbook line;
 * docs/operations.md#alarms says more.
 *
 * Plain CDK rather than a monitoring construct library: the alarms are a handful of kinds whose
 * thresholds are this pipeline's own, and each needs its own runbook line (see
 * docs/dependencies.md#monitoring).
 */
import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  Stats,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type ITable, Operation } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE, type MetricName, SERVICE_NAME } from '../../shared/observability/metric-names';

/** A resource and the name its alarms and graphs go by (its construct id in the stacks). */
export interface Named<T> {
  readonly id: string;
  readonly resource: T;
}

/** What {@link PipelineMonitoring} watches. */
export interface PipelineMonitoringProps {
  /** Where every alarm tells the operators. */
  readonly alerts: ITopic;
  /** Every function: each gets an errors alarm and a throttles alarm. */
  readonly functions: readonly Named<IFunction>[];
  /** The functions a stream invokes: each gets an iterator-age alarm. */
  readonly streamConsumers: readonly Named<IFunction>[];
  readonly httpApi: IHttpApi;
  /** The escalation state machine: one execution per deadline. */
  readonly stateMachine: IStateMachine;
  /** Every table: a throttled-requests alarm and a system-errors alarm each. */
  readonly tables: readonly Named<ITable>[];
  /** The topics whose deliveries matter: a failed-deliveries alarm each. */
  readonly topics: readonly Named<ITopic>[];
}

/**
 * The DynamoDB operations the pipeline performs (the adapters' commands, and Lambda reading the
 * stream). An alarm's metric math may read at most 10 metrics, so the throttles and system errors
 * of a table are summed over these rather than over every operation DynamoDB has.
 */
const TABLE_OPERATIONS = [
  Operation.GET_ITEM,
  Operation.BATCH_GET_ITEM,
  Operation.QUERY,
  Operation.SCAN,
  Operation.PUT_ITEM,
  Operation.DELETE_ITEM,
  Operation.BATCH_WRITE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
  Operation.GET_RECORDS,
];

/** The statistics and thresholds of the alarms, in one place with their reasons. */
export const THRESHOLDS = {
  /** Lambda errors in 2 of 3 minutes: a persisting failure, not one retried blip. */
  functionErrors: { threshold: 1, periodMinutes: 1, evaluationPeriods: 3, datapointsToAlarm: 2 },
  /** Any throttle: the account's concurrency is exhausted, and requests or batches are refused. */
  functionThrottles: { threshold: 1, periodMinutes: 1, evaluationPeriods: 1, datapointsToAlarm: 1 },
  /** 5xx answers as a percentage of requests, over two 5-minute periods in a row. */
  apiServerErrorRate: { threshold: 1, periodMinutes: 5, evaluationPeriods: 2, datapointsToAlarm: 2 },
  /**
   * p99 latency in milliseconds. The verification and candidates pages are budgeted at 6 s, so the
   * threshold sits above them: past it, requests are close to the functions' 10 s timeout.
   */
  apiLatencyP99: { threshold: 8_000, periodMinutes: 5, evaluationPeriods: 2, datapointsToAlarm: 2 },
  /** Any failed, timed-out or aborted execution: a deadline left to the sweeper, without its reminder. */
  executions: { threshold: 1, periodMinutes: 5, evaluationPeriods: 1, datapointsToAlarm: 1 },
  /** The stream's oldest record a minute old, three minutes running: the fan-out is falling behind. */
  iteratorAge: { threshold: 60_000, periodMinutes: 1, evaluationPeriods: 3, datapointsToAlarm: 3 },
  /** Any throttled request on an on-demand table: a hot key, or a burst past what the table had warmed to. */
  tableThrottles: { threshold: 1, periodMinutes: 5, evaluationPeriods: 1, datapointsToAlarm: 1 },
  /** DynamoDB's own errors in two 5-minute periods in a row (the SDK retries a single one). */
  tableSystemErrors: { threshold: 1, periodMinutes: 5, evaluationPeriods: 2, datapointsToAlarm: 2 },
  /** Any delivery SNS gave up on. */
  failedDeliveries: { threshold: 1, periodMinutes: 5, evaluationPeriods: 1, datapointsToAlarm: 1 },
  /** p99 roll-up lag of a minute, two 5-minute periods in a row: offices read stale figures. */
  rollUpLagP99: { threshold: 60_000, periodMinutes: 5, evaluationPeriods: 2, datapointsToAlarm: 2 },
  /** Any lost timer: an incident of its own, whatever caught the deadline. */
  lostTimers: { threshold: 1, periodMinutes: 5, evaluationPeriods: 1, datapointsToAlarm: 1 },
  /** Any chain that did not verify: the evidence may have been altered. */
  chainVerificationFailures: { threshold: 1, periodMinutes: 5, evaluationPeriods: 1, datapointsToAlarm: 1 },
} as const;

type Threshold = (typeof THRESHOLDS)[keyof typeof THRESHOLDS];

/**
 * A table's `metricName` (ThrottledRequests or SystemErrors) summed over {@link TABLE_OPERATIONS}.
 * Like the table's own `metric…ForOperations`, but with metric ids prefixed by `key`, so that the
 * sums of several tables can share one graph.
 */
const overOperations = (
  table: ITable,
  metricName: 'ThrottledRequests' | 'SystemErrors',
  key: string,
  periodMinutes: number,
  label: string,
): MathExpression => {
  const ids = TABLE_OPERATIONS.map((operation) => `${key}${operation.toLowerCase()}`);
  return new MathExpression({
    // Each operation's metric exists only while it has something to count: filled with zeros, a
    // throttle on one operation is not lost for want of datapoints of the others.
    expression: `SUM([${ids.map((id) => `FILL(${id}, 0)`).join(', ')}])`,
    usingMetrics: Object.fromEntries(
      TABLE_OPERATIONS.map((operation, i) => [
        ids[i],
        table.metric(metricName, {
          dimensionsMap: { TableName: table.tableName, Operation: operation },
          statistic: Stats.SUM,
          period: Duration.minutes(periodMinutes),
        }),
      ]),
    ),
    label,
    period: Duration.minutes(periodMinutes),
  });
};

/** One of the pipeline's own metrics, as the handlers emit it (namespace and service dimension). */
export const pipelineMetric = (name: MetricName, statistic: string, periodMinutes = 5, label?: string): Metric =>
  new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: SERVICE_NAME },
    statistic,
    period: Duration.minutes(periodMinutes),
    ...(label ? { label } : {}),
  });

/** The alarms and the dashboard; see the module comment. */
export class PipelineMonitoring extends Construct {
  /** Every alarm made here, by construct id. */
  public readonly alarms: Readonly<Record<string, Alarm>>;
  public readonly dashboard: Dashboard;

  private readonly made: Record<string, Alarm> = {};

  constructor(scope: Construct, id: string, props: PipelineMonitoringProps) {
    super(scope, id);
    const action = new SnsAction(props.alerts);
    const alarm = (alarmId: string, metric: IMetric, limit: Threshold, description: string): Alarm => {
      const made = new Alarm(this, alarmId, {
        alarmDescription: `${description} Runbook: docs/operations.md#alarms.`,
        metric,
        threshold: limit.threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: limit.evaluationPeriods,
        datapointsToAlarm: limit.datapointsToAlarm,
        // No datapoints means nothing happened (no requests, no events), not trouble.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      made.addAlarmAction(action);
      this.made[alarmId] = made;
      return made;
    };
    const minutes = (limit: Threshold) => Duration.minutes(limit.periodMinutes);

    for (const { id: fnId, resource: fn } of props.functions) {
      alarm(
        `${fnId}Errors`,
        fn.metricErrors({ statistic: Stats.SUM, period: minutes(THRESHOLDS.functionErrors) }),
        THRESHOLDS.functionErrors,
        `${fnId} failed invocations in 2 of the last 3 minutes (an uncaught error or a timeout). Read its log group for the error, and its X-Ray traces.`,
      );
      alarm(
        `${fnId}Throttles`,
        fn.metricThrottles({ statistic: Stats.SUM, period: minutes(THRESHOLDS.functionThrottles) }),
        THRESHOLDS.functionThrottles,
        `${fnId} was throttled: the account's Lambda concurrency is exhausted, so requests were refused or batches wait. Find what consumes the concurrency; ask for a higher quota.`,
      );
    }

    const api = THRESHOLDS.apiServerErrorRate;
    alarm(
      'ApiServerErrorRate',
      new MathExpression({
        expression: 'IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)',
        usingMetrics: {
          errors: props.httpApi.metricServerError({ statistic: Stats.SUM, period: minutes(api) }),
          requests: props.httpApi.metricCount({ statistic: Stats.SUM, period: minutes(api) }),
        },
        label: '5xx answers, % of requests',
        period: minutes(api),
      }),
      api,
      'At least 1% of API requests answered 5xx for 10 minutes. The access log (ApiAccessLogs) names the routes; their functions’ logs name the error.',
    );
    alarm(
      'ApiLatencyP99',
      props.httpApi.metricLatency({ statistic: Stats.p(99), period: minutes(THRESHOLDS.apiLatencyP99) }),
      THRESHOLDS.apiLatencyP99,
      'The slowest 1% of API requests took over 8 s for 10 minutes, close to the functions’ 10 s timeout. Find the route in the access log (latencyMs); look for throttling and contention.',
    );

    const executions = THRESHOLDS.executions;
    const executionMetric = { statistic: Stats.SUM, period: minutes(executions) };
    alarm(
      'EscalationExecutionsFailed',
      props.stateMachine.metricFailed(executionMetric),
      executions,
      'A deadline timer’s execution failed: its reminder is lost and its deadline is left to the sweeper. Read the execution’s history; fix; nothing needs restarting.',
    );
    alarm(
      'EscalationExecutionsTimedOut',
      props.stateMachine.metricTimedOut(executionMetric),
      executions,
      'A deadline timer’s execution timed out: its deadline is left to the sweeper. Read the execution’s history.',
    );
    alarm(
      'EscalationExecutionsAborted',
      props.stateMachine.metricAborted(executionMetric),
      executions,
      'A deadline timer’s execution was stopped by someone: its deadline is left to the sweeper. Find who stopped it (CloudTrail StopExecution).',
    );

    for (const { id: fnId, resource: fn } of props.streamConsumers) {
      alarm(
        `${fnId}IteratorAge`,
        fn.metric('IteratorAge', { statistic: Stats.MAXIMUM, period: minutes(THRESHOLDS.iteratorAge) }),
        THRESHOLDS.iteratorAge,
        `${fnId} is over a minute behind the Incidents stream, three minutes running: timers, roll-ups and notifications wait. Look for its errors and throttles; the stream keeps records 24 hours.`,
      );
    }

    for (const { id: tableId, resource: table } of props.tables) {
      alarm(
        `${tableId}ThrottledRequests`,
        overOperations(table, 'ThrottledRequests', 't', THRESHOLDS.tableThrottles.periodMinutes, tableId),
        THRESHOLDS.tableThrottles,
        `DynamoDB throttled requests to ${tableId}. The SDK retries them; find the hot key or the burst (CloudWatch Contributor Insights).`,
      );
      alarm(
        `${tableId}SystemErrors`,
        overOperations(table, 'SystemErrors', 'e', THRESHOLDS.tableSystemErrors.periodMinutes, tableId),
        THRESHOLDS.tableSystemErrors,
        `DynamoDB answered ${tableId} with its own errors (HTTP 500) for 10 minutes. Check the AWS Health Dashboard; retried work lands in dead-letter queues.`,
      );
    }

    for (const { id: topicId, resource: topic } of props.topics) {
      alarm(
        `${topicId}FailedDeliveries`,
        topic.metricNumberOfNotificationsFailed({
          statistic: Stats.SUM,
          period: minutes(THRESHOLDS.failedDeliveries),
        }),
        THRESHOLDS.failedDeliveries,
        `SNS gave up delivering messages of ${topicId}. For the events topic a queue missed them (reconcile, and check the timers and notifications); for officers, see the delivery failure log and OfficerDeliveryDeadLetters.`,
      );
    }

    alarm(
      'RollUpLag',
      pipelineMetric(METRIC.rollUpLag, Stats.p(99), THRESHOLDS.rollUpLagP99.periodMinutes),
      THRESHOLDS.rollUpLagP99,
      'Summaries are over a minute behind the event log for 10 minutes (p99 roll-up lag). Look at the roll-up function’s errors and the rollup queue’s age; after a redrive of old events this is expected.',
    );
    alarm(
      'LostTimers',
      pipelineMetric(METRIC.lostTimers, Stats.SUM, THRESHOLDS.lostTimers.periodMinutes),
      THRESHOLDS.lostTimers,
      'The sweeper recorded a missed deadline its timer had not, well after the deadline: a timer was lost or failing, and its reminder was not sent. Look at the timers queue, its dead letters, and the state machine’s executions.',
    );
    alarm(
      'ChainVerificationFailures',
      pipelineMetric(METRIC.chainVerificationFailures, Stats.SUM, THRESHOLDS.chainVerificationFailures.periodMinutes),
      THRESHOLDS.chainVerificationFailures,
      'A hash chain did not verify: the audit trail may have been altered. Do not repair anything; run the verification to name the break, and tell the inspectors.',
    );

    this.alarms = this.made;
    this.dashboard = this.buildDashboard(props);
  }

  private buildDashboard(props: PipelineMonitoringProps): Dashboard {
    const dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
    const sum = (name: MetricName, label: string) => pipelineMetric(name, Stats.SUM, 5, label);
    const wide = { width: 12, height: 6 } as const;
    const third = { width: 8, height: 6 } as const;
    const reportsSearch = `SEARCH('{${METRICS_NAMESPACE},grade,kind,service} MetricName="${METRIC.reportsAccepted}" service="${SERVICE_NAME}"', 'Sum', 300)`;

    dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# Incident reporting pipeline\nBusiness metrics from the handlers (namespace `IncidentPipeline`), then the ' +
          'services under them. Every alarm tells the operators’ topic; what to do is in `docs/operations.md`, “Alarms”.',
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Reports accepted, by kind and grade',
        left: [new MathExpression({ expression: reportsSearch, label: '', period: Duration.minutes(5) })],
        stacked: true,
        ...wide,
      }),
      new GraphWidget({
        title: 'Deadlines',
        left: [
          sum(METRIC.deadlinesMissed, 'deadlines missed'),
          sum(METRIC.autoEscalations, 'auto-escalations'),
          sum(METRIC.lostTimers, 'lost timers'),
        ],
        ...wide,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Notifications and zero reports',
        left: [
          sum(METRIC.notificationsSent, 'notifications sent'),
          sum(METRIC.notificationsFailed, 'notifications failed'),
          sum(METRIC.zeroReportsMissed, 'zero reports missed'),
        ],
        ...third,
      }),
      new GraphWidget({
        title: 'Roll-up lag (ms, event → summaries)',
        left: [Stats.p(50), Stats.p(99), Stats.MAXIMUM].map((stat) =>
          pipelineMetric(METRIC.rollUpLag, stat, 5, `lag ${stat}`),
        ),
        leftAnnotations: [{ value: THRESHOLDS.rollUpLagP99.threshold, label: 'alarm (p99)' }],
        ...third,
      }),
      new GraphWidget({
        title: 'Chain verification failures, cold starts',
        left: [sum(METRIC.chainVerificationFailures, 'chains broken')],
        right: [
          new MathExpression({
            expression: `SEARCH('{${METRICS_NAMESPACE},function_name,service} MetricName="${METRIC.coldStart}"', 'Sum', 300)`,
            label: '',
            period: Duration.minutes(5),
          }),
        ],
        ...third,
      }),
    );

    const five = { period: Duration.minutes(5) };
    dashboard.addWidgets(
      new GraphWidget({
        title: 'API requests and errors',
        left: [props.httpApi.metricCount({ ...five, statistic: Stats.SUM, label: 'requests' })],
        right: [
          props.httpApi.metricClientError({ ...five, statistic: Stats.SUM, label: '4xx' }),
          props.httpApi.metricServerError({ ...five, statistic: Stats.SUM, label: '5xx' }),
        ],
        ...wide,
      }),
      new GraphWidget({
        title: 'API latency (ms)',
        left: [Stats.p(50), Stats.p(99)].map((stat) =>
          props.httpApi.metricLatency({ ...five, statistic: stat, label: `latency ${stat}` }),
        ),
        leftAnnotations: [{ value: THRESHOLDS.apiLatencyP99.threshold, label: 'alarm (p99)' }],
        ...wide,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Function errors',
        left: props.functions.map(({ id, resource }) =>
          resource.metricErrors({ ...five, statistic: Stats.SUM, label: id }),
        ),
        ...wide,
      }),
      new GraphWidget({
        title: 'Function throttles',
        left: props.functions.map(({ id, resource }) =>
          resource.metricThrottles({ ...five, statistic: Stats.SUM, label: id }),
        ),
        ...wide,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Deadline timers (state machine executions)',
        left: [
          props.stateMachine.metricStarted({ ...five, statistic: Stats.SUM, label: 'started' }),
          props.stateMachine.metricSucceeded({ ...five, statistic: Stats.SUM, label: 'succeeded' }),
          props.stateMachine.metricFailed({ ...five, statistic: Stats.SUM, label: 'failed' }),
          props.stateMachine.metricTimedOut({ ...five, statistic: Stats.SUM, label: 'timed out' }),
          props.stateMachine.metricAborted({ ...five, statistic: Stats.SUM, label: 'aborted' }),
        ],
        ...third,
      }),
      new GraphWidget({
        title: 'Stream iterator age (ms)',
        left: props.streamConsumers.map(({ id, resource }) =>
          resource.metric('IteratorAge', { period: Duration.minutes(1), statistic: Stats.MAXIMUM, label: id }),
        ),
        leftAnnotations: [{ value: THRESHOLDS.iteratorAge.threshold, label: 'alarm' }],
        ...third,
      }),
      new GraphWidget({
        title: 'SNS deliveries',
        left: props.topics.map(({ id, resource }) =>
          resource.metricNumberOfMessagesPublished({ ...five, statistic: Stats.SUM, label: `${id} published` }),
        ),
        right: props.topics.map(({ id, resource }) =>
          resource.metricNumberOfNotificationsFailed({ ...five, statistic: Stats.SUM, label: `${id} failed` }),
        ),
        ...third,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'DynamoDB throttled requests',
        left: props.tables.map(({ id, resource }, i) => overOperations(resource, 'ThrottledRequests', `t${i}`, 5, id)),
        ...wide,
      }),
      new GraphWidget({
        title: 'DynamoDB system errors',
        left: props.tables.map(({ id, resource }, i) => overOperations(resource, 'SystemErrors', `e${i}`, 5, id)),
        ...wide,
      }),
    );
    dashboard.addWidgets(
      new AlarmStatusWidget({
        title: 'Alarms',
        alarms: Object.values(this.made),
        width: 24,
        height: 8,
      }),
    );
    return dashboard;
  }
}
