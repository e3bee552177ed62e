/**
 * Zero reports against the suite's real DynamoDB Local and fauxqs, on tables and topics
 * provisioned from `infra/resources.ts` under a prefix of their own: the cut-off check run over and
 * over, and concurrently, records exactly one miss per silent unit; the county office's duty
 * officer gets the notification through the officer-notifications topic; the logs read back as
 * intact hash chains; the inspectors' lookups find what was written.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveredToSqs } from '../../infra/local/fauxqs';
import type { LocalResources } from '../../infra/local/provision';
import { makeDynamoMissedZeroReports } from '../../shared/adapters/dynamodb/missed-zero-reports';
import { makeDynamoOfficerDirectory } from '../../shared/adapters/dynamodb/officer-directory';
import { makeDynamoUnitRegistry } from '../../shared/adapters/dynamodb/unit-registry';
import { makeDynamoZeroReportAuditChains } from '../../shared/adapters/dynamodb/zero-report-audit-chains';
import { makeDynamoZeroReportStore } from '../../shared/adapters/dynamodb/zero-report-store';
import { makeSnsNotificationPublisher } from '../../shared/adapters/sns/notification-publisher';
import { makeActivateDutyPeriod } from '../../shared/application/activate-duty-period';
import { makeCheckZeroReports } from '../../shared/application/check-zero-reports';
import { makeFileDailyReport } from '../../shared/application/file-daily-report';
import { makeImportOfficers } from '../../shared/application/officers';
import { makeImportUnits } from '../../shared/application/units';
import type { Actor } from '../../shared/domain/access';
import { verifyChain } from '../../shared/domain/hash-chain';
import {
  CUTOFF_CHECK_ACTOR,
  type DutyPeriod,
  sealZeroEvents,
  type ZeroReportEvent,
} from '../../shared/domain/zero-reports';
import type { AuditChain, AuditChainSource } from '../../shared/ports/audit-chains';
import type { MissedZeroReports } from '../../shared/ports/missed-zero-reports';
import type { UnitRegistry } from '../../shared/ports/unit-registry';
import { ChainConflict, type ZeroReportStore } from '../../shared/ports/zero-report-store';
import { directoryRows } from '../../shared/schemas/officers';
import { unitRows } from '../../shared/schemas/zero-reports';
import { FakeClock } from '../fakes/fake-clock';
import { provisionTestResources } from './support';

const fixture = (path: string) => readFileSync(fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url)), 'utf8');

/** 10:00 on 1 July 2026 in Beijing; the cut-off of that day is 16:00. */
const T0 = '2026-07-01T02:00:00.000Z';
const CUTOFF_1 = '2026-07-01T08:00:00.000Z';
const NOTHING = { nothingToReport: true, incidentIds: [] } as const;
const office: Actor = { sub: 'dongcheng', role: 'office', region: '110101', level: 'county' };
const reporter = (unit: string): Actor => ({ sub: `r-${unit}`, role: 'reporter', region: '110101', unit });

let close: (() => void) | undefined;
let sqs: SQSClient;
let sns: SNSClient;
let documents: DynamoDBDocumentClient;
let resources: LocalResources;
let store: ZeroReportStore;
let missedList: MissedZeroReports;
let auditChains: AuditChainSource;
let registry: UnitRegistry;

beforeAll(async () => {
  ({ sqs, sns, resources, documents, close } = await provisionTestResources());
  const zeroReports = { client: documents, table: resources.tables.zeroReports };
  store = makeDynamoZeroReportStore(zeroReports);
  missedList = makeDynamoMissedZeroReports(zeroReports);
  auditChains = makeDynamoZeroReportAuditChains(zeroReports);
  registry = makeDynamoUnitRegistry({ client: documents, table: resources.tables.officers });
  // Registered at the suite's start, before every owed day's cut-off.
  await makeImportUnits({ registry, clock: new FakeClock(T0) })(unitRows(fixture('units/beijing.csv'), 'csv').rows);
  await makeImportOfficers({
    directory: makeDynamoOfficerDirectory({ client: documents, table: resources.tables.officers }),
    clock: new FakeClock(T0),
  })(directoryRows(fixture('officers/dongcheng.json'), 'json').rows);
});

afterAll(() => {
  close?.();
});

/** Every notification waiting in the officer inbox queue, taken off it. */
const drainInbox = async (expected: number): Promise<{ body: Record<string, unknown>; personId?: string }[]> => {
  const received: { body: Record<string, unknown>; personId?: string }[] = [];
  for (let attempt = 0; attempt < 10 && received.length < expected; attempt++) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: resources.queues.officerInbox.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    for (const message of Messages) {
      received.push({
        body: JSON.parse(deliveredToSqs(message.Body ?? '{}')) as Record<string, unknown>,
        ...(message.MessageAttributes?.personId?.StringValue
          ? { personId: message.MessageAttributes.personId.StringValue }
          : {}),
      });
      await sqs.send(
        new DeleteMessageCommand({ QueueUrl: resources.queues.officerInbox.url, ReceiptHandle: message.ReceiptHandle }),
      );
    }
  }
  return received;
};

