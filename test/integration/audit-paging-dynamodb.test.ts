/**
 * Paging the late and missed lists over the real incident index in DynamoDB Local, which lists
 * newest first (the in-memory fake lists oldest first). Incidents with several rows each and small
 * page sizes force the path where a read overshoots and is read again up to the last incident that
 * fits: following `next` to the end must give every row exactly once, in order, and never split an
 * incident's rows across pages. Cursors go through the API's encoding and schema both ways, so the
 * store's own position is what comes back to it.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { provisionLocalResources } from '../../infra/local/provision';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import { makeDynamoIncidentStore } from '../../shared/adapters/dynamodb/incident-store';
import { makeDynamoOfficerDirectory } from '../../shared/adapters/dynamodb/officer-directory';
import { makeListLate, makeListMissed } from '../../shared/application/audit';
import type { Actor } from '../../shared/domain/access';
import type { AuditCursor } from '../../shared/domain/audit/listing';
import type { AuditRow } from '../../shared/domain/audit/rows';
import type { Obligation } from '../../shared/domain/obligation';
import type { IncidentQuery, IncidentStore } from '../../shared/ports/incident-store';
import { auditLateQuerySchema, auditMissedQuerySchema, encodeAuditCursor } from '../../shared/schemas/audit';
import { buildIncident, creation } from '../adapters/incident-fixtures';
import { FakeClock } from '../fakes/fake-clock';

const config = { region: LOCAL_REGION, credentials: localCredentials };
const inspector: Actor = { sub: 'insp-bj', role: 'inspector', region: '110000' };
const PERIOD = { from: '2026-03-01T00:00:00.000Z', to: '2026-03-02T00:00:00.000Z' };
const COUNTIES = ['110101', '110102', '110105'];

/**
 * Twelve incidents a minute apart, each with this many late and missed duties; every third is
 * closed by a report that leaves the seriously injured unknown (a required-element row).
 */
const LATE = [2, 0, 3, 1, 2, 2, 0, 4, 1, 2, 3, 1];
const MISSED = [1, 2, 0, 2, 1, 0, 3, 1, 2, 0, 1, 2];
const closed = (i: number) => i % 3 === 0;

const minutesAfter = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

let clients: { dynamodb: DynamoDBClient; sqs: SQSClient; sns: SNSClient; s3: S3Client };
let store: IncidentStore;
/** Every list call the use cases made, in order. */
const reads: IncidentQuery[] = [];
let listLate: ReturnType<typeof makeListLate>;
let listMissed: ReturnType<typeof makeListMissed>;
/** Incident ids, newest first: the order the index gives. */
let newestFirst: string[];

beforeAll(async () => {
  clients = {
    dynamodb: new DynamoDBClient({ ...config, endpoint: inject('dynamodbEndpoint') }),
    sqs: new SQSClient({ ...config, endpoint: inject('messagingEndpoint') }),
    sns: new SNSClient({ ...config, endpoint: inject('messagingEndpoint') }),
    s3: new S3Client({ ...config, endpoint: inject('messagingEndpoint'), forcePathStyle: true }),
  };
  const resources = await provisionLocalResources(clients, `t${randomUUID().slice(0, 8)}-`);
  const documents = makeDocumentClient(clients.dynamodb);
  const dynamo = makeDynamoIncidentStore({ client: documents, incidentsTable: resources.tables.incidents });
  store = {
    ...dynamo,
    list: (query) => {
      reads.push(query);
      return dynamo.list(query);
    },
  };

  const ids: string[] = [];
  for (const [i, late] of LATE.entries()) {
    const incidentId = `INC-20260301-PAGE${String(i).padStart(4, '0')}`;
    const receivedAt = minutesAfter('2026-03-01T02:00:00.000Z', i);
    const built = buildIncident({
      incidentId,
      regionCode: COUNTIES[i % COUNTIES.length] ?? '110101',
      receivedAt,
      closed: closed(i),
    });
    const [opened] = built.state.obligations;
    if (!opened) throw new Error('no obligation opened');
    const duty = (kind: 'late' | 'missed', k: number): Obligation => ({
      ...opened,
      obligationId: `${incidentId}-${kind}-${k}`,
      dueAt: minutesAfter(receivedAt, 60 + k),
      ...(kind === 'late'
        ? { status: 'met', metAt: minutesAfter(receivedAt, 90 + k), lateByMs: (30 + k) * 60_000 }
        : {
            status: 'missed',
            missedAt: minutesAfter(receivedAt, 60 + k),
            escalatedAt: minutesAfter(receivedAt, 60 + k),
          }),
    });
    const obligations = [
      ...Array.from({ length: late }, (_, k) => duty('late', k)),
      ...Array.from({ length: MISSED[i] ?? 0 }, (_, k) => duty('missed', k)),
    ];
    await store.append(creation({ ...built, state: { ...built.state, obligations } }));
    ids.push(incidentId);
  }
  newestFirst = ids.reverse();

  const deps = {
    incidents: store,
    directory: makeDynamoOfficerDirectory({ client: documents, table: resources.tables.officers }),
    clock: new FakeClock('2026-03-05T00:00:00.000Z'),
  };
  listLate = makeListLate(deps);
  listMissed = makeListMissed({ ...deps, missedZeroReports: { missedIn: async () => [] } });
});

