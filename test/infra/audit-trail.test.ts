/**
 * The evidence cannot be deleted or rewritten on AWS either: across every role the app creates,
 * only the functions that append events may write to an audit-trail table, and then only PutItem
 * (each Put conditioned by the appender's code); no role may delete or edit an item in place; and
 * each audit-trail table refuses those actions to everyone by resource policy, and outlives the stack.
 */

import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiFunctionName, apiFunctions } from '../../infra/api';
import type { PipelineApp } from '../../infra/bin/build-app';
import { EVIDENCE_APPENDER_TAG } from '../../infra/constructs/pipeline-function';
import { AUDIT_TRAIL_TABLES, type AuditTrailTable } from '../../infra/resources';
import { type WorkerName, workerFunctions } from '../../infra/workers';
import { logicalIdOf } from './logical-ids';
import { type Json, synthesisedPipeline } from './synthesised';
import { actionsOnTable, partiqlWriteActions, tableIdsOf, writeActions } from './table-grants';

let pipeline: PipelineApp;
let stateless: Json;
let stateful: Json;

beforeAll(() => {
  ({ pipeline, stateful, stateless } = synthesisedPipeline());
});

const rolesOf = (template: Json): string[] =>
  Object.entries<Json>(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
    .map(([roleId]) => roleId);

/** The functions that append to the incident log, by name: adding one must be a deliberate act. */
const INCIDENT_APPENDERS = [
  'submitReport',
  'acknowledge',
  'assessGrade',
  'forward',
  // Review and return: the return and the correction duty it opens.
  'returnReport',
  'recordFinding',
  'obligationTimer',
  'sweepDeadlines',
  'notifyOfficers',
  // Records the SMS provider's message id and receipt of each officer's SMS it sends.
  'deliverSms',
  // Records the provider's delivery report of each of those SMS.
  'recordSmsReports',
  // An operator's: rewrites heads from their logs, each on the version an append would condition on.
  'migrateHeads',
] as const satisfies readonly (ApiFunctionName | WorkerName)[];

const roleOfFunction = (name: string): string => {
  const fn =
    (pipeline.stateless.apiFunctions as Record<string, { executionRole: IConstruct }>)[name] ??
    (pipeline.stateless.workerFunctions as Record<string, { executionRole: IConstruct }>)[name];
  if (!fn) throw new Error(`no function ${name}`);
  return logicalIdOf(fn.executionRole);
};

describe('the audit trail on AWS', () => {
  it('lets no role of the app delete, update or batch-write an item of an evidence table', () => {
    const tableIds = tableIdsOf(pipeline.stateful.tables);
    const offending: string[] = [];
    for (const roleId of rolesOf(stateless)) {
      for (const table of AUDIT_TRAIL_TABLES) {
        const actions = actionsOnTable({ stateless, stateful }, roleId, tableIds[table]);
        const forbidden = [...writeActions, ...partiqlWriteActions].filter((a) => a !== 'dynamodb:PutItem');
        for (const action of actions.filter((a) => forbidden.includes(a))) {
          offending.push(`${roleId} may ${action} on ${table}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });

  it('gives no role a wildcard DynamoDB action, in either stack', () => {
    const wildcards = [stateless, stateful].flatMap((template) =>
      Object.values<Json>(template.Resources)
        .filter((resource) => resource.Type === 'AWS::IAM::Policy')
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
        .flatMap((statement: Json) => [statement.Action].flat())
        .filter((action: string) => action === '*' || action === 'dynamodb:*' || /^dynamodb:.*\*/.test(action)),
    );
    expect(wildcards).toEqual([]);
  });

  it('lets exactly the appenders put items in the incident log', () => {
    const incidents = tableIdsOf(pipeline.stateful.tables).incidents;
    const writers = rolesOf(stateless)
      .filter((roleId) => actionsOnTable({ stateless, stateful }, roleId, incidents).includes('dynamodb:PutItem'))
      .sort();

    expect(writers).toEqual(INCIDENT_APPENDERS.map(roleOfFunction).sort());
  });

  it('describes every writer of an evidence table as an appender, never as readWrite', () => {
    const described = [...Object.entries(apiFunctions), ...Object.entries(workerFunctions)].flatMap(([name, def]) =>
      Object.entries((def as { tables?: Record<string, string> }).tables ?? {})
        .filter(([table]) => (AUDIT_TRAIL_TABLES as readonly string[]).includes(table))
        .map(([table, access]) => `${name}:${table}:${access}`),
    );
    expect(described.filter((entry) => !/:(read|append)$/.test(entry))).toEqual([]);
    expect(described.filter((entry) => entry.includes(':incidents:append')).map((e) => e.split(':')[0])).toEqual(
      expect.arrayContaining([...INCIDENT_APPENDERS]),
    );
  });

  it.each(AUDIT_TRAIL_TABLES)('%s refuses deletes and in-place edits to everyone and outlives the stack', (name) => {
    const tableId = tableIdsOf(pipeline.stateful.tables)[name as AuditTrailTable];
    const table = stateful.Resources[tableId];

    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table.Properties.TimeToLiveSpecification).toBeUndefined();
    expect(table.Properties.ResourcePolicy.PolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: expect.arrayContaining([
          'dynamodb:DeleteItem',
          'dynamodb:UpdateItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:PartiQLDelete',
          'dynamodb:PartiQLUpdate',
        ]),
        Resource: '*',
      }),
      {
        Sid: 'OnlyAppendersAppend',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['dynamodb:PutItem', 'dynamodb:PartiQLInsert'],
        Resource: '*',
        Condition: { StringNotEquals: { [`aws:PrincipalTag/${EVIDENCE_APPENDER_TAG.key}`]: 'true' } },
      },
    ]);
  });

  it('tags exactly the roles that may append to an evidence table as appenders', () => {
    const tableIds = tableIdsOf(pipeline.stateful.tables);
    const appenders = rolesOf(stateless).filter((roleId) =>
      AUDIT_TRAIL_TABLES.some((table) =>
        actionsOnTable({ stateless, stateful }, roleId, tableIds[table]).includes('dynamodb:PutItem'),
      ),
    );
    const tagged = rolesOf(stateless).filter((roleId) =>
      (stateless.Resources[roleId].Properties.Tags ?? []).some(
        (tag: { Key: string; Value: string }) =>
          tag.Key === EVIDENCE_APPENDER_TAG.key && tag.Value === EVIDENCE_APPENDER_TAG.value,
      ),
    );

    expect(appenders.length).toBeGreaterThan(0);
    expect(tagged.sort()).toEqual(appenders.sort());
  });
});
