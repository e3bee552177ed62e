/**
 * The functions that are not behind the API: the stream consumer, the queue consumers, the
 * escalation state machine's task and the scheduled sweeper. Read by the CDK stateless stack
 * (functions, event sources, schedule, grants) and by the local runtime (pollers and intervals
 * that call the same handlers with AWS-shaped events).
 */
import type { FunctionDef } from './api';
import type { QueueName, TableName, TopicName } from './resources';

export type WorkerSource =
  /** Invoked by the table's stream (DynamoDB event source mapping). */
  | { readonly kind: 'stream'; readonly table: TableName; readonly batchSize: number }
  /**
   * Invoked by a queue (SQS event source mapping), reporting partial batch failures; with a
   * batching window, messages are gathered for up to that long to fill a batch.
   */
  | {
      readonly kind: 'queue';
      readonly queue: QueueName;
      readonly batchSize: number;
      readonly batchingWindowSeconds?: number;
    }
  /** Invoked on a schedule. */
  | { readonly kind: 'schedule'; readonly everyMinutes: number }
  /** Invoked by the escalation state machine's tasks. */
  | { readonly kind: 'state-machine' }
  /** Invoked by an operator (e.g. `aws lambda invoke`), never automatically. */
  | { readonly kind: 'on-demand' };

export interface WorkerDef extends FunctionDef {
  readonly source: WorkerSource;
  /** Starts escalation timers (StartExecution on the state machine). */
  readonly startsTimers?: boolean;
  /**
   * Manages the subscriptions of these topics: subscribes endpoints, unsubscribes them, lists them
   * and reads their filters. It may not publish to them (that is `publishes`).
   */
  readonly managesSubscriptions?: readonly TopicName[];
  /**
   * Is told who sends officers' SMS (`OFFICER_SMS_CHANNEL`): SNS through phone subscriptions, or
   * the SMS worker through the provider (infra/deployment.ts).
   */
  readonly smsChannel?: true;
}

export const workerFunctions = {
  publishEvents: {
    id: 'PublishEventsFunction',
    entry: 'functions/publish-events/handler.ts',
    source: { kind: 'stream', table: 'incidents', batchSize: 100 },
    publishes: ['incidentEvents'],
  },
  startTimers: {
    id: 'StartTimersFunction',
    entry: 'functions/start-timers/handler.ts',
    source: { kind: 'queue', queue: 'timers', batchSize: 10 },
    startsTimers: true,
  },
  obligationTimer: {
    id: 'ObligationTimerFunction',
    entry: 'functions/obligation-timer/handler.ts',
    source: { kind: 'state-machine' },
    tables: { incidents: 'append' },
  },
  sweepDeadlines: {
    id: 'SweepDeadlinesFunction',
    entry: 'functions/sweep-deadlines/handler.ts',
    source: { kind: 'schedule', everyMinutes: 1 },
    tables: { incidents: 'append' },
  },
  notifyOfficers: {
    id: 'NotifyOfficersFunction',
    entry: 'functions/notify-officers/handler.ts',
    source: { kind: 'queue', queue: 'notify', batchSize: 10 },
    tables: { incidents: 'append', officers: 'read' },
    publishes: ['officerNotifications'],
  },
  rollUp: {
    id: 'RollUpFunction',
    entry: 'functions/roll-up/handler.ts',
    // A burst fills batches of 100 within the window, so a province's summary is written a few
    // times per hundred reports instead of once per report.
    source: { kind: 'queue', queue: 'rollup', batchSize: 100, batchingWindowSeconds: 1 },
    tables: { summaries: 'readWrite' },
  },
  reconcile: {
    id: 'ReconcileFunction',
    entry: 'functions/reconcile/handler.ts',
    source: { kind: 'on-demand' },
    tables: { incidents: 'read', summaries: 'readWrite' },
  },
  // Rewrites incident heads from their logs where the stored item differs (heads from before the
  // boards' index keys); each head a conditional Put on its version, as an append writes it.
  migrateHeads: {
    id: 'MigrateHeadsFunction',
    entry: 'functions/migrate-heads/handler.ts',
    source: { kind: 'on-demand' },
    tables: { incidents: 'append' },
  },
  // At each duty period's daily cut-off: a missed-report event for every unit that has not filed,
  // and its county office told.
  checkZeroReports: {
    id: 'CheckZeroReportsFunction',
    entry: 'functions/check-zero-reports/handler.ts',
    source: { kind: 'schedule', everyMinutes: 1 },
    tables: { zeroReports: 'append', officers: 'read' },
    publishes: ['officerNotifications'],
  },
  // Officer notifications sent by SMS through the provider that delivers in mainland China, with
  // its message id and receipt recorded in the incident's log (OFFICER_SMS_CHANNEL says whether
  // this worker or SNS sends the SMS).
  deliverSms: {
    id: 'DeliverSmsFunction',
    entry: 'functions/deliver-sms/handler.ts',
    source: { kind: 'queue', queue: 'officerSms', batchSize: 10 },
    tables: { incidents: 'append', officers: 'read' },
    smsChannel: true,
  },
  // The provider's delivery reports of those SMS, pulled and recorded in the incidents' logs: whether
  // each officer's phone received its SMS.
  recordSmsReports: {
    id: 'RecordSmsReportsFunction',
    entry: 'functions/record-sms-reports/handler.ts',
    source: { kind: 'schedule', everyMinutes: 1 },
    tables: { incidents: 'append' },
    smsChannel: true,
  },
  // An operator loads the officer directory file; the officers' delivery subscriptions follow it.
  importOfficers: {
    id: 'ImportOfficersFunction',
    entry: 'functions/import-officers/handler.ts',
    source: { kind: 'on-demand' },
    tables: { officers: 'readWrite' },
    managesSubscriptions: ['officerNotifications'],
    smsChannel: true,
  },
} as const satisfies Record<string, WorkerDef>;

export type WorkerName = keyof typeof workerFunctions;
