/**
 * The local runtime's minute line: the EMF lines the handlers print are taken off stdout (and
 * nothing else is), added up, and told in one short line — reports by kind and grade, deadlines
 * missed, roll-up lag, and whatever else happened.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  describeWindow,
  emptyWindow,
  type MetricsTally,
  startMetricsTally,
  tallyDocument,
} from '../../infra/local/metrics-tally';
import { METRICS_NAMESPACE } from '../../shared/observability/metric-names';
import { makePipelineMetrics } from '../../shared/observability/pipeline-metrics';

const NOW = Date.parse('2026-11-22T01:00:00.000Z');
let metrics: Metrics;
let tally: MetricsTally | undefined;

beforeAll(() => {
  // The suite disables metrics; these tests read them (a single metric reads the setting when made).
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'incident-pipeline-local' });
});

afterAll(() => {
  vi.unstubAllEnvs();
});

afterEach(() => {
  tally?.stop();
  vi.restoreAllMocks();
});

describe('the local metrics tally', () => {
  it('adds up what the handlers print, keeps it off the console, and lets every other line through', () => {
    // PREPARE: what reaches the real stdout while the tally runs.
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stdout.write);
    tally = startMetricsTally({ everyMs: 60_000, print: () => undefined });
    const recorder = makePipelineMetrics(metrics, () => NOW);

    // ACT: a drill's minute, flushed as the handlers' middleware flushes it.
    recorder.reportAccepted('initial', { replayed: false, response: { grade: 'III' } });
    recorder.reportAccepted('follow-up', { replayed: false, response: { grade: 'III' } });
    recorder.reportAccepted('initial', { replayed: false, response: { grade: 'IV' } });
    recorder.deadlineTask({ outcome: 'missed', escalatedTo: { level: 'city', office: '110100' } });
    recorder.swept({ missed: 1, escalated: 0, lostTimers: 1 });
    recorder.rolledUp([
      { at: new Date(NOW - 1_200).toISOString() },
      { at: new Date(NOW - 800).toISOString() },
      { at: new Date(NOW - 3_000).toISOString() },
    ]);
    recorder.notified([{ outcome: 'sent' }, { outcome: 'nobody', unreached: [{}] }]);
    metrics.publishStoredMetrics();
    process.stdout.write('14:02:03 POST /v1/reports 201\n');
    const line = tally.report();

    // ASSESS
    expect(line).toBe(
      'metrics, last minute: reports 3 (follow-up 1, initial 2; grade III 2, grade IV 1) · deadlines missed 2 · ' +
        'roll-up lag p50 1.2 s, max 3.0 s (3 events) · auto-escalations 1 · LOST TIMERS 1 · notifications sent 1 · ' +
        'notifications failed 1',
    );
    expect(written).toEqual(['14:02:03 POST /v1/reports 201\n']);
    // A new minute starts from nothing.
    expect(tally.report()).toBe(
      'metrics, last minute: reports 0 · deadlines missed 0 · roll-up lag – (nothing rolled up)',
    );
  });

  it('prints its line through `print` every interval, and gives stdout back when stopped', async () => {
    // PREPARE
    const lines: string[] = [];
    const before = process.stdout.write;
    tally = startMetricsTally({ everyMs: 20, print: (line) => lines.push(line) });

    // ACT
    await vi.waitFor(() => expect(lines.length).toBeGreaterThan(0));
    tally.stop();

    // ASSESS
    expect(lines[0]).toMatch(/^metrics, last minute: reports 0 · deadlines missed 0/);
    expect(process.stdout.write).toBe(before);
  });

  it('counts only the pipeline’s namespace', () => {
    // PREPARE
    const window = emptyWindow();

    // ACT
    tallyDocument(window, {
      _aws: { CloudWatchMetrics: [{ Namespace: 'SomethingElse', Metrics: [{ Name: 'DeadlinesMissed' }] }] },
      DeadlinesMissed: 5,
    });

    // ASSESS
    expect(describeWindow(window)).toBe(
      'metrics, last minute: reports 0 · deadlines missed 0 · roll-up lag – (nothing rolled up)',
    );
  });
});
