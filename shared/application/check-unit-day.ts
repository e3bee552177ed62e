/**
 * One unit's day at the cut-off check: a unit that has not filed on time gets its miss recorded,
 * once, and its county office is told of it when due.
 */
import {
  CUTOFF_CHECK_ACTOR,
  type DayRecord,
  type DutyPeriod,
  type OwedDay,
  type ReportingUnit,
  type ZeroChainState,
} from '../domain/zero-reports';
import type { OfficerDirectory } from '../ports/officer-directory';
import type { UnitRegistry } from '../ports/unit-registry';
import { type MissNotice, makeTellOfficeOfMiss, type TellOfficeOfMissDeps } from './tell-office-of-miss';
import { appendToUnitLog, missedData, unitLogOf } from './zero-report-log';

/** What became of one unit's day. */
export type UnitDayOutcome =
  /** Filed on time: nothing is owed. */
  | { readonly kind: 'owes-nothing' }
  /**
   * A miss is on record (`recordedNow`: by this check), and `notice` says how its office stands:
   * told or given up on before (`settled-before`), not due to be told again yet (`not-due`), or
   * what came of telling it now.
   */
  | {
      readonly kind: 'missed';
      readonly recordedNow: boolean;
      readonly notice: MissNotice | 'settled-before' | 'not-due';
    }
  /** Neither filed nor missed, which a completed append does not leave: looked at again next run. */
  | { readonly kind: 'unresolved' };

export interface CheckUnitDayDeps extends TellOfficeOfMissDeps {
  readonly registry: UnitRegistry;
  /**
   * How long a recorded miss waits before another run tells its office. The run that records a
   * miss tells the office at once; this covers a run that stopped in between, and a miss recorded
   * with a late filing, without two overlapping runs both telling it. A failed publish is tried
   * again after half of it, doubling.
   * @default 120_000
   */
  readonly notifyRetryAfterMs?: number;
}

export interface UnitDay {
  readonly period: DutyPeriod;
  readonly day: OwedDay;
  readonly unit: ReportingUnit;
  /** The head of the unit's log as the run read it with the other units' (none if it has no log yet). */
  readonly head: ZeroChainState | undefined;
}

/**
 * Checks one unit's day, whose cut-off and grace have passed: records its miss unless it filed on
 * time, and tells its office of a miss nobody has told it of, when due. `now` is when the run
 * started; `directory` is the run's, read once per office.
 */
export const makeCheckUnitDay = (deps: CheckUnitDayDeps) => {
  const retryAfter = deps.notifyRetryAfterMs ?? 120_000;
  const tellOffice = makeTellOfficeOfMiss(deps);

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

  return async (
    unitDay: UnitDay,
    run: { readonly now: Date; readonly directory: Pick<OfficerDirectory, 'ofOffice'> },
  ): Promise<UnitDayOutcome> => {
    const { period, day, unit, head } = unitDay;
    let state = head;
    let recordedNow = false;
    const known = state?.days[day.date];
    // Filed on time: nothing owed. A late filing is no settlement: the miss stays, and the office
    // hears of it — even if the unit has filed since it was recorded.
    if (known?.filedSeq !== undefined && !known.late && known.missedSeq === undefined) return { kind: 'owes-nothing' };
    if (known?.missedSeq === undefined) {
      const result = await appendToUnitLog(deps, {
        log: unitLogOf(period.periodId, unit),
        actor: CUTOFF_CHECK_ACTOR,
        now: deps.clock.now(),
        decide: (h) => {
          const record = h?.days[day.date];
          if (record?.missedSeq !== undefined) return [];
          if (record?.filedSeq !== undefined && !record.late) return [];
          return [{ type: 'DailyReportMissed', data: missedData(day, unit) }];
        },
        known: { head },
        dayCutoffAt: day.cutoffAt,
      });
      state = result.state;
      recordedNow = result.appended;
    }
    const record = state?.days[day.date];
    // Filed on time in the meantime, before any miss was recorded: nothing is owed.
    if (!state || !record || record.missedSeq === undefined) {
      return record?.filedSeq !== undefined ? { kind: 'owes-nothing' } : { kind: 'unresolved' };
    }
    if (record.notifiedAt !== undefined || record.notifyGaveUp) {
      return { kind: 'missed', recordedNow, notice: 'settled-before' };
    }
    if (!recordedNow && !notifyDue(record, run.now)) return { kind: 'missed', recordedNow, notice: 'not-due' };
    const notice = await tellOffice(
      { period, day, unit, head: state, record: { ...record, missedSeq: record.missedSeq } },
      run.directory,
    );
    return { kind: 'missed', recordedNow, notice };
  };
};
