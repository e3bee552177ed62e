/**
 * The DynamoDB zero-report store against a mocked document client: the exact commands an append
 * and an activation send — conditional Puts only, as the audit-trail table allows nothing else —
 * and how it reads DynamoDB's refusals; the logs of a region as the audit-chain adapter hands them
 * to verification; and the unit registry's pointers from unit id to county.
 */
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcherWithAliases } from 'aws-sdk-client-mock-vitest';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDynamoUnitRegistry } from '../../shared/adapters/dynamodb/unit-registry';
import { makeDynamoZeroReportAuditChains } from '../../shared/adapters/dynamodb/zero-report-audit-chains';
import { missLookupItem } from '../../shared/adapters/dynamodb/zero-report-items';
import { makeDynamoZeroReportStore } from '../../shared/adapters/dynamodb/zero-report-store';
import type { Actor } from '../../shared/domain/access';
import {
  CUTOFF_CHECK_ACTOR,
  planDutyPeriod,
  sealZeroEvents,
  type ZeroReportEvent,
} from '../../shared/domain/zero-reports';
import type { AuditChain, DailyReportMissedEvent } from '../../shared/ports/audit-chains';
import { ChainConflict, PeriodsChanged } from '../../shared/ports/zero-report-store';

expect.extend(allCustomMatcherWithAliases);

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
);
const store = makeDynamoZeroReportStore({ client, table: 'ZeroReports' });
const auditChains = makeDynamoZeroReportAuditChains({ client, table: 'ZeroReports' });

const PERIOD = 'DP-110101-20260701-1A2B3C4D';
const identity = { periodId: PERIOD, unit: 'DC-ZX', unitName: '北京市第五中学', county: '110101' };
const missed = sealZeroEvents(
  undefined,
  identity,
  [
    {
      type: 'DailyReportMissed',
      data: { date: '2026-07-01', cutoffAt: '2026-07-01T08:00:00.000Z', unitName: identity.unitName, office: '110101' },
    },
  ],
  { actor: CUTOFF_CHECK_ACTOR, now: new Date('2026-07-01T08:00:30.000Z') },
);

afterEach(() => {
  ddb.reset();
});

describe('appending to a zero-report log', () => {
  it('writes a new log’s first miss as conditional Puts: head, event, the miss lookup and the log lookup', async () => {
    // PREPARE
    ddb.on(TransactWriteCommand).resolves({});
    const [event] = missed.events;

    // ACT
    await store.append(missed);

    // ASSESS
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items.every((item) => Object.keys(item).join() === 'Put')).toBe(true);
    expect(items.map((item) => item.Put)).toEqual([
      {
        TableName: 'ZeroReports',
        Item: { pk: `ZERO#${PERIOD}#DC-ZX`, sk: 'HEAD', ...missed.state },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
      {
        TableName: 'ZeroReports',
        Item: { pk: `ZERO#${PERIOD}#DC-ZX`, sk: 'EVT#0000000001', ...event },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
      {
        TableName: 'ZeroReports',
        Item: {
          pk: 'MISSED#110000',
          sk: `2026-07-01T08:00:00.000Z#110101#${PERIOD}#DC-ZX`,
          periodId: PERIOD,
          unit: 'DC-ZX',
          unitName: '北京市第五中学',
          county: '110101',
          date: '2026-07-01',
          cutoffAt: '2026-07-01T08:00:00.000Z',
          missedAt: '2026-07-01T08:00:30.000Z',
          missedSeq: 1,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
      {
        TableName: 'ZeroReports',
        Item: { pk: 'CHAINS#110000', sk: `110101#${PERIOD}#DC-ZX`, periodId: PERIOD, unit: 'DC-ZX', county: '110101' },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    ]);
  });

  it('appends to an existing log on the condition that its head is still at the version read', async () => {
    // PREPARE
    ddb.on(TransactWriteCommand).resolves({});
    const reporter: Actor = { sub: 'r', role: 'reporter', region: '110101', unit: 'DC-ZX' };
    const filed = sealZeroEvents(
      missed.state,
      identity,
      [
        {
          type: 'DailyReportFiled',
          data: {
            date: '2026-07-01',
            cutoffAt: '2026-07-01T08:00:00.000Z',
            filedAt: '2026-07-01T09:00:00.000Z',
            late: true,
            lateByMs: 3_600_000,
            nothingToReport: true,
            incidentIds: [],
            requestHash: 'h',
            afterMissSeq: 1,
          },
        },
      ],
      { actor: reporter, now: new Date('2026-07-01T09:00:00.000Z') },
    );

    // ACT
    await store.append(filed);

    // ASSESS
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items).toHaveLength(2);
    expect(items[0]?.Put).toMatchObject({
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': 1 },
    });
    expect(items[1]?.Put?.Item).toMatchObject({ sk: 'EVT#0000000002', type: 'DailyReportFiled' });
  });

  it('reports any cancelled transaction as a conflict to recompute from', async () => {
    // PREPARE
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: { httpStatusCode: 400 },
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }, { Code: 'None' }, { Code: 'None' }],
      }),
    );

    // ACT + ASSESS
    await expect(store.append(missed)).rejects.toBeInstanceOf(ChainConflict);
  });
});

