/**
 * The compute in front of and behind the data: the HTTP API, its JWT authorizer and one function per
 * entry of `apiFunctions` in `infra/api.ts`, one route per entry of `routes`; and the workers of
 * `infra/workers.ts` with their event sources (the incident log's stream, the timers and roll-up
 * queues, the sweeper's schedule; none for the operator's on-demand reconcile, heads' migration and directory import)
 * and the escalation state machine. It holds nothing that cannot be redeployed from scratch; the
 * resources it uses arrive from the stateful stack through typed props.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  ApiMapping,
  DomainName,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
  SecurityPolicy,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { SMS_CHANNEL_ENV } from '../../shared/adapters/sms/channel';
import { type ClaimNames, TOKEN_CLAIMS_ENV } from '../../shared/schemas/claims';
import type { OidcConsoleAuth } from '../../shared/schemas/console-config';
import { type ApiFunctionName, apiFunctions, apiThrottle, type FunctionDef, type RouteDef, routes } from '../api';
import { alarmOnDeadLetters } from '../constructs/dead-letter-alarm';
import { EscalationStateMachine } from '../constructs/escalation-state-machine';
import { PipelineMonitoring } from '../constructs/monitoring';
import { acknowledgeNag } from '../constructs/nag';
import { PipelineFunction } from '../constructs/pipeline-function';
import type { SmsSetup } from '../deployment';
import { type BucketName, buckets, type QueueName, type TableName, type TopicName, tables, topics } from '../resources';
import { type WorkerDef, type WorkerName, workerFunctions } from '../workers';
import { entriesOf, mapRecord } from './records';
import type { CognitoAccounts } from './stateful-stack';

/**
 * The routes anyone may call without a token, each with the reason that makes it safe. A route
 * marked `auth: false` in `infra/api.ts` but missing here fails synthesis, so opening a route to
 * the public is always a deliberate, reviewed change.
 */
const publicRoutes: Readonly<Record<string, string>> = {
  'GET /health':
    'Liveness probe for load balancers and people checking the API: it answers a constant and reads no data.',
  'GET /v1/openapi.json': 'The published API contract, generated from the schemas: it contains no data.',
};

/**
 * The variable that carries the escalation state machine's ARN to the functions that start timers
 * (read by `functions/start-timers/handler.ts`).
 */
export const escalationStateMachineEnv = 'ESCALATION_STATE_MACHINE_ARN';

/**
 * The variable that carries the officer-delivery dead-letter queue's ARN to the function that
 * manages the officers' subscriptions (read by `functions/import-officers/handler.ts`).
 */
export const officerDeliveryDeadLettersEnv = 'OFFICER_DELIVERY_DLQ_ARN';

/**
 * How often a stream consumer retries a failing record before its position is parked in the
 * failure queue. Bounded because a stream shard is processed in order: a record that can never
 * succeed would otherwise hold back every event behind it for the stream's 24 hours.
 */
const streamRetryAttempts = 10;

/**
 * The workers that need longer than the pipeline's default 10 s, with the reason. Stated here
 * rather than in `infra/workers.ts` because only Lambda enforces it: the local runtime never cuts
 * a worker off.
 */
const workerTimeouts: Readonly<Partial<Record<WorkerName, Duration>>> = {
  // A batch of 100 events is applied as five transactions of 20 events in turn, each read back and
  // retried (up to ten times) when another consumer wrote the same summary at that moment; 10 s
  // would leave little room for that in a burst, when contention is highest.
  // The roll-up queue's visibility timeout must stay at least six times this plus the batching
  // window (infra/resources.ts; checked in test/infra/workers.test.ts).
  rollUp: Duration.seconds(30),
  // Walks the whole event log and every summary in one invocation. Lambda's maximum, so that a large
  // log is not cut off half-read; an operator waiting on it raises the CLI's 60 s read timeout.
  reconcile: Duration.minutes(15),
  // Reads every incident's log; stops a minute before this and answers where to go on.
  migrateHeads: Duration.minutes(15),
  // Imports the file, then syncs the subscriptions one SNS call at a time: a list page per 100
  // subscriptions, one attribute read per subscription, one call per change. A national directory
  // runs to thousands of them, so Lambda's maximum; a run cut off is simply run again.
  importOfficers: Duration.minutes(15),
  // Stops starting units 15 s before its deadline and leaves the rest to the next run, a minute
  // later; 60 s lets one run record and tell a few thousand misses (about 12 ms each, 8 at once).
  checkZeroReports: Duration.seconds(60),
};

