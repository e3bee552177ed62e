import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiFunctions } from '../../infra/api';
import { PipelineFunction, repositoryRoot } from '../../infra/constructs/pipeline-function';
import { queues, tables, topics } from '../../infra/resources';
import { StatefulStack } from '../../infra/stacks/stateful-stack';
import { buildOpenApiDocument } from '../../shared/schemas/openapi';

const fastSynth = { 'aws:cdk:bundling-stacks': [] };
const entry = 'functions/health/handler.ts';
const machineArn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:Escalation';

/**
 * Functions bound the way the stacks bind them: across stacks to the stateful resources, and within
 * one stack to a local table (the two ways a binding's ARN reaches a policy).
 */
function bindingApp() {
  const app = new App({ context: fastSynth });
  const stateful = new StatefulStack(app, 'Stateful');
  const consumers = new Stack(app, 'Consumers');

  const reader = new PipelineFunction(consumers, 'Reader', { entry }).bindTable(
    stateful.tables.incidents,
    tables.incidents.env,
    'read',
  );
  const writer = new PipelineFunction(consumers, 'Writer', { entry })
    .bindTable(stateful.tables.incidents, tables.incidents.env, 'readWrite')
    .bindTopic(stateful.topics.incidentEvents, topics.incidentEvents.env)
    .bindQueue(stateful.queues.timers, queues.timers.env, 'send')
    .bindQueue(stateful.queues.rollup, queues.rollup.env, 'consume')
    .bindStateMachine(StateMachine.fromStateMachineArn(consumers, 'Machine', machineArn), 'MACHINE_ARN');

  const subscriber = new PipelineFunction(consumers, 'Subscriber', { entry }).bindTopicSubscriptions(
    stateful.topics.officerNotifications,
    topics.officerNotifications.env,
    { queue: stateful.officerDeliveryDeadLetters, envName: 'DEAD_LETTERS_ARN' },
  );

  const localTable = new Table(consumers, 'LocalTable', {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  });
  localTable.addGlobalSecondaryIndex({ indexName: 'byOther', partitionKey: { name: 'o', type: AttributeType.STRING } });
  new PipelineFunction(consumers, 'LocalReader', { entry }).bindTable(localTable, 'LOCAL_TABLE', 'read');

  return { app, consumers, reader, writer, subscriber };
}

let bound: ReturnType<typeof bindingApp>;
let template: Template;

beforeAll(() => {
  bound = bindingApp();
  template = Template.fromStack(bound.consumers);
});

function logicalIdOf(construct: { node: { defaultChild?: unknown } }): string {
  const resource = construct.node.defaultChild;
  if (!CfnElement.isCfnElement(resource)) throw new Error('construct has no CloudFormation resource');
  return bound.consumers.getLogicalId(resource);
}

function environmentOf(fn: PipelineFunction): Record<string, unknown> {
  return template.findResources('AWS::Lambda::Function')[logicalIdOf(fn)]?.Properties.Environment.Variables;
}

/** Each statement of `fn`'s role policy, as the actions it allows. */
function allowedActionsOf(fn: PipelineFunction): string[][] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: logicalIdOf(fn.executionRole) }] },
  });
  return Object.values(policies).flatMap((policy) =>
    policy.Properties.PolicyDocument.Statement.filter(
      (statement: { Effect: string }) => statement.Effect === 'Allow',
    ).map((statement: { Action: string | string[] }) => [statement.Action].flat()),
  );
}

/** `fn`'s role may do all of `actions`, granted in one statement (one grant). */
function expectAllowed(fn: PipelineFunction, actions: string[]): void {
  expect(allowedActionsOf(fn)).toContainEqual(expect.arrayContaining(actions));
}

