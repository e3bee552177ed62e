/**
 * Builds the CDK app: the stateful stack, the stateless stack fed from it, and cdk-nag's AWS
 * Solutions checks over both. Kept apart from `app.ts` so tests can build the same app without
 * synthesising it as a side effect of the import.
 */
import { App, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { RouteDef } from '../api';
import { ensureWebBuild } from '../local/web-build';
import { StatefulStack } from '../stacks/stateful-stack';
import { StatelessStack } from '../stacks/stateless-stack';
import { WebStack } from '../stacks/web-stack';

/** How to build the app; the defaults are what `cdk synth` uses. */
export interface BuildAppOptions {
  /** Context for the app, e.g. `{ 'aws:cdk:bundling-stacks': [] }` to skip bundling in tests. @default - none */
  readonly context?: Record<string, unknown>;
  /** Where the cloud assembly is written. @default - the CLI's choice, or a temporary directory */
  readonly outdir?: string;
  /**
   * Account and region of both stacks. Nothing is looked up, so the app synthesises offline.
   * @default - CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION when set, otherwise environment-agnostic
   */
  readonly env?: Environment;
  /** The API's routes. @default - `routes` of `infra/api.ts` */
  readonly routes?: readonly RouteDef[];
  /** Whether cdk-nag's AWS Solutions checks run at synthesis. @default true */
  readonly nag?: boolean;
  /** The built web console. @default `web/dist`, built first if missing or stale */
  readonly webDist?: string;
}

/** The app and its three stacks. */
export interface PipelineApp {
  readonly app: App;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
  readonly web: WebStack;
}

export function buildApp(options: BuildAppOptions = {}): PipelineApp {
  const app = new App({
    // S3 server access logs delivered under a bucket policy, not the deprecated log-delivery ACL.
    context: { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true, ...options.context },
    outdir: options.outdir,
  });
  const env = options.env ?? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };

  // The console's own domain (in mainland China it must have an ICP filing) and its certificate:
  // `cdk deploy -c webDomain=console.example.gov.cn -c webCertificateArn=arn:aws:acm:us-east-1:…`.
  const webDomain = app.node.tryGetContext('webDomain') as string | undefined;
  const webCertificateArn = app.node.tryGetContext('webCertificateArn') as string | undefined;
  if (webDomain && !webCertificateArn)
    throw new Error('webDomain needs webCertificateArn (an ACM certificate in us-east-1)');
  const authDomainPrefix = app.node.tryGetContext('authDomainPrefix') as string | undefined;

  const stateful = new StatefulStack(app, 'IncidentPipeline-Stateful', {
    env,
    ...(authDomainPrefix ? { authDomainPrefix } : {}),
    ...(webDomain ? { webOrigins: [`https://${webDomain}`] } : {}),
    description: 'Incident reporting pipeline: event log, projections, messaging and accounts',
    // The stack holds the audit trail and the accounts; deleting it must take a deliberate step.
    terminationProtection: true,
  });
  const stateless = new StatelessStack(app, 'IncidentPipeline-Stateless', {
    env,
    description: 'Incident reporting pipeline: HTTP API, workers and escalation timers',
    tables: stateful.tables,
    topics: stateful.topics,
    queues: stateful.queues,
    buckets: stateful.buckets,
    userPool: stateful.userPool,
    userPoolClient: stateful.userPoolClient,
    webClient: stateful.webSignIn.client,
    operatorAlerts: stateful.operatorAlerts,
    officerDeliveryDeadLetters: stateful.officerDeliveryDeadLetters,
    routes: options.routes,
  });

  const web = new WebStack(app, 'IncidentPipeline-Web', {
    env,
    description: 'Incident reporting pipeline: the web console and the API on one CloudFront distribution',
    httpApi: stateless.httpApi,
    userPool: stateful.userPool,
    webSignIn: stateful.webSignIn,
    attachments: stateful.buckets.attachments,
    webDist: options.webDist ?? ensureWebBuild().dist,
    ...(webDomain && webCertificateArn ? { domain: { name: webDomain, certificateArn: webCertificateArn } } : {}),
  });

  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  }
  return { app, stateful, stateless, web };
}
