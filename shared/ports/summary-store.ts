import type { DutyDay, DutyStanding } from '../domain/audit/duty-counters';
import type { SummaryKey } from '../domain/rollup';

/** One summary item as stored: its key, its counters, and how often it has been written. */
export interface SummaryItem {
  readonly key: SummaryKey;
  readonly counters: Readonly<Record<string, number>>;
  /** Writes to this item so far: how hot it is (the roll-up batches to keep this low). */
  readonly writes: number;
}

/** One office's punctuality counters for one incident day (`domain/audit/duty-counters.ts`). */
export interface DutyDayItem {
  readonly key: DutyDay;
  readonly counters: Readonly<Record<string, number>>;
}

/** Counters to add to (or, in reconciliation, to put as) one office-day. */
export interface DutyDayChange {
  readonly key: DutyDay;
  readonly counters: ReadonlyMap<string, number>;
}

/** Some of the events were applied by someone else meanwhile: filter again and retry. */
export class AlreadyApplied extends Error {
  constructor() {
    super('some events of this batch were applied meanwhile');
    this.name = 'AlreadyApplied';
  }
}

/** The roll-up summaries and the record of which events they already contain. */
export interface SummaryStore {
  /** Which of these event ids (`<incident>#<seq>`) are already in the summaries. */
  appliedOf(eventIds: readonly string[]): Promise<ReadonlySet<string>>;
  /**
   * Adds counters to summary items and records the events as applied, atomically, on the
   * condition that none of them was applied before.
   * @throws AlreadyApplied
   */
  apply(
    eventIds: readonly string[],
    items: readonly { key: SummaryKey; counters: ReadonlyMap<string, number> }[],
  ): Promise<void>;
  /** The days of one region from `from` to `to` (inclusive; all its days when neither is given). */
  read(region: string, days: { readonly from?: string; readonly to?: string }): Promise<readonly SummaryItem[]>;
  /** Every summary item (reconciliation). */
  all(): Promise<readonly SummaryItem[]>;
  /** The kept standing of each of these duties that has one, by obligation id. */
  dutyStandings(
    duties: readonly { readonly incidentId: string; readonly obligationId: string }[],
  ): Promise<ReadonlyMap<string, DutyStanding>>;
  /**
   * Keeps new standings of duties and adds to office-days' counters, atomically, on the condition
   * that each duty's kept standing is still the one given as `from` (none, for a duty without one).
   * @throws AlreadyApplied
   */
  moveDuties(
    moves: readonly { readonly to: DutyStanding; readonly from?: DutyStanding }[],
    days: readonly DutyDayChange[],
  ): Promise<void>;
  /** Every duty's kept standing (reconciliation). */
  allDutyStandings(): Promise<readonly DutyStanding[]>;
  /** One office's punctuality counters from day `from` to day `to`, inclusive. */
  dutyDays(office: string, days: { readonly from: string; readonly to: string }): Promise<readonly DutyDayItem[]>;
  /** Every office-day's punctuality counters (reconciliation). */
  allDutyDays(): Promise<readonly DutyDayItem[]>;
  /** Replaces office-days with exact counters, removes others, and keeps standings (reconciliation's repair). */
  overwriteDutyDays(
    items: readonly DutyDayChange[],
    remove: readonly DutyDay[],
    standings: readonly DutyStanding[],
  ): Promise<void>;
  /** Replaces items with exact counters and marks the events applied (reconciliation's repair). */
  overwrite(
    items: readonly { key: SummaryKey; counters: ReadonlyMap<string, number> }[],
    remove: readonly SummaryKey[],
    applied: readonly string[],
  ): Promise<void>;
}
