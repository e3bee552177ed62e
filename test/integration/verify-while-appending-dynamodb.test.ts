/**
 * Verification while appends land between its reads, on DynamoDB Local. The chains are read through
 * a client that, just before it sends a chosen read, appends to the very log being read (a real
 * transaction, through the unhooked client), so the race that load makes rare happens every time:
 * an incident's or a unit's zero-report log appended to before every read of it, a refusal chained
 * between reading a day's head and its links, a day's first refusal landing after the days were
 * listed. Verification calls each chain intact, and still names an event changed in the meantime.
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalResources } from '../../infra/local/provision';
import { makeDynamoAccessDeniedChains, makeDynamoAccessLog } from '../../shared/adapters/dynamodb/access-log';
import { makeDynamoIncidentStore } from '../../shared/adapters/dynamodb/incident-store';
import { deniedPk, eventSk, incidentPk, zeroChainPk } from '../../shared/adapters/dynamodb/keys';
import { makeDynamoZeroReportAuditChains } from '../../shared/adapters/dynamodb/zero-report-audit-chains';
import { makeDynamoZeroReportStore } from '../../shared/adapters/dynamodb/zero-report-store';
import { checkChain, makeIncidentAuditChains } from '../../shared/application/verify-audit';
import type { IncidentState } from '../../shared/domain/incident';
import { CUTOFF_CHECK_ACTOR, sealZeroEvents } from '../../shared/domain/zero-reports';
import type { AccessDenied, AccessLog } from '../../shared/ports/access-log';
import type { AuditChain, AuditChainSource } from '../../shared/ports/audit-chains';
import type { IncidentStore } from '../../shared/ports/incident-store';
import { buildIncident, creation, regrade } from '../adapters/incident-fixtures';
import { provisionTestResources } from './support';

let close: (() => void) | undefined;
let documents: DynamoDBDocumentClient;
let resources: LocalResources;
let store: IncidentStore;
let accessLog: AccessLog;

beforeAll(async () => {
  ({ resources, documents, close } = await provisionTestResources());
  store = makeDynamoIncidentStore({ client: documents, incidentsTable: resources.tables.incidents });
  accessLog = makeDynamoAccessLog({ client: documents, table: resources.tables.accessLog });
});

afterAll(() => {
  close?.();
});

type Read = GetCommand | QueryCommand;

/** `documents`, but awaiting `before` with each command it is about to send. */
const appendingBefore = (before: (command: Read) => Promise<void>): DynamoDBDocumentClient =>
  new Proxy(documents, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: Read) => {
        if (command instanceof GetCommand || command instanceof QueryCommand) await before(command);
        return target.send(command as QueryCommand);
      };
    },
  });

/** The partition a read reads: a GetItem's key, or a Query's `:pk`. */
const partitionOf = (command: Read): unknown =>
  command instanceof GetCommand ? command.input.Key?.pk : command.input.ExpressionAttributeValues?.[':pk'];

const chainsIn = async (source: AuditChainSource, region: string): Promise<AuditChain[]> => {
  const found: AuditChain[] = [];
  for await (const chain of source.chainsIn(region)) found.push(chain);
  return found;
};

describe('an incident’s log, appended to before every read of it', () => {
  /** An incident of `county` with its first append stored, and a way to append to it: a regrade, IV and III in turn. */
  const anIncident = async (suffix: string, county: string) => {
    const built = buildIncident({
      incidentId: `INC-20260510-${suffix}`,
      regionCode: county,
      receivedAt: '2026-05-10T02:00:00.000Z',
    });
    await store.append(creation(built));
    let latest: IncidentState = built.state;
    let appends = 0;
    return {
      id: built.state.incidentId,
      appends: () => appends,
      append: async () => {
        const change = regrade({ state: latest, chain: built.chain }, appends % 2 === 0 ? 'III' : 'IV');
        await store.append(change);
        latest = change.state;
        appends += 1;
      },
    };
  };

  /** The incident chains of `county`, read through a client that appends to `incident` first, on every read of its partition. */
  const readWhileAppending = (incident: Awaited<ReturnType<typeof anIncident>>, county: string) => {
    const client = appendingBefore(async (command) => {
      if (partitionOf(command) === incidentPk(incident.id)) await incident.append();
    });
    const racing = makeDynamoIncidentStore({ client, incidentsTable: resources.tables.incidents });
    return chainsIn(makeIncidentAuditChains({ incidents: racing }), county);
  };

  it('is intact, head and projection: no append landing between the reads makes it look broken', async () => {
    const incident = await anIncident('RACE0001', '440103');

    const [chain] = await readWhileAppending(incident, '440103');

    // Each of the reads had an append land before it: more than the log's first two events again.
    expect(incident.appends()).toBeGreaterThan(3);
    expect(chain?.id).toBe(incident.id);
    expect(chain && checkChain(chain)).toBeUndefined();
    expect(chain?.head?.seq).toBe(chain?.events.length);
    // Read alone afterwards, the whole log holds too.
    const [after] = await chainsIn(makeIncidentAuditChains({ incidents: store }), '440103');
    expect(after?.events).toHaveLength(2 + incident.appends());
    expect(after && checkChain(after)).toBeUndefined();
  });

  it('still names an event changed in the log, at its number', async () => {
    const incident = await anIncident('RACE0002', '440104');
    await documents.send(
      new UpdateCommand({
        TableName: resources.tables.incidents,
        Key: { pk: incidentPk(incident.id), sk: eventSk(1) },
        UpdateExpression: 'SET #at = :at',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':at': '2026-05-09T00:00:00.000Z' },
      }),
    );

    const [chain] = await readWhileAppending(incident, '440104');

    expect(chain && checkChain(chain)).toMatchObject({ id: incident.id, reason: 'hash-mismatch', seq: 1 });
  });
});

