/**
 * Builds the CDK app for the partition the context names (infra/deployment.ts): the stateful
 * stack, the stateless stack fed from it, the web console's stack, and cdk-nag's AWS Solutions
 * checks over them. Kept apart from `app.ts` so tests can build the same app without
 * synthesising it as a side effect of the import.
 */
import { App, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { OidcConsoleAuth } from '../../shared/schemas/console-config';
import type { RouteDef } from '../api';
import { WEB_SCOPES } from '../constructs/web-sign-in';
import { type Deployment, deploymentFrom, type IdentityProvider } from '../deployment';
import { ensureWebBuild } from '../local/web-build';
import { type CognitoAccounts, StatefulStack } from '../stacks/stateful-stack';
import { cognitoTokens, StatelessStack, type TokenIssuer } from '../stacks/stateless-stack';
import { type ConsoleSignIn, WebStack } from '../stacks/web-stack';

/** How to build the app; the defaults are what `cdk synth` uses. */
export interface BuildAppOptions {
  /** Context for the app, e.g. `{ 'aws:cdk:bundling-stacks': [] }` to skip bundling in tests. @default - none */
  readonly context?: Record<string, unknown>;
  /** Where the cloud assembly is written. @default - the CLI's choice, or a temporary directory */
  readonly outdir?: string;
  /**
   * Account and region of the stacks. Nothing is looked up, so the app synthesises offline. The
   * `region` context, or the `aws-cn` partition's default region, takes precedence over this region.
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

/** The app and its stacks. */
export interface PipelineApp {
  readonly app: App;
  /** The partition, region and identity provider the context chose. */
  readonly deployment: Deployment;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
  /** The console on CloudFront; none in the China partition. */
  readonly web?: WebStack;
}

export function buildApp(options: BuildAppOptions = {}): PipelineApp {
  const app = new App({
    // S3 server access logs delivered under a bucket policy, not the deprecated log-delivery ACL.
    context: { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true, ...options.context },
    outdir: options.outdir,
  });
  // Given options.env, exactly that (`{}`: environment-agnostic); otherwise the CLI's defaults.
  const givenRegion = options.env ? options.env.region : process.env.CDK_DEFAULT_REGION;
  const deployment = deploymentFrom((key) => app.node.tryGetContext(key), givenRegion);
  const env: Environment = {
    account: options.env ? options.env.account : process.env.CDK_DEFAULT_ACCOUNT,
    region: deployment.region,
  };
  const { identity } = deployment;

  // The console's own domain (in mainland China it must have an ICP filing) and its certificate:
  // `cdk deploy -c webDomain=console.example.gov.cn -c webCertificateArn=arn:aws:acm:us-east-1:…`.
  // In the China regions the domain is the API's own, and the certificate one in the stacks' region.
  const webDomain = app.node.tryGetContext('webDomain') as string | undefined;
  const webCertificateArn = app.node.tryGetContext('webCertificateArn') as string | undefined;
  if (webDomain && !webCertificateArn)
    throw new Error(
      'webDomain needs webCertificateArn (an ACM certificate in us-east-1; in aws-cn, in the stacks’ region)',
    );
  const domain = webDomain && webCertificateArn ? { name: webDomain, certificateArn: webCertificateArn } : undefined;
  const inChina = deployment.partition === 'aws-cn';

  const stateful = new StatefulStack(app, 'IncidentPipeline-Stateful', {
    env,
    identity,
    sms: deployment.sms,
    ...(webDomain ? { webOrigins: [`https://${webDomain}`] } : {}),
    description: 'Incident reporting pipeline: event log, projections, messaging and accounts',
    // The stack holds the audit trail and the accounts; deleting it must take a deliberate step.
    terminationProtection: true,
  });
  const tokens: TokenIssuer =
    identity.kind === 'external'
      ? { issuer: identity.issuer, audience: identity.audience, claimNames: identity.claimNames }
      : cognitoTokens(stateful, accountsOf(stateful));
  const stateless = new StatelessStack(app, 'IncidentPipeline-Stateless', {
    env,
    description: 'Incident reporting pipeline: HTTP API, workers and escalation timers',
    tables: stateful.tables,
    topics: stateful.topics,
    queues: stateful.queues,
    buckets: stateful.buckets,
    tokens,
    sms: { setup: deployment.sms, ...(stateful.smsCredentials ? { credentials: stateful.smsCredentials } : {}) },
    operatorAlerts: stateful.operatorAlerts,
    officerDeliveryDeadLetters: stateful.officerDeliveryDeadLetters,
    routes: options.routes,
    // CloudFront in the China regions is a separate service that needs an ICP-filed domain for every
    // distribution, takes no ACM certificate and runs no CloudFront Functions: there the console is
    // served from the API's own domain (docs/operations.md#the-web-console-in-the-china-regions).
    ...(inChina
      ? {
          console: {
            webDist: options.webDist ?? ensureWebBuild().dist,
            auth: consoleSignIn(stateful, identity).auth,
            ...(domain ? { domain } : {}),
          },
        }
      : {}),
  });

  const web = !inChina
    ? new WebStack(app, 'IncidentPipeline-Web', {
        env,
        description: 'Incident reporting pipeline: the web console and the API on one CloudFront distribution',
        httpApi: stateless.httpApi,
        signIn: consoleSignIn(stateful, identity),
        attachments: stateful.buckets.attachments,
        webDist: options.webDist ?? ensureWebBuild().dist,
        ...(domain ? { domain } : {}),
      })
    : undefined;

  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  }
  return { app, deployment, stateful, stateless, ...(web ? { web } : {}) };
}

function accountsOf(stateful: StatefulStack): CognitoAccounts {
  if (!stateful.accounts) throw new Error('the stateful stack has no user pool: an external issuer keeps the accounts');
  return stateful.accounts;
}

function consoleSignIn(stateful: StatefulStack, identity: IdentityProvider): ConsoleSignIn & { auth: OidcConsoleAuth } {
  if (identity.kind === 'cognito') {
    const accounts = accountsOf(stateful);
    return { kind: 'cognito', accounts, auth: accounts.webSignIn.consoleAuth() };
  }
  if (!identity.consoleEndpoints) {
    throw new Error(
      'the web console signs in at the external issuer: name its endpoints with -c oidcAuthorizationEndpoint=… ' +
        '-c oidcTokenEndpoint=… (and -c oidcEndSessionEndpoint=…), as its discovery document lists them',
    );
  }
  return {
    kind: 'external',
    auth: {
      kind: 'oidc',
      ...identity.consoleEndpoints,
      clientId: identity.webClientId,
      scopes: [...WEB_SCOPES],
      ...(Object.keys(identity.claimNames).length > 0 ? { claimNames: identity.claimNames } : {}),
    },
  };
}
