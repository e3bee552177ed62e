/**
 * The zero-report cut-off check, run on a schedule: a unit that has not filed a day's report by the
 * cut-off gets one DailyReportMissed in its log, and its county office is told. Concurrent or
 * repeated runs record a miss exactly once: the log's conditional appends decide who records it.
 */
import { DomainError } from '../domain/errors';
import { chainIdOf, type DutyPeriod, isCheckDue, type OwedDay } from '../domain/zero-reports';
import type { OfficerDirectory } from '../ports/officer-directory';
import type { UnitRegistry } from '../ports/unit-registry';
import { type CheckUnitDayDeps, makeCheckUnitDay, type UnitDayOutcome } from './check-unit-day';
import { mapBounded } from './concurrency';
import { registryWithin } from './units';

export interface CheckZeroReportsDeps extends CheckUnitDayDeps {
  readonly registry: UnitRegistry;
  readonly directory: OfficerDirectory;
  /** Units handled at once. @default 8 */
  readonly concurrency?: number;
  /**
   * Days (over all periods, earliest cut-off first) one run takes on; the others wait for the next
   * run, a minute later. With `stopAt`, this keeps one run's work bounded however many periods
   * and days are due at once.
   * @default 4
   */
  readonly maxDaysPerRun?: number;
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

/**
 * What became of one unit's day in this run: its check's outcome, or why it was not checked. The
 * day is complete once every unit's is settled ({@link isSettled}); an unsettled one is looked at
 * again by the next run.
 */
type UnitOutcome =
  | UnitDayOutcome
  /** Not reached before `stopAt`. */
  | { readonly kind: 'deferred' }
  /** Left out of the day for a fault of its registration that no run can mend. */
  | { readonly kind: 'skipped'; readonly problem: string }
  /** Could not be checked this time. */
  | { readonly kind: 'failed'; readonly problem: string };

const isSettled = (outcome: UnitOutcome): boolean => {
  switch (outcome.kind) {
    case 'owes-nothing':
    case 'skipped':
      return true;
    case 'missed':
      return outcome.notice !== 'not-due' && outcome.notice !== 'publish-failed';
    case 'unresolved':
    case 'deferred':
    case 'failed':
      return false;
  }
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
  const maxDaysPerRun = deps.maxDaysPerRun ?? 4;
  const checkUnitDay = makeCheckUnitDay(deps);

  /** One run's work: the directory of each county office is read once per run, not once per missed unit. */
  const runOf = (options: CheckZeroReportsOptions, now: Date) => {
    const directories = new Map<string, Promise<Directory>>();
    const registries = new Map<string, ReturnType<typeof registryWithin>>();
    return {
      now,
      stopped: () => options.stopAt !== undefined && deps.clock.now().getTime() >= options.stopAt.getTime(),
      directory: {
        ofOffice: (office: string): Promise<Directory> => {
          let found = directories.get(office);
          if (!found) {
            found = deps.directory.ofOffice(office);
            // A failed read is not kept: the next unit of the office asks again.
            found.catch(() => directories.delete(office));
            directories.set(office, found);
          }
          return found;
        },
      },
      /** The period's registry through time, read once per run; each day asks it for its cut-off. */
      registryOf: (period: DutyPeriod) => {
        let found = registries.get(period.periodId);
        if (!found) {
          found = registryWithin(deps.registry, period.region);
          registries.set(period.periodId, found);
        }
        return found;
      },
    };
  };
  type Run = ReturnType<typeof runOf>;

  /**
   * The days past their cut-off and grace whose check is not complete, the oldest cut-offs first,
   * so a backlog drains in order and no day waits behind newer ones.
   */
  const daysDue = async (now: Date, errors: string[]) => {
    const due: { period: DutyPeriod; day: OwedDay }[] = [];
    for (const period of await deps.store.periods()) {
      const days = period.days.filter((day) => isCheckDue(day, now));
      if (days.length === 0) continue;
      try {
        const checked = await deps.store.checkedDays(period.periodId);
        for (const day of days) if (!checked.has(day.date)) due.push({ period, day });
      } catch (error) {
        // One period that cannot be read now does not keep the others' days waiting.
        errors.push(`${period.periodId}: ${(error as Error).message}`);
      }
    }
    return due.sort(
      (a, b) => a.day.cutoffAt.localeCompare(b.day.cutoffAt) || a.period.periodId.localeCompare(b.period.periodId),
    );
  };

  /**
   * Every obliged unit's outcome for one day, and the units the registry could not place in it. A
   * unit owes the day in the county it was registered in at the day's cut-off: one moved or closed
   * later keeps its past days where they were, and owes nothing where it is no longer registered.
   */
  const checkDay = async (run: Run, period: DutyPeriod, day: OwedDay) => {
    const { units, skipped } = (await run.registryOf(period)).obligedAt(new Date(day.cutoffAt));
    const heads = await deps.store.heads(
      period.periodId,
      units.map((u) => u.unitId),
    );
    const outcomes = await mapBounded(units, deps.concurrency ?? 8, async (unit): Promise<UnitOutcome> => {
      if (run.stopped()) return { kind: 'deferred' };
      try {
        return await checkUnitDay({ period, day, unit, head: heads.get(unit.unitId) }, run);
      } catch (error) {
        const problem = `${chainIdOf(period.periodId, unit.unitId)} ${day.date}: ${(error as Error).message}`;
        return isRegistryFault(error) ? { kind: 'skipped', problem } : { kind: 'failed', problem };
      }
    });
    return { outcomes, unplaced: skipped.map((problem) => `${period.periodId} ${day.date}: ${problem}`) };
  };

  return async (options: CheckZeroReportsOptions = {}): Promise<CheckZeroReportsResult> => {
    const now = deps.clock.now();
    const run = runOf(options, now);
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

    const due = await daysDue(now, errors);
    totals.daysDeferred = Math.max(0, due.length - maxDaysPerRun);
    for (const { period, day } of due.slice(0, maxDaysPerRun)) {
      if (run.stopped()) {
        totals.daysDeferred += 1;
        continue;
      }
      totals.daysChecked += 1;
      try {
        const { outcomes, unplaced } = await checkDay(run, period, day);
        skipped.push(...unplaced);
        for (const outcome of outcomes) {
          switch (outcome.kind) {
            case 'missed':
              if (outcome.recordedNow) totals.missed += 1;
              if (outcome.notice === 'told') totals.notified += 1;
              if (outcome.notice === 'nobody-on-duty' || outcome.notice === 'publish-failed')
                totals.notifyFailures += 1;
              break;
            case 'deferred':
              totals.unitsDeferred += 1;
              break;
            case 'skipped':
              skipped.push(outcome.problem);
              break;
            case 'failed':
              errors.push(outcome.problem);
              break;
          }
        }
        if (outcomes.every(isSettled)) {
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