describe('a day of refusals, chained to meanwhile', () => {
  const denial = (id: string, at: string): AccessDenied => ({
    id,
    at,
    actor: { sub: `user-${id}`, role: 'reporter', region: '450102', unit: 'U-9' },
    action: 'POST /v1/reports',
    targetRegion: '450103',
    reason: '450102 may not report for 450103',
  });
  const isLinksRead = (command: Read) =>
    command instanceof QueryCommand &&
    partitionOf(command) === deniedPk('450000') &&
    command.input.KeyConditionExpression?.includes('BETWEEN');
  const isScanOfEveryLink = (command: Read) =>
    command instanceof QueryCommand && partitionOf(command) === deniedPk('450000') && !isLinksRead(command);
  const source = (before: (command: Read) => Promise<void>) =>
    makeDynamoAccessDeniedChains({ client: appendingBefore(before), table: resources.tables.accessLog });

  it('is intact when a refusal is chained between reading the day’s head and its links, and when a day’s first refusal lands after the days were listed', async () => {
    // 广西 450000, 2026-05-10 in China: two refusals.
    await accessLog.recordDenied(denial('g1', '2026-05-10T02:00:00.000Z'));
    await accessLog.recordDenied(denial('g2', '2026-05-10T02:00:01.000Z'));
    let linksReads = 0;
    let scans = 0;
    const racing = source(async (command) => {
      // A third refusal of the day, before the first read of its links.
      if (isLinksRead(command) && ++linksReads === 1) {
        await accessLog.recordDenied(denial('g3', '2026-05-10T02:00:02.000Z'));
      }
      // The first refusal of the next day, after the days with a head were listed.
      if (isScanOfEveryLink(command) && ++scans === 1) {
        await accessLog.recordDenied(denial('g4', '2026-05-11T02:00:00.000Z'));
      }
    });

    const chains = await chainsIn(racing, '450000');

    expect(chains.map((chain) => [chain.id, chain.events.length, chain.head?.seq, checkChain(chain)])).toEqual([
      ['450000/2026-05-10', 3, 3, undefined],
      ['450000/2026-05-11', 1, 1, undefined],
    ]);
  });

  it('still names a link changed, with a refusal chained before every read of the links', async () => {
    // 广西 again, 2026-05-12: two refusals, the first of them changed since.
    await accessLog.recordDenied(denial('h1', '2026-05-12T02:00:00.000Z'));
    await accessLog.recordDenied(denial('h2', '2026-05-12T02:00:01.000Z'));
    const links = await documents.send(
      new QueryCommand({
        TableName: resources.tables.accessLog,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :day)',
        ExpressionAttributeValues: { ':pk': deniedPk('450000'), ':day': '2026-05-12' },
      }),
    );
    const first = (links.Items ?? []).find((item) => item.seq === 1);
    await documents.send(
      new UpdateCommand({
        TableName: resources.tables.accessLog,
        Key: { pk: first?.pk, sk: first?.sk },
        UpdateExpression: 'SET reason = :r',
        ExpressionAttributeValues: { ':r': 'nothing happened' },
      }),
    );
    let n = 0;
    const racing = source(async (command) => {
      if (isLinksRead(command) && n < 12) {
        n += 1;
        await accessLog.recordDenied(denial(`h-more-${n}`, `2026-05-12T03:00:${String(n).padStart(2, '0')}.000Z`));
      }
    });

    const day = (await chainsIn(racing, '450000')).find((chain) => chain.id === '450000/2026-05-12');

    expect(day && checkChain(day)).toMatchObject({ reason: 'hash-mismatch', seq: 1 });
  });
});

describe('a unit’s zero-report log, appended to before every read of it', () => {
  it('is intact, head, projection and the missed list’s lookups of its misses', async () => {
    const zeroReports = { client: documents, table: resources.tables.zeroReports };
    const zeroStore = makeDynamoZeroReportStore(zeroReports);
    const identity = {
      periodId: 'DP-110101-20260801-0000000B',
      unit: 'DC-YJ',
      unitName: '王府井百货集团',
      county: '110101',
    };
    let days = 0;
    /** The miss of the next day of August, appended after the log's head, with its lookup. */
    const missNextDay = async () => {
      days += 1;
      const date = `2026-08-${String(days).padStart(2, '0')}`;
      const head = await zeroStore.head(identity.periodId, identity.unit);
      const data = { date, cutoffAt: `${date}T08:00:00.000Z`, unitName: identity.unitName, office: '110101' };
      await zeroStore.append(
        sealZeroEvents(head, identity, [{ type: 'DailyReportMissed', data }], {
          actor: CUTOFF_CHECK_ACTOR,
          now: new Date(`${date}T08:00:01.000Z`),
        }),
      );
    };
    await missNextDay();
    const client = appendingBefore(async (command) => {
      if (partitionOf(command) === zeroChainPk(identity.periodId, identity.unit) && days < 28) await missNextDay();
    });

    const chains = await chainsIn(makeDynamoZeroReportAuditChains({ client, table: zeroReports.table }), '110101');

    expect(days).toBeGreaterThan(3);
    expect(chains.map((chain) => [chain.id, chain.head?.seq === chain.events.length, checkChain(chain)])).toEqual([
      [`${identity.periodId}/${identity.unit}`, true, undefined],
    ]);
  });
});
