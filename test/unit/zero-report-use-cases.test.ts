/**
 * Zero reports as use cases over in-memory ports: activating a duty period, filing daily reports
 * (who may, which days, retries and late filings), and the cut-off check (one miss per unit and
 * day however often and however concurrently it runs; the county office's duty officer told; a
 * failed publish retried, never dropped).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeActivateDutyPeriod } from '../../shared/application/activate-duty-period';
import { makeCheckZeroReports } from '../../shared/application/check-zero-reports';
import { makeFileDailyReport } from '../../shared/application/file-daily-report';
import { makeImportUnits } from '../../shared/application/units';
import type { Actor } from '../../shared/domain/access';
import { ForbiddenError, NotFoundError, ValidationError } from '../../shared/domain/errors';
import { verifyChain } from '../../shared/domain/hash-chain';
import {
  CUTOFF_CHECK_ACTOR,
  CUTOFF_CHECK_GRACE_MS,
  type DutyPeriod,
  type ReportingUnit,
  sealZeroEvents,
  type ZeroChainAppend,
  type ZeroReportEvent,
} from '../../shared/domain/zero-reports';
import type { NotificationPublisher, OfficerNotification } from '../../shared/ports/notification-publisher';
import type { OfficerDirectory } from '../../shared/ports/officer-directory';
import type { UnitRegistry } from '../../shared/ports/unit-registry';
import type { ZeroReportStore } from '../../shared/ports/zero-report-store';
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
/** `seconds` after the first day's check may run: its cut-off and the grace after it have passed. */
const afterGrace = (seconds: number) => new Date(Date.parse(CUTOFF_1) + CUTOFF_CHECK_GRACE_MS + seconds * 1000);

const fixture = (path: string) => readFileSync(fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url)), 'utf8');

/** Records every notification handed over; fails the next `failures` publishes, and those after `succeedThenFail`. */
class RecordingPublisher implements NotificationPublisher {
  readonly published: OfficerNotification[] = [];
  failures = 0;
  /** Publishes that succeed before the next one fails (once); undefined for none. */
  succeedThenFail: number | undefined;
  /** Called on every publish that succeeds: a test can let time pass there. */
  onPublish: () => void = () => {};

  async publish(notification: OfficerNotification): Promise<string> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('SNS is throttling');
    }
    if (this.succeedThenFail !== undefined) {
      if (this.succeedThenFail === 0) {
        this.succeedThenFail = undefined;
        throw new Error('SNS is throttling');
      }
      this.succeedThenFail -= 1;
    }
    this.onPublish();
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

/** A promise and the function that settles it, for holding a step until the test lets it go. */
const gate = () => {
  let open: () => void = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
};

/** The directory port, counting its reads. */
class CountingDirectory implements OfficerDirectory {
  reads = 0;
  constructor(private readonly inner: OfficerDirectory) {}
  async ofOffice(office: string) {
    this.reads += 1;
    return this.inner.ofOffice(office);
  }
  replaceOffices(...args: Parameters<OfficerDirectory['replaceOffices']>) {
    return this.inner.replaceOffices(...args);
  }
}

