/**
 * An operator is woken when the pipeline breaks: every function's errors and throttles, the API's
 * 5xx rate and p99 latency, the deadline timers' failed, timed-out and aborted executions, the
 * stream's iterator age, every table's throttled requests and system errors, the topics' failed
 * deliveries, roll-up lag, lost timers and broken chains each have an alarm that tells the
 * operators' topic; and one dashboard shows them beside the business metrics, under the names the
 * handlers emit.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiFunctions } from '../../infra/api';
import { buildApp, type PipelineApp } from '../../infra/bin/build-app';
import { tables, topics } from '../../infra/resources';
import { workerFunctions } from '../../infra/workers';
import { METRIC } from '../../shared/observability/metric-names';
import { logicalIdOf } from './logical-ids';

type Json = ReturnType<Template['toJSON']>;

let pipeline: PipelineApp;
let stateless: Json;

beforeAll(() => {
  pipeline = buildApp({ context: { 'aws:cdk:bundling-stacks': [] }, nag: false, env: {} });
  stateless = Template.fromStack(pipeline.stateless).toJSON();
});

const alarms = (): [string, Json][] =>
  Object.entries<Json>(stateless.Resources).filter(([, resource]) => resource.Type === 'AWS::CloudWatch::Alarm');

/** The properties of the monitoring alarm made with construct id `id`. */
const alarm = (id: string): Json => {
  const made = pipeline.stateless.monitoring.alarms[id];
  if (!made)
    throw new Error(`no alarm ${id}; there are ${Object.keys(pipeline.stateless.monitoring.alarms).join(', ')}`);
  return stateless.Resources[logicalIdOf(made)].Properties;
};

/** Every MetricStat an alarm reads, single or in metric math. */
const metricStats = (properties: Json): Json[] =>
  properties.Metrics
    ? properties.Metrics.flatMap((query: Json) => (query.MetricStat ? [query.MetricStat] : []))
    : [
        {
          Metric: {
            MetricName: properties.MetricName,
            Namespace: properties.Namespace,
            Dimensions: properties.Dimensions,
          },
          Stat: properties.Statistic ?? properties.ExtendedStatistic,
          Period: properties.Period,
        },
      ];

const ref = (logicalId: string) => ({ Ref: logicalId });
const dimension = (properties: Json, name: string) =>
  (properties.Dimensions ?? []).find((d: Json) => d.Name === name)?.Value;

