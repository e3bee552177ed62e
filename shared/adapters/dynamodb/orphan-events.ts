/**
 * Incident logs left without a head. The views, and the paged verification, find incidents only
 * through their head items (the region indexes), so deleting a head hides its incident from all of
 * them while its events stay in the table. This source finds such logs the other way round: a Scan
 * of the Incidents table for every incident's first event, filed in the jurisdiction by the
 * event's own `scope`, whose partition holds no head. A Scan reads the whole table, so only the
 * full verification (`npm run verify-audit`) runs it; a head deleted together with the first event
 * is not found here, only by a digest (`chain-missing`).
 */
import { BatchGetCommand, type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { NATIONAL } from '../../domain/regions/regions';
import type { AuditChain, AuditChainSource } from '../../ports/audit-chains';
import { EVENT_SK_PREFIX, eventSk, HEAD_SK, incidentPk } from './keys';
import { queryAll } from './paging';

export interface DynamoHeadlessIncidentLogsConfig {
  readonly client: DynamoDBDocumentClient;
  readonly incidentsTable: string;
}

/** Keys one BatchGetItem call may ask for. */
const BATCH_GET_MAX = 100;

const INCIDENT_PK_PREFIX = incidentPk('');

type Item = Record<string, unknown>;

/** An event exactly as appended: the item minus its keys, so its stored hash can be recomputed. */
const eventFrom = (item: Item): AuditChain['events'][number] => {
  const { pk: _pk, sk: _sk, ...event } = item;
  return event as unknown as AuditChain['events'][number];
};

/**
 * Every incident log inside a region whose head item is missing, as an audit chain without a head
 * (which verification reports as `head-missing` at the log's last event).
 */
export const makeDynamoHeadlessIncidentLogs = (config: DynamoHeadlessIncidentLogsConfig): AuditChainSource => {
  const { client, incidentsTable: table } = config;

  /** Which of the partitions `pks` hold a head, read consistently. */
  const withHeads = async (pks: readonly string[]): Promise<Set<string>> => {
    const found = new Set<string>();
    for (let i = 0; i < pks.length; i += BATCH_GET_MAX) {
      let keys: Item[] | undefined = pks.slice(i, i + BATCH_GET_MAX).map((pk) => ({ pk, sk: HEAD_SK }));
      while (keys && keys.length > 0) {
        const result = await client.send(
          new BatchGetCommand({
            RequestItems: { [table]: { Keys: keys, ConsistentRead: true, ProjectionExpression: 'pk' } },
          }),
        );
        for (const item of result.Responses?.[table] ?? []) found.add(String(item.pk));
        keys = result.UnprocessedKeys?.[table]?.Keys as Item[] | undefined;
      }
    }
    return found;
  };

  const eventsOf = async (pk: string) =>
    (
      await queryAll(client, {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)',
        ExpressionAttributeValues: { ':pk': pk, ':events': EVENT_SK_PREFIX },
        ConsistentRead: true,
      })
    ).map(eventFrom);

  return {
    async *chainsIn(region) {
      // The scope every event records names the incident's region at each level.
      const inRegion =
        region === NATIONAL
          ? undefined
          : {
              expression:
                '(#scope.#regionCode = :region OR #scope.#county = :region OR #scope.#city = :region OR #scope.#province = :region)',
              names: { '#regionCode': 'regionCode', '#county': 'county', '#city': 'city', '#province': 'province' },
            };
      let start: Item | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: table,
            FilterExpression: inRegion ? `#sk = :first AND ${inRegion.expression}` : '#sk = :first',
            ProjectionExpression: '#pk, #scope.#regionCode',
            ExpressionAttributeNames: {
              '#pk': 'pk',
              '#sk': 'sk',
              '#scope': 'scope',
              '#regionCode': 'regionCode',
              ...inRegion?.names,
            },
            ExpressionAttributeValues: { ':first': eventSk(1), ...(inRegion ? { ':region': region } : {}) },
            ExclusiveStartKey: start,
          }),
        );
        const firsts = (page.Items ?? []) as Item[];
        const heads = await withHeads(firsts.map((item) => String(item.pk)));
        for (const first of firsts) {
          const pk = String(first.pk);
          if (heads.has(pk)) continue;
          const scope = first.scope as { regionCode?: unknown } | undefined;
          yield {
            kind: 'incident',
            id: pk.startsWith(INCIDENT_PK_PREFIX) ? pk.slice(INCIDENT_PK_PREFIX.length) : pk,
            region: typeof scope?.regionCode === 'string' ? scope.regionCode : region,
            events: await eventsOf(pk),
          };
        }
        start = page.LastEvaluatedKey;
      } while (start);
    },
  };
};
