/**
 * What a role of the stateless stack may do on the tables of the stateful stack, read from the two
 * synthesised templates. The tables reach the stateless stack as exports, so a statement names a
 * table by an `Fn::ImportValue` of its ARN, and its indexes by that ARN joined with `/index/*`.
 */
import { CfnElement } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { expect } from 'vitest';
import type { TableGrants } from '../../infra/api';
import type { TableName } from '../../infra/resources';
import { mapRecord } from '../../infra/stacks/records';

/** Template JSON, typed as loosely as the assertions library types it. */
type Json = ReturnType<Template['toJSON']>;

/** Everything CDK's `grantReadData` allows: none of it changes an item. */
export const readOnlyActions = [
  'dynamodb:BatchGetItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:Query',
  'dynamodb:Scan',
];

/** The actions that put, change or delete items (a TransactWriteItems needs PutItem, UpdateItem or DeleteItem). */
export const writeActions = [
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
];

/** The PartiQL actions that write: CDK grants none of them, and nothing here may hold one. */
export const partiqlWriteActions = ['dynamodb:PartiQLDelete', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate'];

export interface Templates {
  readonly stateless: Json;
  readonly stateful: Json;
}

/** The logical id of each table, by its name in `infra/resources.ts`. */
export function tableIdsOf(tables: Readonly<Record<TableName, IConstruct>>): Record<TableName, string> {
  return mapRecord(tables, (table) => {
    const resource = table.node.defaultChild;
    if (!CfnElement.isCfnElement(resource)) throw new Error(`${table.node.path} has no CloudFormation resource`);
    return resource.stack.getLogicalId(resource);
  });
}

/** The logical id, in the stateful stack, of the table whose ARN (or index ARNs) `resource` names. */
function tableNamedBy(templates: Templates, resource: Json | string): string | undefined {
  if (typeof resource === 'string') return undefined;
  const arn = resource?.['Fn::Join']?.[1]?.[0] ?? resource;
  const exportName = arn?.['Fn::ImportValue'];
  if (exportName === undefined) return undefined;
  const output = Object.values<Json>(templates.stateful.Outputs).find(
    (candidate) => candidate.Export?.Name === exportName,
  );
  const [logicalId, attribute] = output?.Value['Fn::GetAtt'] ?? [];
  // A stream's ARN is another resource: reading it never reads or writes an item of the table.
  return attribute === 'Arn' ? logicalId : undefined;
}

/** The Allow statements of the policies attached to the role `roleId`, actions and resources as lists. */
function allowStatements(templates: Templates, roleId: string): { actions: string[]; resources: (Json | string)[] }[] {
  return Object.values<Json>(templates.stateless.Resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .filter((policy) => policy.Properties.Roles.some((role: Json) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
    .filter((statement: Json) => statement.Effect === 'Allow')
    .map((statement: Json) => ({ actions: [statement.Action].flat(), resources: [statement.Resource].flat() }));
}

/** Every action the role `roleId` may take on the table `tableId` or its indexes, sorted. */
export function actionsOnTable(templates: Templates, roleId: string, tableId: string): string[] {
  const actions = allowStatements(templates, roleId)
    .filter(({ resources }) => resources.some((resource) => tableNamedBy(templates, resource) === tableId))
    .flatMap((statement) => statement.actions);
  return [...new Set(actions)].sort();
}

/**
 * Asserts that the role `roleId` reaches exactly the tables `described` gives it: nothing on the
 * others, only reads where it may read, reads and writes where it may write; and that no statement
 * on every resource (`"*"`) opens a table behind their back.
 */
export function expectTableAccess(
  templates: Templates,
  roleId: string,
  tableIds: Readonly<Record<TableName, string>>,
  described: TableGrants,
): void {
  for (const [table, tableId] of Object.entries(tableIds) as [TableName, string][]) {
    const actions = actionsOnTable(templates, roleId, tableId);
    const access = described[table];
    if (access === undefined) {
      expect(actions, `${table}: not described`).toEqual([]);
    } else if (access === 'read') {
      expect(actions, `${table}: read`).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
      expect(
        actions.filter((action) => !readOnlyActions.includes(action)),
        `${table}: read only`,
      ).toEqual([]);
    } else if (access === 'append') {
      // A conditional Put (TransactWriteItems authorises each Put as PutItem) and reads: nothing
      // that could delete an item or edit one in place.
      expect(actions, `${table}: append`).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem']));
      expect(
        actions.filter((action) => !readOnlyActions.includes(action)),
        `${table}: append only`,
      ).toEqual(['dynamodb:PutItem']);
    } else {
      expect(actions, `${table}: readWrite`).toEqual(
        expect.arrayContaining([
          'dynamodb:BatchGetItem',
          'dynamodb:GetItem',
          'dynamodb:Query',
          'dynamodb:Scan',
          ...writeActions,
        ]),
      );
    }
  }
  const onEverything = allowStatements(templates, roleId)
    .filter(({ resources }) => resources.some((resource) => resource === '*'))
    .flatMap((statement) => statement.actions)
    .filter((action) => action.startsWith('dynamodb:'));
  // ListStreams (a stream consumer's) supports no resource-level permissions and lists stream ARNs only.
  expect(onEverything.filter((action) => action !== 'dynamodb:ListStreams')).toEqual([]);
}
