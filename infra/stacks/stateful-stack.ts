/**
 * Everything that holds data: the tables (with the incident event log, the audit trail), the
 * topics, the queues with their dead-letter queues, where SNS parks and logs what it delivers to
 * officers, and the user pool. Built by walking
 * `infra/resources.ts`, so the names, keys, indexes, streams, retries and filter policies are
 * stated once, there, and the local runtime builds the same resources from the same description.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import {
  type Attribute,
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { AnyPrincipal, Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectLockRetention,
  StorageClass,
} from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { LoggingProtocol, SubscriptionFilter, Topic } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { alarmOnDeadLetters } from '../constructs/dead-letter-alarm';
import { acknowledgeNag } from '../constructs/nag';
import { EVIDENCE_APPENDER_TAG } from '../constructs/pipeline-function';
import { WebSignIn } from '../constructs/web-sign-in';
import type { CognitoIdentity, IdentityProvider, SmsSetup } from '../deployment';
import {
  AUDIT_TRAIL_TABLES,
  type BucketName,
  buckets,
  type FilterPolicy,
  type KeyDef,
  type QueueDef,
  type QueueName,
  queues,
  subscriptions,
  type TableDef,
  type TableName,
  type TopicDef,
  type TopicName,
  tables,
  topics,
} from '../resources';
import { entriesOf, mapRecord } from './records';

/**
 * Item-level actions that delete or change an item in place. The audit-trail tables deny them to
 * every principal of every account by resource policy, so not even an administrator's role can
 * delete or edit evidence in place through the data plane (changing the policy itself is a
 * CloudTrail-logged management act). DynamoDB's own TTL deletes are not requests and are not
 * affected; the audit trails keep no TTL.
 */
const EVIDENCE_DESTROYING_ACTIONS = [
  'dynamodb:DeleteItem',
  'dynamodb:UpdateItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLDelete',
  'dynamodb:PartiQLUpdate',
];

/**
 * Item writes that append — or, unconditioned, replace an item whole. Denied to every principal
 * not tagged as an appender ({@link EVIDENCE_APPENDER_TAG}); the appenders' code conditions every
 * Put (an event on not existing, a head on its version).
 */
const EVIDENCE_APPENDING_ACTIONS = ['dynamodb:PutItem', 'dynamodb:PartiQLInsert'];

/**
 * Object actions that delete or replace what a report named. Denied to every principal by bucket
 * policy, as the audit-trail tables deny deletes: an attachment is evidence, and its key is its
 * content hash, so nothing legitimate ever deletes or rewrites one. Object lock keeps each version
 * beyond that, even against a changed policy, for {@link ATTACHMENT_RETENTION_DAYS}.
 */
const ATTACHMENT_DESTROYING_ACTIONS = [
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
];

/**
 * How long object lock keeps every version of an attachment (compliance mode: nobody, the root
 * user included, can shorten it). Ten years: this system's choice, long enough for any inquiry
 * into an incident and its reporting; raise it, never lower it, if an archive rule asks for more.
 */
export const ATTACHMENT_RETENTION_DAYS = 3650;

/** How far back a table can be restored to the second: 35 days, the most point-in-time recovery keeps. */
export const PITR_DAYS = 35;

/** Custom claims every token carries (docs/api.md#tokens-and-claims); set by administrators only. */
const claimAttributes = {
  // reporter | office | inspector
  role: new StringAttribute({ minLen: 1, maxLen: 16, mutable: true }),
  // Six-digit GB/T 2260 code of the unit's county or the office's jurisdiction.
  region: new StringAttribute({ minLen: 6, maxLen: 6, mutable: true }),
  unit: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
  // county | city | province
  level: new StringAttribute({ minLen: 1, maxLen: 16, mutable: true }),
} as const;

/** The pipeline's own accounts, when it keeps them in a Cognito user pool (global partition only). */
export interface CognitoAccounts {
  /** The accounts of units, offices and inspectors. */
  readonly userPool: UserPool;
  /** The client the field and office apps sign in with; the API accepts its tokens. */
  readonly userPoolClient: UserPoolClient;
  /** The web console's client and the pool's managed login (the API accepts this client's tokens too). */
  readonly webSignIn: WebSignIn;
}

