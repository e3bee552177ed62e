/**
 * The business and technical metrics of the pipeline, recorded from what a use case answered.
 * The use cases know nothing of metrics: each handler, after its one use case call, hands the
 * typed outcome to the recorder here, which turns it into Powertools metrics (EMF lines on stdout
 * that CloudWatch makes metrics of; the flush is the handler middleware's, in `./index.ts`). The
 * parameters are structural, the few fields each count needs, so that observability depends on
 * no use case module.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC } from './metric-names';

/** What the recorder reads of a deadline task's outcome (`makeCheckDeadline`, `makeRemind`). */
export interface DeadlineTaskOutcome {
  readonly outcome: string;
  readonly escalatedTo?: unknown;
}

/** What the recorder reads of a sweep (`makeSweepDeadlines`). */
export interface SweepOutcome {
  readonly missed: number;
  readonly escalated: number;
  readonly lostTimers: number;
}

/** What the recorder reads of one event's notifications (`makeNotifyOfficers`). */
export interface NotificationOutcome {
  readonly outcome: string;
  readonly unreached?: readonly unknown[];
}

/** What the recorder reads of a zero-report check (`makeCheckZeroReports`). */
export interface ZeroReportCheckOutcome {
  readonly missed: number;
  readonly notified: number;
  readonly notifyFailures: number;
}

export type PipelineMetrics = ReturnType<typeof makePipelineMetrics>;

/** The recorder over a Powertools `Metrics`; `now` is the clock roll-up lag is measured by. */
export const makePipelineMetrics = (metrics: Metrics, now: () => number = () => Date.now()) => {
  const count = (name: string, value: number): void => {
    metrics.addMetric(name, MetricUnit.Count, value);
  };

  return {
    /**
     * A report the pipeline accepted, by its kind and its grade. An idempotent replay recorded
     * nothing new, so it counts nothing.
     */
    reportAccepted(
      kind: string,
      result: { readonly replayed: boolean; readonly response: { readonly grade: string } },
    ) {
      if (result.replayed) return;
      // Its own EMF line: the dimensions are this report's, not the invocation's. Two dimension
      // sets, so that CloudWatch keeps both the count by kind and grade and the total (the empty
      // set adds the service dimension alone).
      const single = metrics.singleMetric();
      single.addDimensions({ kind, grade: result.response.grade });
      single.addDimensions({});
      single.addMetric(METRIC.reportsAccepted, MetricUnit.Count, 1);
    },

    /** A timer's reminder or deadline check: a miss recorded now, and the escalation past the silent office. */
    deadlineTask(outcome: DeadlineTaskOutcome) {
      if (outcome.outcome !== 'missed') return;
      count(METRIC.deadlinesMissed, 1);
      if (outcome.escalatedTo !== undefined) count(METRIC.autoEscalations, 1);
    },

    /**
     * A sweep: the misses and escalations it recorded, and how many of them were lost timers.
     * Counted on every run, zeros included, so that the sweeper's minutes show in the metrics.
     */
    swept(result: SweepOutcome) {
      count(METRIC.deadlinesMissed, result.missed);
      count(METRIC.autoEscalations, result.escalated);
      count(METRIC.lostTimers, result.lostTimers);
    },

    /** One event's notifications: each kind sent, and each addressee with nobody on record. */
    notified(outcomes: readonly NotificationOutcome[]) {
      count(METRIC.notificationsSent, outcomes.filter((o) => o.outcome === 'sent').length);
      count(
        METRIC.notificationsFailed,
        outcomes.reduce((failed, o) => failed + (o.unreached?.length ?? 0), 0),
      );
    },

    /** A notification whose publish failed (the event comes back, or is dead-lettered on its last attempt). */
    notificationFailed() {
      count(METRIC.notificationsFailed, 1);
    },

    /** A zero-report check: the misses it recorded, and the county offices told of them or not. */
    zeroReportsChecked(result: ZeroReportCheckOutcome) {
      count(METRIC.zeroReportsMissed, result.missed);
      count(METRIC.notificationsSent, result.notified);
      count(METRIC.notificationsFailed, result.notifyFailures);
    },

    /**
     * Events just rolled up: for each, the time from the event to now, when the summaries hold it.
     * A redelivered event counts again, with its later lag: it too waited that long.
     */
    rolledUp(events: readonly { readonly at: string }[]) {
      const applied = now();
      for (const event of events) {
        metrics.addMetric(METRIC.rollUpLag, MetricUnit.Milliseconds, Math.max(0, applied - Date.parse(event.at)));
      }
    },

    /** Hash chains verified, of which `broken` did not hold. */
    chainsVerified(broken: number) {
      count(METRIC.chainVerificationFailures, broken);
    },
  };
};
