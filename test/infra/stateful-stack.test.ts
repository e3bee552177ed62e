import { CfnElement, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_TRAIL_TABLES, queues, subscriptions, tables, topics } from '../../infra/resources';
import { entriesOf } from '../../infra/stacks/records';
import { ATTACHMENT_RETENTION_DAYS, PITR_DAYS, type StatefulStack } from '../../infra/stacks/stateful-stack';
import { chinaContext, synthesisedChinaPipeline, synthesisedPipeline } from './synthesised';

let stateful: StatefulStack;
let template: Template;

beforeAll(() => {
  const synthesised = synthesisedPipeline();
  stateful = synthesised.pipeline.stateful;
  template = Template.fromJSON(synthesised.stateful);
});

/** The logical id of the L1 resource behind `construct`. */
function logicalIdOf(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  const resource = construct.node.defaultChild;
  if (!CfnElement.isCfnElement(resource)) throw new Error('construct has no CloudFormation resource');
  return stack.getLogicalId(resource);
}

describe('stateful stack', () => {
  describe('tables', () => {
    it('streams the new image of every change to the incident log, for the fan-out', () => {
      // PREPARE
      const incidents = logicalIdOf(stateful, stateful.tables.incidents);

      // ASSESS
      expect(template.toJSON().Resources[incidents].Properties.StreamSpecification).toEqual({
        StreamViewType: tables.incidents.stream,
      });
    });

    it('encrypts every table and keeps point-in-time recovery on it', () => {
      const all = template.findResources('AWS::DynamoDB::Table');

      expect(Object.keys(all)).toHaveLength(Object.keys(tables).length);
      for (const table of Object.values(all)) {
        expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true });
        expect(table.Properties.PointInTimeRecoverySpecification).toEqual({
          PointInTimeRecoveryEnabled: true,
          // The longest window point-in-time recovery keeps.
          RecoveryPeriodInDays: 35,
        });
        expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      }
    });

    it.each(AUDIT_TRAIL_TABLES)(
      'keeps the evidence table %s restorable: never deleted with the table or the stack',
      (name) => {
        // A point-in-time restore needs its source table (docs/reliability.md).
        const resource = template.toJSON().Resources[logicalIdOf(stateful, stateful.tables[name])];

        expect(resource.Properties.PointInTimeRecoverySpecification).toEqual({
          PointInTimeRecoveryEnabled: true,
          RecoveryPeriodInDays: PITR_DAYS,
        });
        expect(resource.Properties.DeletionProtectionEnabled).toBe(true);
        expect(resource.DeletionPolicy).toBe('Retain');
      },
    );

    it('protects the incident log, the audit trail, from deletion', () => {
      const incidents = logicalIdOf(stateful, stateful.tables.incidents);
      const resource = template.toJSON().Resources[incidents];

      expect(resource.Properties.DeletionProtectionEnabled).toBe(true);
      expect(resource.DeletionPolicy).toBe('Retain');
      expect(resource.UpdateReplacePolicy).toBe('Retain');
    });
  });

  describe('attachments bucket', () => {
    const bucketResource = () => template.toJSON().Resources[logicalIdOf(stateful, stateful.buckets.attachments)];

    it('is private, encrypted, versioned and locked in compliance mode for the retention period', () => {
      const resource = bucketResource();

      expect(resource.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(resource.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      expect(resource.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(resource.Properties.ObjectLockEnabled).toBe(true);
      expect(resource.Properties.ObjectLockConfiguration).toEqual({
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: ATTACHMENT_RETENTION_DAYS } },
      });
      expect(resource.DeletionPolicy).toBe('Retain');
      expect(resource.UpdateReplacePolicy).toBe('Retain');
    });

    it('logs every access and moves older objects to cheaper storage', () => {
      const resource = bucketResource();

      expect(resource.Properties.LoggingConfiguration).toEqual({
        DestinationBucketName: expect.anything(),
        LogFilePrefix: 'attachments/',
      });
      expect(resource.Properties.LifecycleConfiguration.Rules).toEqual([
        expect.objectContaining({
          Status: 'Enabled',
          Transitions: [
            { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
            { StorageClass: 'GLACIER_IR', TransitionInDays: 365 },
          ],
        }),
      ]);
    });

    it('lets the console upload and read across origins: its own domain where named, any origin otherwise', () => {
      const corsOf = (resource: { Properties: { CorsConfiguration: unknown } }) =>
        resource.Properties.CorsConfiguration;
      const rule = (origins: string[]) => ({
        CorsRules: [
          {
            AllowedOrigins: origins,
            AllowedMethods: ['PUT', 'GET', 'HEAD'],
            AllowedHeaders: ['content-type', 'x-amz-checksum-sha256', 'x-amz-sdk-checksum-algorithm'],
            MaxAge: 3600,
          },
        ],
      });
      const china = synthesisedChinaPipeline();
      const chinaBucket = logicalIdOf(china.pipeline.stateful, china.pipeline.stateful.buckets.attachments);

      expect(corsOf(bucketResource())).toEqual(rule(['*']));
      expect(corsOf(china.stateful.Resources[chinaBucket])).toEqual(rule([`https://${chinaContext.webDomain}`]));
    });

    it('denies every principal deleting or unlocking an attachment, and any request not over TLS', () => {
      const bucket = logicalIdOf(stateful, stateful.buckets.attachments);
      const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')).filter(
        (policy) => JSON.stringify(policy.Properties.Bucket) === JSON.stringify({ Ref: bucket }),
      );
      expect(policies).toHaveLength(1);
      const statements = policies[0]?.Properties.PolicyDocument.Statement as Record<string, unknown>[];

      expect(statements).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Sid: 'AttachmentsAreEvidence',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectRetention', 's3:PutObjectLegalHold'],
          }),
          expect.objectContaining({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      );
    });
  });

  describe('queues', () => {
    it.each(entriesOf(queues))('redrives %s to its dead-letter queue after the described receives', (name, def) => {
      // PREPARE
      const queue = stateful.queues[name];
      const deadLetters = stateful.deadLetterQueues[name];

      // ASSESS
      expect(template.toJSON().Resources[logicalIdOf(stateful, queue)].Properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(stateful, deadLetters), 'Arn'] },
        maxReceiveCount: def.deadLetter.maxReceiveCount,
      });
    });

    it('encrypts every queue and keeps dead letters for the longest SQS allows', () => {
      const all = template.findResources('AWS::SQS::Queue');
      const deadLetterIds = [...Object.values(stateful.deadLetterQueues), stateful.officerDeliveryDeadLetters].map(
        (queue) => logicalIdOf(stateful, queue),
      );

      // Each described queue and its DLQ, and the officer-delivery DLQ, which SNS subscriptions the
      // directory import makes redrive to (not described: it has no local twin).
      expect(Object.keys(all)).toHaveLength(2 * Object.keys(queues).length + 1);
      for (const [id, queue] of Object.entries(all)) {
        expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
        if (deadLetterIds.includes(id)) expect(queue.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
      }
    });

    it('refuses every request to a queue that is not over TLS', () => {
      const policies = template.findResources('AWS::SQS::QueuePolicy');

      // One per queue, the officer-delivery DLQ's included (counted as in the test above).
      expect(Object.keys(policies)).toHaveLength(2 * Object.keys(queues).length + 1);
      for (const policy of Object.values(policies)) {
        expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
          expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        );
      }
    });
  });

  describe('topics', () => {
    it('encrypts every topic with its own rotating customer-managed key', () => {
      const all = template.findResources('AWS::SNS::Topic');
      const keyIds = Object.values(all).map((topic) => topic.Properties.KmsMasterKeyId['Fn::GetAtt'][0]);

      // The pipeline's topics and the operators' alerts topic.
      expect(Object.keys(all)).toHaveLength(Object.keys(topics).length + 1);
      expect(new Set(keyIds).size).toBe(keyIds.length);
      for (const keyId of keyIds) {
        expect(template.toJSON().Resources[keyId]).toMatchObject({
          Type: 'AWS::KMS::Key',
          Properties: { EnableKeyRotation: true },
        });
      }
    });

    it('refuses publishing over plain HTTP', () => {
      template.resourceCountIs('AWS::SNS::TopicPolicy', Object.keys(topics).length + 1);
      template.allResourcesProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });
  });

  describe('subscriptions', () => {
    it('fans the incident events out to exactly the rollup, timers and notify queues, raw, each with its exact filter', () => {
      // PREPARE
      const fanOut = (['rollup', 'timers', 'notify'] as const).map((queue) => {
        const described = subscriptions.find((s) => s.topic === 'incidentEvents' && s.queue === queue);
        expect(described?.filterPolicy, `incidentEvents → ${queue} in infra/resources.ts`).toBeDefined();
        return {
          Endpoint: { 'Fn::GetAtt': [logicalIdOf(stateful, stateful.queues[queue]), 'Arn'] },
          RawMessageDelivery: true,
          // On message attributes (no FilterPolicyScope): the publisher sets `eventType` there.
          FilterPolicy: described?.filterPolicy,
        };
      });

      // ACT
      const synthesised = Object.values(
        template.findResources('AWS::SNS::Subscription', {
          Properties: { TopicArn: { Ref: logicalIdOf(stateful, stateful.topics.incidentEvents) } },
        }),
      ).map(({ Properties: { Endpoint, RawMessageDelivery, FilterPolicy, FilterPolicyScope } }) => {
        expect(FilterPolicyScope).toBeUndefined();
        return { Endpoint, RawMessageDelivery, FilterPolicy };
      });

      // ASSESS: exact, in both directions: no extra subscriber, no attribute or event type more or less.
      const byQueue = (a: { Endpoint: object }, b: { Endpoint: object }) =>
        JSON.stringify(a.Endpoint).localeCompare(JSON.stringify(b.Endpoint));
      expect(synthesised.sort(byQueue)).toEqual(fanOut.sort(byQueue));
    });

    it.each(subscriptions.map((subscription) => [`${subscription.topic} → ${subscription.queue}`, subscription]))(
      '%s delivers raw messages filtered exactly as described',
      (_, subscription) => {
        template.hasResourceProperties('AWS::SNS::Subscription', {
          Protocol: 'sqs',
          TopicArn: { Ref: logicalIdOf(stateful, stateful.topics[subscription.topic]) },
          Endpoint: { 'Fn::GetAtt': [logicalIdOf(stateful, stateful.queues[subscription.queue]), 'Arn'] },
          RawMessageDelivery: subscription.rawMessageDelivery,
          // A subscription without a filter takes everything: the template must not add one.
          FilterPolicy: subscription.filterPolicy ?? Match.absent(),
        });
      },
    );
  });

  describe('user pool', () => {
    it('issues accounts only by administrators, with MFA, a strong password and threat protection', () => {
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
        DeletionProtection: 'ACTIVE',
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 12,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          }),
        },
      });
    });

    it('carries the role, region, unit and level claims', () => {
      const pool = Object.values(template.findResources('AWS::Cognito::UserPool'))[0];
      const customAttributes = pool?.Properties.Schema.map((attribute: { Name: string }) => attribute.Name);

      expect(customAttributes).toEqual(expect.arrayContaining(['role', 'region', 'unit', 'level']));
    });

    it('lets nobody write their own role, region, unit or level through the app client', () => {
      const client = Object.values(template.findResources('AWS::Cognito::UserPoolClient'))[0];

      expect(client?.Properties.GenerateSecret).toBe(false);
      expect(client?.Properties.WriteAttributes).toBeDefined();
      expect(client?.Properties.WriteAttributes).not.toEqual(
        expect.arrayContaining([expect.stringMatching(/^custom:/)]),
      );
      expect(client?.Properties.ReadAttributes).toEqual(
        expect.arrayContaining(['custom:role', 'custom:region', 'custom:unit', 'custom:level']),
      );
    });
  });
});
