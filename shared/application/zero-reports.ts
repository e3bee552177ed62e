/**
 * Zero reports (零报告): an office activates a duty period, units file a daily report for each day
 * it owes, and the cut-off check records a miss for every unit that has not filed by the cut-off
 * and tells its county office. Each unit's reports in a period form one hash-chained log, appended
 * with conditional writes: concurrent or repeated checks record a miss exactly once, and a filing
 * retried after a timeout gets the first answer back.
 */
import { mayActivateDutyPeriod, mayFileDailyReport } from '../domain/access';
import { chinaClockOf } from '../domain/china-time';
import { ConflictError, DomainError, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors';
import type { Actor } from '../domain/incident';
import { peopleFor, place } from '../domain/officers';
import { chainOf, isWithin } from '../domain/regions/regions';
import {
  CUTOFF_CHECK_ACTOR,
  chainIdOf,
  countyOfficeOf,
  type DailyReportContent,
  type DayRecord,
  type DutyPeriod,
  type DutyPeriodRequest,
  dailyReportHash,
  describePeriod,
  dutyPeriodProblems,
  filingOpensAt,
  isCheckDue,
  latenessOf,
  type OwedDay,
  periodsOverlap,
  planDutyPeriod,
  provincesCovering,
  type ReportingUnit,
  sameActivation,
  sealZeroEvents,
  type ZeroChainState,
  type ZeroReportDraft,
} from '../domain/zero-reports';
import type { Clock } from '../ports/clock';
import type { NotificationPublisher } from '../ports/notification-publisher';
import type { OfficerDirectory } from '../ports/officer-directory';
import type { UnitRegistry } from '../ports/unit-registry';
import { ChainConflict, PeriodsChanged, type ZeroReportStore } from '../ports/zero-report-store';
import { mapBounded } from './concurrency';
import { retryOnConflict } from './retry-on-conflict';
import { tellOfficers } from './tell-officers';
import { obligedUnits } from './units';

type ChainIdentity = Pick<ZeroChainState, 'periodId' | 'unit' | 'unitName' | 'county'>;

const identityOf = (periodId: string, unit: ReportingUnit): ChainIdentity => ({
  periodId,
  unit: unit.unitId,
  unitName: unit.name,
  county: unit.county,
});

/**
 * Appends what `decide` asks for to a unit's log, deciding again on the fresh head whenever
 * someone else appended first. `decide` returns no drafts when there is nothing (left) to do,
 * which makes every caller safe to repeat. A head the caller has just read (`known`) is decided on
 * first, saving a read; a stale one only costs a conflict.
 */
const appendToChain = async (
  deps: { readonly store: ZeroReportStore; readonly maxAttempts?: number },
  identity: ChainIdentity,
  actor: Actor,
  now: Date,
  decide: (head: ZeroChainState | undefined) => readonly ZeroReportDraft[],
  known?: { readonly head: ZeroChainState | undefined },
): Promise<{ readonly state: ZeroChainState | undefined; readonly appended: boolean }> => {
  return retryOnConflict(
    async (attempt) => {
      const head = attempt === 1 && known ? known.head : await deps.store.head(identity.periodId, identity.unit);
      if (head && head.county !== identity.county) {
        // Unit ids are national (e.g. a unified social credit code); two counties claiming one would
        // merge two units' evidence into one log, so neither gets to write.
        throw new ConflictError(
          `unit ${identity.unit} is registered in ${identity.county}, but its log in ${identity.periodId} belongs to ${head.county}`,
          'unit-registered-twice',
        );
      }
      const drafts = decide(head);
      if (drafts.length === 0) return { state: head, appended: false };
      const change = sealZeroEvents(head, identity, drafts, { actor, now });
      await deps.store.append(change);
      return { state: change.state, appended: true };
    },
    {
      attempts: deps.maxAttempts ?? 20,
      isConflict: (error) => error instanceof ChainConflict,
      giveUp: () => new ConflictError(`the log of ${identity.unit} is busy; send the request again`, 'busy'),
    },
  );
};

// ---------------------------------------------------------------------------------------------
// POST /v1/duty-periods

/**
 * An office activates a duty period for its jurisdiction or part of it. The period's id follows
 * from what it obliges, so a retried activation answers the period the first attempt created. A
 * period whose region is, contains or lies within another period's, on any of the same dates, is a
 * conflict: its units would owe two reports a day, and miss one of them. The decision is written on
 * the condition that no period was activated meanwhile in the provinces it covers, so of two
 * overlapping activations at once only one succeeds.
 */
export const makeActivateDutyPeriod =
  (deps: { readonly store: ZeroReportStore; readonly clock: Clock; readonly maxAttempts?: number }) =>
  async (actor: Actor, request: DutyPeriodRequest): Promise<{ period: DutyPeriod; created: boolean }> => {
    const decision = mayActivateDutyPeriod(actor, request.region);
    if (!decision.allowed) throw new ForbiddenError(decision.reason, { targetRegion: request.region });
    const now = deps.clock.now();
    const problems = dutyPeriodProblems(request, now);
    if (problems.length > 0) throw new ValidationError('the duty period is invalid', problems);

    const planned = planDutyPeriod(request, actor, now);
    const provinces = provincesCovering(planned.region);
    return retryOnConflict(
      async () => {
        const { periods, versions } = await deps.store.periodsSnapshot(provinces);
        const existing = periods.find((p) => p.periodId === planned.periodId);
        if (existing) {
          if (sameActivation(existing, planned)) return { period: existing, created: false };
          throw new ConflictError(
            `duty period ${describePeriod(existing)} already obliges ${existing.region} on these days`,
            'duty-period-exists',
          );
        }
        const overlapped = periods.find((p) => periodsOverlap(p, planned));
        if (overlapped) {
          throw new ConflictError(
            `the duty period overlaps active duty period ${describePeriod(overlapped)}: its units would owe two ` +
              'reports a day. Activate only the days and regions it does not cover.',
            'duty-period-overlaps',
          );
        }
        const { created, period } = await deps.store.createPeriod(planned, versions);
        // Taken between the read and the write: the first attempt of this same activation, or another.
        if (!created && !sameActivation(period, planned)) {
          throw new ConflictError(
            `duty period ${describePeriod(period)} already obliges ${period.region} on these days`,
            'duty-period-exists',
          );
        }
        return { period, created };
      },
      {
        attempts: deps.maxAttempts ?? 10,
        isConflict: (error) => error instanceof PeriodsChanged,
        giveUp: () => new ConflictError('duty periods are being activated in this region right now; try again', 'busy'),
      },
    );
  };

// ---------------------------------------------------------------------------------------------
// POST /v1/daily-reports

/** The miss of a unit's day, as the check and a late filing record it. */
const missedData = (day: OwedDay, unit: ReportingUnit) => ({
  date: day.date,
  cutoffAt: day.cutoffAt,
  unitName: unit.name,
  office: countyOfficeOf(unit.county),
});

export interface FileDailyReportCommand extends DailyReportContent {
  readonly periodId: string;
  readonly date: string;
}

/** The answer to a filing, the same for a retry of it. */
export interface DailyReportReceipt {
  readonly periodId: string;
  readonly unit: string;
  readonly date: string;
  readonly seq: number;
  readonly filedAt: string;
  readonly cutoffAt: string;
  readonly late: boolean;
  readonly lateByMs: number;
  readonly nothingToReport: boolean;
  /** A miss is on record for the day before this filing (every filing after the cut-off has one); it stays. */
  readonly afterMissed: boolean;
}

const receiptOf = (
  periodId: string,
  unit: string,
  day: OwedDay,
  record: DayRecord,
  content: DailyReportContent,
): DailyReportReceipt => ({
  periodId,
  unit,
  date: day.date,
  seq: record.filedSeq ?? 0,
  filedAt: record.filedAt ?? '',
  cutoffAt: day.cutoffAt,
  late: record.late ?? false,
  lateByMs: record.lateByMs ?? 0,
  nothingToReport: content.nothingToReport,
  afterMissed: record.missedSeq !== undefined && record.missedSeq < (record.filedSeq ?? 0),
});

/**
 * A unit files its daily report for a day its duty period owes. After the cut-off it is accepted
 * and recorded as late, after the day's miss: the one the check recorded, or, if the check has not
 * come yet, one recorded with the filing in the same append — a unit that has not filed by the
 * cut-off has a missed report, whenever the check runs, and the check tells its county office. On
 * time or late is judged by when the filing was received. The same filing again gets the same
 * answer; a different one for the same day is refused, as a report once filed is evidence and is
 * not changed.
 */
export const makeFileDailyReport =
  (deps: {
    readonly store: ZeroReportStore;
    readonly registry: UnitRegistry;
    readonly clock: Clock;
    readonly maxAttempts?: number;
  }) =>
  async (actor: Actor, command: FileDailyReportCommand): Promise<DailyReportReceipt> => {
    // The filing is judged by when it was received, however long the reads and appends below take.
    const now = deps.clock.now();
    const first = mayFileDailyReport(actor, actor.region, actor.unit ?? '');
    if (!first.allowed) throw new ForbiddenError(first.reason, { targetRegion: actor.region });
    const unitId = actor.unit ?? '';

    const period = await deps.store.period(command.periodId);
    if (!period) throw new NotFoundError(`duty period ${command.periodId} does not exist`);
    const unit = await deps.registry.unit(actor.region, unitId);
    if (!unit) {
      throw new ForbiddenError(
        `unit ${unitId} is not in the registry of ${actor.region}; its county office registers units`,
        { targetRegion: period.region },
      );
    }
    const decision = mayFileDailyReport(actor, unit.county, unit.unitId);
    if (!decision.allowed) throw new ForbiddenError(decision.reason, { targetRegion: unit.county });
    if (!isWithin(unit.county, period.region)) {
      throw new ForbiddenError(
        `unit ${unit.unitId} of ${unit.county} is outside duty period ${period.periodId}, which covers ${period.region}`,
        { targetRegion: period.region },
      );
    }
    const day = period.days.find((d) => d.date === command.date);
    if (!day) {
      const owed = period.days.length > 0 ? `${period.days[0]?.date} to ${period.days.at(-1)?.date}` : 'no day';
      throw new ValidationError(`duty period ${period.periodId} owes no report for ${command.date}`, [
        { field: 'date', problem: `is not a day the duty period owes (it owes ${owed})` },
      ]);
    }
    const opensAt = filingOpensAt(day.cutoffAt);
    if (now.getTime() < Date.parse(opensAt)) {
      throw new ValidationError(`the report for ${day.date} cannot be filed yet`, [
        { field: 'date', problem: `cannot be filed before ${opensAt} (the cut-off of the day before)` },
      ]);
    }

    const content: DailyReportContent = {
      nothingToReport: command.nothingToReport,
      ...(command.summary !== undefined ? { summary: command.summary } : {}),
      incidentIds: command.incidentIds,
    };
    const requestHash = dailyReportHash(day.date, content);
    const lateness = latenessOf(day.cutoffAt, now);
    const { state } = await appendToChain(deps, identityOf(period.periodId, unit), actor, now, (head) => {
      const record = head?.days[day.date];
      if (record?.filedSeq !== undefined) {
        if (record.requestHash === requestHash) return [];
        throw new ConflictError(
          `unit ${unit.unitId} already filed a different report for ${day.date}; a filed report is not changed`,
          'daily-report-already-filed',
        );
      }
      const drafts: ZeroReportDraft[] = [];
      let missedSeq = record?.missedSeq;
      if (lateness.late && missedSeq === undefined) {
        // The check has not recorded the miss yet: it is recorded here, first, by the system as the
        // check would, so the filing cannot erase it by coming before the check.
        missedSeq = (head?.version ?? 0) + 1;
        drafts.push({
          type: 'DailyReportMissed',
          actor: CUTOFF_CHECK_ACTOR,
          data: missedData(day, unit),
        });
      }
      drafts.push({
        type: 'DailyReportFiled',
        data: {
          date: day.date,
          cutoffAt: day.cutoffAt,
          filedAt: now.toISOString(),
          ...lateness,
          ...content,
          requestHash,
          ...(missedSeq !== undefined ? { afterMissSeq: missedSeq } : {}),
        },
      });
      return drafts;
    });
    const record = state?.days[day.date];
    if (!record) throw new Error(`the log of ${unit.unitId} has no record of ${day.date} after filing it`);
    return receiptOf(period.periodId, unit.unitId, day, record, content);
  };

// ---------------------------------------------------------------------------------------------
// The cut-off check

/** What the county office's duty officer reads: who, which day, since when, whom to call. */
export const missedReportMessage = (period: DutyPeriod, day: OwedDay, unit: ReportingUnit): string =>
  `Zero report missed — ${unit.name} (${unit.unitId}, ${unit.kind}) of ${place(unit.county)} did not file its daily ` +
  `report for ${day.date} by ${chinaClockOf(day.cutoffAt)} China time (duty period ${period.periodId}: ${period.reason}). ` +
  `Call ${unit.contact.name} on ${unit.contact.phone}. A report filed now is recorded as late; the miss stays on record.`;

/** The SMS of a miss: who, which day, whom to call — in 140 characters. */
export const missedReportBrief = (day: OwedDay, unit: ReportingUnit): string =>
  `Zero report missed: ${unit.name} (${unit.unitId}) ${day.date}. Call ${unit.contact.name} ${unit.contact.phone}.`;

export interface CheckZeroReportsDeps {
  readonly store: ZeroReportStore;
  readonly registry: UnitRegistry;
  readonly directory: OfficerDirectory;
  readonly publisher: NotificationPublisher;
  readonly clock: Clock;
  /**
   * How long a recorded miss waits before another run tells its office. The run that records a
   * miss tells the office at once; this covers a run that stopped in between, and a miss recorded
   * with a late filing, without two overlapping runs both telling it. A failed publish is tried
   * again after half of it, doubling.
   * @default 120_000
   */
  readonly notifyRetryAfterMs?: number;
  /** Units handled at once. @default 8 */
  readonly concurrency?: number;
  /**
   * Days (over all periods, earliest cut-off first) one run takes on; the others wait for the next
   * run, a minute later. With `stopAt`, this keeps one run's work bounded however many periods
   * and days are due at once.
   * @default 4
   */
  readonly maxDaysPerRun?: number;
  readonly maxAttempts?: number;
}

export interface CheckZeroReportsOptions {
  /**
   * When to stop starting work — the invocation's deadline less the time a unit in progress needs.
   * What is left is found again, and done, by the next run.
   */
  readonly stopAt?: Date;
}

export interface CheckZeroReportsResult {
  /** Days (of all periods) whose check this run took on: past cut-off and grace, not yet complete. */
  readonly daysChecked: number;
  /** Days found complete by this run: every unit filed, or its miss is recorded and its office told. */
  readonly daysCompleted: number;
  /** Days due but left for the next run: beyond `maxDaysPerRun`, or not reached before `stopAt`. */
  readonly daysDeferred: number;
  /** Units of the days taken on that were not reached before `stopAt`. */
  readonly unitsDeferred: number;
  readonly missed: number;
  readonly notified: number;
  readonly notifyFailures: number;
  /** Units that could not be checked this time (the next run tries again); their day stays open. */
  readonly errors: readonly string[];
  /**
   * Units left out of a day for a fault in the registry that no later run can repair (one unit id in
   * two counties, a county no longer in the division data): the day is completed without them, so
   * one bad unit does not hold up every other unit's day. The registry must be corrected.
   */
  readonly skipped: readonly string[];
}

type UnitOutcome = {
  settled: boolean;
  missed?: boolean;
  notified?: boolean;
  failed?: boolean;
  deferred?: boolean;
  skipped?: string;
};

type Directory = Awaited<ReturnType<OfficerDirectory['ofOffice']>>;

/**
 * Whether an error from checking one unit is a fault of its registration, which retrying cannot
 * mend (the unit's log filed under another county, a county code gone from the division data),
 * rather than a passing one (a busy log, a throttled request), which the next run retries.
 */
const isRegistryFault = (error: unknown): boolean => error instanceof DomainError && error.code !== 'busy';

/**
 * Runs the cut-off check: for every duty period and every day whose cut-off (and the grace after
 * it, `CUTOFF_CHECK_GRACE_MS`) has passed and is not yet complete, every registered unit of
 * the period's region that has not filed on time gets exactly one DailyReportMissed, and its county
 * office's duty officer (at that moment) is told, with the outcome recorded in the unit's log. Safe
 * to run repeatedly and concurrently: the conditional appends decide who records a miss, and a
 * failed publish is retried by a later run until told. One run does bounded work: at most
 * `maxDaysPerRun` days, and nothing new after `stopAt`; the next run carries on.
 */
export const makeCheckZeroReports = (deps: CheckZeroReportsDeps) => {
  const retryAfter = deps.notifyRetryAfterMs ?? 120_000;
  const maxDaysPerRun = deps.maxDaysPerRun ?? 4;

  /**
   * Whether this run should tell the office of a recorded miss that nobody has told it of: one left
   * by a run that stopped after recording it, or recorded with a late filing, after `retryAfter`;
   * one whose publish failed, after half that, doubling with each failure (the next scheduled run,
   * then every 2, 4 … 64 minutes).
   */
  const notifyDue = (record: DayRecord, now: Date): boolean => {
    const failures = record.notifyFailures ?? 0;
    const since = Date.parse(record.lastNotifyFailureAt ?? record.missedAt ?? now.toISOString());
    const wait = failures === 0 ? retryAfter : (retryAfter / 2) * 2 ** Math.min(failures - 1, 6);
    return now.getTime() - since >= wait;
  };

  /** One run's work: the directory of each county office is read once per run, not once per missed unit. */
  const runOf = (options: CheckZeroReportsOptions) => {
    const directories = new Map<string, Promise<Directory>>();
    const unitsOf = new Map<string, Promise<{ units: readonly ReportingUnit[]; skipped: readonly string[] }>>();
    return {
      stopped: () => options.stopAt !== undefined && deps.clock.now().getTime() >= options.stopAt.getTime(),
      directoryOf: (office: string): Promise<Directory> => {
        let found = directories.get(office);
        if (!found) {
          found = deps.directory.ofOffice(office);
          // A failed read is not kept: the next unit of the office asks again.
          found.catch(() => directories.delete(office));
          directories.set(office, found);
        }
        return found;
      },
      unitsOf: (period: DutyPeriod) => {
        let found = unitsOf.get(period.periodId);
        if (!found) {
          found = obligedUnits(deps.registry, period.region);
          unitsOf.set(period.periodId, found);
        }
        return found;
      },
    };
  };
  type Run = ReturnType<typeof runOf>;

  const tellOffice = async (
    run: Run,
    period: DutyPeriod,
    day: OwedDay,
    unit: ReportingUnit,
    head: ZeroChainState,
    record: DayRecord & { readonly missedSeq: number },
  ): Promise<UnitOutcome> => {
    // The duty officer on shift as the message goes out, and the time it went.
    const now = deps.clock.now();
    const identity = identityOf(period.periodId, unit);
    const office = countyOfficeOf(unit.county);
    const untold = (current: ZeroChainState | undefined) => {
      const today = current?.days[day.date];
      return today?.notifiedAt === undefined && !today?.notifyGaveUp;
    };
    const onDuty = peopleFor({ office, role: 'duty-officer' }, await run.directoryOf(office), now);
    const base = { date: day.date, aboutSeq: record.missedSeq, kind: 'zero-report-missed' as const };
    // The head this run last saw is decided on first: a stale one only costs a conflict and a read.
    const known = { head };
    if (onDuty.length === 0) {
      await appendToChain(
        deps,
        identity,
        CUTOFF_CHECK_ACTOR,
        now,
        (current) =>
          untold(current)
            ? [
                {
                  type: 'ZeroReportNotificationFailed',
                  data: { ...base, reason: `no officer on record for duty-officer of ${office}`, willRetry: false },
                },
              ]
            : [],
        known,
      );
      return { settled: true, failed: true };
    }
    // An attempt that failed part-way told some already; they are on record and not told twice.
    const toldBefore = new Set(record.toldPersonIds ?? []);
    const people = onDuty.filter((officer) => !toldBefore.has(officer.personId));

    const chain = chainOf(unit.county);
    const telling = await tellOfficers(deps.publisher, {
      people: people.map((officer) => ({ officer, office, role: 'duty-officer' })),
      message: {
        kind: 'zero-report-missed',
        // The notification port speaks of incidents; a zero-report log is named as the audit names it.
        incidentId: chainIdOf(period.periodId, unit.unitId),
        grade: 'none',
        regions: {
          province: chain.province.code,
          city: chain.city?.code ?? null,
          county: chain.county?.code ?? null,
        },
        text: missedReportMessage(period, day, unit),
        brief: missedReportBrief(day, unit),
      },
      record: {
        // Whoever was told before the failure is recorded with it, even if another run has told the
        // office meanwhile: the log shows every officer actually told.
        failed: async (recipients, reason) => {
          await appendToChain(
            deps,
            identity,
            CUTOFF_CHECK_ACTOR,
            deps.clock.now(),
            (current) =>
              untold(current) || recipients.length > 0
                ? [
                    {
                      type: 'ZeroReportNotificationFailed',
                      data: { ...base, reason, willRetry: true, ...(recipients.length > 0 ? { recipients } : {}) },
                    },
                  ]
                : [],
            known,
          );
        },
        // `recipients` is empty only when everyone on duty was told before an earlier failure: this
        // records that the office has now heard, and the earlier failure's record says from whom.
        allTold: async (recipients) => {
          await appendToChain(
            deps,
            identity,
            CUTOFF_CHECK_ACTOR,
            deps.clock.now(),
            (current) =>
              untold(current) || recipients.length > 0
                ? [{ type: 'ZeroReportNotified', data: { ...base, recipients } }]
                : [],
            known,
          );
        },
      },
    });
    return telling.outcome === 'told' ? { settled: true, notified: true } : { settled: false, failed: true };
  };

  const checkUnit = async (
    run: Run,
    period: DutyPeriod,
    day: OwedDay,
    unit: ReportingUnit,
    head: ZeroChainState | undefined,
    now: Date,
  ): Promise<UnitOutcome> => {
    let state = head;
    let justMissed = false;
    const known = state?.days[day.date];
    // Filed on time: nothing owed. A late filing is no settlement: the miss stays, and the office
    // hears of it — even if the unit has filed since it was recorded.
    if (known?.filedSeq !== undefined && !known.late && known.missedSeq === undefined) return { settled: true };
    if (known?.missedSeq === undefined) {
      const result = await appendToChain(
        deps,
        identityOf(period.periodId, unit),
        CUTOFF_CHECK_ACTOR,
        deps.clock.now(),
        (h) => {
          const record = h?.days[day.date];
          if (record?.missedSeq !== undefined) return [];
          if (record?.filedSeq !== undefined && !record.late) return [];
          return [{ type: 'DailyReportMissed', data: missedData(day, unit) }];
        },
        { head },
      );
      state = result.state;
      justMissed = result.appended;
    }
    const record = state?.days[day.date];
    // Filed on time in the meantime, before any miss was recorded: nothing is owed.
    if (!state || !record || record.missedSeq === undefined) return { settled: record?.filedSeq !== undefined };
    if (record.notifiedAt !== undefined || record.notifyGaveUp) return { settled: true, missed: justMissed };
    if (!justMissed && !notifyDue(record, now)) return { settled: false };
    return {
      ...(await tellOffice(run, period, day, unit, state, { ...record, missedSeq: record.missedSeq })),
      missed: justMissed,
    };
  };

  return async (options: CheckZeroReportsOptions = {}): Promise<CheckZeroReportsResult> => {
    const now = deps.clock.now();
    const run = runOf(options);
    const totals = {
      daysChecked: 0,
      daysCompleted: 0,
      daysDeferred: 0,
      unitsDeferred: 0,
      missed: 0,
      notified: 0,
      notifyFailures: 0,
    };
    const errors: string[] = [];
    const skipped: string[] = [];

    const pending: { period: DutyPeriod; day: OwedDay }[] = [];
    for (const period of await deps.store.periods()) {
      const due = period.days.filter((day) => isCheckDue(day, now));
      if (due.length === 0) continue;
      try {
        const checked = await deps.store.checkedDays(period.periodId);
        for (const day of due) if (!checked.has(day.date)) pending.push({ period, day });
      } catch (error) {
        // One period that cannot be read now does not keep the others' days waiting.
        errors.push(`${period.periodId}: ${(error as Error).message}`);
      }
    }
    // The oldest cut-offs first, so a backlog drains in order and no day waits behind newer ones.
    pending.sort(
      (a, b) => a.day.cutoffAt.localeCompare(b.day.cutoffAt) || a.period.periodId.localeCompare(b.period.periodId),
    );
    totals.daysDeferred = Math.max(0, pending.length - maxDaysPerRun);

    for (const { period, day } of pending.slice(0, maxDaysPerRun)) {
      if (run.stopped()) {
        totals.daysDeferred += 1;
        continue;
      }
      totals.daysChecked += 1;
      try {
        const { units, skipped: unresolved } = await run.unitsOf(period);
        const daySkipped = unresolved.map((problem) => `${period.periodId} ${day.date}: ${problem}`);
        const heads = await deps.store.heads(
          period.periodId,
          units.map((u) => u.unitId),
        );
        const outcomes = await mapBounded(units, deps.concurrency ?? 8, async (unit): Promise<UnitOutcome> => {
          if (run.stopped()) return { settled: false, deferred: true };
          try {
            return await checkUnit(run, period, day, unit, heads.get(unit.unitId), now);
          } catch (error) {
            const problem = `${chainIdOf(period.periodId, unit.unitId)} ${day.date}: ${(error as Error).message}`;
            if (isRegistryFault(error)) return { settled: true, skipped: problem };
            errors.push(problem);
            return { settled: false };
          }
        });
        for (const o of outcomes) {
          if (o.missed) totals.missed += 1;
          if (o.notified) totals.notified += 1;
          if (o.failed) totals.notifyFailures += 1;
          if (o.deferred) totals.unitsDeferred += 1;
          if (o.skipped) daySkipped.push(o.skipped);
        }
        skipped.push(...daySkipped);
        if (outcomes.every((o) => o.settled)) {
          await deps.store.markChecked(period.periodId, day.date, now.toISOString());
          totals.daysCompleted += 1;
        }
      } catch (error) {
        // The period's units or heads could not be read now: its day stays open for the next run,
        // and the other days of this run go ahead.
        errors.push(`${period.periodId} ${day.date}: ${(error as Error).message}`);
      }
    }
    return { ...totals, errors, skipped };
  };
};
