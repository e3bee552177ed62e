/**
 * Refused requests, kept in the AccessLog table under `DENIED#<province>` so that an inspector
 * of a province reads its own partition. A refusal that concerns two provinces (a unit of one
 * reporting for the other) is filed under both. Items are only ever put, never updated.
 *
 * Each province's refusals of a China day are a hash chain (`shared/domain/access-chain.ts`): the
 * day's head (`DENIED_HEADS#<province>` / `<date>`, its `version` and `lastHash`) is put on the
 * condition that its version is the one the link was sealed after, in one transaction with the
 * link, so two refusals at once both land — the second sealed again after the first.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { readLogWithHead } from '../../application/read-log';
import { retryOnConflict } from '../../application/retry-on-conflict';
import { CHAIN_FIELDS, type DeniedLink, dayBounds, deniedChainId, deniedDayOf } from '../../domain/access-chain';
import { GENESIS_HASH, seal } from '../../domain/hash-chain';
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
import type { AuditChain, AuditChainSource } from '../../ports/audit-chains';
import { deniedHeadsPk, deniedPk } from './keys';
import { between, checkStartKey, cursorRefused, equalTo } from './start-key';

const provinceOf = (code: string | undefined): string => {
  if (!code || !isKnownRegion(code)) return NATIONAL;
  let region: Region | null = regionOf(code);
  while (region && region.level !== 'province') region = parentOf(region.code);
  return region?.code ?? NATIONAL;
};

/** Another refusal was chained first: seal this one again after it. */
class ChainMoved extends Error {}

/** A stored refusal as its readers see it: without its keys and the fields of its chain. */
const entryOf = (item: Record<string, unknown>): AccessDenied => {
  const entry: Record<string, unknown> = { ...item };
  for (const key of ['pk', 'sk', ...CHAIN_FIELDS]) delete entry[key];
  return entry as unknown as AccessDenied;
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

  /** Seals `entry` onto `province`'s chain of its day and writes it with the day's new head. */
  const appendLink = (province: string, entry: AccessDenied, filedUnder: readonly string[]) =>
    retryOnConflict(
      async () => {
        const day = deniedDayOf(entry.at);
        const headKey = { pk: deniedHeadsPk(province), sk: day };
        const head = (await client.send(new GetCommand({ TableName: table, Key: headKey, ConsistentRead: true })))
          ?.Item;
        const version = typeof head?.version === 'number' ? head.version : 0;
        const link: DeniedLink<AccessDenied> = seal(
          { ...entry, v: 1 as const, jurisdiction: province, day, filedUnder, seq: version + 1 },
          typeof head?.lastHash === 'string' ? head.lastHash : GENESIS_HASH,
        );
        try {
          await client.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: table,
                    Item: { ...headKey, version: link.seq, lastHash: link.hash },
                    ...(head
                      ? {
                          ConditionExpression: 'version = :expected',
                          ExpressionAttributeValues: { ':expected': version },
                        }
                      : { ConditionExpression: 'attribute_not_exists(pk)' }),
                  },
                },
                {
                  Put: {
                    TableName: table,
                    Item: { pk: deniedPk(province), sk: `${entry.at}#${entry.id}`, ...link },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
              ],
            }),
          );
        } catch (error) {
          if (error instanceof TransactionCanceledException) throw new ChainMoved();
          throw error;
        }
      },
      {
        attempts: 40,
        isConflict: (error) => error instanceof ChainMoved,
        giveUp: () => new Error(`the refusals of ${province} are being recorded too fast to chain this one`),
      },
    );

  return {
    async recordDenied(entry) {
      const provinces = [
        ...new Set([provinceOf(entry.actor.region), ...(entry.targetRegion ? [provinceOf(entry.targetRegion)] : [])]),
      ];
      await Promise.all(provinces.map((province) => appendLink(province, entry, provinces)));
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
          const firstFiling = Array.isArray(item.filedUnder) ? item.filedUnder[0] : partition;
          if (query.region === NATIONAL && firstFiling !== partition) continue;
          const entry = entryOf(item);
          if (concerns(entry, query.region)) items.push(entry);
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

/** The provinces whose chains of refusals an inspector of `region` verifies: all for the nation. */
const provincesFor = (region: string): readonly string[] =>
  region === NATIONAL ? [...childrenOf(NATIONAL).map((p) => p.code), NATIONAL] : [provinceOf(region)];

/**
 * Every daily chain of refusals of the provinces covering a region, for verification: each day with
 * a head, its links read by the day's instants and put in chain order; and a day with links but no
 * head, which nothing vouches for. A day with neither a head nor a chained link was recorded before
 * refusals were chained, and is not a chain.
 */
export const makeDynamoAccessDeniedChains = (config: {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
}): AuditChainSource => {
  const { client, table } = config;

  const queryAll = async (values: Record<string, unknown>, condition: string) => {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: condition,
          ExpressionAttributeValues: values,
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  };

  const linksOf = async (province: string, day: string) => {
    const { from, to } = dayBounds(day);
    const items = await queryAll(
      { ':pk': deniedPk(province), ':from': from, ':to': to },
      'pk = :pk AND sk BETWEEN :from AND :to',
    );
    // The upper bound is the next day's midnight itself: a refusal at that instant is the next day's.
    return items
      .filter((item) => String(item.sk) < to)
      .map(({ pk: _pk, sk: _sk, ...link }) => link as unknown as DeniedLink)
      .sort((a, b) => Number(a.seq) - Number(b.seq));
  };

  /**
   * A day's links and its head, read as one: a refusal chained meanwhile (one transaction, link and
   * head) must not look like a broken chain, nor a day's first refusal like a day without its head.
   */
  const dayChain = async (province: string, day: string): Promise<AuditChain> => {
    const { events, head } = await readLogWithHead<DeniedLink, Record<string, unknown>>({
      head: async () =>
        (
          await client.send(
            new GetCommand({ TableName: table, Key: { pk: deniedHeadsPk(province), sk: day }, ConsistentRead: true }),
          )
        ).Item,
      events: () => linksOf(province, day),
      endOf: (item) => ({ seq: Number(item.version), hash: String(item.lastHash) }),
    });
    return {
      kind: 'access-denied',
      id: deniedChainId(province, day),
      region: province,
      events,
      ...(head ? { head: { seq: Number(head.version), hash: String(head.lastHash) } } : {}),
    };
  };

  return {
    async *chainsIn(region): AsyncIterable<AuditChain> {
      for (const province of provincesFor(region)) {
        const heads = await queryAll({ ':pk': deniedHeadsPk(province) }, 'pk = :pk');
        const days = new Set(heads.map((h) => String(h.sk)));
        for (const day of days) yield await dayChain(province, day);
        // Chained links of a day whose head was not listed: the chain is there, what vouches for its
        // end is not — unless the day's first refusal landed since the heads were listed (read again).
        const headless = new Set<string>();
        for (const item of await queryAll({ ':pk': deniedPk(province) }, 'pk = :pk')) {
          if (item.hash === undefined) continue;
          const day = deniedDayOf(String(item.at));
          if (!days.has(day)) headless.add(day);
        }
        for (const day of headless) yield await dayChain(province, day);
      }
    },
  };
};
