/**
 * The pipeline's own CloudWatch metrics: their namespace, the service dimension every one of them
 * carries, their names and dimensions. Plain data, imported by the handlers' recorder
 * (`pipeline-metrics.ts`), by the alarms and dashboard (`infra/constructs/monitoring.ts`) and by
 * the local runtime's tally, so that what is emitted, what is watched and what a drill prints
 * cannot drift apart.
 */

/** The CloudWatch namespace of every metric the handlers emit. */
export const METRICS_NAMESPACE = 'IncidentPipeline';

/**
 * The Powertools service name on AWS (`POWERTOOLS_SERVICE_NAME`, set by `PipelineFunction`): every
 * metric carries it as the `service` dimension, so an alarm names it too.
 */
export const SERVICE_NAME = 'incident-pipeline';

/** The metrics, by what they count, with their CloudWatch names. */
export const METRIC = {
  /** A report accepted (not an idempotent replay), with the dimensions `kind` and `grade` as well as without. */
  reportsAccepted: 'ReportsAccepted',
  /** A `DeadlineMissed` recorded, by a timer or by the sweeper. */
  deadlinesMissed: 'DeadlinesMissed',
  /** An `AutoEscalated` recorded: a report moved past a silent office. */
  autoEscalations: 'AutoEscalations',
  /** An overdue obligation the sweeper found with no `DeadlineMissed`, well after its timer should have recorded it. */
  lostTimers: 'LostTimers',
  /** Officers' notifications sent: one per event and kind of notification, one per zero-report miss told. */
  notificationsSent: 'NotificationsSent',
  /** Notifications that failed: nobody on record to tell, or a publish that failed (retried or not). */
  notificationsFailed: 'NotificationsFailed',
  /** A unit's missed zero report recorded at the daily cut-off. */
  zeroReportsMissed: 'ZeroReportsMissed',
  /** Milliseconds from an event's time to its roll-up into the summaries, one value per event. */
  rollUpLag: 'RollUpLag',
  /** A hash chain that did not verify (an incident's audit trail read, or a page of `GET /v1/audit/verify`). */
  chainVerificationFailures: 'ChainVerificationFailures',
  /** Powertools' own: a function instance's first invocation, with the dimension `function_name`. */
  coldStart: 'ColdStart',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];
