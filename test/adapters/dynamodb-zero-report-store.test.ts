/**
 * The DynamoDB zero-report store against a mocked document client: the exact commands an append
 * and an activation send — conditional Puts only, as the audit-trail table allows nothing else —
 * and how it reads DynamoDB's refusals; and the unit registry's pointers from unit id to county.
 */
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcherWithAliases } from 'aws-sdk-client-mock-vitest';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDynamoUnitRegistry } from '../../shared/adapters/dynamodb/unit-registry';
import { makeDynamoZeroReportStore } from '../../shared/adapters/dynamodb/zero-report-store';
import type { Actor } from '../../shared/domain/incident';
import { CUTOFF_CHECK_ACTOR, planDutyPeriod, sealZeroEvents } from '../../shared/domain/zero-reports';
import { ChainConflict, PeriodsChanged } from '../../shared/ports/zero-report-store';

expect.extend(allCustomMatcherWithAliases);

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
);
const store = makeDynamoZeroReportStore({ client, table: 'ZeroReports' });

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

  it('points each imported unit id at its county, and drops the pointer of a unit removed', async () => {
    // PREPARE: Dongcheng lists DC-A and DC-B; the new list keeps DC-A only.
    ddb.on(BatchWriteCommand).resolves({});
    ddb.on(QueryCommand).resolves({
      Items: [
        { pk: 'UNITS#110101', sk: 'UNIT#DC-A', ...unit('DC-A', '110101') },
        { pk: 'UNITS#110101', sk: 'UNIT#DC-B', ...unit('DC-B', '110101') },
      ],
    });
    ddb.on(BatchGetCommand).resolves({ Responses: { Officers: [{ unitId: 'DC-B', county: '110101' }] } });

    // ACT
    await registry.replaceCounties(['110101'], [unit('DC-A', '110101')]);

    // ASSESS
    const [puts, deletes] = ddb
      .commandCalls(BatchWriteCommand)
      .map((call) => call.args[0].input.RequestItems?.Officers);
    expect(puts).toEqual([
      { PutRequest: { Item: { pk: 'UNITS#110101', sk: 'UNIT#DC-A', ...unit('DC-A', '110101') } } },
      { PutRequest: { Item: { pk: 'UNIT#DC-A', sk: 'COUNTY', unitId: 'DC-A', county: '110101' } } },
    ]);
    expect(deletes).toEqual([
      { DeleteRequest: { Key: { pk: 'UNITS#110101', sk: 'UNIT#DC-B' } } },
      { DeleteRequest: { Key: { pk: 'UNIT#DC-B', sk: 'COUNTY' } } },
    ]);
  });

  it('keeps the pointer of a unit that moved to another county of the same import', async () => {
    // PREPARE: DC-B moves from Dongcheng to Xicheng.
    ddb.on(BatchWriteCommand).resolves({});
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'UNITS#110101', ':units': 'UNIT#' } })
      .resolves({ Items: [{ pk: 'UNITS#110101', sk: 'UNIT#DC-B', ...unit('DC-B', '110101') }] })
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'UNITS#110102', ':units': 'UNIT#' } })
      .resolves({ Items: [] });

    // ACT
    await registry.replaceCounties(['110101', '110102'], [unit('DC-B', '110102')]);

    // ASSESS
    const deletes = ddb.commandCalls(BatchWriteCommand)[1]?.args[0].input.RequestItems?.Officers;
    expect(deletes).toEqual([{ DeleteRequest: { Key: { pk: 'UNITS#110101', sk: 'UNIT#DC-B' } } }]);
    expect(ddb).not.toHaveReceivedCommand(BatchGetCommand);
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