describe('the logs of a region, for verification', () => {
  type Item = Record<string, unknown>;
  const reporter: Actor = { sub: 'r', role: 'reporter', region: '110101', unit: 'DC-ZX' };
  const filedData = (filedAt: string, late: boolean) => ({
    date: '2026-07-01',
    cutoffAt: '2026-07-01T08:00:00.000Z',
    filedAt,
    late,
    lateByMs: late ? Date.parse(filedAt) - Date.parse('2026-07-01T08:00:00.000Z') : 0,
    nothingToReport: true,
    incidentIds: [],
    requestHash: 'h',
  });
  /** DC-ZX missed the day and filed late after the miss; DC-XH filed on time. */
  const lateAfterMiss = sealZeroEvents(
    missed.state,
    identity,
    [{ type: 'DailyReportFiled', data: { ...filedData('2026-07-01T09:00:00.000Z', true), afterMissSeq: 1 } }],
    { actor: reporter, now: new Date('2026-07-01T09:00:00.000Z') },
  );
  const onTime = sealZeroEvents(
    undefined,
    { ...identity, unit: 'DC-XH', unitName: '和平里医院' },
    [{ type: 'DailyReportFiled', data: filedData('2026-07-01T07:00:00.000Z', false) }],
    { actor: { ...reporter, unit: 'DC-XH' }, now: new Date('2026-07-01T07:00:00.000Z') },
  );
  const miss = missed.events[0] as DailyReportMissedEvent;
  const chainItems = (unit: string, events: readonly ZeroReportEvent[], state: object): Item[] => [
    { pk: `ZERO#${PERIOD}#${unit}`, sk: 'HEAD', ...state },
    ...events.map((event) => ({
      pk: `ZERO#${PERIOD}#${unit}`,
      sk: `EVT#${String(event.seq).padStart(10, '0')}`,
      ...event,
    })),
    { pk: 'CHAINS#110000', sk: `110101#${PERIOD}#${unit}`, periodId: PERIOD, unit, county: '110101' },
  ];
  /** A miss of DC-XH on the list, which its log does not hold. */
  const forged = { ...missLookupItem(miss), sk: `2026-07-01T08:00:00.000Z#110101#${PERIOD}#DC-XH`, unit: 'DC-XH' };
  /** A miss of a unit with no log at all. */
  const ghost = { ...missLookupItem(miss), sk: `2026-07-01T08:00:00.000Z#110101#${PERIOD}#DC-GHOST`, unit: 'DC-GHOST' };

  /** Answers the store's reads from `items`, as the table holding them would. */
  const serve = (items: readonly Item[]) => {
    const at = (key: { pk?: unknown; sk?: unknown }) => items.filter((i) => i.pk === key.pk && i.sk === key.sk);
    ddb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues?: Record<string, unknown> }) => {
      const values = input.ExpressionAttributeValues ?? {};
      const begins = String(values[':events'] ?? values[':prefix'] ?? '');
      const found = items.filter((i) => i.pk === values[':pk'] && String(i.sk).startsWith(begins));
      return { Items: found.sort((a, b) => String(a.sk).localeCompare(String(b.sk))) };
    });
    ddb.on(GetCommand).callsFake((input: { Key: Item }) => ({ Item: at(input.Key)[0] }));
    ddb.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: Item[] }> }) => ({
      Responses: { ZeroReports: (input.RequestItems.ZeroReports?.Keys ?? []).flatMap(at) },
    }));
  };

  const collect = async (region: string) => {
    const chains: AuditChain[] = [];
    for await (const chain of auditChains.chainsIn(region)) chains.push(chain);
    return chains;
  };

  it('writes, with a miss, exactly the lookup verification holds it to', async () => {
    // PREPARE
    ddb.on(TransactWriteCommand).resolves({});

    // ACT
    await store.append(missed);

    // ASSESS
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[2]?.Put?.Item).toStrictEqual(missLookupItem(miss));
  });

  it('hands over each log with its head and the lookups at its misses’ keys, and any lookup naming it that no miss accounts for', async () => {
    // PREPARE
    serve([
      ...chainItems('DC-ZX', [...missed.events, ...lateAfterMiss.events], lateAfterMiss.state),
      ...chainItems('DC-XH', onTime.events, onTime.state),
      missLookupItem(miss),
      forged,
      ghost,
    ]);

    // ACT
    const chains = await collect('110101');

    // ASSESS
    expect(chains.map((c) => c.id)).toEqual([`${PERIOD}/DC-XH`, `${PERIOD}/DC-ZX`, `${PERIOD}/DC-GHOST`]);
    const [xh, zx, nobody] = chains as [AuditChain, AuditChain, AuditChain];
    expect(zx).toMatchObject({ region: '110101', head: { seq: 2 }, zeroState: lateAfterMiss.state });
    expect(zx.lookups?.stored).toEqual([
      { key: `MISSED#110000/${missLookupItem(miss).sk}`, seq: 1, item: missLookupItem(miss) },
    ]);
    expect(zx.lookups?.of(miss)).toEqual(zx.lookups?.stored[0]);
    expect(xh.lookups?.stored.map((l) => l.item)).toEqual([forged]);
    expect(xh.zeroState).toEqual(onTime.state);
    expect(nobody).toMatchObject({ kind: 'zero-report', region: '110101', events: [] });
    expect(nobody.head).toBeUndefined();
    expect(nobody.lookups?.stored.map((l) => l.item)).toEqual([ghost]);
    // The miss list is read consistently, and each lookup held to the event it names.
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'MISSED#110000' },
      ConsistentRead: true,
    });
    expect(ddb).toHaveReceivedCommandWith(BatchGetCommand, {
      RequestItems: {
        ZeroReports: {
          Keys: expect.arrayContaining([{ pk: `ZERO#${PERIOD}#DC-ZX`, sk: 'EVT#0000000001' }]),
          ConsistentRead: true,
        },
      },
    });
  });

  it('leaves out the lookups of counties outside the region, as the missed list does', async () => {
    // PREPARE
    serve([...chainItems('DC-XH', onTime.events, onTime.state), { ...ghost, county: '110102' }]);

    // ACT + ASSESS
    expect((await collect('110101')).map((c) => c.id)).toEqual([`${PERIOD}/DC-XH`]);
    expect((await collect('110102')).map((c) => c.id)).toEqual([`${PERIOD}/DC-GHOST`]);
  });
});

