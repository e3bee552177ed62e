/**
 * Refused requests, kept in the AccessLog table under `DENIED#<province>` so that an inspector
 * of a province reads its own partition. A refusal that concerns two provinces (a unit of one
 * reporting for the other) is filed under both. Items are only ever put, never updated.
 */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  childrenOf,
  isKnownRegion,
  isWithin,
  NATIONAL,
  parentOf,
  type Region,
  regionOf,
} from '../../domain/regions/regions';
import type { AccessDenied, AccessDeniedQuery, AccessLog } from '../../ports/access-log';
import { deniedPk } from './keys';
import { between, checkStartKey, cursorRefused, equalTo } from './start-key';

const provinceOf = (code: string | undefined): string => {
  if (!code || !isKnownRegion(code)) return NATIONAL;
  let region: Region | null = regionOf(code);
  while (region && region.level !== 'province') region = parentOf(region.code);
  return region?.code ?? NATIONAL;
};

const concerns = (entry: AccessDenied, region: string): boolean =>
  region === NATIONAL ||
  (isKnownRegion(entry.actor.region) && isWithin(entry.actor.region, region)) ||
  (entry.targetRegion !== undefined && isKnownRegion(entry.targetRegion) && isWithin(entry.targetRegion, region));

export const makeDynamoAccessLog = (config: {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
}): AccessLog => {
  const { client, table } = config;

  return {
    async recordDenied(entry) {
      const provinces = [
        ...new Set([provinceOf(entry.actor.region), ...(entry.targetRegion ? [provinceOf(entry.targetRegion)] : [])]),
      ];
      await Promise.all(
        provinces.map((province) =>
          client.send(
            new PutCommand({
              TableName: table,
              // `filedUnder` lets a national listing, which reads every partition, show it once.
              Item: { pk: deniedPk(province), sk: `${entry.at}#${entry.id}`, ...entry, filedUnder: provinces },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          ),
        ),
      );
    },

    async listDenied(query: AccessDeniedQuery) {
      // A national inspector reads every province's partition, one after another.
      const partitions =
        query.region === NATIONAL ? [...childrenOf(NATIONAL).map((p) => p.code), NATIONAL] : [provinceOf(query.region)];
      const from = query.from ?? '0000';
      // The sort key is `<at>#<id>`: anything up to `to` sorts below `to` + '#~'.
      const to = `${query.to ?? '9999'}#~`;
      const { partition, ...key } = query.after ?? {};
      let partitionIndex = Number(partition ?? 0);
      if (!Number.isInteger(partitionIndex) || partitionIndex < 0 || partitionIndex >= partitions.length) {
        throw cursorRefused('is not a cursor of this list');
      }
      // A page that ended exactly at the end of a partition hands on only the next partition.
      const resumeAt = Object.keys(key).length > 0 ? key : undefined;
      if (resumeAt) {
        checkStartKey(resumeAt, {
          pk: equalTo(deniedPk(partitions[partitionIndex] ?? NATIONAL), 'does not belong to this region'),
          sk: between(from, to),
        });
      }
      let start: Record<string, unknown> | undefined = resumeAt;
      const items: AccessDenied[] = [];
      while (items.length < query.limit && partitionIndex < partitions.length) {
        const page = await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':pk': deniedPk(partitions[partitionIndex] ?? NATIONAL),
              ':from': from,
              ':to': to,
            },
            ScanIndexForward: false,
            Limit: query.limit - items.length,
            ExclusiveStartKey: start,
          }),
        );
        const partition = partitions[partitionIndex];
        for (const item of page.Items ?? []) {
          const { pk: _pk, sk: _sk, filedUnder, ...entry } = item;
          const firstFiling = Array.isArray(filedUnder) ? filedUnder[0] : partition;
          if (query.region === NATIONAL && firstFiling !== partition) continue;
          if (concerns(entry as AccessDenied, query.region)) items.push(entry as AccessDenied);
        }
        start = page.LastEvaluatedKey;
        if (!start) partitionIndex += 1;
      }
      const more = start !== undefined || partitionIndex < partitions.length;
      return {
        items,
        ...(more
          ? {
              after: {
                partition: String(partitionIndex),
                ...(start ? { pk: String(start.pk), sk: String(start.sk) } : {}),
              },
            }
          : {}),
      };
    },
  };
};
