/**
 * The workers of `infra/workers.ts` as the stateless stack deploys them: one function each with the
 * pipeline's defaults and only the access its description gives it, connected to its source (the
 * incident log's stream, the timers and roll-up queues, the sweeper's schedule, nothing for the
 * operator's reconcile and directory import), and the escalation state machine that runs the definition of
 * `infra/state-machines/escalation.ts` with the timer task.
 */

import validator from 'asl-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PipelineApp } from '../../infra/bin/build-app';
import { timerFunctionArnSubstitution } from '../../infra/constructs/escalation-state-machine';
import { type TableName, type TopicName, tables, topics } from '../../infra/resources';
import { entriesOf } from '../../infra/stacks/records';
import { escalationStateMachineEnv, officerDeliveryDeadLettersEnv } from '../../infra/stacks/stateless-stack';
import { escalationDefinition } from '../../infra/state-machines/escalation';
import { type WorkerDef, type WorkerName, type WorkerSource, workerFunctions } from '../../infra/workers';
import { SMS_CHANNEL_ENV } from '../../shared/adapters/sms/channel';
import { logicalIdOf } from './logical-ids';
import { type Json, synthesisedPipeline } from './synthesised';
import { actionsOnTable, expectTableAccess, readOnlyActions, tableIdsOf, writeActions } from './table-grants';

/** An Allow statement with its actions and resources as lists. */
interface Allowed {
  readonly actions: string[];
  readonly resources: unknown[];
}

let pipeline: PipelineApp;
let stateless: Json;
let stateful: Json;

beforeAll(() => {
  ({ pipeline, stateful, stateless } = synthesisedPipeline());
});

function resourceIn(template: Json, logicalId: string): Json {
  const resource = template.Resources[logicalId];
  if (resource === undefined) throw new Error(`${logicalId} is not in the template`);
  return resource;
}

/** The one element of `list`; fails, naming `what`, if there is none or more than one. */
function single<T>(list: readonly T[], what: string): T {
  const [only] = list;
  if (only === undefined || list.length > 1) throw new Error(`expected one ${what}, found ${list.length}`);
  return only;
}

function resourcesOfType(template: Json, type: string): [string, Json][] {
  return Object.entries<Json>(template.Resources).filter(([, resource]) => resource.Type === type);
}

/** What an `Fn::ImportValue` in the stateless stack reads: the value the stateful stack exports under that name. */
function exported(importValue: Json): Json {
  const name = importValue['Fn::ImportValue'];
  const output = Object.values<Json>(stateful.Outputs).find((candidate) => candidate.Export?.Name === name);
  return output?.Value;
}

/** Every Allow statement of the policies attached to the role `roleId` in the stateless stack. */
function allowedTo(roleId: string): Allowed[] {
  return resourcesOfType(stateless, 'AWS::IAM::Policy')
    .filter(([, policy]) => policy.Properties.Roles.some((role: Json) => role.Ref === roleId))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement)
    .filter((statement: Json) => statement.Effect === 'Allow')
    .map((statement: Json) => ({ actions: [statement.Action].flat(), resources: [statement.Resource].flat() }));
}

/** Every role of the stateless stack with the statements that allow `prefix` actions, e.g. `states:`. */
function rolesAllowing(prefix: string): Record<string, Allowed[]> {
  return Object.fromEntries(
    resourcesOfType(stateless, 'AWS::IAM::Role')
      .map(([roleId]): [string, Allowed[]] => [
        roleId,
        allowedTo(roleId).filter((allowed) => allowed.actions.some((action) => action.startsWith(prefix))),
      ])
      .filter(([, statements]) => statements.length > 0),
  );
}

/**
 * What CloudFormation does with a state machine's `DefinitionSubstitutions`: each `${Name}` becomes
 * its value. A placeholder without a value fails, as the deployment would.
 */
