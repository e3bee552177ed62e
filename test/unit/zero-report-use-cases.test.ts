/**
 * Zero reports as use cases over in-memory ports: activating a duty period, filing daily reports
 * (who may, which days, retries and late filings), and the cut-off check (one miss per unit and
 * day however often and however concurrently it runs; the county office's duty officer told; a
 * failed publish retried, never dropped).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeImportUnits } from '../../shared/application/units';
import {
  makeActivateDutyPeriod,
  makeCheckZeroReports,
  makeFileDailyReport,
} from '../../shared/application/zero-reports';
import { ForbiddenError, NotFoundError, ValidationError } from '../../shared/domain/errors';
import { verifyChain } from '../../shared/domain/hash-chain';
import type { Actor } from '../../shared/domain/incident';
import {
  CUTOFF_CHECK_ACTOR,
  type DutyPeriod,
  type ReportingUnit,
  sealZeroEvents,
  type ZeroReportEvent,
} from '../../shared/domain/zero-reports';
import type { NotificationPublisher, OfficerNotification } from '../../shared/ports/notification-publisher';
import { directoryRows, validateDirectory } from '../../shared/schemas/officers';
import { unitRows } from '../../shared/schemas/zero-reports';
import { FakeClock } from '../fakes/fake-clock';
import { InMemoryOfficerDirectory } from '../fakes/in-memory-officer-directory';
import { InMemoryUnitRegistry } from '../fakes/in-memory-unit-registry';
import { InMemoryZeroReportStore } from '../fakes/in-memory-zero-report-store';

/** 10:00 on 1 July 2026 in Beijing; the day's cut-off is 16:00 (08:00 UTC). */
const T0 = '2026-07-01T02:00:00.000Z';
const CUTOFF_1 = '2026-07-01T08:00:00.000Z';
const MINUTE = 60_000;

const fixture = (path: string) => readFileSync(fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url)), 'utf8');

/** Records every notification handed over; fails the next `failures` publishes. */
class RecordingPublisher implements NotificationPublisher {
  readonly published: OfficerNotification[] = [];
  failures = 0;

  async publish(notification: OfficerNotification): Promise<string> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('SNS is throttling');
    }
    this.published.push(structuredClone(notification));
    return `msg-${this.published.length}`;
  }
}

const office = (region: string, level: 'county' | 'city' | 'province' = 'county'): Actor => ({
  sub: `office-${region}`,
  role: 'office',
  region,
  level,
});
const reporter = (region: string, unit: string): Actor => ({ sub: `r-${unit}`, role: 'reporter', region, unit });
const inspector: Actor = { sub: 'insp', role: 'inspector', region: '110000' };

const DONGCHENG = ['DC-JDJ', 'DC-HSJ', 'DC-XH', 'DC-ZX', 'DC-YJ'];
const NOTHING = { nothingToReport: true, incidentIds: [] } as const;

const setUp = async (options: { notifyRetryAfterMs?: number } = {}) => {
  const store = new InMemoryZeroReportStore();
  const registry = new InMemoryUnitRegistry();
  const { rows } = unitRows(fixture('units/beijing.csv'), 'csv');
  await makeImportUnits({ registry })(rows);
  const directory = new InMemoryOfficerDirectory();
  const { directory: dongcheng } = validateDirectory(directoryRows(fixture('officers/dongcheng.json'), 'json').rows);
  await directory.replaceOffices(['110101'], dongcheng.officers, dongcheng.roster);
  const publisher = new RecordingPublisher();
  const clock = new FakeClock(T0);
  const activate = makeActivateDutyPeriod({ store, clock });
  const file = makeFileDailyReport({ store, registry, clock });
  const check = makeCheckZeroReports({
    store,
    registry,
    directory,
    publisher,
    clock,
    notifyRetryAfterMs: options.notifyRetryAfterMs ?? 2 * MINUTE,
  });
  const activateFlood = async (region = '110101', actor = office('110101')): Promise<DutyPeriod> =>
    (
      await activate(actor, {
        region,
        firstDate: '2026-07-01',
        lastDate: '2026-07-03',
        cutoffHour: 16,
        reason: '2026 flood season, level IV response',
      })
    ).period;
  const eventsOf = async (periodId: string, unit: string) => store.events(periodId, unit);
  const typesOf = async (periodId: string, unit: string) => (await eventsOf(periodId, unit)).map((e) => e.type);
  const missedEvents = () => store.allEvents().filter((e) => e.type === 'DailyReportMissed');
  return {
    store,
    registry,
    directory,
    publisher,
    clock,
    activate,
    file,
    check,
    activateFlood,
    eventsOf,
    typesOf,
    missedEvents,
  };
};

