/**
 * The one Lambda function construct of the pipeline. Every function gets the same runtime,
 * architecture, tracing, log retention and bundling, and reaches tables, topics, queues and state
 * machines only through `bind*()`, which sets the environment variable and makes the L2 grant
 * together, so a function can never know a resource's name without being allowed to use it, or the
 * reverse.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Tags } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { type ITopic, TopicGrants } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { SERVICE_NAME } from '../../shared/observability/metric-names';
import { acknowledgeNag, nagReference } from './nag';

/**
 * The Lambda runtime of every function. `npm start`, `npm test`, the benchmarks and the tools run on
 * the same Node major (the `node` development dependency; `test/infra/node-version.test.ts` holds
 * them together), and esbuild targets it.
 */
export const lambdaRuntime = Runtime.NODEJS_24_X;

/** The Node major of {@link lambdaRuntime}, e.g. 24 for `nodejs24.x`. */
export const lambdaNodeMajor = ((): number => {
  const major = /^nodejs(\d+)\.x$/.exec(lambdaRuntime.name)?.[1];
  if (major === undefined) throw new Error(`not a Node.js runtime: ${lambdaRuntime.name}`);
  return Number(major);
})();

/** The repository root: handler entries in `infra/api.ts` are relative to it. */
export const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * How every function is bundled. `npm run bench:coldstart` bundles through the construct itself, so
 * what it measures is what deploys.
 */
export const pipelineBundling = {
  format: OutputFormat.ESM,
  target: `node${lambdaNodeMajor}`,
  minify: true,
  // No source map ships: with `--enable-source-maps` Node reads and parses the map (4 MB with the
  // sources in it, four times the bundle) as it loads the bundle.
  // esbuild's output is deterministic, so the map of a deployed bundle can be rebuilt from its
  // commit (docs/operations.md#reading-a-stack-trace).
  sourceMap: false,
  // Prefer packages' ESM builds, so the output stays one ES module and esbuild can drop unused code.
  mainFields: ['module', 'main'],
  // Bundle the AWS SDK instead of using the runtime's copy: the deployed code then runs the exact
  // SDK version locked and tested here, not whatever the runtime ships that week.
  bundleAwsSDK: true,
  // Some dependencies still call `require()`; an ES module has none unless we provide it.
  banner: "import { createRequire } from 'node:module';const require = createRequire(import.meta.url);",
  esbuildArgs: {
    // Chinese text (the division names) as UTF-8 rather than \uXXXX escapes: a fifth smaller.
    '--charset': 'utf8',
    // Lambda hands a function its role's credentials in environment variables, where the SDK's
    // default chain looks first; the rest of the chain (profiles, SSO, web identity, container and
    // instance metadata, with the STS and SSO clients they carry) is a fifth of a bundle that never
    // runs there. The local runtime, which loads the sources, keeps the whole chain.
    '--alias': `@aws-sdk/credential-provider-node=${path.join(repositoryRoot, 'infra/constructs/lambda-credentials.ts')}`,
  },
} as const satisfies BundlingOptions;

/** Properties of a {@link PipelineFunction}; everything else is fixed on purpose. */
export interface PipelineFunctionProps {
  /** Handler file relative to the repository root, e.g. `functions/health/handler.ts`; it exports `handler`. */
  readonly entry: string;
  /** What the function does, shown in the Lambda console. @default - none */
  readonly description?: string;
  /**
   * Longest a single invocation may run. Keep it under the HTTP API's 30 s integration limit for
   * API functions, and under the queue's visibility timeout for consumers.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /** Memory in MiB; CPU scales with it. @default 512 */
  readonly memorySize?: number;
  /** Powertools service name, which groups the function's logs, metrics and traces. @default 'incident-pipeline' */
  readonly serviceName?: string;
  /**
   * Files generated at bundling time and shipped next to the bundle, by file name: each is what the
   * default export of a module (relative to the repository root) returns. The handler reads them
   * from its own folder (`import.meta.dirname`); see {@link GeneratedFiles}. @default - none
   */
  readonly generatedFiles?: GeneratedFiles;
  /** Folders copied beside the bundle, by name there → absolute path here (the built console). @default - none */
  readonly shippedFolders?: Readonly<Record<string, string>>;
}

/** File name → generator module, relative to the repository root, whose default export returns the file's text. */
export type GeneratedFiles = Readonly<Record<string, string>>;

const quote = (text: string): string => `'${text.replaceAll("'", "'\\''")}'`;

/**
 * How a function uses a table. `read`: reads only. `append`: reads, plus PutItem (and
 * ConditionCheckItem, which reads include), which is all an append to a hash-chained log needs (a
 * TransactWriteItems of conditional Puts): no UpdateItem, DeleteItem, BatchWriteItem or PartiQL
 * writes. IAM cannot require a Put to carry its condition, so a holder could still replace an
 * item whole; the appender's code conditions every Put (events on not existing, the head on its
 * version), and the hash chain and an external digest catch a replacement. `readWrite`: everything
 * CDK's read-write grant gives, for projections and the directory.
 */
