/**
 * The recorder the handlers hand their use cases' outcomes to: what each outcome becomes in the
 * EMF lines Powertools prints, read back as CloudWatch would read them (namespace, metric names,
 * units, dimension sets, values).
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { METRIC, METRICS_NAMESPACE } from '../../shared/observability/metric-names';
import { makePipelineMetrics, type PipelineMetrics } from '../../shared/observability/pipeline-metrics';
import { captureEmf, metricValues } from '../fakes/emf';

const NOW = Date.parse('2026-11-22T01:00:00.000Z');

let metrics: Metrics;
let recorder: PipelineMetrics;

beforeAll(() => {
  // The suite disables metrics; these tests read them.
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'incident-pipeline' });
  recorder = makePipelineMetrics(metrics, () => NOW);
});

afterAll(() => {
  vi.unstubAllEnvs();
});

/** The EMF lines `record` leads to, flushed as the handler middleware flushes them. */
const emitted = (record: () => void) =>
  captureEmf(() => {
    record();
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  });

describe('the pipeline’s metrics', () => {
  it('count an accepted report by kind and grade, and in total; a replay counts nothing', async () => {
    // ACT
    const documents = await emitted(() => {
      recorder.reportAccepted('initial', { replayed: false, response: { grade: 'III' } });
      recorder.reportAccepted('initial', { replayed: true, response: { grade: 'III' } });
    });

    // ASSESS: one line of its own, filed under both dimension sets.
    expect(documents).toHaveLength(1);
    expect(documents[0]?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'IncidentPipeline',
        Dimensions: [['service', 'kind', 'grade'], ['service']],
        Metrics: [{ Name: 'ReportsAccepted', Unit: 'Count' }],
      },
    ]);
    expect(documents[0]).toMatchObject({
      service: 'incident-pipeline',
      kind: 'initial',
      grade: 'III',
      ReportsAccepted: 1,
    });
  });

  it('count a deadline a timer found missed, and the escalation past the silent office', async () => {
    // ACT
    const documents = await emitted(() => {
      recorder.deadlineTask({ outcome: 'missed', escalatedTo: { level: 'city', office: '110100' } });
      recorder.deadlineTask({ outcome: 'missed' });
      recorder.deadlineTask({ outcome: 'met' });
      recorder.deadlineTask({ outcome: 'warned' });
    });

    // ASSESS
    expect(metricValues(documents)).toEqual({
      [METRIC.deadlinesMissed]: { values: [1, 1], dimensions: [['service=incident-pipeline']], unit: 'Count' },
      [METRIC.autoEscalations]: { values: [1], dimensions: [['service=incident-pipeline']], unit: 'Count' },
    });
  });

  it('count what a sweep recorded, lost timers apart, zeros included', async () => {
    // ACT
    const documents = await emitted(() => recorder.swept({ missed: 3, escalated: 2, lostTimers: 1 }));
    const idle = await emitted(() => recorder.swept({ missed: 0, escalated: 0, lostTimers: 0 }));

    // ASSESS
    const values = (docs: typeof documents) =>
      Object.fromEntries(Object.entries(metricValues(docs)).map(([name, m]) => [name, m.values]));
    expect(values(documents)).toEqual({ DeadlinesMissed: [3], AutoEscalations: [2], LostTimers: [1] });
    expect(values(idle)).toEqual({ DeadlinesMissed: [0], AutoEscalations: [0], LostTimers: [0] });
  });

  it('count notifications sent and failed, from an event’s outcomes, a failed publish and a zero-report check', async () => {
    // ACT
    const documents = await emitted(() => {
      recorder.notified([
        { outcome: 'sent' },
        { outcome: 'sent', unreached: [{ office: '110101', role: 'duty-officer' }] },
        { outcome: 'nobody', unreached: [{}, {}] },
        { outcome: 'skipped' },
      ]);
      recorder.notificationFailed();
      recorder.zeroReportsChecked({ missed: 4, notified: 3, notifyFailures: 1 });
    });

    // ASSESS: 2 + 3 sent; 3 unreached + 1 failed publish + 1 failed zero-report notice.
    const values = metricValues(documents);
    expect(values[METRIC.notificationsSent]?.values.reduce((a, b) => a + b)).toBe(5);
    expect(values[METRIC.notificationsFailed]?.values.reduce((a, b) => a + b)).toBe(5);
    expect(values[METRIC.zeroReportsMissed]?.values).toEqual([4]);
  });

  it('record each rolled-up event’s lag from its time to now, in milliseconds', async () => {
    // ACT
    const documents = await emitted(() =>
      recorder.rolledUp([
        { at: new Date(NOW - 1_500).toISOString() },
        { at: new Date(NOW - 250).toISOString() },
        // A clock ahead of ours is no negative lag.
        { at: new Date(NOW + 50).toISOString() },
      ]),
    );

    // ASSESS: one metric with every value, as CloudWatch takes an EMF array.
    expect(metricValues(documents)).toEqual({
      RollUpLag: { values: [1_500, 250, 0], dimensions: [['service=incident-pipeline']], unit: 'Milliseconds' },
    });
  });

  it('count the chains that did not verify', async () => {
    const documents = await emitted(() => {
      recorder.chainsVerified(0);
      recorder.chainsVerified(2);
    });

    expect(metricValues(documents)[METRIC.chainVerificationFailures]?.values).toEqual([0, 2]);
  });
});