describe('activating a duty period', () => {
  it('answers the period with every day it owes and that day’s cut-off', async () => {
    // PREPARE
    const { activateFlood, store } = await setUp();

    // ACT
    const period = await activateFlood();

    // ASSESS
    expect(period).toMatchObject({
      periodId: expect.stringMatching(/^DP-110101-20260701-[0-9A-F]{8}$/),
      region: '110101',
      cutoffHour: 16,
      activatedBy: { sub: 'office-110101' },
      days: [
        { date: '2026-07-01', cutoffAt: CUTOFF_1 },
        { date: '2026-07-02', cutoffAt: '2026-07-02T08:00:00.000Z' },
        { date: '2026-07-03', cutoffAt: '2026-07-03T08:00:00.000Z' },
      ],
    });
    expect(await store.periods()).toHaveLength(1);
  });

  it('answers a retried activation with the period the first created, even after a cut-off passed', async () => {
    // PREPARE
    const { activateFlood, store, clock } = await setUp();
    const first = await activateFlood();
    clock.advance(7 * 60 * MINUTE); // 17:00: the first day could no longer be owed by a new period

    // ACT
    const retried = await activateFlood();

    // ASSESS
    expect(retried).toEqual(first);
    expect(await store.periods()).toHaveLength(1);
  });

  it('refuses another activation of the same region and days as a conflict', async () => {
    // PREPARE
    const { activateFlood, activate } = await setUp();
    await activateFlood();

    // ACT
    const other = activate(office('110100', 'city'), {
      region: '110101',
      firstDate: '2026-07-01',
      lastDate: '2026-07-03',
      cutoffHour: 16,
      reason: 'typhoon',
    });

    // ASSESS
    await expect(other).rejects.toMatchObject({ name: 'ConflictError', code: 'duty-period-exists' });
  });

  it('lets an office activate inside its jurisdiction only, and nobody else activate at all', async () => {
    // PREPARE
    const { activateFlood } = await setUp();

    // ACT + ASSESS
    await expect(activateFlood('110101', office('110100', 'city'))).resolves.toMatchObject({ region: '110101' });
    await expect(activateFlood('110102', office('110101'))).rejects.toThrow(ForbiddenError);
    await expect(activateFlood('110101', reporter('110101', 'DC-XH'))).rejects.toThrow(/a reporter cannot activate/);
    await expect(activateFlood('110101', inspector)).rejects.toThrow(/cannot activate duty periods/);
  });
});