const setUp = async (options: { notifyRetryAfterMs?: number } = {}) => {
  const store = new InMemoryZeroReportStore();
  const registry = new InMemoryUnitRegistry();
  const { rows } = unitRows(fixture('units/beijing.csv'), 'csv');
  // Registered as the test's time starts, before every owed day's cut-off.
  await makeImportUnits({ registry, clock: new FakeClock(T0) })(rows);
  const directory = new CountingDirectory(new InMemoryOfficerDirectory());
  const { directory: dongcheng } = validateDirectory(directoryRows(fixture('officers/dongcheng.json'), 'json').rows);
  await directory.replaceOffices(['110101'], dongcheng.officers, dongcheng.roster, new Date(T0));
  const publisher = new RecordingPublisher();
  const clock = new FakeClock(T0);
  const activate = makeActivateDutyPeriod({ store, clock });
  const file = makeFileDailyReport({ store, registry, clock });
  const checkDeps = {
    store,
    registry,
    directory,
    publisher,
    clock,
    notifyRetryAfterMs: options.notifyRetryAfterMs ?? 2 * MINUTE,
  };
  const check = makeCheckZeroReports(checkDeps);
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
    checkDeps,
    dongcheng,
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

  it('refuses a period over days and units another period already obliges, naming it', async () => {
    // PREPARE: Dongcheng's period, 1–3 July by 16:00.
    const { activateFlood, activate, store } = await setUp();
    const county = await activateFlood();
    const request = {
      region: '110100',
      firstDate: '2026-07-03',
      lastDate: '2026-07-10',
      cutoffHour: 16,
      reason: 'typhoon',
    };

    // ACT
    const city = activate(office('110100', 'city'), request);
    const otherHour = activate(office('110101'), {
      region: '110101',
      firstDate: '2026-07-01',
      lastDate: '2026-07-03',
      cutoffHour: 9,
      reason: 'a second deadline',
    });
    const province = activate(office('110000', 'province'), { ...request, region: '110000' });

    // ASSESS
    for (const refused of [city, otherHour, province]) {
      await expect(refused).rejects.toMatchObject({ name: 'ConflictError', code: 'duty-period-overlaps' });
      await expect(refused).rejects.toThrow(
        `the duty period overlaps active duty period ${county.periodId} (110101, 2026-07-01 to 2026-07-03 by 16:00, ` +
          'activated by office-110101 of 110101: 2026 flood season, level IV response)',
      );
    }
    expect(await store.periods()).toHaveLength(1);
  });

  it('activates periods of neighbouring regions, and of the same region on other days', async () => {
    // PREPARE
    const { activateFlood, activate, store } = await setUp();
    await activateFlood();

    // ACT
    const xicheng = await activate(office('110102'), {
      region: '110102',
      firstDate: '2026-07-01',
      lastDate: '2026-07-03',
      cutoffHour: 9,
      reason: 'typhoon',
    });
    const later = await activate(office('110100', 'city'), {
      region: '110100',
      firstDate: '2026-07-04',
      lastDate: '2026-07-10',
      cutoffHour: 16,
      reason: 'typhoon',
    });

    // ASSESS
    expect([xicheng.created, later.created]).toEqual([true, true]);
    expect(await store.periods()).toHaveLength(3);
  });

  it('lets one of two overlapping activations made at once succeed, and refuses the other', async () => {
    // PREPARE
    const { activate, store } = await setUp();
    const request = { firstDate: '2026-07-01', lastDate: '2026-07-03', cutoffHour: 16, reason: 'flood season' };

    // ACT
    const outcomes = await Promise.allSettled([
      activate(office('110101'), { ...request, region: '110101' }),
      activate(office('110100', 'city'), { ...request, region: '110100' }),
    ]);

    // ASSESS
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.find((o) => o.status === 'rejected')?.reason).toMatchObject({ code: 'duty-period-overlaps' });
    expect(store.lockConflicts).toBeGreaterThan(0); // the two did meet
    expect(await store.periods()).toHaveLength(1);
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

/**
 * A Dongcheng unit files the first day of a city's period, then moves to Xicheng by an import
 * effective at 17:00 that day, after the first cut-off.
 */
const fileThenMoveToXicheng = async (
  { file, clock, registry }: Awaited<ReturnType<typeof setUp>>,
  period: DutyPeriod,
  unitId: string,
) => {
  await file(reporter('110101', unitId), { periodId: period.periodId, date: '2026-07-01', ...NOTHING });
  const unit = (await registry.unit('110101', unitId, clock.now())) as ReportingUnit;
  clock.set('2026-07-01T09:00:00.000Z');
  await registry.replaceCounties(
    ['110101', '110102'],
    [...registry.all().filter((u) => u.unitId !== unitId), { ...unit, county: '110102' }],
    clock.now(),
  );
};

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

  it('lets a unit moved to another county during the period file its next day there, in the same log', async () => {
    // PREPARE: DC-ZX files the first day in Dongcheng, then moves to Xicheng.
    const context = await setUp();
    const { activateFlood, file, eventsOf } = context;
    const period = await activateFlood('110100', office('110100', 'city'));
    await fileThenMoveToXicheng(context, period, 'DC-ZX');

    // ACT
    const receipt = await file(reporter('110102', 'DC-ZX'), {
      periodId: period.periodId,
      date: '2026-07-02',
      ...NOTHING,
    });
    const refused = await file(reporter('110101', 'DC-ZX'), {
      periodId: period.periodId,
      date: '2026-07-02',
      ...NOTHING,
    }).catch((error: unknown) => error);

    const before = await file(reporter('110102', 'DC-ZX'), {
      periodId: period.periodId,
      date: '2026-07-01',
      ...NOTHING,
    }).catch((error: unknown) => error);

    // ASSESS: one log, each filing naming the county of its day; the old county can no longer file,
    // nor the new one for a day owed before the move.
    expect(receipt).toMatchObject({ unit: 'DC-ZX', date: '2026-07-02', seq: 2, late: false });
    expect(before).toBeInstanceOf(ForbiddenError);
    expect((before as Error).message).toBe(
      "unit DC-ZX was not registered in 110102 at the cut-off of 2026-07-01; it owed that day's report in another county, or none",
    );
    expect((await eventsOf(period.periodId, 'DC-ZX')).map((e) => `${e.type}@${e.county}`)).toEqual([
      'DailyReportFiled@110101',
      'DailyReportFiled@110102',
    ]);
    expect(refused).toBeInstanceOf(ForbiddenError);
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

  it('accepts a report after the cut-off as late, by how much, after the miss it records itself', async () => {
    // PREPARE: no check has run yet.
    const { activateFlood, file, clock, eventsOf } = await setUp();
    const period = await activateFlood();
    clock.set('2026-07-01T08:45:00.000Z'); // 16:45

    // ACT
    const receipt = await file(reporter('110101', 'DC-ZX'), {
      periodId: period.periodId,
      date: '2026-07-01',
      ...NOTHING,
    });

    // ASSESS: a unit that has not filed by the cut-off has a missed report, whenever the check runs.
    expect(receipt).toMatchObject({ seq: 2, late: true, lateByMs: 45 * MINUTE, afterMissed: true });
    const events = await eventsOf(period.periodId, 'DC-ZX');
    expect(events.map((e) => [e.type, e.actor.sub, e.at])).toEqual([
      ['DailyReportMissed', CUTOFF_CHECK_ACTOR.sub, '2026-07-01T08:45:00.000Z'],
      ['DailyReportFiled', 'r-DC-ZX', '2026-07-01T08:45:00.000Z'],
    ]);
    expect(events[0]?.data).toEqual({
      date: '2026-07-01',
      cutoffAt: CUTOFF_1,
      unitName: '北京市第五中学',
      office: '110101',
    });
    expect(events[1]?.data).toMatchObject({ late: true, afterMissSeq: 1 });
  });

  it('judges a filing by when it was received, even if it lands after the cut-off and a check has run', async () => {
    // PREPARE: the filing is received a second before the cut-off; its append is held up past it.
    const context = await setUp();
    const { activateFlood, clock, check, typesOf, registry } = context;
    const period = await activateFlood();
    const held = gate();
    const reached = gate();
    const slowAppend = async (change: ZeroChainAppend) => {
      if (change.events.some((e) => e.type === 'DailyReportFiled')) {
        reached.open();
        await held.promise;
      }
      return context.store.append(change);
    };
    const slowStore: ZeroReportStore = new Proxy(context.store, {
      get: (target, key) => {
        if (key === 'append') return slowAppend;
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const file = makeFileDailyReport({ store: slowStore, registry, clock });
    clock.set('2026-07-01T07:59:59.000Z');
    const filing = file(reporter('110101', 'DC-ZX'), { periodId: period.periodId, date: '2026-07-01', ...NOTHING });
    await reached.promise;

    // ACT: a check runs just after the cut-off while the filing is still landing; then it lands.
    clock.set('2026-07-01T08:00:30.000Z');
    const early = await check();
    held.open();
    const receipt = await filing;
    clock.set(afterGrace(1));
    await check();

    // ASSESS: on time, and no miss before it.
    expect(early).toMatchObject({ daysChecked: 0, missed: 0 });
    expect(receipt).toMatchObject({ late: false, afterMissed: false });
    expect(await typesOf(period.periodId, 'DC-ZX')).toEqual(['DailyReportFiled']);
  });

  it('records a report that comes after its miss after it: the miss stays', async () => {
    // PREPARE
    const { activateFlood, file, check, clock, typesOf } = await setUp();
    const period = await activateFlood();
    clock.set('2026-07-01T08:03:00.000Z'); // the first check after the grace
    await check();
    clock.advance(30 * MINUTE);

    // ACT
    const receipt = await file(reporter('110101', 'DC-ZX'), {
      periodId: period.periodId,
      date: '2026-07-01',
      ...NOTHING,
    });

    // ASSESS
    expect(receipt).toMatchObject({ seq: 3, late: true, lateByMs: 33 * MINUTE, afterMissed: true });
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

  it('records nothing until the cut-off and the grace after it have passed', async () => {
    // PREPARE
    const { check, clock, missedEvents } = await fiveUnitsThreeFile();

    // ACT
    clock.set(CUTOFF_1);
    const atCutoff = await check();
    clock.set('2026-07-01T08:00:01.000Z');
    const justAfter = await check();
    clock.set(afterGrace(0));
    const endOfGrace = await check();

    // ASSESS
    for (const result of [atCutoff, justAfter, endOfGrace]) expect(result).toMatchObject({ daysChecked: 0, missed: 0 });
    expect(missedEvents()).toEqual([]);
  });

  it('records exactly one miss for each of the two silent units, however often and concurrently it runs', async () => {
    // PREPARE
    const { check, clock, missedEvents, publisher, store, period, typesOf } = await fiveUnitsThreeFile();
    clock.set(afterGrace(1));

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
    clock.set(afterGrace(30));

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
    clock.set(afterGrace(30));
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
    clock.set(afterGrace(30));
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
    clock.set(afterGrace(10));
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

  it('records the miss of a unit that files after the cut-off but before the check, and tells its office', async () => {
    // PREPARE: five seconds late, and before any check has run.
    const { activateFlood, file, check, clock, typesOf, publisher, store } = await setUp();
    const period = await activateFlood();
    clock.set('2026-07-01T08:00:05.000Z');
    const receipt = await file(reporter('110101', 'DC-XH'), {
      periodId: period.periodId,
      date: '2026-07-01',
      ...NOTHING,
    });

    // ACT: the check after the grace, then the next run that tells misses it did not record.
    clock.set(afterGrace(1));
    const first = await check();
    clock.advance(MINUTE);
    await check();

    // ASSESS: filing late is a missed report all the same; the county office hears of it.
    expect(receipt).toMatchObject({ late: true, lateByMs: 5_000, afterMissed: true });
    expect(first.daysCompleted).toBe(0); // its office not yet told
    expect(await typesOf(period.periodId, 'DC-XH')).toEqual([
      'DailyReportMissed',
      'DailyReportFiled',
      'ZeroReportNotified',
    ]);
    expect(publisher.published.map((n) => n.incidentId)).toContain(`${period.periodId}/DC-XH`);
    expect(await store.checkedDays(period.periodId)).toEqual(new Set(['2026-07-01']));
  });

  it('records who was told before a publish failed, and tells only the others next time', async () => {
    // PREPARE: two duty officers on shift at 16:00; only DC-YJ misses; the second publish fails.
    const context = await setUp();
    const { activateFlood, file, check, clock, directory, dongcheng, publisher, eventsOf } = context;
    await directory.replaceOffices(
      ['110101'],
      dongcheng.officers,
      dongcheng.roster.map((shift) => ({ ...shift, from: '08:00', to: '20:00' })),
      new Date(T0),
    );
    const period = await activateFlood();
    for (const unit of ['DC-JDJ', 'DC-HSJ', 'DC-XH', 'DC-ZX']) {
      await file(reporter('110101', unit), { periodId: period.periodId, date: '2026-07-01', ...NOTHING });
    }
    publisher.succeedThenFail = 1;

    // ACT
    clock.set(afterGrace(1));
    await check();
    const failure = (await eventsOf(period.periodId, 'DC-YJ')).at(-1);
    clock.advance(MINUTE);
    await check();

    // ASSESS: each officer told once, and the log names both.
    expect(publisher.published.map((n) => n.personId)).toEqual(['P-ZHAO', 'P-QIAN']);
    expect(failure).toMatchObject({
      type: 'ZeroReportNotificationFailed',
      data: { willRetry: true, recipients: [{ personId: 'P-ZHAO', messageId: 'msg-1' }] },
    });
    const events = await eventsOf(period.periodId, 'DC-YJ');
    expect(events.map((e) => e.type)).toEqual([
      'DailyReportMissed',
      'ZeroReportNotificationFailed',
      'ZeroReportNotified',
    ]);
    expect(events[2]?.data).toMatchObject({ recipients: [{ personId: 'P-QIAN', messageId: 'msg-2' }] });
  });

  it('checks every other unit’s day when one unit is registered in two counties', async () => {
    // PREPARE: DC-XH filed under Xicheng too, as imports before one county per unit could leave it;
    // and DC-ZX, moved to Xicheng (effective after the first day's cut-off) after its log was
    // opened in Dongcheng on the first day.
    const context = await setUp();
    const { activateFlood, check, clock, registry, store, missedEvents } = context;
    const period = await activateFlood('110100', office('110100', 'city'));
    await fileThenMoveToXicheng(context, period, 'DC-ZX');
    const xh = (await registry.unit('110101', 'DC-XH')) as ReportingUnit;
    registry.fileWithoutChecks({ ...xh, county: '110102' });
    // And one filed under both by hand, which the registry points at neither.
    registry.fileWithoutChecks({ ...xh, unitId: 'DC-TWO', county: '110101' });
    registry.fileWithoutChecks({ ...xh, unitId: 'DC-TWO', county: '110102' });

    // ACT: the second day's check, when DC-ZX owes its first report since the move.
    clock.set('2026-07-02T08:03:00.000Z');
    const result = await check();

    // ASSESS: DC-XH counts once, where the registry points it; DC-TWO is named and left out of the
    // days it cannot be checked for; DC-ZX's log follows it to Xicheng for the day after its move;
    // every day is complete.
    expect(result.errors).toEqual([]);
    expect(result.skipped).toEqual([
      `${period.periodId} 2026-07-01: unit DC-TWO is registered in 110101 and 110102; import those counties' lists together to keep it in one`,
      `${period.periodId} 2026-07-02: unit DC-TWO is registered in 110101 and 110102; import those counties' lists together to keep it in one`,
    ]);
    const missedOn = (date: string) =>
      missedEvents()
        .filter((e) => e.data.date === date)
        .map((e) => `${e.unit}@${e.county}`)
        .sort();
    const others = ['DC-HSJ@110101', 'DC-JDJ@110101', 'DC-XH@110101', 'DC-YJ@110101', 'XC-JR@110102'];
    expect(missedOn('2026-07-01')).toEqual(others);
    expect(missedOn('2026-07-02')).toEqual([...others, 'DC-ZX@110102'].sort());
    expect(await store.checkedDays(period.periodId)).toEqual(new Set(['2026-07-01', '2026-07-02']));
  });

  it('checks the other periods’ days when one period’s units cannot be read', async () => {
    // PREPARE: a Dongcheng period and a Xicheng one; Xicheng's registry cannot be read just now.
    const { activateFlood, checkDeps, clock, registry, store } = await setUp();
    const dongcheng = await activateFlood();
    const xicheng = await activateFlood('110102', office('110102'));
    const failing: UnitRegistry = new Proxy(registry, {
      get: (target, key) => {
        if (key === 'historyOf') {
          return async (county: string) => {
            if (county === '110102') throw new Error('throttled');
            return target.historyOf(county);
          };
        }
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    clock.set(afterGrace(1));

    // ACT
    const result = await makeCheckZeroReports({ ...checkDeps, registry: failing })();

    // ASSESS
    expect(result.errors).toEqual([`${xicheng.periodId} 2026-07-01: throttled`]);
    expect(await store.checkedDays(dongcheng.periodId)).toEqual(new Set(['2026-07-01']));
    expect(await store.checkedDays(xicheng.periodId)).toEqual(new Set());
  });

  it('reads each county office’s directory once a run, however many of its units missed', async () => {
    // PREPARE
    const { check, clock, directory } = await fiveUnitsThreeFile();
    clock.set(afterGrace(1));
    const before = directory.reads;

    // ACT
    const result = await check();

    // ASSESS
    expect(result).toMatchObject({ missed: 2, notified: 2 });
    expect(directory.reads - before).toBe(1);
  });

  it('takes on a bounded number of days a run, oldest first, and carries on at the next', async () => {
    // PREPARE: all three days of the period are past their cut-off and nothing was filed.
    const { activateFlood, checkDeps, clock, store } = await setUp();
    const period = await activateFlood();
    clock.set('2026-07-03T09:00:00.000Z');
    const check = makeCheckZeroReports({ ...checkDeps, maxDaysPerRun: 2 });

    // ACT
    const first = await check();
    const afterFirst = await store.checkedDays(period.periodId);
    const second = await check();

    // ASSESS
    expect(first).toMatchObject({ daysChecked: 2, daysCompleted: 2, daysDeferred: 1, missed: 10 });
    expect(afterFirst).toEqual(new Set(['2026-07-01', '2026-07-02']));
    expect(second).toMatchObject({ daysChecked: 1, daysCompleted: 1, daysDeferred: 0, missed: 5 });
    expect(await store.checkedDays(period.periodId)).toEqual(new Set(['2026-07-01', '2026-07-02', '2026-07-03']));
  });

  it('starts no unit after the run’s stopping time, and the next run finishes the day', async () => {
    // PREPARE: each publish takes a minute; the run must stop starting units after 30 seconds.
    const { checkDeps, clock, publisher, store, period, missedEvents } = await fiveUnitsThreeFile();
    const check = makeCheckZeroReports({ ...checkDeps, concurrency: 1 });
    clock.set(afterGrace(1));
    publisher.onPublish = () => clock.advance(MINUTE);

    // ACT
    const cut = await check({ stopAt: new Date(clock.now().getTime() + 30_000) });
    const next = await check();

    // ASSESS
    expect(cut).toMatchObject({ daysChecked: 1, daysCompleted: 0, missed: 1, unitsDeferred: 1 });
    expect(next).toMatchObject({ daysCompleted: 1, missed: 1, unitsDeferred: 0 });
    expect(missedEvents()).toHaveLength(2);
    expect(await store.checkedDays(period.periodId)).toEqual(new Set(['2026-07-01']));
  });
});
