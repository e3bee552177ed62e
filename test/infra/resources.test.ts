/**
 * The description in `infra/resources.ts` is also what the local runtime builds, so the deployed
 * resources must match it exactly: this compares the synthesised template with it in both
 * directions, and fails on any difference in keys, indexes, streams, TTL, retries or filters.
 */
import { CfnElement } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type IndexDef,
  type KeyDef,
  queues,
  type SubscriptionDef,
  subscriptions,
  type TableDef,
  tables,
  topics,
} from '../../infra/resources';
import type { StatefulStack } from '../../infra/stacks/stateful-stack';
import { type Json, synthesisedPipeline } from './synthesised';

interface TemplateResource {
  readonly Type: string;
  readonly Properties: Json;
}

let stateful: StatefulStack;
let resources: Record<string, TemplateResource>;

beforeAll(() => {
  const synthesised = synthesisedPipeline();
  stateful = synthesised.pipeline.stateful;
  resources = synthesised.stateful.Resources;
});

/**
 * The logical id of the resource made for the description entry `id`, found by construct id (the
 * description's own name for it), not through the stack's typed records.
 */
function logicalIdFor(id: string): string {
  const resource = stateful.node.tryFindChild(id)?.node.defaultChild;
  if (!CfnElement.isCfnElement(resource)) throw new Error(`no resource for ${id} in the stateful stack`);
  return stateful.getLogicalId(resource);
}

function ofType(type: string): Record<string, TemplateResource> {
  return Object.fromEntries(Object.entries(resources).filter(([, resource]) => resource.Type === type));
}

function resourceFor(id: string): TemplateResource {
  const resource = resources[logicalIdFor(id)];
  if (resource === undefined) throw new Error(`${id} is not in the template`);
  return resource;
}

/** A key schema as DynamoDB states it. */
function keySchema(partitionKey: KeyDef, sortKey?: KeyDef): object[] {
  return [
    { AttributeName: partitionKey.name, KeyType: 'HASH' },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' }] : []),
  ];
}

/** Every attribute a table's keys and index keys use, with its type, as DynamoDB states it. */
function attributeDefinitions(def: TableDef): object[] {
  const keys = [
    def.partitionKey,
    def.sortKey,
    ...def.globalIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  const byName = new Map(keys.filter((key) => key !== undefined).map((key) => [key.name, key.type]));
  return [...byName].map(([name, type]) => ({ AttributeName: name, AttributeType: type })).sort(byAttributeName);
}

function byAttributeName(a: { AttributeName: string }, b: { AttributeName: string }): number {
  return a.AttributeName.localeCompare(b.AttributeName);
}

function globalIndex(index: IndexDef): object {
  return {
    IndexName: index.name,
    KeySchema: keySchema(index.partitionKey, index.sortKey),
    Projection: { ProjectionType: index.projection },
  };
}

function sortedFilterPolicy(policy: SubscriptionDef['filterPolicy']): Record<string, string[]> | undefined {
  return policy && Object.fromEntries(Object.entries(policy).map(([name, values]) => [name, [...values].sort()]));
}

describe('the template matches infra/resources.ts', () => {
  describe('tables', () => {
    it('has exactly the described tables', () => {
      const described = Object.values(tables).map((def) => logicalIdFor(def.id));

      expect(Object.keys(ofType('AWS::DynamoDB::Table')).sort()).toEqual(described.sort());
    });

    it.each(Object.entries(tables))('%s has the described keys, indexes, stream and TTL', (_, def: TableDef) => {
      // PREPARE
      const { Properties: table } = resourceFor(def.id);

      // ASSESS
      expect(table.KeySchema).toEqual(keySchema(def.partitionKey, def.sortKey));
      expect([...table.AttributeDefinitions].sort(byAttributeName)).toEqual(attributeDefinitions(def));
      expect(table.GlobalSecondaryIndexes ?? []).toEqual(def.globalIndexes.map(globalIndex));
      expect(table.LocalSecondaryIndexes).toBeUndefined();
      expect(table.StreamSpecification).toEqual(def.stream && { StreamViewType: def.stream });
      expect(table.TimeToLiveSpecification).toEqual(
        def.timeToLiveAttribute && { AttributeName: def.timeToLiveAttribute, Enabled: true },
      );
    });
  });

  describe('queues', () => {
    it('has exactly the described queues and dead-letter queues, and the officer-delivery DLQ', () => {
      // The officer-delivery DLQ parks what SNS could not deliver to an officer's email, phone or
      // webhook; the local runtime delivers to none of them, so it has no local twin and is not
      // described with the pipeline's resources.
      const described = [
        ...Object.values(queues).flatMap((def) => [logicalIdFor(def.id), logicalIdFor(def.deadLetter.id)]),
        logicalIdFor('OfficerDeliveryDeadLetters'),
      ];

      expect(Object.keys(ofType('AWS::SQS::Queue')).sort()).toEqual(described.sort());
    });

    it.each(Object.entries(queues))('%s has the described visibility timeout and redrive', (_, def) => {
      const { Properties: queue } = resourceFor(def.id);
      const { Properties: deadLetters } = resourceFor(def.deadLetter.id);

      expect(queue.VisibilityTimeout).toBe(def.visibilityTimeoutSeconds);
      expect(queue.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdFor(def.deadLetter.id), 'Arn'] },
        maxReceiveCount: def.deadLetter.maxReceiveCount,
      });
      // A dead-letter queue is the end of the line.
      expect(deadLetters.RedrivePolicy).toBeUndefined();
    });
  });

  describe('topics and subscriptions', () => {
    it('has exactly the described topics, and the operators’ alerts topic', () => {
      // The alerts topic carries CloudWatch alarms to people, not pipeline messages: it has no
      // local twin and is not described with the pipeline's resources.
      const described = [
        ...Object.values(topics).map((def) => logicalIdFor(def.id)),
        logicalIdFor('OperatorAlertsTopic'),
      ];

      expect(Object.keys(ofType('AWS::SNS::Topic')).sort()).toEqual(described.sort());
    });

    it('has exactly the described subscriptions, with their filter policies and raw delivery', () => {
      // PREPARE
      const described = subscriptions.map((subscription) => ({
        topic: logicalIdFor(topics[subscription.topic].id),
        queue: logicalIdFor(queues[subscription.queue].id),
        rawMessageDelivery: subscription.rawMessageDelivery,
        filterPolicy: sortedFilterPolicy(subscription.filterPolicy),
      }));

      // ACT
      const synthesised = Object.values(ofType('AWS::SNS::Subscription')).map(({ Properties: subscription }) => {
        expect(subscription.Protocol).toBe('sqs');
        return {
          topic: subscription.TopicArn.Ref,
          queue: subscription.Endpoint['Fn::GetAtt'][0],
          rawMessageDelivery: subscription.RawMessageDelivery ?? false,
          filterPolicy: sortedFilterPolicy(subscription.FilterPolicy),
        };
      });

      // ASSESS
      const byEnds = (a: { topic: string; queue: string }, b: { topic: string; queue: string }) =>
        `${a.topic}/${a.queue}`.localeCompare(`${b.topic}/${b.queue}`);
      expect(synthesised.sort(byEnds)).toEqual(described.sort(byEnds));
    });
  });
});
