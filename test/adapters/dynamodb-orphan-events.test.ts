/**
 * The scan for incident logs left without a head, against a mocked document client: the exact
 * commands it sends, and which logs it hands on as chains without a head.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeDynamoHeadlessIncidentLogs } from '../../shared/adapters/dynamodb/orphan-events';
import type { AuditChain } from '../../shared/ports/audit-chains';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
);
const logs = makeDynamoHeadlessIncidentLogs({ client, incidentsTable: 'Incidents' });

const A = 'INC-20260301-AAAAAAAA';
const B = 'INC-20260301-BBBBBBBB';
const C = 'INC-20260301-CCCCCCCC';

const first = (id: string, regionCode: string) => ({ pk: `INC#${id}`, scope: { regionCode } });
const event = (id: string, seq: number) => ({
  pk: `INC#${id}`,
  sk: `EVT#${String(seq).padStart(10, '0')}`,
  incidentId: id,
  seq,
  prevHash: `p${seq}`,
  hash: `h${seq}`,
});

const all = async (region: string) => {
  const chains: AuditChain[] = [];
  for await (const chain of logs.chainsIn(region)) chains.push(chain);
  return chains;
};

beforeEach(() => {
  ddb.reset();
});

describe('incident logs without a head', () => {
  it('scans for first events in the jurisdiction, page by page, and reads the log of each one without a head', async () => {
    ddb
      .on(ScanCommand)
      .resolvesOnce({ Items: [first(A, '110101'), first(B, '110102')], LastEvaluatedKey: { pk: `INC#${B}`, sk: 'x' } })
      .resolvesOnce({ Items: [first(C, '110105')] });
    // A keeps its head; B and C lost theirs.
    ddb.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => ({
      Responses: {
        Incidents: (input.RequestItems?.Incidents?.Keys ?? [])
          .filter((k) => k.pk === `INC#${A}`)
          .map((k) => ({ pk: k.pk })),
      },
    }));
    ddb.on(QueryCommand).callsFake((input: QueryCommandInput) => {
      const id = String(input.ExpressionAttributeValues?.[':pk']).slice(4);
      return { Items: [event(id, 1), event(id, 2)] };
    });

    const chains = await all('110000');

    expect(chains).toStrictEqual([
      {
        kind: 'incident',
        id: B,
        region: '110102',
        events: [1, 2].map((seq) => ({ incidentId: B, seq, prevHash: `p${seq}`, hash: `h${seq}` })),
      },
      {
        kind: 'incident',
        id: C,
        region: '110105',
        events: [1, 2].map((seq) => ({ incidentId: C, seq, prevHash: `p${seq}`, hash: `h${seq}` })),
      },
    ]);
    const scans = ddb.commandCalls(ScanCommand).map((call) => call.args[0].input);
    expect(scans[0]).toStrictEqual({
      TableName: 'Incidents',
      FilterExpression:
        '#sk = :first AND (#scope.#regionCode = :region OR #scope.#county = :region OR #scope.#city = :region OR #scope.#province = :region)',
      ProjectionExpression: '#pk, #scope.#regionCode',
      ExpressionAttributeNames: {
        '#pk': 'pk',
        '#sk': 'sk',
        '#scope': 'scope',
        '#regionCode': 'regionCode',
        '#county': 'county',
        '#city': 'city',
        '#province': 'province',
      },
      ExpressionAttributeValues: { ':first': 'EVT#0000000001', ':region': '110000' },
      ExclusiveStartKey: undefined,
    });
    expect(scans[1]?.ExclusiveStartKey).toStrictEqual({ pk: `INC#${B}`, sk: 'x' });
    expect(ddb.commandCalls(BatchGetCommand).map((call) => call.args[0].input)).toStrictEqual([
      {
        RequestItems: {
          Incidents: {
            Keys: [
              { pk: `INC#${A}`, sk: 'HEAD' },
              { pk: `INC#${B}`, sk: 'HEAD' },
            ],
            ConsistentRead: true,
            ProjectionExpression: 'pk',
          },
        },
      },
      {
        RequestItems: {
          Incidents: { Keys: [{ pk: `INC#${C}`, sk: 'HEAD' }], ConsistentRead: true, ProjectionExpression: 'pk' },
        },
      },
    ]);
    expect(ddb.commandCalls(QueryCommand).map((call) => call.args[0].input)).toStrictEqual(
      [B, C].map((id) => ({
        TableName: 'Incidents',
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)',
        ExpressionAttributeValues: { ':pk': `INC#${id}`, ':events': 'EVT#' },
        ConsistentRead: true,
        ExclusiveStartKey: undefined,
      })),
    );
  });

  it('scans the whole table for the national level, and asks again for heads DynamoDB left unprocessed', async () => {
    ddb.on(ScanCommand).resolves({ Items: [first(A, '110101'), first(B, '310101')] });
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { Incidents: [{ pk: `INC#${A}` }] },
        UnprocessedKeys: { Incidents: { Keys: [{ pk: `INC#${B}`, sk: 'HEAD' }] } },
      })
      .resolvesOnce({ Responses: { Incidents: [{ pk: `INC#${B}` }] } });

    expect(await all('000000')).toStrictEqual([]);
    const scan = ddb.commandCalls(ScanCommand)[0]?.args[0].input;
    expect(scan?.FilterExpression).toBe('#sk = :first');
    expect(scan?.ExpressionAttributeValues).toStrictEqual({ ':first': 'EVT#0000000001' });
    const asked = ddb.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.Incidents?.Keys);
    expect(asked).toStrictEqual([
      [
        { pk: `INC#${A}`, sk: 'HEAD' },
        { pk: `INC#${B}`, sk: 'HEAD' },
      ],
      [{ pk: `INC#${B}`, sk: 'HEAD' }],
    ]);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('asks at most 100 heads at a time', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `INC-20260301-${String(i).padStart(8, '0')}`);
    ddb.on(ScanCommand).resolves({ Items: ids.map((id) => first(id, '110101')) });
    ddb.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => ({
      Responses: { Incidents: (input.RequestItems?.Incidents?.Keys ?? []).map((k) => ({ pk: k.pk })) },
    }));

    expect(await all('110101')).toStrictEqual([]);
    expect(
      ddb.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.Incidents?.Keys?.length),
    ).toStrictEqual([100, 50]);
  });
});
