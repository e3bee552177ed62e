/**
 * The one description of every stateful resource: tables, stream, topics, queues, dead-letter
 * queues, subscriptions and buckets. The CDK stateful stack builds AWS resources from it and the local
 * runtime builds the same resources in DynamoDB Local and fauxqs from it, so the two cannot drift;
 * `test/infra/resources.test.ts` checks the synthesised template against it.
 *
 * Plain data only: nothing here imports the CDK or an SDK.
 */
import type { EventType } from '../shared/domain/events';

export type AttributeType = 'S' | 'N';

export interface KeyDef {
  readonly name: string;
  readonly type: AttributeType;
}

export interface IndexDef {
  readonly name: string;
  readonly partitionKey: KeyDef;
  readonly sortKey?: KeyDef;
  /** Only these are used: ALL keeps reads on the index self-sufficient. */
  readonly projection: 'ALL' | 'KEYS_ONLY';
}

export interface TableDef {
  /** Construct id on AWS; the physical name is generated there. */
  readonly id: string;
  /** Table name in DynamoDB Local. */
  readonly localName: string;
  /** Environment variable that carries the table name to a function. */
  readonly env: string;
  readonly partitionKey: KeyDef;
  readonly sortKey?: KeyDef;
  readonly stream?: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY' | 'OLD_IMAGE';
  readonly timeToLiveAttribute?: string;
  readonly globalIndexes: readonly IndexDef[];
}

export interface QueueDef {
  readonly id: string;
  readonly localName: string;
  /** Environment variable that carries the queue URL to a function. */
  readonly env: string;
  /**
   * At least six times the consumer's timeout plus its batching window (AWS's advice for SQS event
   * sources), so a message is never handed to two consumers at once, even across retries.
   */
  readonly visibilityTimeoutSeconds: number;
  readonly deadLetter: {
    readonly id: string;
    readonly localName: string;
    /** Receives before a message is parked in the DLQ. */
    readonly maxReceiveCount: number;
  };
}

export interface TopicDef {
  readonly id: string;
  readonly localName: string;
  /** Environment variable that carries the topic ARN to a function. */
  readonly env: string;
}

/** An SNS filter policy on message attributes: each attribute must equal one of the values. */
export type FilterPolicy = Readonly<Record<string, readonly string[]>>;

export interface SubscriptionDef {
  readonly topic: TopicName;
  readonly queue: QueueName;
  readonly rawMessageDelivery: boolean;
  readonly filterPolicy?: FilterPolicy;
}

const S = (name: string): KeyDef => ({ name, type: 'S' });

export const tables = {
  incidents: {
    id: 'IncidentsTable',
    localName: 'Incidents',
    env: 'INCIDENTS_TABLE',
    // One partition per incident: the head item (current state, version and obligations) and its
    // events, so an append and the head update fit in one transaction.
    partitionKey: S('pk'),
    sortKey: S('sk'),
    // Events are immutable, so the new image is all the fan-out ever needs.
    stream: 'NEW_IMAGE',
    globalIndexes: [
      { name: 'byCounty', partitionKey: S('countyCode'), sortKey: S('listKey'), projection: 'ALL' },
      { name: 'byCity', partitionKey: S('cityCode'), sortKey: S('listKey'), projection: 'ALL' },
      { name: 'byProvince', partitionKey: S('provinceCode'), sortKey: S('listKey'), projection: 'ALL' },
      // Sparse: only the heads of incidents with a pending obligation carry `openShard`, so the
      // deadline sweeper reads exactly the work it may have to do, earliest deadline first.
      { name: 'openObligations', partitionKey: S('openShard'), sortKey: S('nextDueAt'), projection: 'ALL' },
      // The duty desks' boards: `BOARD#<province>` or `OFF#<province>` by `<updatedAt>#<id>`, so a
      // desk polls for what changed since its last read instead of reading the province again.
      { name: 'board', partitionKey: S('boardKey'), sortKey: S('changeKey'), projection: 'ALL' },
    ],
  },
  summaries: {
    id: 'SummariesTable',
    localName: 'Summaries',
    env: 'SUMMARIES_TABLE',
    partitionKey: S('pk'),
    sortKey: S('sk'),
    globalIndexes: [],
  },
  accessLog: {
    id: 'AccessLogTable',
    localName: 'AccessLog',
    env: 'ACCESS_LOG_TABLE',
    // `DENIED#<province>` / `<time>#<id>`: refused requests, filed by province for inspectors.
    partitionKey: S('pk'),
    sortKey: S('sk'),
    globalIndexes: [],
  },
  officers: {
    id: 'OfficersTable',
    localName: 'Officers',
    env: 'OFFICERS_TABLE',
    // `OFFICE#<code>` / `AS_OF#<effectiveAt>`: each version of an office's responsible persons and
    // duty roster (items `OFFICER#<person>` and `SHIFT#<person>#<from>` from before the directory
    // kept history are read as its first), read together when a notification is addressed; and the registry
    // of reporting units (`UNITS#<county>` / `UNIT#<unit>`), who owe zero reports in a duty period,
    // and where each unit id is registered (`UNIT#<unit>` / `COUNTY`).
    partitionKey: S('pk'),
    sortKey: S('sk'),
    globalIndexes: [],
  },
  zeroReports: {
    id: 'ZeroReportsTable',
    localName: 'ZeroReports',
    env: 'ZERO_REPORTS_TABLE',
    // Duty periods (`PERIODS` / `<period id>`) and, per unit and duty period, a hash-chained log of
    // its daily reports and missed reports (`ZERO#<period>#<unit>` / `HEAD` and `EVT#<seq>`); and
    // one period lock per province (`PERIOD_LOCKS` / `<province>`), moved with every new period there.
    partitionKey: S('pk'),
    sortKey: S('sk'),
    globalIndexes: [],
  },
  drills: {
    id: 'DrillsTable',
    localName: 'Drills',
    env: 'DRILLS_TABLE',
    // `DRILLS#<province>` / `<drill id>`: the drills offices start on the live system. Not evidence
    // in itself: what makes an incident an exercise is the mark in its own hash-chained log.
    partitionKey: S('pk'),
    sortKey: S('sk'),
    globalIndexes: [],
  },
  idempotency: {
    id: 'IdempotencyTable',
    localName: 'Idempotency',
    env: 'IDEMPOTENCY_TABLE',
    // The layout Powertools' DynamoDB persistence layer expects by default.
    partitionKey: S('id'),
    timeToLiveAttribute: 'expiration',
    globalIndexes: [],
  },
} as const satisfies Record<string, TableDef>;