describe('duty periods', () => {
  const period = planDutyPeriod(
    { region: '110101', firstDate: '2026-07-01', lastDate: '2026-07-03', cutoffHour: 16, reason: 'flood' },
    { sub: 'dc', role: 'office', region: '110101', level: 'county' },
    new Date('2026-07-01T02:00:00.000Z'),
  );
  const cancelled = () =>
    new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: { httpStatusCode: 400 },
      CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
    });

  it('reads the province’s period lock before the periods, and counts a lock never taken as 0', async () => {
    // PREPARE
    ddb
      .on(BatchGetCommand)
      .resolves({ Responses: { ZeroReports: [{ pk: 'PERIOD_LOCKS', sk: '110000', version: 3 }] } });
    ddb.on(QueryCommand).resolves({ Items: [{ pk: 'PERIODS', sk: period.periodId, ...period }] });

    // ACT
    const snapshot = await store.periodsSnapshot(['110000', '120000']);

    // ASSESS
    expect(snapshot).toEqual({ periods: [period], versions: { '110000': 3, '120000': 0 } });
    expect(ddb.calls().map((call) => call.args[0].constructor.name)).toEqual(['BatchGetCommand', 'QueryCommand']);
    expect(ddb).toHaveReceivedCommandWith(BatchGetCommand, {
      RequestItems: {
        ZeroReports: {
          Keys: [
            { pk: 'PERIOD_LOCKS', sk: '110000' },
            { pk: 'PERIOD_LOCKS', sk: '120000' },
          ],
          ConsistentRead: true,
        },
      },
    });
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, { ExpressionAttributeValues: { ':pk': 'PERIODS' } });
  });

  it('stores a period on the conditions that its id is free and its province’s lock is at the version read', async () => {
    // PREPARE
    ddb.on(TransactWriteCommand).resolves({});

    // ACT
    const first = await store.createPeriod(period, { '110000': 0 });
    const later = await store.createPeriod(period, { '110000': 4 });

    // ASSESS
    expect(first).toEqual({ created: true, period });
    expect(later).toEqual({ created: true, period });
    const [a, b] = ddb.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems);
    expect(a).toEqual([
      {
        Put: {
          TableName: 'ZeroReports',
          Item: { pk: 'PERIODS', sk: period.periodId, ...period },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: 'ZeroReports',
          Item: { pk: 'PERIOD_LOCKS', sk: '110000', version: 1, periodId: period.periodId },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
    expect(b?.[1]).toEqual({
      Put: {
        TableName: 'ZeroReports',
        Item: { pk: 'PERIOD_LOCKS', sk: '110000', version: 5, periodId: period.periodId },
        ConditionExpression: 'version = :read',
        ExpressionAttributeValues: { ':read': 4 },
      },
    });
  });

  it('moves the lock of every province a national period covers', async () => {
    // PREPARE
    ddb.on(TransactWriteCommand).resolves({});
    const national = planDutyPeriod(
      { region: '000000', firstDate: '2026-07-01', lastDate: '2026-07-03', cutoffHour: 16, reason: 'flood' },
      { sub: 'mem', role: 'office', region: '000000' },
      new Date('2026-07-01T02:00:00.000Z'),
    );

    // ACT
    await store.createPeriod(national, {});

    // ASSESS: one transaction, within DynamoDB's 100 items.
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items.length).toBeGreaterThanOrEqual(32);
    expect(items.length).toBeLessThanOrEqual(100);
    expect(items.slice(1).every((item) => item.Put?.Item?.pk === 'PERIOD_LOCKS')).toBe(true);
  });

  it('answers the stored period when the id is taken', async () => {
    // PREPARE
    const stored = { ...period, activatedAt: '2026-07-01T01:00:00.000Z' };
    ddb.on(TransactWriteCommand).rejects(cancelled());
    ddb.on(GetCommand).resolves({ Item: { pk: 'PERIODS', sk: period.periodId, ...stored } });

    // ACT
    const result = await store.createPeriod(period, { '110000': 0 });

    // ASSESS
    expect(result).toEqual({ created: false, period: stored });
  });

  it('says the periods changed when the lock moved and the id is still free', async () => {
    // PREPARE
    ddb.on(TransactWriteCommand).rejects(cancelled());
    ddb.on(GetCommand).resolves({});

    // ACT + ASSESS
    await expect(store.createPeriod(period, { '110000': 0 })).rejects.toBeInstanceOf(PeriodsChanged);
  });
});