describe('filing a daily report', () => {
  it('records an empty day before the cut-off as on time, and answers a retry with the same receipt', async () => {
    // PREPARE
    const { activateFlood, file, typesOf } = await setUp();
    const period = await activateFlood();
    const command = { periodId: period.periodId, date: '2026-07-01', ...NOTHING };

    // ACT
    const receipt = await file(reporter('110101', 'DC-XH'), command);
    const retried = await file(reporter('110101', 'DC-XH'), command);

    // ASSESS
    expect(receipt).toEqual({
      periodId: period.periodId,
      unit: 'DC-XH',
      date: '2026-07-01',
      seq: 1,
      filedAt: T0,
      cutoffAt: CUTOFF_1,
      late: false,
      lateByMs: 0,
      nothingToReport: true,
      afterMissed: false,
    });
    expect(retried).toEqual(receipt);
    expect(await typesOf(period.periodId, 'DC-XH')).toEqual(['DailyReportFiled']);
  });

  it('refuses a different report for a day already filed', async () => {
    // PREPARE
    const { activateFlood, file } = await setUp();
    const period = await activateFlood();
    await file(reporter('110101', 'DC-XH'), { periodId: period.periodId, date: '2026-07-01', ...NOTHING });

    // ACT
    const changed = file(reporter('110101', 'DC-XH'), {
      periodId: period.periodId,
      date: '2026-07-01',
      nothingToReport: false,
      summary: 'a fall in ward 3',
      incidentIds: [],
    });

    // ASSESS
    await expect(changed).rejects.toMatchObject({ name: 'ConflictError', code: 'daily-report-already-filed' });
  });

  it('accepts a report after the cut-off as late, by how much', async () => {
    // PREPARE
    const { activateFlood, file, clock } = await setUp();
    const period = await activateFlood();
    clock.set('2026-07-01T08:45:00.000Z'); // 16:45

    // ACT
    const receipt = await file(reporter('110101', 'DC-ZX'), {
      periodId: period.periodId,
      date: '2026-07-01',
      ...NOTHING,
    });

    // ASSESS
    expect(receipt).toMatchObject({ late: true, lateByMs: 45 * MINUTE, afterMissed: false });
  });

  it('records a report that comes after its miss after it: the miss stays', async () => {
    // PREPARE
    const { activateFlood, file, check, clock, typesOf } = await setUp();
    const period = await activateFlood();
    clock.set('2026-07-01T08:01:00.000Z');
    await check();
    clock.advance(30 * MINUTE);

    // ACT
    const receipt = await file(reporter('110101', 'DC-ZX'), {
      periodId: period.periodId,
      date: '2026-07-01',
      ...NOTHING,
    });

    // ASSESS
    expect(receipt).toMatchObject({ seq: 3, late: true, lateByMs: 31 * MINUTE, afterMissed: true });
    expect(await typesOf(period.periodId, 'DC-ZX')).toEqual([
      'DailyReportMissed',
      'ZeroReportNotified',
      'DailyReportFiled',
    ]);
  });

  it('lets only a registered unit of the period’s region file, for itself', async () => {
    // PREPARE
    const { activateFlood, file } = await setUp();
    const period = await activateFlood();
    const command = { periodId: period.periodId, date: '2026-07-01', ...NOTHING };

    // ACT + ASSESS
    // A registered unit of another county: outside the period's region.
    await expect(file(reporter('110102', 'XC-JR'), command)).rejects.toThrow(/outside duty period/);
    // A token of another county naming a Dongcheng unit: not registered there.
    await expect(file(reporter('110102', 'DC-XH'), command)).rejects.toThrow(/not in the registry of 110102/);
    await expect(file(reporter('110101', 'DC-NOBODY'), command)).rejects.toThrow(ForbiddenError);
    await expect(file(office('110101'), command)).rejects.toThrow(/cannot file daily reports/);
    await expect(file(inspector, command)).rejects.toThrow(/cannot file daily reports/);
  });

  it('refuses a day the period does not owe, a day not yet open, and an unknown period', async () => {
    // PREPARE
    const { activateFlood, file } = await setUp();
    const period = await activateFlood();
    const unit = reporter('110101', 'DC-XH');

    // ACT + ASSESS
    const notOwed = file(unit, { periodId: period.periodId, date: '2026-07-09', ...NOTHING });
    await expect(notOwed).rejects.toThrow(ValidationError);
    await expect(notOwed).rejects.toMatchObject({
      details: [{ field: 'date', problem: 'is not a day the duty period owes (it owes 2026-07-01 to 2026-07-03)' }],
    });
    // The report for 3 July covers the 24 hours from 2 July 16:00; at 1 July 10:00 there is nothing to report yet.
    await expect(file(unit, { periodId: period.periodId, date: '2026-07-03', ...NOTHING })).rejects.toMatchObject({
      details: [{ field: 'date', problem: expect.stringContaining('cannot be filed before 2026-07-02T08:00:00.000Z') }],
    });
    await expect(
      file(unit, { periodId: 'DP-110101-20260701-00000000', date: '2026-07-01', ...NOTHING }),
    ).rejects.toThrow(NotFoundError);
  });
});

