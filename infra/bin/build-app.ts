/**
 * Builds the CDK app: the stateful stack, the stateless stack fed from it, and cdk-nag's AWS
 * Solutions checks over both. Kept apart from `app.ts` so tests can build the same app without
 * synthesising it as a side effect of the import.
 */
import { App, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { RouteDef } from '../api';
import { StatefulStack } from '../stacks/stateful-stack';
import { StatelessStack } from '../stacks/stateless-stack';

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
}

/** The app and its two stacks. */
export interface PipelineApp {
  readonly app: App;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

export function buildApp(options: BuildAppOptions = {}): PipelineApp {
  const app = new App({ context: options.context, outdir: options.outdir });
  const env = options.env ?? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };

  const stateful = new StatefulStack(app, 'IncidentPipeline-Stateful', {
    env,
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
    userPool: stateful.userPool,
    userPoolClient: stateful.userPoolClient,
    operatorAlerts: stateful.operatorAlerts,
    officerDeliveryDeadLetters: stateful.officerDeliveryDeadLetters,
    routes: options.routes,
  });

  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  }
  return { app, stateful, stateless };
}
