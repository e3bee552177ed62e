/**
 * An officer notification SNS gives up delivering is not lost: every officer's subscription
 * redrives to the officer-delivery dead-letter queue, which only SNS may write to and only for the
 * officer-notifications topic, and whose first message alarms the operators; the directory import
 * is told that queue and may set it on the topic's subscriptions, and on nothing else. And the
 * topic logs the delivery status of webhooks (the one officer protocol a topic logs) to two log
 * groups its feedback role may write to, and nothing more.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import type { PipelineApp } from '../../infra/bin/build-app';
import { officerDeliveryDeadLettersEnv } from '../../infra/stacks/stateless-stack';
import { logicalIdOf } from './logical-ids';
import { type Json, synthesisedPipeline } from './synthesised';

let pipeline: PipelineApp;
let stateful: Json;
let stateless: Json;

beforeAll(() => {
  ({ pipeline, stateful, stateless } = synthesisedPipeline());
});

function resourceIn(template: Json, logicalId: string): Json {
  const resource = template.Resources[logicalId];
  if (resource === undefined) throw new Error(`${logicalId} is not in the template`);
  return resource;
}

function resourcesOfType(template: Json, type: string): [string, Json][] {
  return Object.entries<Json>(template.Resources).filter(([, resource]) => resource.Type === type);
}

/** What an `Fn::ImportValue` in the stateless stack reads: the value the stateful stack exports under that name. */
function exported(value: Json): Json {
  const name = value?.['Fn::ImportValue'];
  if (name === undefined) return value;
  return Object.values<Json>(stateful.Outputs).find((output) => output.Export?.Name === name)?.Value;
}

/** The statements of every policy attached to the role `roleId` in `template`. */
function statementsOf(template: Json, roleId: string): Json[] {
  return resourcesOfType(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => policy.Properties.Roles.some((role: Json) => role.Ref === roleId))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);
}

const deadLettersId = () => logicalIdOf(pipeline.stateful.officerDeliveryDeadLetters);
const topicId = () => logicalIdOf(pipeline.stateful.topics.officerNotifications);
const deadLettersArn = () => ({ 'Fn::GetAtt': [deadLettersId(), 'Arn'] });

describe('officer-delivery dead-letter queue', () => {
  it('is encrypted and keeps what it parks for the longest SQS allows, and redrives nowhere itself', () => {
    expect(resourceIn(stateful, deadLettersId())).toMatchObject({
      Type: 'AWS::SQS::Queue',
      Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 },
    });
    expect(resourceIn(stateful, deadLettersId()).Properties.RedrivePolicy).toBeUndefined();
  });

  it('admits SNS only, only to send, and only for the officer-notifications topic; and TLS only', () => {
    // PREPARE
    const policies = resourcesOfType(stateful, 'AWS::SQS::QueuePolicy').filter(([, policy]) =>
      policy.Properties.Queues.some((queue: Json) => queue.Ref === deadLettersId()),
    );
    const statements: Json[] = policies.flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);

    // ASSESS: exactly one Allow, and the deny of plain HTTP.
    expect(statements.filter((statement) => statement.Effect === 'Allow')).toEqual([
      {
        Sid: 'OfficerNotificationsTopicOnly',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: deadLettersArn(),
        Condition: { ArnEquals: { 'aws:SourceArn': { Ref: topicId() } } },
      },
    ]);
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('alarms on its first message and tells the operators', () => {
    const alarms = resourcesOfType(stateful, 'AWS::CloudWatch::Alarm').filter(([, alarm]) =>
      (alarm.Properties.Dimensions ?? []).some(
        (dimension: Json) => dimension.Name === 'QueueName' && dimension.Value?.['Fn::GetAtt']?.[0] === deadLettersId(),
      ),
    );

    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.[1].Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: logicalIdOf(pipeline.stateful.operatorAlerts) }],
    });
  });
});