describe('the cut-off check', () => {
  /** Five Dongcheng units; three file the first day, two do not. */
  const fiveUnitsThreeFile = async (options: { notifyRetryAfterMs?: number } = {}) => {
    const context = await setUp(options);
    const period = await context.activateFlood();
    for (const unit of ['DC-JDJ', 'DC-HSJ', 'DC-XH']) {
      await context.file(reporter('110101', unit), { periodId: period.periodId, date: '2026-07-01', ...NOTHING });
    }
    return { ...context, period };
  };

  it('records nothing until the cut-off has passed', async () => {
    // PREPARE
    const { check, clock, missedEvents } = await fiveUnitsThreeFile();
    clock.set(CUTOFF_1);

    // ACT
    const result = await check();

    // ASSESS
    expect(result).toMatchObject({ daysChecked: 0, missed: 0 });
    expect(missedEvents()).toEqual([]);
  });

  it('records exactly one miss for each of the two silent units, however often and concurrently it runs', async () => {
    // PREPARE
    const { check, clock, missedEvents, publisher, store, period, typesOf } = await fiveUnitsThreeFile();
    clock.set('2026-07-01T08:00:01.000Z');

    // ACT
    const concurrent = await Promise.all([check(), check(), check(), check(), check()]);
    for (let run = 0; run < 3; run++) await check();

    // ASSESS
    expect(concurrent.reduce((n, r) => n + r.missed, 0)).toBe(2);
    expect(
      missedEvents()
        .map((e) => e.unit)
        .sort(),
    ).toEqual(['DC-YJ', 'DC-ZX']);
    expect(missedEvents().map((e) => e.data)).toEqual([
      expect.objectContaining({ date: '2026-07-01', cutoffAt: CUTOFF_1, office: '110101' }),
      expect.objectContaining({ date: '2026-07-01', cutoffAt: CUTOFF_1, office: '110101' }),
    ]);
    expect(store.conflicts).toBeGreaterThan(0); // the runs did meet
    // The county office's duty officer on shift at 16:00 heard of each, once.
    expect(publisher.published.map((n) => [n.personId, n.kind, n.office, n.role, n.incidentId])).toEqual(
      expect.arrayContaining([
        ['P-ZHAO', 'zero-report-missed', '110101', 'duty-officer', `${period.periodId}/DC-ZX`],
        ['P-ZHAO', 'zero-report-missed', '110101', 'duty-officer', `${period.periodId}/DC-YJ`],
      ]),
    );
    expect(publisher.published).toHaveLength(2);
    expect(publisher.published[0]?.text).toMatch(
      /Zero report missed — .* did not file its daily report for 2026-07-01 by 16:00/,
    );
    expect(await typesOf(period.periodId, 'DC-ZX')).toEqual(['DailyReportMissed', 'ZeroReportNotified']);
    expect(await typesOf(period.periodId, 'DC-XH')).toEqual(['DailyReportFiled']);
    expect(await store.checkedDays(period.periodId)).toEqual(new Set(['2026-07-01']));
    for (const unit of DONGCHENG) {
      const head = await store.head(period.periodId, unit);
      expect(
        verifyChain(await store.events(period.periodId, unit), head && { seq: head.version, hash: head.lastHash }),
      ).toMatchObject({ intact: true });
    }
  });

  it('records the recipients and message ids of the notification in the unit’s log', async () => {
    // PREPARE
    const { check, clock, eventsOf, period } = await fiveUnitsThreeFile();
    clock.set('2026-07-01T08:00:30.000Z');

    // ACT
    await check();

    // ASSESS
    const notified = (await eventsOf(period.periodId, 'DC-YJ')).find((e) => e.type === 'ZeroReportNotified');
    expect(notified).toMatchObject({
      actor: CUTOFF_CHECK_ACTOR,
      data: {
        date: '2026-07-01',
        aboutSeq: 1,
        kind: 'zero-report-missed',
        recipients: [{ office: '110101', role: 'duty-officer', personId: 'P-ZHAO', messageId: expect.any(String) }],
      },
    });
  });

  it('retries a failed notification on a later run, backing off, until the office is told', async () => {
    // PREPARE
    const { check, clock, publisher, typesOf, store, period } = await fiveUnitsThreeFile();
    clock.set('2026-07-01T08:00:30.000Z');
    publisher.failures = 2;

    // ACT + ASSESS: both publishes fail; the failures are on record and the day stays open.
    const first = await check();
    expect(first).toMatchObject({ missed: 2, notified: 0, notifyFailures: 2 });
    expect(await store.checkedDays(period.periodId)).toEqual(new Set());
    // Too soon to try again.
    clock.advance(30_000);
    expect(await check()).toMatchObject({ notified: 0, notifyFailures: 0 });
    // A minute after the failure (the next scheduled run on AWS), both are told.
    clock.advance(30_000);
    expect(await check()).toMatchObject({ missed: 0, notified: 2 });
    expect(await typesOf(period.periodId, 'DC-ZX')).toEqual([
      'DailyReportMissed',
      'ZeroReportNotificationFailed',
      'ZeroReportNotified',
    ]);
    expect(await store.checkedDays(period.periodId)).toEqual(new Set(['2026-07-01']));
  });

  it('still tells the office of a miss after the unit has filed late, when the first attempt failed', async () => {
    // PREPARE
    const { check, clock, publisher, file, typesOf, period } = await fiveUnitsThreeFile();
    clock.set('2026-07-01T08:00:30.000Z');
    publisher.failures = 2;
    await check();
    await file(reporter('110101', 'DC-ZX'), { periodId: period.periodId, date: '2026-07-01', ...NOTHING });

    // ACT
    clock.advance(MINUTE);
    await check();

    // ASSESS
    expect(publisher.published.map((n) => n.incidentId).sort()).toEqual([
      `${period.periodId}/DC-YJ`,
      `${period.periodId}/DC-ZX`,
    ]);
    expect(await typesOf(period.periodId, 'DC-ZX')).toEqual([
      'DailyReportMissed',
      'ZeroReportNotificationFailed',
      'DailyReportFiled',
      'ZeroReportNotified',
    ]);
  });

  it('tells the office of a miss recorded by a run that stopped before telling it', async () => {
    // PREPARE: a miss on record with no notification after it, as a run cut short leaves it.
    const { check, clock, publisher, store, period, registry } = await fiveUnitsThreeFile();
    const unit = (await registry.unit('110101', 'DC-YJ')) as ReportingUnit;
    clock.set('2026-07-01T08:00:10.000Z');
    await store.append(
      sealZeroEvents(
        undefined,
        { periodId: period.periodId, unit: unit.unitId, unitName: unit.name, county: unit.county },
        [
          {
            type: 'DailyReportMissed',
            data: { date: '2026-07-01', cutoffAt: CUTOFF_1, unitName: unit.name, office: '110101' },
          },
        ],
        { actor: CUTOFF_CHECK_ACTOR, now: clock.now() },
      ),
    );

    // ACT
    clock.advance(30_000);
    await check(); // records DC-ZX's miss and tells of it; DC-YJ's miss is someone else's to tell, for now
    const soon = publisher.published.map((n) => n.incidentId);
    clock.advance(3 * MINUTE);
    await check();

    // ASSESS
    expect(soon).toEqual([`${period.periodId}/DC-ZX`]);
    expect(publisher.published.map((n) => n.incidentId)).toEqual([
      `${period.periodId}/DC-ZX`,
      `${period.periodId}/DC-YJ`,
    ]);
  });

  it('records once that nobody is on record at the county office, and does not retry', async () => {
    // PREPARE: Xicheng has a unit but no officer directory.
    const { activateFlood, check, clock, eventsOf, publisher } = await setUp();
    const period = await activateFlood('110102', office('110102'));
    clock.set('2026-07-01T08:05:00.000Z');

    // ACT
    await check();
    clock.advance(60 * MINUTE);
    await check();

    // ASSESS
    const events: readonly ZeroReportEvent[] = await eventsOf(period.periodId, 'XC-JR');
    expect(events.map((e) => e.type)).toEqual(['DailyReportMissed', 'ZeroReportNotificationFailed']);
    expect(events[1]?.data).toMatchObject({
      willRetry: false,
      reason: 'no officer on record for duty-officer of 110102',
    });
    expect(publisher.published).toEqual([]);
  });

  it('checks each day at its own cut-off, and a city’s period reaches every county’s units', async () => {
    // PREPARE
    const { activateFlood, check, clock, missedEvents } = await setUp();
    await activateFlood('110100', office('110100', 'city'));

    // ACT
    clock.set('2026-07-01T09:00:00.000Z');
    await check();
    const afterDayOne = missedEvents().length;
    clock.set('2026-07-02T09:00:00.000Z');
    await check();

    // ASSESS: five Dongcheng units and one Xicheng unit, each day.
    expect(afterDayOne).toBe(6);
    expect(missedEvents()).toHaveLength(12);
    expect(new Set(missedEvents().map((e) => `${e.unit}|${e.data.date}`)).size).toBe(12);
  });

  it('is not confused by a unit that files between the cut-off and the check', async () => {
    // PREPARE
    const { activateFlood, file, check, clock, typesOf } = await setUp();
    const period = await activateFlood();
    clock.set('2026-07-01T08:00:05.000Z');
    await file(reporter('110101', 'DC-XH'), { periodId: period.periodId, date: '2026-07-01', ...NOTHING });

    // ACT
    await check();

    // ASSESS
    expect(await typesOf(period.periodId, 'DC-XH')).toEqual(['DailyReportFiled']);
  });
});
