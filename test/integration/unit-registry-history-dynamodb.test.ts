/**
 * The unit registry's history on DynamoDB Local and fauxqs: an import adds a version taking effect
 * at its stated time and never rewrites an earlier one, so each owed day of a duty period is held to
 * the registry at its cut-off. A unit moved keeps a miss in its old county (the missed list, the
 * desk's grid) and owes its next days in the new one; a unit closed owes nothing after it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoMissedZeroReports } from '../../shared/adapters/dynamodb/missed-zero-reports';
import { makeDynamoOfficerDirectory } from '../../shared/adapters/dynamodb/officer-directory';
import { makeDynamoUnitRegistry } from '../../shared/adapters/dynamodb/unit-registry';
import { makeDynamoZeroReportStore } from '../../shared/adapters/dynamodb/zero-report-store';
import { makeSnsNotificationPublisher } from '../../shared/adapters/sns/notification-publisher';
import { makeActivateDutyPeriod } from '../../shared/application/activate-duty-period';
import { makeCheckZeroReports } from '../../shared/application/check-zero-reports';
import { makeReadZeroGrid } from '../../shared/application/duty-desk-reads';
import { makeFileDailyReport } from '../../shared/application/file-daily-report';
import { makeImportUnits } from '../../shared/application/units';
import type { Actor } from '../../shared/domain/access';
import { ValidationError } from '../../shared/domain/errors';
import { verifyChain } from '../../shared/domain/hash-chain';
import { replayZeroHead } from '../../shared/domain/head-projection';
import type { DutyPeriod } from '../../shared/domain/zero-reports';
import type { MissedZeroReports } from '../../shared/ports/missed-zero-reports';
import type { UnitRegistry } from '../../shared/ports/unit-registry';
import type { ZeroReportStore } from '../../shared/ports/zero-report-store';
import { unitRows } from '../../shared/schemas/zero-reports';
import { FakeClock } from '../fakes/fake-clock';
import { countyOffice } from '../fixtures/actors';
import { provisionTestResources } from './support';

const DONGCHENG = '110101';
const XICHENG = '110102';
/** 10:00 on 1 July 2026 in Beijing; each day's cut-off is 16:00 (08:00 UTC). */
const T0 = '2026-07-01T02:00:00.000Z';
const NOTHING = { nothingToReport: true, incidentIds: [] } as const;
const city: Actor = { sub: 'beijing-city', role: 'office', region: '110100', level: 'city' };
const reporter = (region: string, unit: string): Actor => ({ sub: `r-${unit}`, role: 'reporter', region, unit });

/** A registry file listing these units, each in its county. */
const registryFile = (units: readonly (readonly [unitId: string, county: string])[]) =>
  unitRows(
    JSON.stringify({
      units: units.map(([unitId, county]) => ({
        unitId,
        name: unitId,
        county,
        kind: 'school',
        contact: { name: '王', phone: '+86 10 6601 0099' },
      })),
    }),
    'json',
  ).rows;

let store: ZeroReportStore;
let registry: UnitRegistry;
let missedList: MissedZeroReports;
let check: ReturnType<typeof makeCheckZeroReports>;
let importUnits: ReturnType<typeof makeImportUnits>;
let period: DutyPeriod;
const clock = new FakeClock(T0);

beforeAll(async () => {
  const { sns, resources, documents } = await provisionTestResources();
  const zeroReports = { client: documents, table: resources.tables.zeroReports };
  store = makeDynamoZeroReportStore(zeroReports);
  missedList = makeDynamoMissedZeroReports(zeroReports);
  registry = makeDynamoUnitRegistry({ client: documents, table: resources.tables.officers });
  importUnits = makeImportUnits({ registry, clock });
  check = makeCheckZeroReports({
    store,
    registry,
    directory: makeDynamoOfficerDirectory({ client: documents, table: resources.tables.officers }),
    publisher: makeSnsNotificationPublisher({ client: sns, topicArn: resources.topics.officerNotifications }),
    clock,
  });
  await importUnits(
    registryFile([
      ['MV-A', DONGCHENG],
      ['CL-B', DONGCHENG],
      ['ST-C', DONGCHENG],
      ['XC-D', XICHENG],
    ]),
  );
  period = (
    await makeActivateDutyPeriod({ store, clock })(city, {
      region: '110100',
      firstDate: '2026-07-01',
      lastDate: '2026-07-03',
      cutoffHour: 16,
      reason: 'flood season',
    })
  ).period;
});

