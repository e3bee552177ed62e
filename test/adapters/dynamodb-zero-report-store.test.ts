/**
 * The DynamoDB zero-report store against a mocked document client: the exact commands an append
 * sends — conditional Puts only, as the audit-trail table allows nothing else — and how it reads
 * DynamoDB's refusals.
 */
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcherWithAliases } from 'aws-sdk-client-mock-vitest';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDynamoZeroReportStore } from '../../shared/adapters/dynamodb/zero-report-store';
import type { Actor } from '../../shared/domain/incident';
import { CUTOFF_CHECK_ACTOR, planDutyPeriod, sealZeroEvents } from '../../shared/domain/zero-reports';
import { ChainConflict } from '../../shared/ports/zero-report-store';

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

  it('stores a period under its id on the condition that the id is free', async () => {
    // PREPARE
    ddb.on(PutCommand).resolves({});

    // ACT
    const result = await store.createPeriod(period);

    // ASSESS
    expect(result).toEqual({ created: true, period });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'ZeroReports',
      Item: { pk: 'PERIODS', sk: period.periodId, ...period },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('answers the stored period when the id is taken', async () => {
    // PREPARE
    const stored = { ...period, activatedAt: '2026-07-01T01:00:00.000Z' };
    ddb
      .on(PutCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'taken', $metadata: { httpStatusCode: 400 } }));
    ddb.on(GetCommand).resolves({ Item: { pk: 'PERIODS', sk: period.periodId, ...stored } });

    // ACT
    const result = await store.createPeriod(period);

    // ASSESS
    expect(result).toEqual({ created: false, period: stored });
  });
});