afterAll(() => {
  for (const client of Object.values(clients ?? {})) client.destroy();
});

const rowKey = (row: AuditRow) => `${row.incident?.id}/${row.obligationId ?? row.kind}`;

/** Every page of a listing, each cursor sent as the client sends it: encoded, then parsed by the route's schema. */
const followToTheEnd = async (list: 'late' | 'missed', limit: number): Promise<AuditRow[][]> => {
  const [use, schema] = list === 'late' ? [listLate, auditLateQuerySchema] : [listMissed, auditMissedQuerySchema];
  const pages: AuditRow[][] = [];
  let cursor: AuditCursor | undefined;
  do {
    const query = schema.parse({
      region: '110100',
      limit: String(limit),
      ...(cursor ? { cursor: encodeAuditCursor(cursor) } : PERIOD),
    });
    const { format: _format, ...rest } = query;
    const page = await use(inspector, rest);
    pages.push([...page.rows]);
    cursor = page.next;
    if (pages.length > 200) throw new Error('the pages never end');
  } while (cursor);
  return pages;
};

/** Reads of one page request that repeat the read before them from the same position: the cut. */
const reReads = (from: number): number =>
  reads
    .slice(from)
    .filter(
      (query, i, all) =>
        i > 0 &&
        JSON.stringify(query.after) === JSON.stringify(all[i - 1]?.after) &&
        query.limit < (all[i - 1]?.limit ?? 0),
    ).length;

describe.each(['late', 'missed'] as const)('the %s list over DynamoDB, newest first', (list) => {
  const perIncident = (i: number) => (list === 'late' ? (LATE[i] ?? 0) : (MISSED[i] ?? 0) + (closed(i) ? 1 : 0));

  it('holds every row in one page when the page is large enough: newest incident first, each by deadline', async () => {
    const [page, ...more] = await followToTheEnd(list, 200);
    expect(more).toEqual([]);
    const rows = page ?? [];
    const order = [...new Set(rows.map((r) => r.incident?.id))];
    expect(order).toEqual(newestFirst.filter((_, i) => perIncident(newestFirst.length - 1 - i) > 0));
    for (const id of order) {
      const deadlines = rows.filter((r) => r.incident?.id === id).map((r) => r.deadline);
      expect(deadlines).toEqual([...deadlines].sort());
    }
    expect(rows).toHaveLength(LATE.reduce((sum, _, i) => sum + perIncident(i), 0));
    if (list === 'missed') {
      expect(rows.filter((r) => r.kind === 'required-element').map((r) => r.finalReport?.missingElements)).toEqual(
        Array.from({ length: 4 }, () => ['seriouslyInjured']),
      );
    }
  });

  it.each([1, 2, 3, 4, 5, 7])(
    'gives every row exactly once, in order, never splitting an incident, %i rows a page',
    async (limit) => {
      // PREPARE
      const all = (await followToTheEnd(list, 200)).flat().map(rowKey);
      const readsBefore = reads.length;

      // ACT
      const pages = await followToTheEnd(list, limit);

      // ASSESS
      expect(pages.flat().map(rowKey)).toEqual(all);
      const pageOf = new Map<string, number>();
      pages.forEach((page, n) => {
        const incidents = new Set(page.map((r) => r.incident?.id ?? ''));
        // Over the limit only for an incident with more rows than a page holds, alone on its page.
        if (page.length > limit) expect(incidents.size).toBe(1);
        for (const id of incidents) {
          expect(pageOf.has(id), `${id} split across pages`).toBe(false);
          pageOf.set(id, n);
        }
      });
      if (limit > 1) expect(reReads(readsBefore)).toBeGreaterThan(0);
    },
  );
});