function substitute(definition: string, values: Readonly<Record<string, string>>): string {
  return definition.replace(/\$\{(\w+)\}/g, (placeholder, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${placeholder} has no substitution`);
    return value;
  });
}

const workers = entriesOf<WorkerName, WorkerDef>(workerFunctions);

/** The workers whose source is of `kind`, with that source. */
function workersFedBy<K extends WorkerSource['kind']>(kind: K): [WorkerName, Extract<WorkerSource, { kind: K }>][] {
  const isOfKind = (source: WorkerSource): source is Extract<WorkerSource, { kind: K }> => source.kind === kind;
  return workers.flatMap(([name, def]) => (isOfKind(def.source) ? [[name, def.source]] : []));
}

/**
 * How long each worker may run, in seconds: the pipeline's 10 s unless its work needs longer. The
 * roll-up applies a batch of 100 events in five contended transactions; reconcile and the heads'
 * migration walk the whole event log, and the directory import syncs thousands of subscriptions
 * call by call, so all three get Lambda's maximum.
 */
const timeoutSeconds: Readonly<Partial<Record<WorkerName, number>>> = {
  rollUp: 30,
  reconcile: 900,
  migrateHeads: 900,
  importOfficers: 900,
  checkZeroReports: 60,
};
const timeoutSecondsOf = (name: WorkerName): number => timeoutSeconds[name] ?? 10;

const functionIdOf = (name: WorkerName): string => logicalIdOf(pipeline.stateless.workerFunctions[name]);
const tableIds = (): Record<TableName, string> => tableIdsOf(pipeline.stateful.tables);
const roleIdOf = (name: WorkerName): string => logicalIdOf(pipeline.stateless.workerFunctions[name].executionRole);
const stateMachineId = (): string => logicalIdOf(pipeline.stateless.escalation);
const timerFunctionName = (): WorkerName => single(workersFedBy('state-machine'), 'state machine task')[0];

/** The event source mapping of the function `name`; there must be exactly one. */
function mappingOf(name: WorkerName): Json {
  const mappings = resourcesOfType(stateless, 'AWS::Lambda::EventSourceMapping').filter(
    ([, mapping]) => mapping.Properties.FunctionName.Ref === functionIdOf(name),
  );
  return single(mappings, `event source mapping of ${name}`)[1].Properties;
}

/** The AWS services a worker's description lets it reach, besides its own logs and traces. */
function describedServices(def: WorkerDef): string[] {
  const services = new Set(['logs', 'xray']);
  if (def.tables) services.add('dynamodb');
  // An encrypted topic: publishing needs its key.
  if (def.publishes?.length) for (const service of ['sns', 'kms']) services.add(service);
  if (def.startsTimers) services.add('states');
  // Managing a topic's subscriptions reads no message, so no key.
  if (def.managesSubscriptions?.length) services.add('sns');
  // A stream consumer reads the stream and parks failures in a queue; a queue consumer reads its queue.
  if (def.source.kind === 'stream') for (const service of ['dynamodb', 'sqs']) services.add(service);
  if (def.source.kind === 'queue') services.add('sqs');
  return [...services].sort();
}

describe('workers', () => {
  describe('functions', () => {
    it.each(workers)('%s runs with the pipeline defaults and its own role and log group', (name) => {
      // PREPARE
      const fn = resourceIn(stateless, functionIdOf(name));
      const logGroup = resourceIn(stateless, fn.Properties.LoggingConfig.LogGroup.Ref);

      // ASSESS
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        MemorySize: 512,
        Timeout: timeoutSecondsOf(name),
        Role: { 'Fn::GetAtt': [roleIdOf(name), 'Arn'] },
        Environment: { Variables: { POWERTOOLS_SERVICE_NAME: expect.any(String) } },
      });
      expect(fn.Properties.Environment.Variables).not.toHaveProperty('NODE_OPTIONS');
      expect(logGroup).toMatchObject({
        Type: 'AWS::Logs::LogGroup',
        Properties: { RetentionInDays: 365 },
        DeletionPolicy: 'Retain',
      });
    });

    it.each(workers)(
      '%s is told of exactly the tables, topics and state machine it is described to use',
      (name, def) => {
        const expected = new Set([
          'POWERTOOLS_SERVICE_NAME',
          ...entriesOf(def.tables ?? {}).map(([table]) => tables[table].env),
          ...(def.publishes ?? []).map((topic) => topics[topic].env),
          ...(def.managesSubscriptions ?? []).map((topic) => topics[topic].env),
          // The officers' subscriptions it makes must name the officer-delivery dead-letter queue.
          ...(def.managesSubscriptions?.includes('officerNotifications') ? [officerDeliveryDeadLettersEnv] : []),
          ...(def.startsTimers ? [escalationStateMachineEnv] : []),
          ...(def.smsChannel ? [SMS_CHANNEL_ENV] : []),
        ]);

        const variables = resourceIn(stateless, functionIdOf(name)).Properties.Environment.Variables;

        expect(Object.keys(variables).sort()).toEqual([...expected].sort());
      },
    );

    it.each(workers)('%s may reach only the services its description and source need', (name, def) => {
      const services = allowedTo(roleIdOf(name)).flatMap((allowed) =>
        allowed.actions.map((action) => action.split(':')[0]),
      );

      expect([...new Set(services)].sort()).toEqual(describedServices(def));
    });

    it.each(workers)('%s reads and writes exactly the tables its description gives it', (name, def) => {
      expectTableAccess({ stateless, stateful }, roleIdOf(name), tableIds(), def.tables ?? {});
    });

    it('lets the roll-up consumer write the summaries, and not touch the incident log', () => {
      // PREPARE
      const onSummaries = actionsOnTable({ stateless, stateful }, roleIdOf('rollUp'), tableIds().summaries);
      const onIncidents = actionsOnTable({ stateless, stateful }, roleIdOf('rollUp'), tableIds().incidents);

      // ASSESS: what the summary store sends (TransactWriteItems is authorised as its Puts and
      // Updates), and no write, nor anything else, on the audit trail.
      expect(onSummaries).toEqual(
        expect.arrayContaining([
          'dynamodb:BatchGetItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:DeleteItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:Scan',
          'dynamodb:UpdateItem',
        ]),
      );
      expect(onIncidents.filter((action) => writeActions.includes(action))).toEqual([]);
      expect(onIncidents).toEqual([]);
    });

    it('lets reconcile read the incident log and nothing more, and repair the summaries', () => {
      // PREPARE
      const onIncidents = actionsOnTable({ stateless, stateful }, roleIdOf('reconcile'), tableIds().incidents);
      const onSummaries = actionsOnTable({ stateless, stateful }, roleIdOf('reconcile'), tableIds().summaries);

      // ASSESS
      expect(onIncidents).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:Scan']));
      expect(onIncidents.filter((action) => !readOnlyActions.includes(action))).toEqual([]);
      expect(onSummaries).toEqual(expect.arrayContaining(writeActions));
    });
  });

  describe('officers’ delivery subscriptions', () => {
    /**
     * Exactly the calls the SNS subscription registry makes; the one attribute it sets after
     * subscribing is a subscription's dead-letter queue (its RedrivePolicy).
     */
    const subscriptionActions = [
      'sns:GetSubscriptionAttributes',
      'sns:ListSubscriptionsByTopic',
      'sns:SetSubscriptionAttributes',
      'sns:Subscribe',
      'sns:Unsubscribe',
    ];
    const topicRef = (topic: TopicName): Json => ({ Ref: logicalIdOf(pipeline.stateful.topics[topic]) });
    /** A statement's resource as the stateful stack defines it, when it arrives as an import. */
    const resolved = (resource: unknown): unknown => {
      const reference = resource as Json;
      return reference?.['Fn::ImportValue'] === undefined ? reference : exported(reference);
    };
    const snsStatementsOf = (name: WorkerName): Allowed[] =>
      allowedTo(roleIdOf(name)).filter((allowed) => allowed.actions.some((action) => action.startsWith('sns:')));

    it('are managed by the directory import, and by no other function of the stack', () => {
      // PREPARE: every role of the stateless stack (API functions included) with an SNS action
      // other than publishing.
      const managers = Object.entries(rolesAllowing('sns:'))
        .filter(([, statements]) =>
          statements.some((allowed) =>
            allowed.actions.some((action) => action.startsWith('sns:') && action !== 'sns:Publish'),
          ),
        )
        .map(([roleId]) => roleId);

      // ASSESS
      expect(workers.filter(([, def]) => def.managesSubscriptions).map(([name]) => name)).toEqual(['importOfficers']);
      expect(managers).toEqual([roleIdOf('importOfficers')]);
    });

    it('lets the import subscribe, unsubscribe, list, read and set subscriptions on the officer-notifications topic only', () => {
      const statements = snsStatementsOf('importOfficers');

      // ASSESS: one statement, its resource the topic itself (IAM authorises all five on the topic).
      expect(
        statements.map(({ actions, resources }) => ({
          actions: [...actions].sort(),
          resources: resources.map(resolved),
        })),
      ).toEqual([{ actions: subscriptionActions, resources: [topicRef('officerNotifications')] }]);
    });

    it('does not let the import publish, nor reach the incident-events topic or any key', () => {
      // PREPARE
      const allowed = allowedTo(roleIdOf('importOfficers'));
      const resources = allowed.flatMap((statement) => statement.resources.map(resolved));
      const actions = allowed.flatMap((statement) => statement.actions);

      // ASSESS
      expect(actions).not.toContain('sns:Publish');
      expect(actions.filter((action) => action.startsWith('kms:'))).toEqual([]);
      expect(resources).not.toContainEqual(topicRef('incidentEvents'));
    });

    it('tells the import the officer-notifications topic’s ARN', () => {
      const variables = resourceIn(stateless, functionIdOf('importOfficers')).Properties.Environment.Variables;

      expect(exported(variables[topics.officerNotifications.env])).toEqual(topicRef('officerNotifications'));
    });
  });

  describe('escalation state machine', () => {
    it('is a Standard state machine that logs every execution with its data for a year, and is traced', () => {
      // PREPARE
      const { Properties: machine } = resourceIn(stateless, stateMachineId());
      const [destination] = machine.LoggingConfiguration.Destinations;
      const logGroup = resourceIn(stateless, destination.CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0]);

      // ASSESS
      expect(machine.StateMachineType).toBe('STANDARD');
      expect(machine.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: true });
      expect(logGroup).toMatchObject({
        Type: 'AWS::Logs::LogGroup',
        Properties: { RetentionInDays: 365 },
        DeletionPolicy: 'Retain',
      });
      expect(machine.TracingConfiguration).toEqual({ Enabled: true });
    });

    it('runs the definition of infra/state-machines/escalation.ts with the timer function as its task', () => {
      // PREPARE: every substitution rendered as the reference it holds, e.g. `<TimerFunction.Arn>`.
      const { DefinitionString, DefinitionSubstitutions } = resourceIn(stateless, stateMachineId()).Properties;
      const timerArn = { 'Fn::GetAtt': [functionIdOf(timerFunctionName()), 'Arn'] };
      const render = (reference: Json): string => `<${reference['Fn::GetAtt'].join('.')}>`;

      // ACT
      const deployed = JSON.parse(
        substitute(
          DefinitionString,
          Object.fromEntries(Object.entries<Json>(DefinitionSubstitutions).map(([name, ref]) => [name, render(ref)])),
        ),
      );

      // ASSESS
      expect(typeof DefinitionString).toBe('string');
      expect(DefinitionSubstitutions).toEqual({ [timerFunctionArnSubstitution]: timerArn });
      expect(deployed).toEqual(escalationDefinition(render(timerArn)));
    });

    it('deploys valid Amazon States Language once the timer function ARN is filled in', () => {
      const { DefinitionString, DefinitionSubstitutions } = resourceIn(stateless, stateMachineId()).Properties;
      const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:IncidentPipeline-ObligationTimer';
      const definition = JSON.parse(
        substitute(DefinitionString, Object.fromEntries(Object.keys(DefinitionSubstitutions).map((n) => [n, arn]))),
      );

      const result = validator(definition);

      expect(result.errors).toEqual([]);
      expect(result.isValid).toBe(true);
    });

    it('is checked by a validator that really checks task resources (canary)', () => {
      // Without this, a validator that accepted anything would make the test above pass vacuously.
      const result = validator(escalationDefinition('not-an-arn'));

      expect(result.isValid).toBe(false);
      expect(result.errorsText()).toMatch(/Resource/);
    });

    it('may invoke the timer function and no other, and needs "*" only for logging and tracing', () => {
      // PREPARE
      const roleId = logicalIdOf(pipeline.stateless.escalation.role);
      const timerArn = { 'Fn::GetAtt': [functionIdOf(timerFunctionName()), 'Arn'] };
      const allowed = allowedTo(roleId);

      // ASSESS
      expect(allowed.filter((statement) => statement.actions.some((action) => action.startsWith('lambda:')))).toEqual([
        {
          actions: ['lambda:InvokeFunction'],
          resources: [timerArn, { 'Fn::Join': ['', [timerArn, ':*']] }],
        },
      ]);
      for (const statement of allowed.filter((candidate) => candidate.resources.includes('*'))) {
        expect(
          statement.actions.every((action) => /^(logs|xray):/.test(action)),
          statement.actions.join(),
        ).toBe(true);
      }
    });

    it('is the only thing the timer starter may start, and it alone may start it', () => {
      const starters = workers.filter(([, def]) => def.startsTimers).map(([name]) => roleIdOf(name));

      const roles = rolesAllowing('states:');

      expect(Object.keys(roles).sort()).toEqual(starters.sort());
      for (const statements of Object.values(roles)) {
        expect(statements).toEqual([{ actions: ['states:StartExecution'], resources: [{ Ref: stateMachineId() }] }]);
      }
    });

    it('tells the timer starter its ARN', () => {
      for (const [name] of workers.filter(([, def]) => def.startsTimers)) {
        const variables = resourceIn(stateless, functionIdOf(name)).Properties.Environment.Variables;

        expect(variables[escalationStateMachineEnv]).toEqual({ Ref: stateMachineId() });
      }
    });

    it('is the only holder of a role that may invoke a function', () => {
      expect(Object.keys(rolesAllowing('lambda:'))).toEqual([logicalIdOf(pipeline.stateless.escalation.role)]);
    });
  });

  describe('event sources', () => {
    it('maps exactly the stream and queue consumers', () => {
      const consumers = [...workersFedBy('stream'), ...workersFedBy('queue')].map(([name]) => functionIdOf(name));

      const mapped = resourcesOfType(stateless, 'AWS::Lambda::EventSourceMapping').map(
        ([, mapping]) => mapping.Properties.FunctionName.Ref,
      );

      expect(mapped.sort()).toEqual(consumers.sort());
    });

    it.each(workersFedBy('stream'))(
      '%s reads its table’s stream from the oldest record, reports partial failures and parks what it gives up on',
      (name, source) => {
        // PREPARE
        const mapping = mappingOf(name);
        const failuresId = mapping.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0];
        const failures = resourceIn(stateless, failuresId);
        const failuresPolicy = resourcesOfType(stateless, 'AWS::SQS::QueuePolicy').find(([, policy]) =>
          policy.Properties.Queues.some((queue: Json) => queue.Ref === failuresId),
        );

        // ASSESS: the described table's stream, in the described batches.
        expect(exported(mapping.EventSourceArn)).toEqual({
          'Fn::GetAtt': [logicalIdOf(pipeline.stateful.tables[source.table]), 'StreamArn'],
        });
        expect(mapping).toMatchObject({
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: source.batchSize,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          BisectBatchOnFunctionError: true,
        });
        // Bounded (-1 would retry a poison record, and hold back its shard, for the stream's 24 hours).
        expect(mapping.MaximumRetryAttempts).toBeGreaterThanOrEqual(0);
        // The failure queue: encrypted, TLS only, and the consumer may write to it.
        expect(failures).toMatchObject({ Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: true } });
        expect(failuresPolicy?.[1].Properties.PolicyDocument.Statement).toContainEqual(
          expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        );
        expect(allowedTo(roleIdOf(name))).toContainEqual({
          actions: expect.arrayContaining(['sqs:SendMessage']),
          resources: [{ 'Fn::GetAtt': [failuresId, 'Arn'] }],
        });
      },
    );

    it.each(workersFedBy('queue'))(
      '%s consumes its queue in the described batches, reporting partial failures',
      (name, source) => {
        // PREPARE
        const mapping = mappingOf(name);
        const queueId = logicalIdOf(pipeline.stateful.queues[source.queue]);
        const timeout = resourceIn(stateless, functionIdOf(name)).Properties.Timeout;

        const window = source.batchingWindowSeconds ?? 0;
        const needed = 6 * timeout + window;

        // ASSESS
        expect(exported(mapping.EventSourceArn)).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
        expect(mapping).toMatchObject({
          BatchSize: source.batchSize,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
        });
        expect(mapping.MaximumBatchingWindowInSeconds).toBe(source.batchingWindowSeconds);
        // Lambda's guidance: a visibility timeout of at least six times the function's timeout, so
        // retries after throttling do not hand a message to a second consumer. The batching window
        // is added because a message's visibility clock starts when the poller receives it, up to a
        // window before the invocation begins.
        expect(
          resourceIn(stateful, queueId).Properties.VisibilityTimeout,
          `visibilityTimeoutSeconds of queues.${source.queue} in infra/resources.ts must be at least ` +
            `6 × ${timeout} s (the function's timeout) + ${window} s (the batching window) = ${needed} s`,
        ).toBeGreaterThanOrEqual(needed);
      },
    );

    it('gathers up to 100 roll-up messages for at most a second, reporting partial failures', () => {
      const mapping = mappingOf('rollUp');

      expect(exported(mapping.EventSourceArn)).toEqual({
        'Fn::GetAtt': [logicalIdOf(pipeline.stateful.queues.rollup), 'Arn'],
      });
      expect(mapping).toMatchObject({
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });

    it('deploys reconcile as a function an operator runs', () => {
      expect(workerFunctions.reconcile.source.kind).toBe('on-demand');
      expect(resourceIn(stateless, functionIdOf('reconcile')).Type).toBe('AWS::Lambda::Function');
    });

    it('deploys the heads’ migration as a function an operator runs', () => {
      expect(workerFunctions.migrateHeads.source.kind).toBe('on-demand');
      expect(resourceIn(stateless, functionIdOf('migrateHeads')).Type).toBe('AWS::Lambda::Function');
    });

    it.each(workersFedBy('on-demand'))(
      '%s has no trigger: no event source mapping, no schedule, no permission for any service to invoke it',
      (name) => {
        const fnId = functionIdOf(name);
        const names = (reference: Json): boolean => reference?.Ref === fnId || reference?.['Fn::GetAtt']?.[0] === fnId;

        const mappings = resourcesOfType(stateless, 'AWS::Lambda::EventSourceMapping').filter(([, mapping]) =>
          names(mapping.Properties.FunctionName),
        );
        const rules = resourcesOfType(stateless, 'AWS::Events::Rule').filter(([, rule]) =>
          rule.Properties.Targets.some((target: Json) => names(target.Arn)),
        );
        const permissions = resourcesOfType(stateless, 'AWS::Lambda::Permission').filter(([, permission]) =>
          names(permission.Properties.FunctionName),
        );

        expect({ mappings, rules, permissions }).toEqual({ mappings: [], rules: [], permissions: [] });
      },
    );

    it.each(workersFedBy('schedule'))('%s runs on its schedule', (name, source) => {
      // PREPARE
      const rules = resourcesOfType(stateless, 'AWS::Events::Rule').filter(([, rule]) =>
        rule.Properties.Targets.some((target: Json) => target.Arn['Fn::GetAtt']?.[0] === functionIdOf(name)),
      );
      const [ruleId, rule] = single(rules, `schedule of ${name}`);
      const unit = source.everyMinutes === 1 ? 'minute' : 'minutes';

      // ASSESS
      expect(rule.Properties).toMatchObject({
        ScheduleExpression: `rate(${source.everyMinutes} ${unit})`,
        State: 'ENABLED',
        // A run still waiting when the next is due is dropped: the next one does the same work.
        Targets: [expect.objectContaining({ RetryPolicy: { MaximumEventAgeInSeconds: source.everyMinutes * 60 } })],
      });
      expect(
        resourcesOfType(stateless, 'AWS::Lambda::Permission').map(([, permission]) => permission.Properties),
      ).toContainEqual(
        expect.objectContaining({
          Action: 'lambda:InvokeFunction',
          Principal: 'events.amazonaws.com',
          FunctionName: { 'Fn::GetAtt': [functionIdOf(name), 'Arn'] },
          SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
        }),
      );
    });
  });
});