describe('PipelineFunction', () => {
  describe('bindings set the variable and make the grant together', () => {
    it('bindTable(read) names the table and allows queries, but no writes', () => {
      expect(environmentOf(bound.reader)).toHaveProperty(tables.incidents.env);
      expectAllowed(bound.reader, ['dynamodb:Query', 'dynamodb:GetItem']);
      expect(allowedActionsOf(bound.reader).flat()).not.toContain('dynamodb:PutItem');
    });

    it('bindTable(readWrite) allows writes', () => {
      expect(environmentOf(bound.writer)).toHaveProperty(tables.incidents.env);
      expectAllowed(bound.writer, ['dynamodb:PutItem', 'dynamodb:Query']);
    });

    it("bindTopic names the topic and allows publishing with the topic's key", () => {
      expect(environmentOf(bound.writer)).toHaveProperty(topics.incidentEvents.env);
      expectAllowed(bound.writer, ['sns:Publish']);
      expectAllowed(bound.writer, ['kms:GenerateDataKey*']);
    });

    it('bindTopicSubscriptions names the topic and allows managing its subscriptions, not publishing', () => {
      expect(environmentOf(bound.subscriber)).toHaveProperty(topics.officerNotifications.env);
      expect(allowedActionsOf(bound.subscriber).filter((actions) => actions.some((a) => a.startsWith('sns:')))).toEqual(
        [
          expect.arrayContaining([
            'sns:Subscribe',
            'sns:Unsubscribe',
            'sns:ListSubscriptionsByTopic',
            'sns:GetSubscriptionAttributes',
            'sns:SetSubscriptionAttributes',
          ]),
        ],
      );
      const all = allowedActionsOf(bound.subscriber).flat();
      expect(all.filter((action) => action.startsWith('sns:')).sort()).toEqual([
        'sns:GetSubscriptionAttributes',
        'sns:ListSubscriptionsByTopic',
        'sns:SetSubscriptionAttributes',
        'sns:Subscribe',
        'sns:Unsubscribe',
      ]);
      // Subscribing reads no message, so the topic's key is not needed.
      expect(all.filter((action) => action.startsWith('kms:'))).toEqual([]);
    });

    it('bindTopicSubscriptions with dead letters names their queue, and grants nothing on it', () => {
      // Only SNS writes to the queue, under the queue's own policy; naming it in a redrive policy
      // needs no permission.
      expect(environmentOf(bound.subscriber)).toHaveProperty('DEAD_LETTERS_ARN');
      expect(
        allowedActionsOf(bound.subscriber)
          .flat()
          .filter((action) => action.startsWith('sqs:')),
      ).toEqual([]);
    });

    it('bindQueue names the queue and allows sending or consuming', () => {
      expect(environmentOf(bound.writer)).toHaveProperty(queues.timers.env);
      expect(environmentOf(bound.writer)).toHaveProperty(queues.rollup.env);
      expectAllowed(bound.writer, ['sqs:SendMessage']);
      expectAllowed(bound.writer, ['sqs:ReceiveMessage', 'sqs:DeleteMessage']);
    });

    it('bindStateMachine names the machine and allows starting executions, nothing more', () => {
      expect(environmentOf(bound.writer)).toHaveProperty('MACHINE_ARN', machineArn);
      expect(
        allowedActionsOf(bound.writer)
          .flat()
          .filter((action) => action.startsWith('states:')),
      ).toEqual(['states:StartExecution']);
    });
  });

  it('leaves no unacknowledged cdk-nag finding, within a stack and across stacks', () => {
    // The bindings acknowledge their own wildcard findings; this proves the acknowledged ids are
    // exactly the ones cdk-nag reports, including the export names of cross-stack ARNs.
    const violations = new AwsSolutionsChecks().validateScope(bound.app).violations;

    expect(violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath)}`)).toEqual([]);
  });

  it('bundles the handler with esbuild as an ES module with require(), and ships no source map', () => {
    // PREPARE: one of the two tests that really bundle, with the local esbuild.
    const app = new App();
    const stack = new Stack(app, 'Bundled');
    new PipelineFunction(stack, 'Health', { entry });

    // ACT
    const assembly = app.synth();

    // ASSESS
    const properties = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0]?.Properties;
    const assetDirectory = path.join(assembly.directory, `asset.${path.parse(properties.Code.S3Key).name}`);
    const bundle = readFileSync(path.join(assetDirectory, 'index.mjs'), 'utf8');
    expect(bundle.startsWith("import { createRequire } from 'node:module';")).toBe(true);
    expect(bundle).toMatch(/export\s*\{/);
    expect(readdirSync(assetDirectory)).toEqual(['index.mjs']);
    expect(bundle).not.toContain('sourceMappingURL');
    expect(properties.Environment.Variables.NODE_OPTIONS).toBeUndefined();
  });

  it('ships the division data beside a bundle that looks regions up, as JSON it reads when first asked', () => {
    // PREPARE
    const app = new App();
    const stack = new Stack(app, 'Regions');
    new PipelineFunction(stack, 'RegionLookup', { entry: 'test/fixtures/region-lookup-handler.ts' });

    // ACT
    const assembly = app.synth();

    // ASSESS: the file is the data itself, the code carries none of it, and the bundle finds it.
    const code = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0]?.Properties.Code;
    const assetDirectory = path.join(assembly.directory, `asset.${path.parse(code.S3Key).name}`);
    expect(readdirSync(assetDirectory).sort()).toEqual(['divisions.json', 'index.mjs']);
    expect(readFileSync(path.join(assetDirectory, 'divisions.json'), 'utf8')).toBe(
      readFileSync(path.join(repositoryRoot, 'shared/domain/regions/divisions.json'), 'utf8'),
    );
    expect(readFileSync(path.join(assetDirectory, 'index.mjs'), 'utf8')).not.toContain('东城区');
    const answer = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '--eval',
        `const { handler } = await import(${JSON.stringify(path.join(assetDirectory, 'index.mjs'))});` +
          "process.stdout.write(await handler({ code: '110101' }));",
      ],
      { encoding: 'utf8' },
    );
    expect(answer).toBe('东城区');
  });

  it('generates a function’s generated files into its bundle: the OpenAPI document, built from the schemas', () => {
    // PREPARE
    const app = new App();
    const stack = new Stack(app, 'Generated');
    new PipelineFunction(stack, 'OpenApi', apiFunctions.openapi);

    // ACT
    const assembly = app.synth();

    // ASSESS: the document is the generator's, and the bundle carries no schema library.
    const code = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0]?.Properties.Code;
    const assetDirectory = path.join(assembly.directory, `asset.${path.parse(code.S3Key).name}`);
    expect(readdirSync(assetDirectory).sort()).toEqual(['index.mjs', 'openapi.json']);
    expect(JSON.parse(readFileSync(path.join(assetDirectory, 'openapi.json'), 'utf8'))).toEqual(buildOpenApiDocument());
    const bundle = readFileSync(path.join(assetDirectory, 'index.mjs'), 'utf8');
    expect(bundle).not.toContain('$ZodType');
    expect(bundle).not.toContain(buildOpenApiDocument().info.description);
    // What is left is the logging, metrics and tracing middleware every handler has (about 43 KB).
    expect(bundle.length).toBeLessThan(60_000);
  });
});