const collect = async (chains: AsyncIterable<AuditChain>): Promise<AuditChain[]> => {
  const all: AuditChain[] = [];
  for await (const chain of chains) all.push(chain);
  return all;
};

describe('the zero-report cut-off on DynamoDB Local', () => {
  let period: DutyPeriod;
  const clock = new FakeClock(T0);

  beforeAll(async () => {
    period = (
      await makeActivateDutyPeriod({ store, clock })(office, {
        region: '110101',
        firstDate: '2026-07-01',
        lastDate: '2026-07-02',
        cutoffHour: 16,
        reason: 'flood season',
      })
    ).period;
    const file = makeFileDailyReport({ store, registry, clock });
    for (const unit of ['DC-JDJ', 'DC-HSJ', 'DC-XH']) {
      await file(reporter(unit), { periodId: period.periodId, date: '2026-07-01', ...NOTHING });
    }
  });

  it('5 units, 3 file, 2 do not: exactly 2 misses at the cut-off, however often and concurrently checked', async () => {
    // PREPARE
    const check = makeCheckZeroReports({
      store,
      registry,
      directory: makeDynamoOfficerDirectory({ client: documents, table: resources.tables.officers }),
      publisher: makeSnsNotificationPublisher({ client: sns, topicArn: resources.topics.officerNotifications }),
      clock,
    });
    expect((await check()).missed).toBe(0); // before the cut-off
    clock.set('2026-07-01T08:00:02.000Z');
    expect((await check()).missed).toBe(0); // within the grace after it
    clock.set('2026-07-01T08:02:02.000Z');

    // ACT
    const concurrent = await Promise.all(Array.from({ length: 6 }, () => check()));
    for (let run = 0; run < 3; run++) await check();

    // ASSESS
    expect(concurrent.flatMap((r) => r.errors)).toEqual([]);
    const chains = await collect(auditChains.chainsIn('110101'));
    const missed = chains.flatMap((c) => (c.events as ZeroReportEvent[]).filter((e) => e.type === 'DailyReportMissed'));
    expect(missed.map((e) => e.unit).sort()).toEqual(['DC-YJ', 'DC-ZX']);
    expect(missed.map((e) => e.data.date)).toEqual(['2026-07-01', '2026-07-01']);
    expect(concurrent.reduce((n, r) => n + r.missed, 0)).toBe(2);
    // One lookup per miss, for the inspectors.
    const lookups = await documents.send(
      new QueryCommand({
        TableName: resources.tables.zeroReports,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'MISSED#110000' },
      }),
    );
    expect(lookups.Items).toHaveLength(2);
    expect(await store.checkedDays(period.periodId)).toEqual(new Set(['2026-07-01']));
  });

  it('told the county office’s duty officer on shift, through the officer-notifications topic', async () => {
    // ACT
    const inbox = await drainInbox(2);

    // ASSESS: 16:00 is P-ZHAO's shift (08:00–20:00).
    expect(inbox).toHaveLength(2);
    expect(inbox.map((m) => m.personId)).toEqual(['P-ZHAO', 'P-ZHAO']);
    expect(inbox.map((m) => m.body.incidentId).sort()).toEqual([
      `${period.periodId}/DC-YJ`,
      `${period.periodId}/DC-ZX`,
    ]);
    expect(inbox[0]?.body).toMatchObject({
      kind: 'zero-report-missed',
      office: '110101',
      role: 'duty-officer',
      regions: { province: '110000', city: '110100', county: '110101' },
      text: expect.stringContaining('did not file its daily report for 2026-07-01 by 16:00'),
    });
  });

  it('stores every log as an intact hash chain, filed under the unit’s county', async () => {
    // ACT
    const chains = await collect(auditChains.chainsIn('110100'));

    // ASSESS
    expect(chains.map((c) => c.id).sort()).toEqual(
      ['DC-HSJ', 'DC-JDJ', 'DC-XH', 'DC-YJ', 'DC-ZX'].map((u) => `${period.periodId}/${u}`),
    );
    for (const chain of chains) {
      expect(chain).toMatchObject({ kind: 'zero-report', region: '110101', head: { seq: chain.events.length } });
      expect(verifyChain(chain.events, chain.head)).toMatchObject({ intact: true });
    }
    const zx = chains.find((c) => c.id.endsWith('/DC-ZX'));
    expect(((zx?.events ?? []) as ZeroReportEvent[]).map((e) => e.type)).toEqual([
      'DailyReportMissed',
      'ZeroReportNotified',
    ]);
    expect(await collect(auditChains.chainsIn('110102'))).toEqual([]);
    expect(await collect(auditChains.chainsIn('310000'))).toEqual([]);
  });

  it('lists the misses of a region by cut-off, with when the office was told and when the unit filed late', async () => {
    // PREPARE
    clock.set('2026-07-01T09:30:00.000Z');
    await makeFileDailyReport({ store, registry, clock })(reporter('DC-ZX'), {
      periodId: period.periodId,
      date: '2026-07-01',
      ...NOTHING,
    });

    // ACT
    const misses = await missedList.missedIn('110100', '2026-07-01T00:00:00+08:00', '2026-07-01T23:59:59+08:00');

    // ASSESS
    expect(misses).toEqual([
      expect.objectContaining({
        periodId: period.periodId,
        county: '110101',
        date: '2026-07-01',
        cutoffAt: CUTOFF_1,
        missedAt: '2026-07-01T08:02:02.000Z',
        notifiedAt: expect.any(String),
      }),
      expect.objectContaining({ periodId: period.periodId, county: '110101', date: '2026-07-01' }),
    ]);
    expect(misses.map((m) => m.unit).sort()).toEqual(['DC-YJ', 'DC-ZX']);
    expect(misses.find((m) => m.unit === 'DC-ZX')).toMatchObject({
      unitName: '北京市第五中学',
      filedLateAt: '2026-07-01T09:30:00.000Z',
    });
    expect(misses.find((m) => m.unit === 'DC-YJ')?.filedLateAt).toBeUndefined();
    expect(await missedList.missedIn('110102', '2026-07-01T00:00:00Z', '2026-07-02T00:00:00Z')).toEqual([]);
    expect(await missedList.missedIn('110101', '2026-07-02T00:00:00Z', '2026-07-03T00:00:00Z')).toEqual([]);
  });
  it('records the miss of a filing after the cut-off with it, findable by the inspectors, before any check', async () => {
    // PREPARE: the second day's cut-off has passed by half a minute; no check has run for it.
    clock.set('2026-07-02T08:00:30.000Z');

    // ACT
    const receipt = await makeFileDailyReport({ store, registry, clock })(reporter('DC-XH'), {
      periodId: period.periodId,
      date: '2026-07-02',
      ...NOTHING,
    });

    // ASSESS
    expect(receipt).toMatchObject({ late: true, lateByMs: 30_000, afterMissed: true });
    const events = await store.events(period.periodId, 'DC-XH');
    expect(events.slice(-2).map((e) => [e.type, e.actor.sub])).toEqual([
      ['DailyReportMissed', CUTOFF_CHECK_ACTOR.sub],
      ['DailyReportFiled', 'r-DC-XH'],
    ]);
    const head = await store.head(period.periodId, 'DC-XH');
    expect(verifyChain(events, head && { seq: head.version, hash: head.lastHash })).toMatchObject({ intact: true });
    expect(await missedList.missedIn('110101', '2026-07-02T00:00:00Z', '2026-07-03T00:00:00Z')).toEqual([
      expect.objectContaining({
        unit: 'DC-XH',
        date: '2026-07-02',
        missedAt: '2026-07-02T08:00:30.000Z',
        filedLateAt: '2026-07-02T08:00:30.000Z',
      }),
    ]);
  });
});

