/**
 * The officer directory in the Officers table: `OFFICE#<code>` holds the office's officers
 * (`OFFICER#<person>`) and its roster (`SHIFT#<person>#<from>`), so one query answers "who is
 * responsible here, and who is on duty".
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Officer, Shift } from '../../domain/officers';
import type { OfficerDirectory } from '../../ports/officer-directory';
import { batchWriteAll, queryAll } from './paging';

const pk = (office: string) => `OFFICE#${office}`;

export const makeDynamoOfficerDirectory = (config: {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
}): OfficerDirectory => {
  const { client, table } = config;

  const itemsOf = (office: string) =>
    queryAll(client, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk(office) },
      ConsistentRead: true,
    });
  const write = (requests: Record<string, unknown>[]) => batchWriteAll(client, table, requests);

  return {
    async ofOffice(office) {
      const items = await itemsOf(office);
      const officers: Officer[] = [];
      const roster: Shift[] = [];
      for (const item of items) {
        if (String(item.sk).startsWith('OFFICER#')) {
          const { pk: _pk, sk: _sk, ...officer } = item;
          officers.push(officer as unknown as Officer);
        } else if (String(item.sk).startsWith('SHIFT#')) {
          const { pk: _pk, sk: _sk, ...shift } = item;
          roster.push(shift as unknown as Shift);
        }
      }
      return { officers, roster };
    },

    async replaceOffices(offices, officers, roster) {
      const keep = new Set<string>();
      const puts: Record<string, unknown>[] = [];
      for (const o of officers) {
        const key = { pk: pk(o.office), sk: `OFFICER#${o.personId}` };
        keep.add(`${key.pk}|${key.sk}`);
        puts.push({ PutRequest: { Item: { ...key, ...o } } });
      }
      for (const s of roster) {
        const key = { pk: pk(s.office), sk: `SHIFT#${s.personId}#${s.from}` };
        keep.add(`${key.pk}|${key.sk}`);
        puts.push({ PutRequest: { Item: { ...key, ...s } } });
      }
      // Written first, removed after: a reader never finds an office with nobody in it.
      await write(puts);
      const stale: Record<string, unknown>[] = [];
      for (const office of offices) {
        for (const item of await itemsOf(office)) {
          if (!keep.has(`${String(item.pk)}|${String(item.sk)}`))
            stale.push({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } });
        }
      }
      await write(stale);
    },
  };
};
