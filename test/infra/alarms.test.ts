/**
 * Nothing the pipeline gives up on goes unseen: every dead-letter queue — each queue's DLQ and the
 * officer-delivery DLQ in the stateful stack, each stream consumer's failure destination in the
 * stateless one — has an alarm on its first message that tells the operators' topic, which
 * CloudWatch can encrypt to.
 */

import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PipelineApp } from '../../infra/bin/build-app';
import { queues } from '../../infra/resources';
import { logicalIdOf } from './logical-ids';
import { type Json, synthesisedPipeline } from './synthesised';

let pipeline: PipelineApp;
let stateless: Json;
let stateful: Json;

beforeAll(() => {
  ({ pipeline, stateful, stateless } = synthesisedPipeline());
});

const alarmsIn = (template: Json): Json[] =>
  Object.values<Json>(template.Resources).filter((resource) => resource.Type === 'AWS::CloudWatch::Alarm');

/** The alarm watching the queue `queueId` (by its QueueName attribute), if there is one. */
const alarmOn = (template: Json, queueMatches: (dimension: Json) => boolean): Json | undefined =>
  alarmsIn(template).find((alarm) =>
    (alarm.Properties.Dimensions ?? []).some(
      (dimension: Json) => dimension.Name === 'QueueName' && queueMatches(dimension.Value),
    ),
  );

describe('alarms on dead letters', () => {
  it.each(Object.keys(queues))('the %s queue’s DLQ alarms on its first message and tells the operators', (name) => {
    const dlqId = logicalIdOf(pipeline.stateful.deadLetterQueues[name as keyof typeof queues]);
    const alertsId = logicalIdOf(pipeline.stateful.operatorAlerts);

    const alarm = alarmOn(stateful, (value) => value?.['Fn::GetAtt']?.[0] === dlqId);

    expect(alarm?.Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: alertsId }],
    });
  });

  it('alarms on the officer-delivery DLQ, where SNS parks what it could not deliver to an officer', () => {
    const dlqId = logicalIdOf(pipeline.stateful.officerDeliveryDeadLetters);

    const alarm = alarmOn(stateful, (value) => value?.['Fn::GetAtt']?.[0] === dlqId);

    expect(alarm?.Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      AlarmActions: [{ Ref: logicalIdOf(pipeline.stateful.operatorAlerts) }],
    });
  });

  it('alarms on every stream consumer’s failure destination too', () => {
    const failureQueues = Object.values(pipeline.stateless.streamFailureQueues);
    expect(failureQueues.length).toBeGreaterThan(0);
    for (const queue of failureQueues) {
      const queueId = logicalIdOf(queue as IConstruct);
      const alarm = alarmOn(stateless, (value) => value?.['Fn::GetAtt']?.[0] === queueId);
      expect(alarm?.Properties.AlarmActions, queueId).toHaveLength(1);
    }
  });

  it('lets CloudWatch encrypt to the operators’ topic key, and nobody else beyond the account', () => {
    const topic = stateful.Resources[logicalIdOf(pipeline.stateful.operatorAlerts)];
    const keyId = topic.Properties.KmsMasterKeyId['Fn::GetAtt'][0];
    const statements = stateful.Resources[keyId].Properties.KeyPolicy.Statement as Json[];

    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    );
  });
});