describe('monitoring alarms', () => {
  it('tell the operators’ topic, every one of them, as the dead-letter alarms do', () => {
    const streamFailures = Object.values(pipeline.stateless.streamFailureQueues)[0];
    const existing = alarms().find(([, a]) =>
      a.Properties.Dimensions?.some((d: Json) => d.Value?.['Fn::GetAtt']?.[0] === logicalIdOf(streamFailures as never)),
    );
    const operators = existing?.[1].Properties.AlarmActions;
    expect(operators).toHaveLength(1);

    const made = Object.values(pipeline.stateless.monitoring.alarms);
    expect(made.length).toBeGreaterThan(70);
    for (const a of made) {
      const properties = stateless.Resources[logicalIdOf(a)].Properties;
      expect(properties.AlarmActions, a.node.id).toEqual(operators);
      expect(properties.TreatMissingData, a.node.id).toBe('notBreaching');
      expect(properties.AlarmDescription, a.node.id).toMatch(/Runbook: docs\/operations\.md#alarms\.$/);
    }
  });

  it.each([
    ...Object.values(apiFunctions).map((def) => [def.id, 'api'] as const),
    ...Object.values(workerFunctions).map((def) => [def.id, 'worker'] as const),
  ])('watch %s (%s) for errors in 2 of 3 minutes and for any throttle', (id) => {
    const fn = pipeline.stateless.node.findChild(id);

    const errors = alarm(`${id}Errors`);
    const throttles = alarm(`${id}Throttles`);

    expect(errors).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Period: 60,
      Threshold: 1,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(dimension(errors, 'FunctionName')).toEqual(ref(logicalIdOf(fn)));
    expect(throttles).toMatchObject({ MetricName: 'Throttles', Statistic: 'Sum', Threshold: 1, EvaluationPeriods: 1 });
    expect(dimension(throttles, 'FunctionName')).toEqual(ref(logicalIdOf(fn)));
  });

  it('watch the API’s 5xx rate and its p99 latency', () => {
    const apiId = ref(logicalIdOf(pipeline.stateless.httpApi));

    const rate = alarm('ApiServerErrorRate');
    const latency = alarm('ApiLatencyP99');

    expect(rate).toMatchObject({ Threshold: 1, EvaluationPeriods: 2, DatapointsToAlarm: 2 });
    expect(rate.Metrics.find((q: Json) => q.ReturnData !== false).Expression).toBe(
      'IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)',
    );
    expect(metricStats(rate).map((s) => [s.Metric.MetricName, s.Stat, s.Period])).toEqual(
      expect.arrayContaining([
        ['5xx', 'Sum', 300],
        ['Count', 'Sum', 300],
      ]),
    );
    for (const stat of metricStats(rate)) {
      expect(stat.Metric.Dimensions).toEqual([{ Name: 'ApiId', Value: apiId }]);
    }
    expect(latency).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Threshold: 8_000,
      Dimensions: [{ Name: 'ApiId', Value: apiId }],
    });
  });

  it.each([
    ['EscalationExecutionsFailed', 'ExecutionsFailed'],
    ['EscalationExecutionsTimedOut', 'ExecutionsTimedOut'],
    ['EscalationExecutionsAborted', 'ExecutionsAborted'],
  ])('%s fires on the first of the escalation state machine’s %s', (id, metric) => {
    const properties = alarm(id);

    expect(properties).toMatchObject({ Namespace: 'AWS/States', MetricName: metric, Statistic: 'Sum', Threshold: 1 });
    expect(dimension(properties, 'StateMachineArn')).toEqual(ref(logicalIdOf(pipeline.stateless.escalation)));
  });

  it('watch the stream consumer’s iterator age', () => {
    const properties = alarm('PublishEventsFunctionIteratorAge');

    expect(properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Statistic: 'Maximum',
      Threshold: 60_000,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
    expect(dimension(properties, 'FunctionName')).toEqual(
      ref(logicalIdOf(pipeline.stateless.workerFunctions.publishEvents)),
    );
  });

  it.each(Object.values(tables).map((def) => [def.id]))(
    'watch %s for throttled requests and system errors, within CloudWatch’s 10 metrics per alarm',
    (id) => {
      for (const [suffix, metric] of [
        ['ThrottledRequests', 'ThrottledRequests'],
        ['SystemErrors', 'SystemErrors'],
      ]) {
        const stats = metricStats(alarm(`${id}${suffix}`));
        expect(stats.length).toBeGreaterThan(1);
        expect(stats.length).toBeLessThanOrEqual(10);
        for (const stat of stats) {
          expect(stat.Metric).toMatchObject({ Namespace: 'AWS/DynamoDB', MetricName: metric });
          expect(stat.Metric.Dimensions).toContainEqual({ Name: 'Operation', Value: expect.any(String) });
        }
        const expression = alarm(`${id}${suffix}`).Metrics.find((q: Json) => q.Expression).Expression;
        expect(expression).toMatch(/^SUM\(\[FILL\(\w+, 0\)(, FILL\(\w+, 0\))+\]\)$/);
        const operations = stats.map(
          (s) => s.Metric.Dimensions.find((d: Json) => d.Name === 'Operation').Value as string,
        );
        expect(operations).toEqual(expect.arrayContaining(['PutItem', 'TransactWriteItems', 'Query', 'GetRecords']));
      }
    },
  );

  it.each(Object.values(topics).map((def) => [def.id]))('watch %s for deliveries SNS gave up on', (id) => {
    expect(alarm(`${id}FailedDeliveries`)).toMatchObject({
      Namespace: 'AWS/SNS',
      MetricName: 'NumberOfNotificationsFailed',
      Statistic: 'Sum',
      Threshold: 1,
    });
  });

  it.each([
    ['RollUpLag', METRIC.rollUpLag, { ExtendedStatistic: 'p99', Threshold: 60_000 }],
    ['LostTimers', METRIC.lostTimers, { Statistic: 'Sum', Threshold: 1 }],
    ['ChainVerificationFailures', METRIC.chainVerificationFailures, { Statistic: 'Sum', Threshold: 1 }],
  ])('%s reads the handlers’ %s metric, under the service the functions run as', (id, metric, expected) => {
    expect(alarm(id)).toMatchObject({
      Namespace: 'IncidentPipeline',
      MetricName: metric,
      Dimensions: [{ Name: 'service', Value: 'incident-pipeline' }],
      ...expected,
    });
    // The functions name the same service, so their metrics carry the dimension the alarm reads.
    const fn = stateless.Resources[logicalIdOf(pipeline.stateless.workerFunctions.sweepDeadlines)];
    expect(fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME).toBe('incident-pipeline');
  });
});

describe('the dashboard', () => {
  const body = (): string => {
    const dashboards = Object.values<Json>(stateless.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    return JSON.stringify(dashboards[0]?.Properties.DashboardBody);
  };

  it('graphs every business metric the handlers emit', () => {
    const text = body();
    for (const name of Object.values(METRIC)) expect(text, name).toContain(name);
    expect(text).toContain('IncidentPipeline');
  });

  it('graphs the services under them, and shows every alarm’s state', () => {
    const text = body();
    for (const metric of ['5xx', 'Latency', 'ExecutionsFailed', 'IteratorAge', 'ThrottledRequests', 'SystemErrors']) {
      expect(text, metric).toContain(`"${metric}\\"`);
    }
    expect(text).toContain('NumberOfNotificationsFailed');
    for (const a of Object.values(pipeline.stateless.monitoring.alarms)) {
      expect(text, a.node.id).toContain(logicalIdOf(a));
    }
  });
});