export type TableAccess = 'read' | 'append' | 'readWrite';

/**
 * The role tag that marks an appender. The evidence tables' resource policy denies PutItem to every
 * principal without it, so only the roles this construct gives an `append` grant can write
 * evidence, whatever identity policies an account's administrators attach elsewhere.
 */
export const EVIDENCE_APPENDER_TAG = { key: 'incident-pipeline:evidence-appender', value: 'true' } as const;

/**
 * How a function uses a bucket: `read` its objects (HEAD, GET, and presigned GETs signed by its
 * role), or also `upload` (presigned PUTs signed by its role: S3 authorises a presigned request as
 * the signer, so the signer must be allowed the PUT itself).
 */
export type BucketAccess = 'read' | 'upload';

/** The wildcard actions of CDK's `grantRead` and `grantPut`, as cdk-nag names them. */
const S3_READ_ACTIONS = ['s3:GetObject*', 's3:GetBucket*', 's3:List*'] as const;
const S3_PUT_ACTIONS = ['s3:Abort*'] as const;

/** How a function uses a queue: `send` to enqueue, `consume` to receive and delete. */
export type QueueAccess = 'send' | 'consume';

/** A Node.js Lambda function with the pipeline's defaults: Node 24 on arm64, traced, logs kept a year. */
export class PipelineFunction extends NodejsFunction {
  /** The execution role: it starts with nothing but X-Ray and its own log group; `bind*()` adds the rest. */
  public readonly executionRole: Role;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    // The log group and role are siblings rather than children because they must exist before
    // `super()`; both are named after the function, so the tree still reads as one unit.
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      // Who reported what, and when, may be questioned long after the event.
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // An own role instead of the default one, which carries the AWS managed
    // AWSLambdaBasicExecutionRole policy (logs:* on every log group of the account).
    const executionRole = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });

    super(scope, id, {
      entry: path.join(repositoryRoot, props.entry),
      handler: 'handler',
      description: props.description,
      projectRoot: repositoryRoot,
      depsLockFilePath: path.join(repositoryRoot, 'package-lock.json'),
      // The newest Lambda Node.js runtime (cdk-nag L1), the one the local runtime and tests run on.
      runtime: lambdaRuntime,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      role: executionRole,
      logGroup,
      environment: {
        // The `service` dimension of every metric, which the alarms name (infra/constructs/monitoring.ts).
        POWERTOOLS_SERVICE_NAME: props.serviceName ?? SERVICE_NAME,
      },
      bundling: {
        ...pipelineBundling,
        // `cdk synth -c sourceMaps=true` writes each bundle's map beside it, to read a deployed stack
        // trace with (docs/operations.md#reading-a-stack-trace); the code itself is the same.
        sourceMap: [true, 'true'].includes(scope.node.tryGetContext('sourceMaps')),
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir, outputDir) => [
            ...Object.entries(props.generatedFiles ?? {}).map(
              ([name, generator]) =>
                `node --import tsx ${quote(path.join(repositoryRoot, 'infra/tools/write-generated-file.ts'))} ` +
                `${quote(generator)} ${quote(path.join(outputDir, name))}`,
            ),
            ...Object.entries(props.shippedFolders ?? {}).map(
              ([name, folder]) => `cp -R ${quote(folder)} ${quote(path.join(outputDir, name))}`,
            ),
            // The data files the bundle reads from its own folder (the division data), if it reads any.
            `node --import tsx ${quote(path.join(repositoryRoot, 'infra/tools/ship-data-files.ts'))} ${quote(outputDir)}`,
          ],
        },
      },
    });
    this.executionRole = executionRole;

    logGroup.grantWrite(executionRole);

    acknowledgeNag(
      executionRole,
      'IAM5[Resource::*]',
      'Active X-Ray tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, which support no ' +
        'resource-level permissions, so the X-Ray documentation requires Resource "*".',
    );
  }

  /** Gives the function `access` to `table` (see {@link TableAccess}) and the table's name in `envName`. */
  public bindTable(table: ITable, envName: string, access: TableAccess): this {
    this.addEnvironment(envName, table.tableName);
    if (access === 'read') {
      table.grantReadData(this);
    } else if (access === 'append') {
      table.grantReadData(this);
      table.grant(this, 'dynamodb:PutItem');
      Tags.of(this.executionRole).add(EVIDENCE_APPENDER_TAG.key, EVIDENCE_APPENDER_TAG.value);
    } else {
      table.grantReadWriteData(this);
    }
    // CDK grants `<table ARN>/index/*` whenever the table has secondary indexes (and the finding is
    // simply absent when it has none).
    acknowledgeNag(
      this.executionRole,
      `IAM5[Resource::${nagReference(this, table, table.tableArn)}/index/*]`,
      `Queries on the secondary indexes of ${envName} need the index ARNs; the wildcard covers only ` +
        "this table's own indexes, which are part of the same data set.",
    );
    return this;
  }

  /**
   * Gives the function `access` to `bucket`'s objects (see {@link BucketAccess}) and the bucket's
   * name in `envName`. Never a delete: the attachments bucket denies it to everyone anyway.
   */
  public bindBucket(bucket: IBucket, envName: string, access: BucketAccess): this {
    this.addEnvironment(envName, bucket.bucketName);
    bucket.grantRead(this);
    if (access === 'upload') bucket.grantPut(this);
    const reference = nagReference(this, bucket, bucket.bucketArn);
    acknowledgeNag(
      this.executionRole,
      `IAM5[Resource::${reference}/*]`,
      `The objects of ${envName}: every key of that one bucket, whose keys are chosen by incident and content hash at run time.`,
    );
    for (const action of access === 'upload' ? [...S3_READ_ACTIONS, ...S3_PUT_ACTIONS] : S3_READ_ACTIONS) {
      acknowledgeNag(
        this.executionRole,
        `IAM5[Action::${action}]`,
        `CDK's ${access === 'upload' ? 'read and put grants' : 'read grant'} on ${envName} (${action}), on that one bucket and its objects only.`,
      );
    }
    return this;
  }

  /** Lets the function read `secret`'s value, and tells it the secret's ARN in `envName`. */
  public bindSecret(secret: ISecret, envName: string): this {
    this.addEnvironment(envName, secret.secretArn);
    secret.grantRead(this);
    return this;
  }

  /** Lets the function publish to `topic`, and tells it the topic's ARN in `envName`. */
  public bindTopic(topic: ITopic, envName: string): this {
    this.addEnvironment(envName, topic.topicArn);
    topic.grantPublish(this);
    if (topic.masterKey) {
      // The grant on an encrypted topic includes kms:GenerateDataKey*, scoped to the topic's key.
      acknowledgeNag(
        this.executionRole,
        'IAM5[Action::kms:GenerateDataKey*]',
        `Publishing to the encrypted topic ${envName} needs kms:GenerateDataKey* (GenerateDataKey and ` +
          "GenerateDataKeyWithoutPlaintext) on the topic's own customer-managed key only.",
      );
    }
    return this;
  }

  /**
   * Lets the function manage the subscriptions of `topic` — subscribe endpoints, unsubscribe them,
   * list them, read their attributes and set them (a subscription's dead-letter queue) — and tells
   * it the topic's ARN in `envName`. It cannot publish to the topic, nor read its messages, so no
   * key permission either.
   *
   * With `deadLetters`, it is also told (in `deadLetters.envName`) the ARN of the queue the
   * subscriptions it makes redrive to. It gets no permission on that queue: naming a queue in a
   * redrive policy needs none, and SNS itself writes to it, under the queue's own policy.
   */
  public bindTopicSubscriptions(
    topic: ITopic,
    envName: string,
    deadLetters?: { readonly queue: IQueue; readonly envName: string },
  ): this {
    this.addEnvironment(envName, topic.topicArn);
    if (deadLetters) this.addEnvironment(deadLetters.envName, deadLetters.queue.queueArn);
    // IAM authorises all five on the topic's ARN, the subscription-level Unsubscribe and
    // Get/SetSubscriptionAttributes included (the Service Authorization Reference lists the topic
    // as their resource type), so the statement names the topic alone rather than its
    // subscriptions' ARNs.
    TopicGrants.fromTopic(topic).actions(this, [
      'sns:Subscribe',
      'sns:Unsubscribe',
      'sns:ListSubscriptionsByTopic',
      'sns:GetSubscriptionAttributes',
      'sns:SetSubscriptionAttributes',
    ]);
    return this;
  }

  /** Lets the function send to (`send`) or consume from (`consume`) `queue`, and tells it the queue's URL in `envName`. */
  public bindQueue(queue: IQueue, envName: string, access: QueueAccess): this {
    this.addEnvironment(envName, queue.queueUrl);
    if (access === 'send') {
      queue.grantSendMessages(this);
    } else {
      queue.grantConsumeMessages(this);
    }
    return this;
  }

  /**
   * Lets the function start executions of `stateMachine` — nothing else on it, and no other
   * machine — and tells it the machine's ARN in `envName`.
   */
  public bindStateMachine(stateMachine: IStateMachine, envName: string): this {
    this.addEnvironment(envName, stateMachine.stateMachineArn);
    stateMachine.grantStartExecution(this);
    return this;
  }
}
