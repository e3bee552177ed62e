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

export interface ZeroReportStore {
  /** Stores a new duty period; answers the stored one instead if its id is taken. */
  createPeriod(period: DutyPeriod): Promise<{ readonly created: boolean; readonly period: DutyPeriod }>;
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