export type TableName = keyof typeof tables;

/**
 * The tables that are evidence: the incident event log, the access-denied log and the zero-report
 * log. They are appended to and never changed: functions get `read` or `append` grants on them
 * only, the tables refuse deletes and in-place edits by resource policy, and they outlive the stack.
 */
export const AUDIT_TRAIL_TABLES = ['incidents', 'accessLog', 'zeroReports'] as const satisfies readonly TableName[];
export type AuditTrailTable = (typeof AUDIT_TRAIL_TABLES)[number];

const queue = (id: string, localName: string, env: string, visibilityTimeoutSeconds: number): QueueDef => ({
  id,
  localName,
  env,
  visibilityTimeoutSeconds,
  deadLetter: { id: `${id}DeadLetters`, localName: `${localName}-dlq`, maxReceiveCount: 5 },
});

export const queues = {
  rollup: queue('RollupQueue', 'rollup', 'ROLLUP_QUEUE_URL', 181),
  timers: queue('TimersQueue', 'timers', 'TIMERS_QUEUE_URL', 60),
  notify: queue('NotifyQueue', 'notify', 'NOTIFY_QUEUE_URL', 60),
  // Every officer notification, as sent: the local officer inbox, and on AWS an archive of what
  // each office was told.
  officerInbox: queue('OfficerInboxQueue', 'officer-inbox', 'OFFICER_INBOX_QUEUE_URL', 60),
  // Officer notifications to send by SMS through the provider that delivers in mainland China.
  officerSms: queue('OfficerSmsQueue', 'officer-sms', 'OFFICER_SMS_QUEUE_URL', 60),
} as const satisfies Record<string, QueueDef>;

export type QueueName = keyof typeof queues;

export const topics = {
  incidentEvents: { id: 'IncidentEventsTopic', localName: 'incident-events', env: 'INCIDENT_EVENTS_TOPIC_ARN' },
  officerNotifications: {
    id: 'OfficerNotificationsTopic',
    localName: 'officer-notifications',
    env: 'OFFICER_NOTIFICATIONS_TOPIC_ARN',
  },
} as const satisfies Record<string, TopicDef>;

export type TopicName = keyof typeof topics;

export interface BucketDef {
  readonly id: string;
  /** Bucket name in the local S3 emulator. */
  readonly localName: string;
  /** Environment variable that carries the bucket name to a function. */
  readonly env: string;
}

export const buckets = {
  // Photos and documents that reports name, each stored once under its incident and content hash.
  attachments: { id: 'AttachmentsBucket', localName: 'attachments', env: 'ATTACHMENTS_BUCKET' },
} as const satisfies Record<string, BucketDef>;

export type BucketName = keyof typeof buckets;

const eventTypes = (...types: EventType[]): FilterPolicy => ({ eventType: types });

/** Which events each consumer hears: the fan-out of the incident-events topic. */
export const subscriptions: readonly SubscriptionDef[] = [
  {
    topic: 'incidentEvents',
    queue: 'rollup',
    rawMessageDelivery: true,
    // The summaries' events, and those that move an office's duty (the punctuality counters).
    filterPolicy: eventTypes(
      'ReportSubmitted',
      'UnitReportLate',
      'GradeAssessed',
      'ReportForwarded',
      'ReportCorrected',
      'DeadlineMissed',
      'IncidentClosed',
      'ObligationOpened',
      'ObligationWaived',
    ),
  },
  {
    topic: 'incidentEvents',
    queue: 'timers',
    rawMessageDelivery: true,
    filterPolicy: eventTypes('ObligationOpened', 'DeadlineShortened', 'ReportForwarded', 'AutoEscalated'),
  },
  {
    topic: 'incidentEvents',
    queue: 'notify',
    rawMessageDelivery: true,
    filterPolicy: eventTypes(
      'ReportSubmitted',
      'ObligationOpened',
      'ReportForwarded',
      'GradeAssessed',
      'DeadlineWarned',
      'DeadlineShortened',
      'DeadlineMissed',
      'AutoEscalated',
    ),
  },
  { topic: 'officerNotifications', queue: 'officerInbox', rawMessageDelivery: true },
  // Every notification: whether its officer has a phone is the directory's to say, not an attribute's.
  { topic: 'officerNotifications', queue: 'officerSms', rawMessageDelivery: true },
];
