/**
 * The whole pipeline on one machine: DynamoDB Local, fauxqs, the resources of
 * `infra/resources.ts`, and the HTTP API of `infra/api.ts` served by the same handlers the
 * Lambdas run. `npm start` (main.ts) and the integration tests both start it through here.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { makeIncidentStore, makeSummaryStore } from '../../shared/adapters/dynamodb';
import { writeCountingWanted, writeTally } from '../../shared/adapters/dynamodb/write-counter';
import { loadPolicy } from '../../shared/adapters/policy-source';
import { makeReconcileAll } from '../../shared/application/reconcile';
import { headRewriteSummary, makeRewriteHeads } from '../../shared/application/rewrite-heads';
import type { Policy } from '../../shared/domain/policy/policy';
import { TOKEN_CLAIMS_ENV } from '../../shared/schemas/claims';
import { unitLimitsOf } from '../../shared/schemas/console-config';
import { type ApiThrottle, apiFunctions, apiThrottle, type FunctionDef, routes } from '../api';
import type { QueueName } from '../resources';
import { writeGeneratedFilesBeside } from '../tools/generated-files';
import { openLocalSigner } from './auth';
import { LOCAL_REGION, localCredentials } from './aws-local';
import { startDynamoDbLocal } from './dynamodb-local';
import { type ExternalIssuerOptions, openExternalIssuer } from './external-issuer';
import { type FakeSmsProvider, startFakeSmsProvider } from './fake-sms-provider';
import { startLocalMessaging } from './fauxqs';
import { type HttpHandler, type LocalRoute, startLocalHttpServer } from './http-server';
import { startLocalWorkers } from './local-workers';
import { startMetricsTally } from './metrics-tally';
import { PortInUseError } from './ports';
import { type LocalResources, provisionLocalResources, resourceEnvironment } from './provision';
import { startLocalS3Edge } from './s3-edge';
import { LOCAL_IDENTITIES, makeLocalSignIn } from './sign-in';
import { makeWebAssets } from './web-assets';
import { webDist } from './web-build';

const repositoryRoot = resolve(import.meta.dirname, '../..');

/** Where, in its data folder, a runtime counting its DynamoDB writes (DYNAMODB_COUNT_WRITES=true) keeps the counts. */
export const WRITE_COUNTS_FILE = 'write-counts.json';

export interface LocalRuntimeOptions {
  /** HTTP port on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  /** Holds the signing key and, unless `inMemory`, DynamoDB Local's files and the S3 emulator's objects. */
  readonly dataDir: string;
  /** `national`, `drill` or a path to a policy file. */
  readonly policy: string;
  /** Keep DynamoDB Local's data in memory (throw-away test runs). */
  readonly inMemory?: boolean;
  /** Use engines that are already running instead of starting new ones. */
  readonly engines?: { readonly dynamodbEndpoint: string; readonly messagingEndpoint: string };
  /** Namespaces table, queue and topic names, so runtimes can share engines. */
  readonly resourcePrefix?: string;
  /** How often the deadline sweeper runs; by default a quarter of the policy's shortest limit, 1–60 s. */
  readonly sweepIntervalMs?: number;
  /** How often the zero-report cut-off check runs; every minute, as on AWS, by default. */
  readonly zeroReportCheckIntervalMs?: number;
  /** Receives before a failed message is parked in its dead-letter queue (provision.ts); the description's by default. */
  readonly maxReceiveCount?: number;
  /** Concurrent consumers of each queue (the roll-up's, for `bench:pipeline --consumers`); one by default. */
  readonly consumersPerQueue?: Partial<Record<QueueName, number>>;
  /** Leave the timers of pending obligations unarmed at start (tests of the sweeper's safety net). */
  readonly skipRearm?: boolean;
  /** The API's throttling: the stage's (`apiThrottle`) by default; `false` for none. */
  readonly throttle?: ApiThrottle | false;
  /** The built web console served at `/`; `web/dist` by default (`npm start` builds it first). */
  readonly webDist?: string;
  /**
   * Take the handlers' metrics (EMF lines) off stdout and `log` their tally this often. Only when
   * metrics are on (POWERTOOLS_METRICS_DISABLED=false before the handlers load), as `npm start` has them.
   */
  readonly metricsEveryMs?: number;
  readonly log?: (line: string) => void;
  /**
   * Trust this OpenID Connect issuer's tokens instead of the local key's, as the stacks' JWT
   * authorizer does when the deployment names one; the console then signs in there.
   * @default the local key, and the local sign-in
   */
  readonly externalIssuer?: ExternalIssuerOptions;
}

