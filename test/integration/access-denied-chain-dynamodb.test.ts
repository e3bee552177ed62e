/**
 * The refused requests as hash chains, one per province and China day, on DynamoDB Local:
 * refusals recorded at once in one jurisdiction-day all land, chained in one order; verification
 * calls the chains intact, and names the link of a refusal changed, removed or slipped in after
 * the fact, and a day whose head is gone; a digest taken of the chains finds them rewritten whole.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalResources } from '../../infra/local/provision';
import { makeDynamoAccessDeniedChains, makeDynamoAccessLog } from '../../shared/adapters/dynamodb/access-log';
import { checkChain } from '../../shared/application/verify-audit';
import { checkAnchor } from '../../shared/domain/audit-digest';
import { verifyChain } from '../../shared/domain/hash-chain';
import type { AccessDenied, AccessLog } from '../../shared/ports/access-log';
import type { AuditChain, AuditChainSource } from '../../shared/ports/audit-chains';
import { provisionTestResources } from './support';

let close: (() => void) | undefined;
let documents: DynamoDBDocumentClient;
let resources: LocalResources;
let accessLog: AccessLog;
let chains: AuditChainSource;

beforeAll(async () => {
  ({ resources, documents, close } = await provisionTestResources());
  accessLog = makeDynamoAccessLog({ client: documents, table: resources.tables.accessLog });
  chains = makeDynamoAccessDeniedChains({ client: documents, table: resources.tables.accessLog });
});

afterAll(() => {
  close?.();
});

const denial = (id: string, at: string, actorRegion: string, targetRegion?: string): AccessDenied => ({
  id,
  at,
  actor: { sub: `user-${id}`, role: 'reporter', region: actorRegion, unit: 'U-9' },
  action: 'POST /v1/reports',
  ...(targetRegion ? { targetRegion } : {}),
  reason: `${actorRegion} may not report for ${targetRegion ?? 'that region'}`,
});

const chainsOf = async (region: string): Promise<AuditChain[]> => {
  const found: AuditChain[] = [];
  for await (const chain of chains.chainsIn(region)) found.push(chain);
  return found;
};

const chainOf = async (id: string): Promise<AuditChain> => {
  const province = id.split('/')[0] ?? '';
  const chain = (await chainsOf(province)).find((c) => c.id === id);
  if (!chain) throw new Error(`no chain ${id}`);
  return chain;
};

const table = () => resources.tables.accessLog;

describe('the daily chains of refusals', () => {
  it('land every refusal recorded at once in one jurisdiction-day, chained 1…n, and verify intact', async () => {
    // 上海 (310000), 2026-04-02 in China: 20 refusals at the same moment, plus one of the day before.
    const at = (i: number) => `2026-04-02T01:00:00.${String(i).padStart(3, '0')}Z`;
    const burst = Array.from({ length: 20 }, (_, i) => denial(`c${i}`, at(i), '310101', '310104'));
    await Promise.all(burst.map((entry) => accessLog.recordDenied(entry)));
    // 23:59 on 2026-04-01 in China: the day before's chain.
    await accessLog.recordDenied(denial('c-prev', '2026-04-01T15:59:59.999Z', '310101'));

    const found = await chainsOf('310000');
    expect(found.map((c) => [c.id, c.kind, c.events.length, c.head?.seq])).toEqual([
      ['310000/2026-04-01', 'access-denied', 1, 1],
      ['310000/2026-04-02', 'access-denied', 20, 20],
    ]);
    const day = found[1] as AuditChain;
    expect(day.events.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(verifyChain(day.events, day.head)).toMatchObject({ intact: true, events: 20 });
    for (const chain of found) expect(checkChain(chain)).toBeUndefined();
    // The listing still shows each refusal as it was recorded, without the chain's fields.
    const listed = await accessLog.listDenied({ region: '310000', limit: 50 });
    expect(listed.items).toHaveLength(21);
    expect(listed.items).toContainEqual(burst[7]);
  });

  it('chains a refusal concerning two provinces into the day of each', async () => {
    await accessLog.recordDenied(denial('x1', '2026-04-03T02:00:00.000Z', '320102', '330102'));

    for (const id of ['320000/2026-04-03', '330000/2026-04-03']) {
      const chain = await chainOf(id);
      expect(chain.events).toHaveLength(1);
      expect(checkChain(chain)).toBeUndefined();
      expect(chain.events[0]).toMatchObject({ filedUnder: ['320000', '330000'], jurisdiction: id.slice(0, 6) });
    }
  });

  it('names the link of a refusal changed, removed or slipped in after the fact, and a day whose head is gone', async () => {
    const COUNTY: Record<string, string> = {
      '120000': '120101',
      '130000': '130102',
      '140000': '140105',
      '150000': '150102',
    };
    const record = (province: string, day: string, n: number) =>
      Promise.all(
        Array.from({ length: n }, (_, i) =>
          accessLog.recordDenied(denial(`${province}-${day}-${i}`, `${day}T03:00:0${i}.000Z`, COUNTY[province] ?? '')),
        ),
      );
    // 天津 120000, 河北 130000, 山西 140000, 内蒙古 150000: one kind of tampering each.
    await record('120000', '2026-04-05', 3);
    await record('130000', '2026-04-05', 3);
    await record('140000', '2026-04-05', 3);
    await record('150000', '2026-04-05', 3);
    const stored = async (province: string) =>
      (
        await documents.send(
          new QueryCommand({
            TableName: table(),
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `DENIED#${province}` },
          }),
        )
      ).Items ?? [];
    const linkAt = async (province: string, seq: number) => {
      const item = (await stored(province)).find((i) => i.seq === seq);
      if (!item) throw new Error(`no link ${seq} of ${province}`);
      return { pk: String(item.pk), sk: String(item.sk) };
    };

    // A reason rewritten.
    await documents.send(
      new UpdateCommand({
        TableName: table(),
        Key: await linkAt('120000', 2),
        UpdateExpression: 'SET reason = :r',
        ExpressionAttributeValues: { ':r': 'nothing happened' },
      }),
    );
    // A refusal removed.
    await documents.send(new DeleteCommand({ TableName: table(), Key: await linkAt('130000', 2) }));
    // A refusal slipped in, claiming to be link 2.
    const second = (await stored('140000')).find((i) => i.seq === 2) ?? {};
    await documents.send(
      new PutCommand({
        TableName: table(),
        Item: { ...second, sk: `2026-04-05T03:00:01.500Z#forged`, id: 'forged' },
      }),
    );
    // The day's head deleted.
    await documents.send(
      new DeleteCommand({ TableName: table(), Key: { pk: 'DENIED_HEADS#150000', sk: '2026-04-05' } }),
    );

    const verdicts = await Promise.all(
      ['120000', '130000', '140000', '150000'].map(async (province) => {
        const chain = await chainOf(`${province}/2026-04-05`);
        const broke = checkChain(chain);
        return [chain.id, broke?.reason, broke?.seq];
      }),
    );
    expect(verdicts).toEqual([
      ['120000/2026-04-05', 'hash-mismatch', 2],
      ['130000/2026-04-05', 'sequence-gap', 2],
      ['140000/2026-04-05', expect.stringMatching(/sequence-gap|prev-hash-mismatch|hash-mismatch/), expect.any(Number)],
      ['150000/2026-04-05', 'head-missing', 3],
    ]);
  });

  it('is held to a digest: a day rewritten whole, head and all, no longer holds the link the digest recorded', async () => {
    await Promise.all(
      [0, 1].map((i) => accessLog.recordDenied(denial(`d${i}`, `2026-04-06T02:00:0${i}.000Z`, '210102'))),
    );
    const before = await chainOf('210000/2026-04-06');
    const last = before.events.at(-1);
    if (!last) throw new Error('no links');
    const anchor = {
      kind: 'access-denied' as const,
      id: before.id,
      region: before.region,
      seq: last.seq,
      hash: last.hash,
    };

    // Rewritten by someone who can write the table: every link re-sealed and the head with them.
    const rewrite = makeDynamoAccessLog({ client: documents, table: table() });
    for (const item of (
      await documents.send(
        new QueryCommand({
          TableName: table(),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'DENIED#210000' },
        }),
      )
    ).Items ?? []) {
      await documents.send(new DeleteCommand({ TableName: table(), Key: { pk: item.pk, sk: item.sk } }));
    }
    await documents.send(
      new DeleteCommand({ TableName: table(), Key: { pk: 'DENIED_HEADS#210000', sk: '2026-04-06' } }),
    );
    await rewrite.recordDenied({ ...denial('d0', '2026-04-06T02:00:00.000Z', '210102'), reason: 'a different story' });
    await rewrite.recordDenied(denial('d1', '2026-04-06T02:00:01.000Z', '210102'));

    const after = await chainOf('210000/2026-04-06');
    expect(checkChain(after)).toBeUndefined();
    expect(checkAnchor(after.events, anchor)).toMatchObject({ reason: 'anchor-mismatch', seq: 2 });
  });
});