/** The issuer whose JWTs the API's authorizer accepts, and how its tokens name the caller's claims. */
export interface TokenIssuer {
  /** The tokens' `iss`; API Gateway reads its keys from `<issuer>/.well-known/openid-configuration`. */
  readonly issuer: string;
  /** The client ids tokens must be issued to (`aud`, or `client_id` for access tokens). */
  readonly audience: readonly string[];
  /** The issuer's names for role, region, unit and level. @default the API's own (or Cognito's `custom:`) */
  readonly claimNames?: ClaimNames;
}

/** The user pool's tokens, issued to the apps' client or the web console's. */
export const cognitoTokens = (stack: Stack, accounts: CognitoAccounts): TokenIssuer => ({
  // Cognito user pools exist in the global partition only, whose URL suffix this is.
  issuer: `https://cognito-idp.${stack.region}.amazonaws.com/${accounts.userPool.userPoolId}`,
  audience: [accounts.userPoolClient.userPoolClientId, accounts.webSignIn.client.userPoolClientId],
});

/** What the stateless stack needs from the stateful one. */
export interface StatelessStackProps extends StackProps {
  /** The tables of `infra/resources.ts`, by name. */
  readonly tables: Readonly<Record<TableName, ITable>>;
  /** The topics of `infra/resources.ts`, by name. */
  readonly topics: Readonly<Record<TopicName, ITopic>>;
  /** The queues of `infra/resources.ts`, by name, for the functions that consume them. */
  readonly queues: Readonly<Record<QueueName, IQueue>>;
  /** The buckets of `infra/resources.ts`, by name. */
  readonly buckets: Readonly<Record<BucketName, IBucket>>;
  /** Whose tokens the API accepts: the user pool's, or an external OpenID Connect issuer's. */
  readonly tokens: TokenIssuer;
  /** Who sends officers' SMS, and the provider's keys when the SMS worker does. @default SNS */
  readonly sms?: { readonly setup: SmsSetup; readonly credentials?: ISecret };
  /**
   * Serve the web console from the API's own domain (where there is no CloudFront): its built files,
   * the identity provider's sign-in endpoints, and the domain (ICP-filed, in mainland China) with its
   * certificate. @default - not served here
   */
  readonly console?: {
    readonly webDist: string;
    readonly auth: OidcConsoleAuth;
    readonly domain?: { readonly name: string; readonly certificateArn: string };
  };
  /** Where the alarms on this stack's dead-letter queues tell the operators. */
  readonly operatorAlerts: ITopic;
  /** Where SNS parks the officer notifications it gave up delivering; every officer's subscription names it. */
  readonly officerDeliveryDeadLetters: IQueue;
  /**
   * The routes to serve; tests pass their own, e.g. to check that a route made public without a
   * reason in `publicRoutes` fails synthesis. @default - `routes` of `infra/api.ts`
   */
  readonly routes?: readonly RouteDef[];
}

