/**
 * Duty periods and the zero-report logs: per unit and duty period, a hash-chained log of daily
 * reports, misses and notifications, appended as the incident log is (conditional writes only).
 */
import type { DutyPeriod, ZeroChainAppend, ZeroChainState, ZeroReportEvent } from '../domain/zero-reports';

/** Someone else appended to the chain first: recompute from the new head and try again. */
export class ChainConflict extends Error {
  constructor(
    readonly periodId: string,
    readonly unit: string,
  ) {
    super(`the zero-report log of ${unit} in ${periodId} changed while this change was being made`);
    this.name = 'ChainConflict';
  }
}

/** A duty period was activated in the same provinces after the activation read them: decide again. */
export class PeriodsChanged extends Error {
  constructor(readonly provinces: readonly string[]) {
    super(`the duty periods of ${provinces.join(', ')} changed while an activation was being decided`);
    this.name = 'PeriodsChanged';
  }
}

/**
 * Every duty period, as it stood when read, with the version of each province's period lock read
 * before it. Any new period moves the lock of every province it covers, in the same transaction as
 * the period itself, so a period created on these versions was decided on a complete view.
 */
export interface PeriodsSnapshot {
  readonly periods: readonly DutyPeriod[];
  /** Version of each asked province's period lock; 0 where none was ever taken. */
  readonly versions: Readonly<Record<string, number>>;
}

export interface ZeroReportStore {
  /** Every duty period, read after the period locks of `provinces`. */
  periodsSnapshot(provinces: readonly string[]): Promise<PeriodsSnapshot>;
  /**
   * Stores a new duty period and moves the period lock of each province its region covers, on the
   * condition that each lock is still at `versions` (from {@link periodsSnapshot}). Answers the
   * stored period instead if its id is taken.
   * @throws PeriodsChanged when another period was created in one of those provinces meanwhile
   */
  createPeriod(
    period: DutyPeriod,
    versions: Readonly<Record<string, number>>,
  ): Promise<{ readonly created: boolean; readonly period: DutyPeriod }>;
  period(periodId: string): Promise<DutyPeriod | undefined>;
  /** Every duty period ever activated. */
  periods(): Promise<readonly DutyPeriod[]>;
  /** The days of a period whose cut-off check is complete: every miss recorded and its office told. */
  checkedDays(periodId: string): Promise<ReadonlySet<string>>;
  /** Records that a day's check is complete (once; a second record is ignored). */
  markChecked(periodId: string, date: string, at: string): Promise<void>;
  /** The head of a unit's log in a period. */
  head(periodId: string, unit: string): Promise<ZeroChainState | undefined>;
  /** The heads of several units' logs in a period, by unit; units without a log are absent. */
  heads(periodId: string, units: readonly string[]): Promise<ReadonlyMap<string, ZeroChainState>>;
  /** A unit's log in a period, in sequence order. */
  events(periodId: string, unit: string): Promise<readonly ZeroReportEvent[]>;
  /**
   * Appends the events and replaces the head in one transaction, on the condition that the head is
   * still at `expectedVersion` (or absent, for null).
   * @throws ChainConflict
   */
  append(change: ZeroChainAppend): Promise<void>;
}