describe('the zero-report store on DynamoDB Local', () => {
  it('lets one of many concurrent appends on the same head win, and records its miss once', async () => {
    // PREPARE
    const identity = {
      periodId: 'DP-110101-20260801-0000000A',
      unit: 'DC-YJ',
      unitName: '王府井百货集团',
      county: '110101',
    };
    const change = (i: number) =>
      sealZeroEvents(
        undefined,
        identity,
        [
          {
            type: 'DailyReportMissed',
            data: {
              date: '2026-08-01',
              cutoffAt: '2026-08-01T08:00:00.000Z',
              unitName: identity.unitName,
              office: '110101',
            },
          },
        ],
        { actor: CUTOFF_CHECK_ACTOR, now: new Date(Date.parse('2026-08-01T08:00:01.000Z') + i) },
      );

    // ACT
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => store.append(change(i))));

    // ASSESS
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(ChainConflict);
    expect(await store.events(identity.periodId, identity.unit)).toHaveLength(1);
    const misses = await missedList.missedIn('110101', '2026-08-01T00:00:00Z', '2026-08-02T00:00:00Z');
    expect(misses).toHaveLength(1);
  });

  it('keeps the first of two activations with the same id', async () => {
    // PREPARE
    const clock = new FakeClock(T0);
    const activate = makeActivateDutyPeriod({ store, clock });
    const request = {
      region: '110102',
      firstDate: '2026-07-05',
      lastDate: '2026-07-06',
      cutoffHour: 9,
      reason: 'typhoon',
    };
    const xicheng: Actor = { sub: 'xicheng', role: 'office', region: '110102', level: 'county' };

    // ACT
    const [a, b] = await Promise.all([activate(xicheng, request), activate(xicheng, request)]);

    // ASSESS
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(b.period).toEqual(a.period);
    expect((await store.periods()).filter((p) => p.region === '110102')).toHaveLength(1);
  });

  it('lets one of two overlapping activations made at once be written, and refuses the other', async () => {
    // PREPARE: Huangpu's office and Shanghai's, over the same days.
    const activate = makeActivateDutyPeriod({ store, clock: new FakeClock(T0) });
    const request = { firstDate: '2026-07-01', lastDate: '2026-07-03', cutoffHour: 16, reason: 'typhoon' };
    const huangpu: Actor = { sub: 'huangpu', role: 'office', region: '310101', level: 'county' };
    const shanghai: Actor = { sub: 'shanghai', role: 'office', region: '310000', level: 'province' };

    // ACT
    const outcomes = await Promise.allSettled([
      activate(huangpu, { ...request, region: '310101' }),
      activate(shanghai, { ...request, region: '310000' }),
      activate(huangpu, { ...request, region: '310101', cutoffHour: 9 }),
    ]);

    // ASSESS
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) {
      if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'duty-period-overlaps' });
    }
    expect((await store.periods()).filter((p) => p.region.startsWith('31'))).toHaveLength(1);
  });

  it('keeps a unit in one county: refuses a claim from another, and moves it when both are imported', async () => {
    // PREPARE
    const own = makeDynamoUnitRegistry({ client: documents, table: resources.tables.officers });
    const importUnits = makeImportUnits({ registry: own });
    const xicheng = (units: string[]) =>
      JSON.stringify({
        units: units.map((unitId) => ({
          unitId,
          name: unitId,
          county: '110102',
          kind: 'school',
          contact: { name: '郑红', phone: '+86 10 6601 0006' },
        })),
      });

    // ACT
    const claimed = importUnits(unitRows(xicheng(['XC-JR', 'DC-XH']), 'json').rows);
    await expect(claimed).rejects.toMatchObject({
      details: [
        expect.objectContaining({
          problem: expect.stringMatching(/^line 2: unit DC-XH is already registered in 110101/),
        }),
      ],
    });
    const dongcheng = unitRows(fixture('units/beijing.csv'), 'csv').rows.filter(
      (row) =>
        (row.value as { unitId: string }).unitId !== 'DC-XH' && (row.value as { county: string }).county === '110101',
    );
    const moved = JSON.parse(xicheng(['XC-JR', 'DC-XH'])) as { units: unknown[] };
    await importUnits([...dongcheng, ...moved.units.map((value, i) => ({ line: 100 + i, value }))]);

    // ASSESS
    expect((await own.unitsOf('110101')).map((u) => u.unitId).sort()).toEqual(['DC-HSJ', 'DC-JDJ', 'DC-YJ', 'DC-ZX']);
    expect((await own.unitsOf('110102')).map((u) => u.unitId).sort()).toEqual(['DC-XH', 'XC-JR']);
    expect(await own.countiesOf(['DC-XH', 'DC-ZX', 'NOBODY'])).toEqual(
      new Map([
        ['DC-XH', '110102'],
        ['DC-ZX', '110101'],
      ]),
    );
    // Put back what the other tests registered.
    await importUnits(unitRows(fixture('units/beijing.csv'), 'csv').rows);
    expect((await own.countiesOf(['DC-XH'])).get('DC-XH')).toBe('110101');
  });

  it('replaces a county’s units on re-import and leaves other counties alone', async () => {
    // PREPARE
    const own = makeDynamoUnitRegistry({ client: documents, table: resources.tables.officers });
    const importUnits = makeImportUnits({ registry: own });

    // ACT
    await importUnits(unitRows(fixture('units/dongcheng.json'), 'json').rows);

    // ASSESS
    expect((await own.unitsOf('110101')).map((u) => u.unitId).sort()).toEqual(['DC-JDJ', 'DC-XH']);
    expect((await own.unitsOf('110102')).map((u) => u.unitId)).toEqual(['XC-JR']);
    // Put back what the other tests registered.
    await importUnits(unitRows(fixture('units/beijing.csv'), 'csv').rows);
    expect(await own.unitsOf('110101')).toHaveLength(5);
  });
});