describe('the unit registry through time, on DynamoDB Local', () => {
  it('refuses an import effective before now, writing nothing', async () => {
    // PREPARE
    const before = await registry.historyOf(DONGCHENG);

    // ACT
    const refused = await importUnits(registryFile([['ST-C', DONGCHENG]]), [], {
      effectiveAt: new Date('2026-07-01T01:00:00.000Z'),
    }).catch((error: unknown) => error);

    // ASSESS
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).details?.map((d) => d.problem)).toEqual([
      expect.stringMatching(/^effective: 2026-07-01T01:00:00.000Z is before now/),
    ]);
    expect(await registry.historyOf(DONGCHENG)).toEqual(before);
  });

  it('holds each day to the registry at its cut-off: a moved unit keeps its miss, a closed one owes nothing after', async () => {
    // PREPARE: day 1, everyone files but MV-A, and the check records its miss in Dongcheng.
    const file = makeFileDailyReport({ store, registry, clock });
    for (const [county, unit] of [
      [DONGCHENG, 'CL-B'],
      [DONGCHENG, 'ST-C'],
      [XICHENG, 'XC-D'],
    ] as const) {
      await file(reporter(county, unit), { periodId: period.periodId, date: '2026-07-01', ...NOTHING });
    }
    clock.set('2026-07-01T08:03:00.000Z');
    expect((await check()).missed).toBe(1);
    // MV-A moves to Xicheng now; CL-B closes after the second day's cut-off (an import stated ahead).
    clock.set('2026-07-01T09:00:00.000Z');
    const moved = registryFile([
      ['CL-B', DONGCHENG],
      ['ST-C', DONGCHENG],
      ['XC-D', XICHENG],
      ['MV-A', XICHENG],
    ]);
    await importUnits(moved);
    await importUnits(registryFile([['ST-C', DONGCHENG]]), [], { effectiveAt: new Date('2026-07-02T12:00:00.000Z') });

    // ACT: days 2 and 3 pass with nothing filed.
    clock.set('2026-07-02T08:03:00.000Z');
    const second = await check();
    clock.set('2026-07-03T08:03:00.000Z');
    const third = await check();

    // ASSESS: the missed list of each county.
    expect([...second.errors, ...second.skipped, ...third.errors, ...third.skipped]).toEqual([]);
    const missedIn = async (region: string) =>
      (await missedList.missedIn(region, '2026-07-01T00:00:00+08:00', '2026-07-03T23:59:59+08:00')).map(
        (m) => `${m.date} ${m.unit}`,
      );
    expect(await missedIn(DONGCHENG)).toEqual([
      '2026-07-01 MV-A',
      '2026-07-02 CL-B',
      '2026-07-02 ST-C',
      '2026-07-03 ST-C',
    ]);
    expect(await missedIn(XICHENG)).toEqual([
      '2026-07-02 MV-A',
      '2026-07-02 XC-D',
      '2026-07-03 MV-A',
      '2026-07-03 XC-D',
    ]);
    // The desk's grids: each day shows the units registered there then.
    const grid = makeReadZeroGrid({ store, registry, clock });
    const rows = async (region: string) =>
      Object.fromEntries(
        (await grid(countyOffice(region), period.periodId, {})).units.map((u) => [
          u.unitId,
          u.cells.map((c) => c.state),
        ]),
      );
    expect(await rows(DONGCHENG)).toEqual({
      'CL-B': ['filed', 'missed', 'not-registered'],
      'MV-A': ['missed', 'not-registered', 'not-registered'],
      'ST-C': ['filed', 'missed', 'missed'],
    });
    expect(await rows(XICHENG)).toEqual({
      'MV-A': ['not-registered', 'missed', 'missed'],
      'XC-D': ['filed', 'missed', 'missed'],
    });
    // MV-A keeps one log for the period, intact, each miss naming the county of its day.
    const events = await store.events(period.periodId, 'MV-A');
    expect(events.filter((e) => e.type === 'DailyReportMissed').map((e) => `${e.data.date}@${e.county}`)).toEqual([
      '2026-07-01@110101',
      '2026-07-02@110102',
      '2026-07-03@110102',
    ]);
    const head = await store.head(period.periodId, 'MV-A');
    expect(head?.county).toBe(XICHENG);
    // Verification replays the log to the head it stored, the move included.
    expect(replayZeroHead(events, head?.unitName ?? '')).toEqual(head);
    expect(verifyChain(events, head && { seq: head.version, hash: head.lastHash })).toMatchObject({ intact: true });
  });
});