export interface StatefulStackProps extends StackProps {
  /**
   * Where the accounts are kept: the stack's own Cognito user pool, or an external OpenID Connect
   * issuer, in which case the stack makes no Cognito resource (infra/deployment.ts).
   * @default the user pool
   */
  readonly identity?: IdentityProvider;
  /** Who sends officers' SMS; with a provider, the stack keeps its API keys. @default SNS */
  readonly sms?: SmsSetup;
  /** The web console's origins known in advance (its custom domain, `https://…`). @default - none */
  readonly webOrigins?: readonly string[];
}

/** The stateful resources, exposed by the names of `infra/resources.ts`. */
export class StatefulStack extends Stack {
  /** One table per entry of `tables`. */
  public readonly tables: Readonly<Record<TableName, Table>>;
  /** One encrypted topic per entry of `topics`. */
  public readonly topics: Readonly<Record<TopicName, Topic>>;
  /** One queue per entry of `queues`, each redriving to its entry in `deadLetterQueues`. */
  public readonly queues: Readonly<Record<QueueName, Queue>>;
  /** Where each queue parks the messages its consumer failed on. */
  public readonly deadLetterQueues: Readonly<Record<QueueName, Queue>>;
  /** One private, versioned, locked bucket per entry of `buckets`. */
  public readonly buckets: Readonly<Record<BucketName, Bucket>>;
  /** Where alarms tell the operators (subscribe the on-call's email or pager to it). */
  public readonly operatorAlerts: Topic;
  /**
   * Where SNS parks an officer notification it gave up delivering (a webhook unreachable, an SMS
   * refused, after SNS's own retries). Not in `infra/resources.ts`: officers' subscriptions are made
   * by the directory import, not here, and the local runtime delivers to no officer, so it has no twin.
   */
  public readonly officerDeliveryDeadLetters: Queue;
  /**
   * The delivery status SNS logs for the officer-notifications topic's webhook (HTTP/S)
   * subscriptions: every delivery, and every failed attempt with the endpoint's answer.
   */
  public readonly officerDeliveryLogs: { readonly delivered: LogGroup; readonly failed: LogGroup };
  /**
   * The SMS provider's API keys (`{"secretId": "…", "secretKey": "…"}`, put in by the operator);
   * none when SNS sends the SMS.
   */
  public readonly smsCredentials?: Secret;
  /** The user pool and its clients; none when an external issuer keeps the accounts. */
  public readonly accounts?: CognitoAccounts;

  constructor(scope: Construct, id: string, props?: StatefulStackProps) {
    super(scope, id, props);

    this.tables = mapRecord(tables, (def: TableDef, name) =>
      this.table(def, (AUDIT_TRAIL_TABLES as readonly TableName[]).includes(name)),
    );
    this.topics = mapRecord(topics, (def: TopicDef) => this.topic(def));
    this.deadLetterQueues = mapRecord(queues, (def: QueueDef) => this.deadLetterQueue(def));
    this.queues = mapRecord(queues, (def: QueueDef, name) => this.queue(def, this.deadLetterQueues[name]));
    this.operatorAlerts = this.alertsTopic();
    this.buckets = { attachments: this.attachmentsBucket(props?.webOrigins ?? []) };
    for (const [name, dlq] of entriesOf(this.deadLetterQueues)) {
      alarmOnDeadLetters(this, `${queues[name].deadLetter.id}Alarm`, dlq, this.operatorAlerts);
    }
    this.officerDeliveryDeadLetters = this.officerDeliveryDeadLetterQueue(this.topics.officerNotifications);
    alarmOnDeadLetters(this, 'OfficerDeliveryDeadLettersAlarm', this.officerDeliveryDeadLetters, this.operatorAlerts);
    this.officerDeliveryLogs = this.logDeliveryStatus(this.topics.officerNotifications);

    for (const subscription of subscriptions) {
      this.topics[subscription.topic].addSubscription(
        new SqsSubscription(this.queues[subscription.queue], {
          rawMessageDelivery: subscription.rawMessageDelivery,
          filterPolicy: subscription.filterPolicy && snsFilterPolicy(subscription.filterPolicy),
        }),
      );
    }

    if (props?.sms?.channel === 'tencent-cloud') this.smsCredentials = this.smsProviderCredentials();
    const identity: IdentityProvider = props?.identity ?? { kind: 'cognito' };
    if (identity.kind === 'cognito') this.accounts = this.cognitoAccounts(identity, props?.webOrigins ?? []);
  }