/** The HTTP API, the functions behind it, the workers and the escalation state machine. */
export class StatelessStack extends Stack {
  /** The HTTP API. */
  public readonly httpApi: HttpApi;
  /** Its only stage, `$default`, with access logs and throttling. */
  public readonly stage: HttpStage;
  /** One function per entry of `apiFunctions`. */
  public readonly apiFunctions: Readonly<Record<ApiFunctionName, PipelineFunction>>;
  /** One function per entry of `workerFunctions`, each connected to its source. */
  public readonly workerFunctions: Readonly<Record<WorkerName, PipelineFunction>>;
  /** One execution per obligation's deadline; its task is the worker whose source is the state machine. */
  public readonly escalation: EscalationStateMachine;
  /** Per stream consumer, where the positions of the stream records it gave up on are parked. */
  public readonly streamFailureQueues: Readonly<Partial<Record<WorkerName, Queue>>>;
  /** The alarms on the functions, API, state machine, stream, tables and topics, and the dashboard. */
  public readonly monitoring: PipelineMonitoring;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);

    const definitions: Readonly<Record<ApiFunctionName, FunctionDef>> = apiFunctions;
    this.apiFunctions = mapRecord(definitions, (def) => this.pipelineFunction(def, props));
    const claimNames = props.tokens.claimNames ?? {};
    if (Object.keys(claimNames).length > 0) {
      for (const fn of Object.values(this.apiFunctions))
        fn.addEnvironment(TOKEN_CLAIMS_ENV, JSON.stringify(claimNames));
    }

    const workers: Readonly<Record<WorkerName, WorkerDef>> = workerFunctions;
    this.workerFunctions = mapRecord(workers, (def, name) => this.pipelineFunction(def, props, workerTimeouts[name]));
    this.escalation = new EscalationStateMachine(this, 'EscalationStateMachine', {
      timerFunction: this.workerFunctions[timerTask(workers)],
    });
    const streamFailureQueues: Partial<Record<WorkerName, Queue>> = {};
    for (const [name, def] of entriesOf(workers)) {
      const fn = this.workerFunctions[name];
      const failures = this.connectWorker(def, fn, props);
      if (failures) {
        streamFailureQueues[name] = failures;
        alarmOnDeadLetters(this, `${def.id}StreamFailuresAlarm`, failures, props.operatorAlerts);
      }
      if (def.startsTimers) fn.bindStateMachine(this.escalation, escalationStateMachineEnv);
      for (const topic of def.managesSubscriptions ?? []) {
        // Officers' subscriptions are the only ones a function makes (the queues' are the stateful
        // stack's), and each must name the dead-letter queue.
        const deadLetters =
          topic === 'officerNotifications'
            ? { queue: props.officerDeliveryDeadLetters, envName: officerDeliveryDeadLettersEnv }
            : undefined;
        fn.bindTopicSubscriptions(props.topics[topic], topics[topic].env, deadLetters);
      }
    }
    this.streamFailureQueues = streamFailureQueues;
    this.configureSms(props.sms ?? { setup: { channel: 'sns' } });

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Emergency incident reporting API',
      // The stage is made below so that it can carry access logging and throttling.
      createDefaultStage: false,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      // A request over the limit is answered by API Gateway itself, before any function runs: 429
      // with its own body `{"message":"Too Many Requests"}`. HTTP APIs offer no way to change that
      // answer (gateway responses, THROTTLED among them, are a REST API feature), so it and the JWT
      // authorizer's 401 are the answers on AWS without the contract's error shape; a client treats
      // any 429 as "wait, then send the same request again". Throttling by a service behind the API
      // is ours to answer: a 429 with Retry-After in the contract's shape (`errorResult`).
      throttle: apiThrottle,
      accessLogSettings: { destination: new LogGroupLogDestination(this.accessLogs()), format: accessLogFormat() },
    });

    // Tokens are the configured issuer's, issued to our clients; the handler reads role and
    // jurisdiction from the verified claims, under the issuer's names for them.
    const jwtAuthorizer = new HttpJwtAuthorizer('JwtAuthorizer', props.tokens.issuer, {
      jwtAudience: [...props.tokens.audience],
    });

    const integrations = mapRecord(
      this.apiFunctions,
      (fn, name) => new HttpLambdaIntegration(`${definitions[name].id}Integration`, fn),
    );
    for (const route of props.routes ?? routes) {
      this.route(route, integrations[route.fn], route.auth ? jwtAuthorizer : publicAuthorizer(route));
    }

    const consoleFunction = props.console && this.serveConsole(props.console, props.buckets.attachments);

    this.monitoring = new PipelineMonitoring(this, 'Monitoring', {
      alerts: props.operatorAlerts,
      functions: [
        ...entriesOf(this.apiFunctions).map(([name, resource]) => ({ id: definitions[name].id, resource })),
        ...entriesOf(this.workerFunctions).map(([name, resource]) => ({ id: workers[name].id, resource })),
        // Where it serves the console (China), a failing console function is an outage too.
        ...(consoleFunction ? [{ id: 'WebConsoleFunction', resource: consoleFunction }] : []),
      ],
      streamConsumers: entriesOf(workers)
        .filter(([, def]) => def.source.kind === 'stream')
        .map(([name, def]) => ({ id: def.id, resource: this.workerFunctions[name] })),
      httpApi: this.httpApi,
      stateMachine: this.escalation,
      tables: entriesOf(props.tables).map(([name, resource]) => ({ id: tables[name].id, resource })),
      topics: entriesOf(props.topics).map(([name, resource]) => ({ id: topics[name].id, resource })),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url });
  }

  /**
   * The console on the API's default route: every path no API route matches reaches the console
   * function, as the local runtime's server falls back to the console beside its API. The API's
   * routes keep their own authorizer; the console's files are public, as on CloudFront.
   */
  private serveConsole(console: NonNullable<StatelessStackProps['console']>, attachments: IBucket): PipelineFunction {
    const fn = new PipelineFunction(this, 'WebConsoleFunction', {
      entry: 'functions/web-console/handler.ts',
      shippedFolders: { console: console.webDist },
    });
    fn.addEnvironment('CONSOLE_AUTH', JSON.stringify(console.auth));
    // Photos go to and come from the attachments bucket by presigned URL: its origin is in the CSP.
    fn.addEnvironment('ATTACHMENT_ORIGIN', `https://${attachments.bucketRegionalDomainName}`);
    const files = this.httpApi.addRoutes({
      path: '/{proxy+}',
      methods: [HttpMethod.GET, HttpMethod.HEAD],
      integration: new HttpLambdaIntegration('WebConsoleIntegration', fn),
      authorizer: new HttpNoneAuthorizer(),
    });
    const root = this.httpApi.addRoutes({
      path: '/',
      methods: [HttpMethod.GET, HttpMethod.HEAD],
      integration: new HttpLambdaIntegration('WebConsoleRootIntegration', fn),
      authorizer: new HttpNoneAuthorizer(),
    });
    for (const consoleRoute of [...files, ...root]) {
      acknowledgeNag(
        consoleRoute,
        'APIG4',
        'The web console’s own files (HTML, scripts, styles, config.json naming the public sign-in endpoints): ' +
          'public like any web page; every API route under /v1 keeps the JWT authorizer.',
      );
    }
    if (console.domain) {
      // The console's (and the API's) address in mainland China: a domain with an ICP filing.
      const domainName = new DomainName(this, 'ConsoleDomain', {
        domainName: console.domain.name,
        certificate: Certificate.fromCertificateArn(this, 'ConsoleCertificate', console.domain.certificateArn),
        securityPolicy: SecurityPolicy.TLS_1_2,
      });
      new ApiMapping(this, 'ConsoleDomainMapping', { api: this.httpApi, domainName, stage: this.stage });
      new CfnOutput(this, 'ConsoleUrl', { value: `https://${console.domain.name}/` });
    }
    return fn;
  }

  /**
   * Tells the SMS worker and the directory import who sends officers' SMS: with SNS, the import
   * subscribes phones and the worker leaves every message alone; with a provider, the worker sends
   * through it (its settings and keys bound here) and the import subscribes no phone.
   */
  private configureSms(sms: NonNullable<StatelessStackProps['sms']>): void {
    const workers: Readonly<Record<WorkerName, WorkerDef>> = workerFunctions;
    for (const [name, def] of entriesOf(workers)) {
      if (def.smsChannel) this.workerFunctions[name].addEnvironment(SMS_CHANNEL_ENV, sms.setup.channel);
    }
    if (sms.setup.channel !== 'tencent-cloud') return;
    if (!sms.credentials) throw new Error('Tencent Cloud SMS needs the secret holding its API keys');
    // The worker that sends and the one that pulls the delivery reports call the same application.
    for (const fn of [this.workerFunctions.deliverSms, this.workerFunctions.recordSmsReports]) {
      fn.addEnvironment('SMS_SDK_APP_ID', sms.setup.sdkAppId)
        .addEnvironment('SMS_SIGN_NAME', sms.setup.signName)
        .addEnvironment('SMS_TEMPLATE_ID', sms.setup.templateId)
        .addEnvironment('SMS_REGION', sms.setup.region)
        .bindSecret(sms.credentials, 'SMS_CREDENTIALS_SECRET_ARN');
    }
  }

  private pipelineFunction(def: FunctionDef, props: StatelessStackProps, timeout?: Duration): PipelineFunction {
    const fn = new PipelineFunction(this, def.id, { entry: def.entry, timeout, generatedFiles: def.generatedFiles });
    for (const [name, access] of entriesOf(def.tables ?? {})) {
      fn.bindTable(props.tables[name], tables[name].env, access);
    }
    for (const name of def.publishes ?? []) {
      fn.bindTopic(props.topics[name], topics[name].env);
    }
    for (const [name, access] of entriesOf(def.buckets ?? {})) {
      fn.bindBucket(props.buckets[name], buckets[name].env, access);
    }
    return fn;
  }

  /**
   * Connects a worker to what invokes it; returns the queue where a stream consumer's failures are
   * parked, if it has one.
   */
  private connectWorker(def: WorkerDef, fn: PipelineFunction, props: StatelessStackProps): Queue | undefined {
    const source = def.source;
    switch (source.kind) {
      case 'stream':
        return this.consumeStream(def, fn, props.tables[source.table], source.batchSize);
      case 'queue':
        // The queue's redrive policy (stateful stack) parks what keeps failing; reporting partial
        // failures means only the failed messages come back, not the whole batch. Lambda accepts
        // batches over 10 only with a batching window, which CDK checks here at synthesis.
        fn.addEventSource(
          new SqsEventSource(props.queues[source.queue], {
            batchSize: source.batchSize,
            maxBatchingWindow:
              source.batchingWindowSeconds === undefined ? undefined : Duration.seconds(source.batchingWindowSeconds),
            reportBatchItemFailures: true,
          }),
        );
        return undefined;
      case 'schedule':
        new Rule(this, `${def.id}Schedule`, {
          description: `Runs ${def.id} every ${source.everyMinutes} minute(s)`,
          schedule: Schedule.rate(Duration.minutes(source.everyMinutes)),
          // A run still waiting when the next one is due is superseded by it: each run does all the
          // work there is, so an older one adds nothing.
          targets: [new LambdaFunction(fn, { maxEventAge: Duration.minutes(source.everyMinutes) })],
        });
        return undefined;
      case 'state-machine':
        // Invoked by the escalation state machine, which holds the grant (see EscalationStateMachine).
        return undefined;
      case 'on-demand':
        // No trigger and no resource policy: only a principal whose own IAM policy allows
        // lambda:InvokeFunction on it (an operator) can run it.
        return undefined;
    }
  }

  private consumeStream(def: WorkerDef, fn: PipelineFunction, table: ITable, batchSize: number): Queue {
    const failures = new Queue(this, `${def.id}StreamFailures`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: after the stream has dropped the records (24 hours), a parked
      // message's shard, sequence numbers and arrival time still say which events of the log to
      // publish again, so it stays useful for as long as someone may take to look.
      retentionPeriod: Duration.days(14),
    });
    acknowledgeNag(
      failures,
      'SQS3',
      `This queue is itself a dead-letter destination: the on-failure destination of the stream mapping of ${def.id}. ` +
        'Lambda writes each record range it gave up on here once; a further dead-letter queue would have nothing to catch.',
    );

    fn.addEventSource(
      new DynamoEventSource(table, {
        // TRIM_HORIZON, not LATEST: the stream is the only road from the event log to the fan-out
        // (timers, roll-ups, notifications). LATEST would silently skip every event appended between
        // the table's creation (or a replaced mapping) and the mapping's first poll: a report the
        // roll-ups never count, a deadline only the sweeper would catch. Replaying up to 24 hours
        // instead is harmless, because every consumer downstream is idempotent.
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize,
        reportBatchItemFailures: true,
        // When the invocation fails as a whole (a timeout, a crash before any record is reported),
        // halve the batch, so that one bad record cannot keep a full batch of good ones failing.
        bisectBatchOnError: true,
        retryAttempts: streamRetryAttempts,
        // Lambda parks the shard and sequence numbers of the records it gave up on (not the records):
        // the events themselves stay in the incident's log, from which they can be published again,
        // and the deadline sweeper catches any timer that was not started meanwhile.
        onFailure: new SqsDlq(failures),
      }),
    );
    // The mapping's grant (grantStreamRead) includes dynamodb:ListStreams.
    acknowledgeNag(
      fn.executionRole,
      'IAM5[Resource::*]',
      `Reading the stream of ${def.id}'s table needs dynamodb:ListStreams, which supports no resource-level ` +
        'permissions; the X-Ray actions of active tracing share the statement and need Resource "*" as well.',
    );
    return failures;
  }

  private route(route: RouteDef, integration: HttpLambdaIntegration, authorizer: IHttpRouteAuthorizer): void {
    const [httpRoute] = this.httpApi.addRoutes({
      path: route.path,
      methods: [HttpMethod[route.method]],
      integration,
      authorizer,
    });
    const reason = publicRoutes[routeKey(route)];
    if (!route.auth && httpRoute && reason) {
      acknowledgeNag(httpRoute, 'APIG4', reason);
    }
  }

  private accessLogs(): LogGroup {
    return new LogGroup(this, 'ApiAccessLogs', {
      // Who called what, and when, is part of the accountability record.
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

/** The worker the state machine's tasks invoke: exactly one worker must have that source. */
function timerTask(workers: Readonly<Record<WorkerName, WorkerDef>>): WorkerName {
  const tasks = entriesOf(workers).filter(([, def]) => def.source.kind === 'state-machine');
  const [task] = tasks;
  if (task === undefined || tasks.length > 1) {
    throw new Error(
      `exactly one worker in infra/workers.ts must have source 'state-machine', found ${tasks.length}: ` +
        'the escalation state machine has one task function',
    );
  }
  return task[0];
}

function routeKey(route: RouteDef): string {
  return `${route.method} ${route.path}`;
}

function publicAuthorizer(route: RouteDef): HttpNoneAuthorizer {
  if (publicRoutes[routeKey(route)] === undefined) {
    throw new Error(
      `${routeKey(route)} is marked auth: false, but only these routes may be public: ` +
        `${Object.keys(publicRoutes).join(', ')}. Add it to publicRoutes with the reason it is safe.`,
    );
  }
  return new HttpNoneAuthorizer();
}

/** One JSON line per request; `sub` ties every call to the account that made it. */
function accessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: '$context.requestId',
      requestTime: '$context.requestTime',
      ip: '$context.identity.sourceIp',
      userAgent: '$context.identity.userAgent',
      routeKey: '$context.routeKey',
      status: '$context.status',
      protocol: '$context.protocol',
      responseLength: '$context.responseLength',
      latencyMs: '$context.responseLatency',
      sub: '$context.authorizer.claims.sub',
      authorizerError: '$context.authorizer.error',
      integrationError: '$context.integrationErrorMessage',
    }),
  );
}