export interface LocalRuntime {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly policy: Policy;
  readonly resources: LocalResources;
  readonly endpoints: { readonly dynamodb: string; readonly messaging: string; readonly s3: string };
  readonly dynamodbPid: number | undefined;
  /** The stand-in SMS provider the SMS worker sends through (what it accepted, and refusals to make). */
  readonly sms: FakeSmsProvider;
  readonly sweepIntervalMs: number;
  /** Counts of the local state machine's executions, by status. */
  timers(): Record<'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED', number>;
  stop(): Promise<void>;
}

/**
 * Holds the API's port from the start until the HTTP server takes it: a port only checked and let
 * go could be handed meanwhile to one of the engines started here, or to another process, that
 * asks the OS for any free port. Refused at once when the port is taken already.
 */
const holdPort = (port: number): Promise<{ release(): Promise<void> }> =>
  new Promise((resolvePort, reject) => {
    if (port === 0) return resolvePort({ release: async () => undefined });
    // Whoever knocks before the API is up (a health check polling) is turned away at once, not left hanging.
    const holder = createServer((socket) => socket.destroy());
    holder.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port) : error),
    );
    holder.listen(port, '127.0.0.1', () =>
      resolvePort({
        release: () =>
          new Promise<void>((released) => (holder.listening ? holder.close(() => released()) : released())),
      }),
    );
  });

/**
 * Points every AWS SDK client the handlers build at the local engines, and has their DynamoDB
 * clients wait for DynamoDB Local to commit each transaction before answering (commit-barrier.ts).
 */
const localAwsEnvironment = (dynamodb: string, messaging: string, s3: string): Record<string, string> => ({
  AWS_REGION: LOCAL_REGION,
  AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
  AWS_ENDPOINT_URL_DYNAMODB: dynamodb,
  AWS_ENDPOINT_URL_SQS: messaging,
  AWS_ENDPOINT_URL_SNS: messaging,
  AWS_ENDPOINT_URL_S3: s3,
  DYNAMODB_LOCAL_COMMIT_BARRIER: 'true',
});

const loadHandler = async <H = HttpHandler>(entry: string): Promise<H> => {
  const module = (await import(pathToFileURL(join(repositoryRoot, entry)).href)) as { handler?: H };
  if (typeof module.handler !== 'function') throw new Error(`${entry} does not export a handler`);
  return module.handler;
};

/**
 * Starts everything and resolves when the API answers. Stopping undoes it in reverse order and is
 * safe to call more than once.
 */
