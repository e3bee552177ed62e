/**
 * The write counter on a DynamoDB client whose HTTP handler records what is sent and answers from
 * a script: items counted by function, table and kind from the calls themselves, units as
 * DynamoDB reports them, refused transactions by their reasons, reads with their units; and
 * nothing at all when it is off.
 */
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import {
  attributeWritesTo,
  countCall,
  itemBand,
  itemKind,
  resetWriteTally,
  withWriteCounter,
  writeCountingWanted,
  writeTally,
} from '../../shared/adapters/dynamodb/write-counter';
import { recordingClient } from './scripted-dynamodb';

const appendTransaction = new TransactWriteCommand({
  TransactItems: [
    { Put: { TableName: 'Incidents', Item: { pk: 'INC#1', sk: 'HEAD', v: 2 } } },
    { Put: { TableName: 'Incidents', Item: { pk: 'INC#1', sk: 'EVT#0000000002' } } },
    { Put: { TableName: 'Incidents', Item: { pk: 'INC#1', sk: 'EVT#0000000003' } } },
    { Put: { TableName: 'Idempotency', Item: { id: 'report#u#k' } } },
    { ConditionCheck: { TableName: 'Incidents', Key: { pk: 'INC#2', sk: 'HEAD' }, ConditionExpression: 'x' } },
  ],
});