describe('the directory import and the dead-letter queue', () => {
  const importRoleId = () => logicalIdOf(pipeline.stateless.workerFunctions.importOfficers.executionRole);

  it('is told the queue’s ARN', () => {
    const variables = resourceIn(stateless, logicalIdOf(pipeline.stateless.workerFunctions.importOfficers)).Properties
      .Environment.Variables;

    expect(exported(variables[officerDeliveryDeadLettersEnv])).toEqual(deadLettersArn());
  });

  it('may set subscription attributes on the officer-notifications topic only, and nobody else may', () => {
    // PREPARE: every Allow statement in the stateless stack that grants SetSubscriptionAttributes.
    const granting = resourcesOfType(stateless, 'AWS::IAM::Role').flatMap(([roleId]) =>
      statementsOf(stateless, roleId)
        .filter((statement) => statement.Effect === 'Allow')
        .filter((statement) => [statement.Action].flat().includes('sns:SetSubscriptionAttributes'))
        .map((statement) => ({ roleId, resources: [statement.Resource].flat().map(exported) })),
    );

    // ASSESS
    expect(granting).toEqual([{ roleId: importRoleId(), resources: [{ Ref: topicId() }] }]);
  });

  it('gets no permission on the queue: SNS writes to it, under the queue’s policy', () => {
    const actions = statementsOf(stateless, importRoleId()).flatMap((statement) => [statement.Action].flat());

    expect(actions.filter((action: string) => action.startsWith('sqs:'))).toEqual([]);
  });
});

describe('delivery-status logging of officer notifications', () => {
  const roleArnOf = (configs: Json[]): Json => configs[0]?.FailureFeedbackRoleArn;

  it('logs every webhook delivery and every failed one, and no other protocol (email and SMS have no topic logging)', () => {
    // PREPARE
    const configs: Json[] = resourceIn(stateful, topicId()).Properties.DeliveryStatusLogging;
    const role = roleArnOf(configs);

    // ASSESS
    expect(configs).toEqual([
      {
        Protocol: 'http/s',
        SuccessFeedbackRoleArn: role,
        FailureFeedbackRoleArn: role,
        SuccessFeedbackSampleRate: '100',
      },
    ]);
    expect(role).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
  });

  it('logs nothing for the other topics', () => {
    const others = resourcesOfType(stateful, 'AWS::SNS::Topic').filter(([id]) => id !== topicId());

    expect(others.length).toBeGreaterThan(0);
    for (const [, topic] of others) expect(topic.Properties.DeliveryStatusLogging).toBeUndefined();
  });

  it('writes to the two log groups SNS names after the topic, kept a year', () => {
    // PREPARE
    const groups = [pipeline.stateful.officerDeliveryLogs.delivered, pipeline.stateful.officerDeliveryLogs.failed];
    const name = (suffix: string[]) => ({
      'Fn::Join': [
        '',
        [
          'sns/',
          { Ref: 'AWS::Region' },
          '/',
          { Ref: 'AWS::AccountId' },
          '/',
          { 'Fn::GetAtt': [topicId(), 'TopicName'] },
          ...suffix,
        ],
      ],
    });

    // ASSESS
    expect(groups.map((group) => resourceIn(stateful, logicalIdOf(group)))).toEqual([
      expect.objectContaining({
        Properties: { LogGroupName: name([]), RetentionInDays: 365 },
        DeletionPolicy: 'Retain',
      }),
      expect.objectContaining({
        Properties: { LogGroupName: name(['/Failure']), RetentionInDays: 365 },
        DeletionPolicy: 'Retain',
      }),
    ]);
  });

  it('has a feedback role only SNS may assume, which may only write logs to those two groups', () => {
    // PREPARE
    const roleId = roleArnOf(resourceIn(stateful, topicId()).Properties.DeliveryStatusLogging)['Fn::GetAtt'][0];
    const groupIds = [
      pipeline.stateful.officerDeliveryLogs.delivered,
      pipeline.stateful.officerDeliveryLogs.failed,
    ].map(logicalIdOf);
    const statements = statementsOf(stateful, roleId);
    /** The log group a resource of a statement is on: a reference to it, by ARN or by name. */
    const groupOf = (resource: Json): string | undefined =>
      resource?.['Fn::GetAtt']?.[0] ??
      resource?.['Fn::Join']?.[1]?.find((part: Json) => part?.Ref && groupIds.includes(part.Ref))?.Ref;

    // ASSESS: the trust, and each statement's actions and log groups.
    expect(resourceIn(stateful, roleId).Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(statements.every((statement) => statement.Effect === 'Allow')).toBe(true);
    expect([...new Set(statements.flatMap((statement) => [statement.Action].flat()))].sort()).toEqual([
      'logs:CreateLogGroup',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
    const resources = statements.flatMap((statement) => [statement.Resource].flat());
    expect(resources.every((resource) => JSON.stringify(resource).includes('*') === false)).toBe(true);
    expect([...new Set(resources.map(groupOf))].sort()).toEqual([...groupIds].sort());
  });
});