export const startLocalRuntime = async (options: LocalRuntimeOptions): Promise<LocalRuntime> => {
  const log = options.log ?? (() => undefined);
  // A bad policy or a busy port should fail in milliseconds, before Java starts.
  const policy = await loadPolicy(options.policy);
  const heldPort = await holdPort(options.port);

  // Let go of the port on a failed start too (releasing twice is harmless).
  const cleanups: (() => Promise<void>)[] = [heldPort.release];
  const stop = async (): Promise<void> => {
    while (cleanups.length > 0) {
      const cleanup = cleanups.pop();
      await cleanup?.().catch((error: unknown) => console.error('error while stopping:', error));
    }
  };

  try {
    let dynamodbEndpoint: string;
    let messagingEndpoint: string;
    let dynamodbPid: number | undefined;
    if (options.engines) {
      dynamodbEndpoint = options.engines.dynamodbEndpoint;
      messagingEndpoint = options.engines.messagingEndpoint;
    } else {
      const [dynamodb, messaging] = await Promise.allSettled([
        startDynamoDbLocal(options.inMemory ? {} : { dataDir: join(options.dataDir, 'dynamodb') }),
        startLocalMessaging(options.inMemory ? {} : { s3StorageDir: join(options.dataDir, 's3') }),
      ]);
      if (dynamodb.status === 'fulfilled') cleanups.push(dynamodb.value.stop);
      if (messaging.status === 'fulfilled') cleanups.push(messaging.value.stop);
      if (dynamodb.status === 'rejected') throw dynamodb.reason;
      if (messaging.status === 'rejected') throw messaging.reason;
      dynamodbEndpoint = dynamodb.value.endpoint;
      dynamodbPid = dynamodb.value.pid;
      messagingEndpoint = messaging.value.endpoint;
    }
    // Attachments are uploaded and read through S3's door: its CORS and its upload checks.
    const s3Edge = await startLocalS3Edge(messagingEndpoint);
    cleanups.push(s3Edge.stop);
    log(
      `DynamoDB Local at ${dynamodbEndpoint}, fauxqs (SQS/SNS/S3) at ${messagingEndpoint}, S3 uploads at ${s3Edge.endpoint}`,
    );

    const clientConfig = { region: LOCAL_REGION, credentials: localCredentials };
    const clients = {
      dynamodb: new DynamoDBClient({ ...clientConfig, endpoint: dynamodbEndpoint }),
      sqs: new SQSClient({ ...clientConfig, endpoint: messagingEndpoint }),
      sns: new SNSClient({ ...clientConfig, endpoint: messagingEndpoint }),
      s3: new S3Client({ ...clientConfig, endpoint: s3Edge.endpoint, forcePathStyle: true }),
    };
    cleanups.push(async () => {
      for (const client of Object.values(clients)) client.destroy();
    });
    const resources = await provisionLocalResources(
      clients,
      options.resourcePrefix ?? '',
      options.maxReceiveCount !== undefined ? { maxReceiveCount: options.maxReceiveCount } : {},
    );

    // Officers' SMS go through the SMS worker to a stand-in for the provider, as in the China regions.
    const sms = await startFakeSmsProvider({ dataDir: options.dataDir, log });
    cleanups.push(sms.close);

    // Handlers parse their configuration once, at import: set it before importing them.
    Object.assign(
      process.env,
      localAwsEnvironment(dynamodbEndpoint, messagingEndpoint, s3Edge.endpoint),
      resourceEnvironment(resources),
      sms.environment,
      {
        POLICY: options.policy,
        // The issuer's claim names, read by the API handlers when they load (as on AWS).
        [TOKEN_CLAIMS_ENV]: JSON.stringify(options.externalIssuer?.claimNames ?? {}),
        POWERTOOLS_SERVICE_NAME: process.env.POWERTOOLS_SERVICE_NAME ?? 'incident-pipeline-local',
        POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
        POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      },
    );

    if (writeCountingWanted()) {
      // The benchmarks read the write counts from the data folder: every second, and at the stop.
      const countsFile = join(options.dataDir, WRITE_COUNTS_FILE);
      const save = () => writeFileSync(countsFile, JSON.stringify(writeTally()));
      const saving = setInterval(save, 1_000);
      cleanups.push(async () => {
        clearInterval(saving);
        save();
      });
    }

    if (options.metricsEveryMs !== undefined) {
      const tally = startMetricsTally({ everyMs: options.metricsEveryMs, print: log });
      cleanups.push(async () => tally.stop());
    }

    // fauxqs keeps queues in memory, so whatever was in flight when the runtime last stopped is
    // gone: rebuild the summaries and the punctuality counters from the event log (one pass over
    // it) before the consumers start.
    const incidentStore = makeIncidentStore({ INCIDENTS_TABLE: resources.tables.incidents });
    const stores = {
      incidents: incidentStore,
      summaries: makeSummaryStore({ SUMMARIES_TABLE: resources.tables.summaries }),
    };
    const { incidents, summaries, duties } = await makeReconcileAll(stores)({
      fix: true,
      progress: (done) => log(`reconciling summaries: ${done} incidents`),
    });
    if (incidents > 0) {
      log(
        `summaries reconciled from ${incidents} incidents: ` +
          (summaries.differences.length === 0 ? 'all exact' : `${summaries.differences.length} differences repaired`),
      );
    }
    if (duties.differences.length > 0) {
      log(`punctuality counters reconciled: ${duties.differences.length} differences repaired`);
    }
    // Data from before the boards' index keys: its heads rewritten from their logs, once. One scan
    // of the heads finds none without the keys on every later start.
    const migrated = await makeRewriteHeads({ incidents: incidentStore })({ onlyWithoutBoardKeys: true });
    if (migrated.rewritten > 0 || migrated.moving.length > 0 || migrated.disagreeing.length > 0) {
      log(headRewriteSummary(migrated));
    }

    const workers = await startLocalWorkers({
      dataDir: options.dataDir,
      resources,
      dynamodbEndpoint,
      dynamodb: clients.dynamodb,
      sqs: clients.sqs,
      policy,
      log,
      loadHandler,
      ...(options.sweepIntervalMs !== undefined ? { sweepIntervalMs: options.sweepIntervalMs } : {}),
      ...(options.zeroReportCheckIntervalMs !== undefined
        ? { zeroReportCheckIntervalMs: options.zeroReportCheckIntervalMs }
        : {}),
      ...(options.skipRearm !== undefined ? { skipRearm: options.skipRearm } : {}),
      ...(options.consumersPerQueue !== undefined ? { consumersPerQueue: options.consumersPerQueue } : {}),
    });
    cleanups.push(workers.stop);

    const functions = Object.entries<FunctionDef>(apiFunctions);
    // What bundling generates beside the bundle on AWS, generated beside the handler here.
    for (const [, def] of functions) await writeGeneratedFilesBeside(def.entry, def.generatedFiles);
    // Imported together: under Vitest each import is a round trip to the main process for the
    // transformed source, and one after another they kept a test file waiting about a second.
    const handlers = new Map<string, HttpHandler>(
      await Promise.all(functions.map(async ([name, def]) => [name, await loadHandler(def.entry)] as const)),
    );
    const localRoutes: LocalRoute[] = routes.map((route) => {
      const handler = handlers.get(route.fn);
      if (!handler) throw new Error(`route ${route.method} ${route.path} names unknown function ${route.fn}`);
      return { ...route, handler };
    });

    const signer = await openLocalSigner(options.dataDir);
    const issuer = options.externalIssuer && (await openExternalIssuer(options.externalIssuer));
    // The web console beside the API, and its sign-in: the local one (a route of this runtime only),
    // or the external issuer's.
    const signIn = issuer ? async () => false : makeLocalSignIn(signer);
    const webAssets = makeWebAssets({
      dist: options.webDist ?? webDist,
      config: {
        auth: issuer ? issuer.consoleAuth : { kind: 'local', identities: LOCAL_IDENTITIES },
        unitLimits: unitLimitsOf(policy),
      },
      attachmentOrigin: s3Edge.endpoint,
    });
    await heldPort.release();
    const http = await startLocalHttpServer({
      port: options.port,
      routes: localRoutes,
      verifyToken: (token) => (issuer ? issuer.verify(token) : signer.verify(token)),
      log,
      ...(options.throttle === false ? {} : { throttle: options.throttle ?? apiThrottle }),
      fallback: async (req, res, url) => (await signIn(req, res, url)) || (await webAssets(req, res, url)),
    });
    if (issuer) log(`trusting tokens of ${options.externalIssuer?.issuer}, not the local key`);
    cleanups.push(http.close);

    // Where the engines are, for the command-line tools (`npm run reconcile`) while we run.
    const runtimeFile = join(options.dataDir, 'runtime.json');
    writeFileSync(
      runtimeFile,
      JSON.stringify({
        pid: process.pid,
        url: http.url,
        dynamodb: dynamodbEndpoint,
        messaging: messagingEndpoint,
        tables: resources.tables,
        buckets: resources.buckets,
      }),
    );
    cleanups.push(async () => rmSync(runtimeFile, { force: true }));

    return {
      url: http.url,
      port: http.port,
      dataDir: options.dataDir,
      policy,
      resources,
      endpoints: { dynamodb: dynamodbEndpoint, messaging: messagingEndpoint, s3: s3Edge.endpoint },
      dynamodbPid,
      sms,
      sweepIntervalMs: workers.sweepIntervalMs,
      timers: () => workers.timers(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
};