beforeEach(() => {
  resetWriteTally();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the DynamoDB write counter', () => {
  it('counts each item of a transaction by table and kind, sharing the units each table reports', async () => {
    const { client, bodies } = recordingClient({
      TransactWriteItems: {
        status: 200,
        body: {
          ConsumedCapacity: [
            { TableName: 'Incidents', CapacityUnits: 12, GlobalSecondaryIndexes: { byCounty: { CapacityUnits: 3 } } },
            { TableName: 'Idempotency', CapacityUnits: 2 },
          ],
        },
      },
    });
    const documents = makeDocumentClient(withWriteCounter(client));

    await attributeWritesTo('submitReport', () => documents.send(appendTransaction));

    expect(bodies[0]?.ReturnConsumedCapacity).toBe('INDEXES');
    expect(writeTally().invocations).toEqual([{ fn: 'submitReport', count: 1, ms: expect.any(Number) }]);
    const counts = writeTally().writes.map(({ fn, table, kind, items, units, indexUnits, floorUnits }) => [
      fn,
      table,
      kind,
      items,
      units,
      indexUnits,
      floorUnits,
    ]);
    // Transactional writes cost at least 2 units an item.
    expect(counts).toEqual([
      ['submitReport', 'Incidents', 'INC/HEAD', 1, 4, 1, 2],
      ['submitReport', 'Incidents', 'INC/EVT', 2, 8, 2, 4],
      ['submitReport', 'Idempotency', 'report', 1, 2, 0, 2],
    ]);
  });

  it('counts single writes and the written part of a batch, under the function the writes are attributed to', async () => {
    const { client } = recordingClient({
      PutItem: { status: 200, body: { ConsumedCapacity: { TableName: 'Summaries', CapacityUnits: 1 } } },
      BatchWriteItem: {
        status: 200,
        body: {
          UnprocessedItems: { Summaries: [{ PutRequest: { Item: { pk: { S: 'APPLIED#INC-3' }, sk: { S: '1' } } } }] },
          ConsumedCapacity: [{ TableName: 'Summaries', CapacityUnits: 2 }],
        },
      },
    });
    const documents = makeDocumentClient(withWriteCounter(client));

    await attributeWritesTo('rollUp', async () => {
      await documents.send(new PutCommand({ TableName: 'Summaries', Item: { pk: 'SUM#420000', sk: '2026-12-05' } }));
      await documents.send(
        new UpdateCommand({
          TableName: 'Summaries',
          Key: { pk: 'SUM#420100', sk: '2026-12-05' },
          UpdateExpression: 'SET a = :a',
          ExpressionAttributeValues: { ':a': 1 },
        }),
      );
    });
    await documents.send(
      new BatchWriteCommand({
        RequestItems: {
          Summaries: ['INC-1', 'INC-2', 'INC-3'].map((i) => ({
            PutRequest: { Item: { pk: `APPLIED#${i}`, sk: '1' } },
          })),
        },
      }),
    );

    const counts = writeTally().writes.map(({ fn, kind, items, units, floorUnits }) => [
      fn,
      kind,
      items,
      units,
      floorUnits,
    ]);
    // The update got no capacity in its answer: counted as an item, with no units.
    expect(counts).toEqual([
      ['rollUp', 'SUM', 2, 1, 2],
      ['runtime', 'APPLIED', 2, 2, 2],
    ]);
  });

  it('counts a refused transaction once, by the reasons its items were refused, writes none, and passes the error on', async () => {
    const { client } = recordingClient({
      TransactWriteItems: {
        status: 400,
        body: {
          __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
          message: 'Transaction cancelled',
          CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }, { Code: 'TransactionConflict' }],
        },
      },
    });
    const documents = makeDocumentClient(withWriteCounter(client));

    await expect(attributeWritesTo('rollUp', () => documents.send(appendTransaction))).rejects.toMatchObject({
      name: 'TransactionCanceledException',
    });

    expect(writeTally().writes).toEqual([]);
    expect(writeTally().refusals).toEqual([
      {
        fn: 'rollUp',
        command: 'TransactWriteItemsCommand',
        reason: 'ConditionalCheckFailed+TransactionConflict',
        count: 1,
      },
    ]);
  });

  it('is off unless asked for: no middleware, nothing asked of DynamoDB, nothing counted', async () => {
    const { client, bodies } = recordingClient();

    await makeDocumentClient(client).send(appendTransaction);

    expect(writeCountingWanted({})).toBe(false);
    expect(writeCountingWanted({ DYNAMODB_COUNT_WRITES: 'true' })).toBe(true);
    expect(() => writeCountingWanted({ DYNAMODB_COUNT_WRITES: 'yes' })).toThrow(/DYNAMODB_COUNT_WRITES/);
    expect(client.middlewareStack.identify().some((m) => m.startsWith('dynamoDbWriteCounter'))).toBe(false);
    expect(bodies[0]?.ReturnConsumedCapacity).toBeUndefined();
    expect(writeTally().writes).toEqual([]);
  });

  it('is added by the document client when DYNAMODB_COUNT_WRITES=true', async () => {
    vi.stubEnv('DYNAMODB_COUNT_WRITES', 'true');
    const { client, bodies } = recordingClient();

    await makeDocumentClient(client).send(appendTransaction);

    expect(bodies[0]?.ReturnConsumedCapacity).toBe('INDEXES');
    expect(writeTally().writes.reduce((n, w) => n + w.items, 0)).toBe(4);
  });

  it('counts reads and their units by function, asking for the total', async () => {
    const { client, bodies } = recordingClient({
      Query: { status: 200, body: { Items: [], ConsumedCapacity: { TableName: 'Incidents', CapacityUnits: 1.5 } } },
    });
    const documents = makeDocumentClient(withWriteCounter(client));

    await attributeWritesTo('getIncident', () =>
      documents.send(
        new QueryCommand({
          TableName: 'Incidents',
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': 'INC#1' },
        }),
      ),
    );

    expect(bodies[0]?.ReturnConsumedCapacity).toBe('TOTAL');
    expect(writeTally().reads).toEqual([{ fn: 'getIncident', calls: 1, units: 1.5 }]);
    expect(writeTally().writes).toEqual([]);
  });

  it('counts every call by function, operation and shape: tables, index, items carried and returned', async () => {
    const { client } = recordingClient({
      Query: { status: 200, body: { Items: [], Count: 14 } },
      TransactWriteItems: {
        status: 400,
        body: {
          __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
          CancellationReasons: [{ Code: 'ConditionalCheckFailed' }],
        },
      },
    });
    const documents = makeDocumentClient(withWriteCounter(client));

    await attributeWritesTo('sweepDeadlines', async () => {
      await documents.send(
        new QueryCommand({
          TableName: 'Incidents',
          IndexName: 'openObligations',
          KeyConditionExpression: 'openShard = :s',
          ExpressionAttributeValues: { ':s': '0' },
        }),
      );
      await documents.send(new GetCommand({ TableName: 'Incidents', Key: { pk: 'INC#1', sk: 'HEAD' } }));
      await documents.send(new GetCommand({ TableName: 'Incidents', Key: { pk: 'INC#2', sk: 'HEAD' } }));
    });
    await attributeWritesTo('rollUp', async () => {
      await documents.send(
        new BatchGetCommand({
          RequestItems: {
            Summaries: { Keys: Array.from({ length: 30 }, (_, i) => ({ pk: `APPLIED#${i}`, sk: '1' })) },
          },
        }),
      );
      // A refused call is a call all the same: the engine did its work.
      await documents.send(appendTransaction).catch(() => undefined);
      await client.send(new ListTablesCommand({ Limit: 1 }));
    });
    countCall('streamPoller', 'GetRecords', 'stream, 0 returned');
    // Two reads at once: the second began with the first in flight.
    await Promise.all([
      documents.send(new GetCommand({ TableName: 'Incidents', Key: { pk: 'INC#3', sk: 'HEAD' } })),
      documents.send(new GetCommand({ TableName: 'Incidents', Key: { pk: 'INC#4', sk: 'HEAD' } })),
    ]);

    const calls = writeTally().calls?.map(({ fn, operation, shape, count }) => `${fn} ${operation} ${shape} ×${count}`);
    expect(calls).toEqual([
      'sweepDeadlines Query Incidents.openObligations, 11–20 returned ×1',
      'sweepDeadlines GetItem Incidents ×2',
      'rollUp BatchGetItem Summaries, 21–50 items ×1',
      'rollUp TransactWriteItems Incidents+Idempotency, 5 items ×1',
      'rollUp ListTables  ×1',
      'streamPoller GetRecords stream, 0 returned ×1',
      'runtime GetItem Incidents ×2',
    ]);
    expect(writeTally().inFlight).toEqual({ '1': 7, '2': 1 });
    expect([1, 5, 6, 10, 11, 20, 21, 50, 51, 100, 101].map(itemBand)).toEqual([
      '1',
      '5',
      '6–10',
      '6–10',
      '11–20',
      '11–20',
      '21–50',
      '21–50',
      '51–100',
      '51–100',
      '>100',
    ]);
  });

  it('names the kind of an item from its key, marshalled or not', () => {
    expect(itemKind({ pk: 'INC#INC-1', sk: 'HEAD' })).toBe('INC/HEAD');
    expect(itemKind({ pk: { S: 'INC#INC-1' }, sk: { S: 'EVT#0000000001' } })).toBe('INC/EVT');
    expect(itemKind({ pk: { S: 'APPLIED#INC-1' }, sk: { S: '0000000001' } })).toBe('APPLIED');
    expect(itemKind({ id: { S: 'report#sub#key' } })).toBe('report');
    expect(itemKind(undefined)).toBe('?');
  });
});