describe('the unit registry', () => {
  const registry = makeDynamoUnitRegistry({ client, table: 'Officers' });
  const unit = (unitId: string, county: string) => ({
    unitId,
    name: unitId,
    county,
    kind: 'school' as const,
    contact: { name: '王', phone: '+86 10 6601 0099' },
  });

  const AT = new Date('2026-07-01T02:00:00.000Z');

  it('adds a version of the county, points each unit id at it, and drops the pointer of a unit removed', async () => {
    // PREPARE: Dongcheng lists DC-A and DC-B (as written before the registry kept history); the new
    // list keeps DC-A only.
    ddb.on(BatchWriteCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb.on(QueryCommand).resolves({
      Items: [
        { pk: 'UNITS#110101', sk: 'UNIT#DC-A', ...unit('DC-A', '110101') },
        { pk: 'UNITS#110101', sk: 'UNIT#DC-B', ...unit('DC-B', '110101') },
      ],
    });
    ddb.on(BatchGetCommand).resolves({ Responses: { Officers: [{ unitId: 'DC-B', county: '110101' }] } });

    // ACT
    await registry.replaceCounties(['110101'], [unit('DC-A', '110101')], AT);

    // ASSESS: the version is added and nothing written before is changed or deleted.
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: {
        pk: 'UNITS#110101',
        sk: `AS_OF#${AT.toISOString()}`,
        effectiveAt: AT.toISOString(),
        units: [unit('DC-A', '110101')],
      },
    });
    const [puts, deletes] = ddb
      .commandCalls(BatchWriteCommand)
      .map((call) => call.args[0].input.RequestItems?.Officers);
    expect(puts).toEqual([
      { PutRequest: { Item: { pk: 'UNIT#DC-A', sk: 'COUNTY', unitId: 'DC-A', county: '110101' } } },
    ]);
    expect(deletes).toEqual([{ DeleteRequest: { Key: { pk: 'UNIT#DC-B', sk: 'COUNTY' } } }]);
  });

  it('keeps the pointer of a unit that moved to another county of the same import', async () => {
    // PREPARE: DC-B moves from Dongcheng to Xicheng.
    ddb.on(BatchWriteCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'UNITS#110101' } })
      .resolves({
        Items: [
          {
            pk: 'UNITS#110101',
            sk: 'AS_OF#1970-01-02T00:00:00.000Z',
            effectiveAt: '1970-01-02T00:00:00.000Z',
            units: [unit('DC-B', '110101')],
          },
        ],
      })
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'UNITS#110102' } })
      .resolves({ Items: [] });

    // ACT
    await registry.replaceCounties(['110101', '110102'], [unit('DC-B', '110102')], AT);

    // ASSESS
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 2);
    const deletes = ddb.commandCalls(BatchWriteCommand)[1]?.args[0].input.RequestItems?.Officers;
    expect(deletes ?? []).toEqual([]);
    expect(ddb).not.toHaveReceivedCommand(BatchGetCommand);
  });

  it('reads the version in effect at an instant, and units written before the history as the first', async () => {
    // PREPARE: DC-A written before the registry kept history; a version from AT on lists DC-B only.
    ddb.on(QueryCommand).resolves({
      Items: [
        {
          pk: 'UNITS#110101',
          sk: `AS_OF#${AT.toISOString()}`,
          effectiveAt: AT.toISOString(),
          units: [unit('DC-B', '110101')],
        },
        { pk: 'UNITS#110101', sk: 'UNIT#DC-A', ...unit('DC-A', '110101') },
      ],
    });

    // ACT
    const before = await registry.unitsOf('110101', new Date(AT.getTime() - 1));
    const from = await registry.unitsOf('110101', AT);

    // ASSESS
    expect(before.map((u) => u.unitId)).toEqual(['DC-A']);
    expect(from.map((u) => u.unitId)).toEqual(['DC-B']);
  });

  it('answers where each unit id is registered', async () => {
    // PREPARE
    ddb.on(BatchGetCommand).resolves({ Responses: { Officers: [{ unitId: 'DC-A', county: '110101' }] } });

    // ACT
    const counties = await registry.countiesOf(['DC-A', 'DC-Z', 'DC-A']);

    // ASSESS
    expect(counties).toEqual(new Map([['DC-A', '110101']]));
    expect(ddb).toHaveReceivedCommandWith(BatchGetCommand, {
      RequestItems: {
        Officers: {
          Keys: [
            { pk: 'UNIT#DC-A', sk: 'COUNTY' },
            { pk: 'UNIT#DC-Z', sk: 'COUNTY' },
          ],
          ConsistentRead: true,
        },
      },
    });
  });
});