  /** The user pool, the apps' client and the web console's managed login. */
  private cognitoAccounts(identity: CognitoIdentity, webOrigins: readonly string[]): CognitoAccounts {
    const userPool = this.userPool();
    const userPoolClient = userPool.addClient('AppClient', {
      // Public clients (field and office apps): a secret shipped inside an app is no secret.
      generateSecret: false,
      authFlows: { userSrp: true },
      // No hosted sign-in page: the apps sign in with SRP directly.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ fullname: true, phoneNumber: true })
        .withCustomAttributes(...Object.keys(claimAttributes)),
      // Role, jurisdiction, unit and level decide what a person may see and must do, so only an
      // administrator may set them; users keep their contact details current.
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true, phoneNumber: true }),
    });

    const webSignIn = new WebSignIn(this, 'WebSignIn', {
      userPool,
      // Cognito domain prefixes are global per region: one per account by default.
      domainPrefix: identity.authDomainPrefix ?? `incident-console-${this.account}`,
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ fullname: true, phoneNumber: true })
        .withCustomAttributes(...Object.keys(claimAttributes)),
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true, phoneNumber: true }),
      origins: webOrigins,
    });

    new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: userPoolClient.userPoolClientId });
    return { userPool, userPoolClient, webSignIn };
  }

  /** Where the operator puts the SMS provider's API keys; only the SMS worker reads them. */
  private smsProviderCredentials(): Secret {
    const secret = new Secret(this, 'SmsProviderCredentials', {
      description: 'Tencent Cloud SMS API keys of the officer SMS worker: {"secretId": "…", "secretKey": "…"}',
      // A placeholder the operator replaces (docs/operations.md#sms-in-the-china-regions): the keys
      // are issued by Tencent Cloud, not generated here.
      secretObjectValue: {},
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(
      secret,
      'SMG4',
      'The keys are a Tencent Cloud sub-account key pair, issued and revoked in the Tencent Cloud console; ' +
        'Secrets Manager has no rotation function for them, so the operator rotates them there and puts the new pair here.',
    );
    return secret;
  }

  private table(def: TableDef, isAuditTrail: boolean): Table {
    const table = new Table(this, def.id, {
      partitionKey: attribute(def.partitionKey),
      sortKey: def.sortKey && attribute(def.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      // Restorable to any second of the last 35 days, the longest PITR keeps (docs/reliability.md).
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: PITR_DAYS },
      stream: def.stream && StreamViewType[def.stream],
      timeToLiveAttribute: def.timeToLiveAttribute,
      // Losing an audit trail loses the evidence of who reported what and when: it can never be
      // deleted with the stack. The other tables are projections (rebuildable), the directory
      // (re-importable) or short-lived idempotency records.
      deletionProtection: isAuditTrail,
      removalPolicy: isAuditTrail ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      resourcePolicy: isAuditTrail
        ? new PolicyDocument({
            statements: [
              new PolicyStatement({
                sid: 'EvidenceIsAppendOnly',
                effect: Effect.DENY,
                principals: [new AnyPrincipal()],
                actions: EVIDENCE_DESTROYING_ACTIONS,
                resources: ['*'],
              }),
              new PolicyStatement({
                sid: 'OnlyAppendersAppend',
                effect: Effect.DENY,
                principals: [new AnyPrincipal()],
                actions: EVIDENCE_APPENDING_ACTIONS,
                resources: ['*'],
                conditions: {
                  StringNotEquals: { [`aws:PrincipalTag/${EVIDENCE_APPENDER_TAG.key}`]: EVIDENCE_APPENDER_TAG.value },
                },
              }),
            ],
          })
        : undefined,
    });
    for (const index of def.globalIndexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: attribute(index.partitionKey),
        sortKey: index.sortKey && attribute(index.sortKey),
        projectionType: ProjectionType[index.projection],
      });
    }
    return table;
  }

  /**
   * The attachments: private, encrypted, TLS only, versioned with object lock, deletes denied by
   * policy, every access logged, older objects moved to cheaper storage. The web console uploads
   * and reads through presigned URLs, so its origins may PUT and GET across origins.
   */
  private attachmentsBucket(webOrigins: readonly string[]): Bucket {
    const logs = new Bucket(this, 'AttachmentAccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Who read which piece of evidence may be asked as long as the evidence is kept.
      lifecycleRules: [{ expiration: Duration.days(ATTACHMENT_RETENTION_DAYS) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(
      logs,
      'S1',
      'This is the access-log bucket of the attachments bucket; logging its own access would recurse.',
    );

    const bucket = new Bucket(this, buckets.attachments.id, {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(ATTACHMENT_RETENTION_DAYS)),
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'attachments/',
      // Photos are looked at in the first weeks, then only when an incident is inquired into.
      lifecycleRules: [
        {
          id: 'OlderToCheaperStorage',
          transitions: [
            { storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
            { storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(365) },
          ],
        },
      ],
      // The console uploads and shows photos across origins. Without a named console domain the
      // distribution's own address is not known here (it is made after this stack), so any origin
      // may ask: CORS is no access control — only a presigned URL, which the API hands to the unit
      // that named the file (or a reader of its jurisdiction), lets a request through.
      cors: [
        {
          allowedOrigins: webOrigins.length > 0 ? [...webOrigins] : ['*'],
          allowedMethods: [HttpMethods.PUT, HttpMethods.GET, HttpMethods.HEAD],
          allowedHeaders: ['content-type', 'x-amz-checksum-sha256', 'x-amz-sdk-checksum-algorithm'],
          maxAge: 3600,
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AttachmentsAreEvidence',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ATTACHMENT_DESTROYING_ACTIONS,
        resources: [bucket.arnForObjects('*')],
      }),
    );
    new CfnOutput(this, 'AttachmentsBucketName', { value: bucket.bucketName });
    return bucket;
  }

  private topic(def: TopicDef): Topic {
    // A key per topic, so a grant to publish on one topic never lets anyone read another's messages.
    const masterKey = new Key(this, `${def.id}Key`, {
      description: `Encrypts the messages of the ${def.localName} topic`,
      enableKeyRotation: true,
    });
    return new Topic(this, def.id, { masterKey, enforceSSL: true });
  }

  private alertsTopic(): Topic {
    const masterKey = new Key(this, 'OperatorAlertsTopicKey', {
      description: 'Encrypts the operator alerts topic',
      enableKeyRotation: true,
    });
    // CloudWatch publishes the alarms: it must be able to encrypt to the topic's key.
    masterKey.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    const topic = new Topic(this, 'OperatorAlertsTopic', { masterKey, enforceSSL: true });
    new CfnOutput(this, 'OperatorAlertsTopicArn', { value: topic.topicArn });
    return topic;
  }

  private deadLetterQueue(def: QueueDef): Queue {
    return new Queue(this, def.deadLetter.id, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // A standard queue keeps a message's first enqueue time when it is moved, so the dead-letter
      // queue keeps the longest retention SQS allows: at least ten days to look at a failure after
      // the source queue's four.
      retentionPeriod: Duration.days(14),
    });
  }

  /**
   * The dead-letter queue the directory import sets on every officer's subscription. Only SNS may
   * write to it, and only for the officer-notifications topic's subscriptions.
   */
  private officerDeliveryDeadLetterQueue(topic: Topic): Queue {
    const queue = new Queue(this, 'OfficerDeliveryDeadLetters', {
      // SQS-managed keys: SNS writes to it with no key permission (a KMS key would need a key
      // policy granting SNS, as AWS's SNS dead-letter-queue guide requires).
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows, as for the other dead-letter queues: a notification nobody received
      // is evidence to account for, not only work to redo, and may be looked at days later.
      retentionPeriod: Duration.days(14),
    });
    // By hand rather than grantSendMessages: SNS only sends, and that grant adds GetQueueAttributes
    // and GetQueueUrl. The same statement CDK writes for an SQS subscription of a topic.
    queue.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OfficerNotificationsTopicOnly',
        principals: [new ServicePrincipal('sns.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [queue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': topic.topicArn } },
      }),
    );
    acknowledgeNag(
      queue,
      'SQS3',
      'This queue is itself a dead-letter queue: the redrive target of the officer-notifications subscriptions, ' +
        'which the directory import sets at run time, so no RedrivePolicy in the template names it.',
    );
    return queue;
  }

  /**
   * Delivery-status logging on `topic` for the one officer protocol topics log: HTTP/S (webhooks).
   * Email has no delivery status at all, and SMS delivery status is an account-wide SMS setting
   * (`SetSMSAttributes`' `DeliveryStatusIAMRole`), not a topic's, so neither is configured here.
   */
  private logDeliveryStatus(topic: Topic): { delivered: LogGroup; failed: LogGroup } {
    // SNS writes to the groups `sns/<region>/<account>/<topic>` and `…/Failure`. Made here rather
    // than left to SNS, so that they keep a retention and the role can be confined to them.
    const name = `sns/${this.region}/${this.account}/${topic.topicName}`;
    const logGroup = (id: string, logGroupName: string) =>
      new LogGroup(this, id, {
        logGroupName,
        // Whether an office's webhook was reached, and when, may be questioned long after the event.
        retention: RetentionDays.ONE_YEAR,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    const logs = {
      delivered: logGroup('OfficerDeliveryLogs', name),
      failed: logGroup('OfficerDeliveryFailureLogs', `${name}/Failure`),
    };
    const role = new Role(this, 'OfficerDeliveryStatusRole', {
      assumedBy: new ServicePrincipal('sns.amazonaws.com'),
      description: 'Lets SNS log the delivery status of officer notifications to their two log groups',
    });
    // The three actions AWS's delivery-status guide asks for, on these two groups only;
    // CreateLogGroup finds each already made, but SNS may still call it.
    for (const group of Object.values(logs)) {
      group.grant(role, 'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents');
    }
    topic.addLoggingConfig({
      protocol: LoggingProtocol.HTTP,
      failureFeedbackRole: role,
      successFeedbackRole: role,
      // Every delivery: officer notifications are few, and each one may have to be accounted for.
      successFeedbackSampleRate: 100,
    });
    return logs;
  }

  private queue(def: QueueDef, deadLetterQueue: Queue): Queue {
    return new Queue(this, def.id, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(def.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: def.deadLetter.maxReceiveCount },
    });
  }

  private userPool(): UserPool {
    return new UserPool(this, 'UserPool', {
      // Accounts are issued by the office that vouches for the unit or person, never self-made.
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      customAttributes: claimAttributes,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // A stolen password alone must not let anyone file or forward a report in someone's name.
      mfa: Mfa.REQUIRED,
      // Authenticator apps only: SMS would need its own IAM role and is the weaker factor.
      mfaSecondFactor: { otp: true, sms: false },
      // Threat protection (compromised credentials, risky sign-ins) needs the Plus plan.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      // Recovery goes through the administering office, which re-checks the person.
      accountRecovery: AccountRecovery.NONE,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

function attribute(key: KeyDef): Attribute {
  return { name: key.name, type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER };
}

/** The description's allowlists as an SNS filter policy on message attributes. */
function snsFilterPolicy(policy: FilterPolicy): Record<string, SubscriptionFilter> {
  return Object.fromEntries(
    entriesOf(policy).map(([name, values]) => [name, SubscriptionFilter.stringFilter({ allowlist: [...values] })]),
  );
}
