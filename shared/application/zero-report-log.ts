/**
 * A unit's zero-report log in a duty period: the one way the filing and the cut-off check append to
 * it. Each unit's reports in a period form one hash-chained log, appended with conditional writes:
 * concurrent or repeated appends decide again on the fresh head, so a miss is recorded exactly once
 * and a filing retried after a timeout gets the first answer back.
 */

import type { Actor } from '../domain/access';
import { ConflictError } from '../domain/errors';
import {
  countyOfficeOf,
  type OwedDay,
  type ReportingUnit,
  sealZeroEvents,
  type ZeroChainState,
  type ZeroReportDraft,
} from '../domain/zero-reports';
import type { UnitRegistry } from '../ports/unit-registry';
import { ChainConflict, type ZeroReportStore } from '../ports/zero-report-store';
import { retryOnConflict } from './retry-on-conflict';

/** Whose log: the unit, in one duty period, as its county registered it. */
export type UnitLog = Pick<ZeroChainState, 'periodId' | 'unit' | 'unitName' | 'county'>;

export const unitLogOf = (periodId: string, unit: ReportingUnit): UnitLog => ({
  periodId,
  unit: unit.unitId,
  unitName: unit.name,
  county: unit.county,
});

/** The miss of a unit's day, as the check and a late filing record it. */
export const missedData = (day: OwedDay, unit: ReportingUnit) => ({
  date: day.date,
  cutoffAt: day.cutoffAt,
  unitName: unit.name,
  office: countyOfficeOf(unit.county),
});

export interface UnitLogDeps {
  readonly store: ZeroReportStore;
  /**
   * The registry through time, asked only when a log's head names another county than the one
   * appending: a unit moved out of that county keeps its one log for the period (see `appendToUnitLog`).
   */
  readonly registry?: Pick<UnitRegistry, 'unit'>;
  /** How often to decide again when someone else appends first. @default 20 */
  readonly maxAttempts?: number;
}

export interface UnitLogAppend {
  readonly log: UnitLog;
  readonly actor: Actor;
  /** When the events happened, as they record it. */
  readonly now: Date;
  /** The events to append on `head`; none when there is nothing (left) to do. */
  readonly decide: (head: ZeroChainState | undefined) => readonly ZeroReportDraft[];
  /** A head the caller has just read, decided on first. */
  readonly known?: { readonly head: ZeroChainState | undefined };
  /** The cut-off of the day appended for: when the registry is asked where the unit was. */
  readonly dayCutoffAt?: string;
}

/** The head after the append, and whether `decide` asked for anything. */
export interface UnitLogAppended {
  readonly state: ZeroChainState | undefined;
  readonly appended: boolean;
}

/**
 * Appends what `decide` asks for to a unit's log, deciding again on the fresh head whenever
 * someone else appended first. `decide` returns no drafts when there is nothing (left) to do,
 * which makes every caller safe to repeat. A head the caller has just read (`known`) is decided on
 * first, saving a read; a stale one only costs a conflict.
 */
export const appendToUnitLog = (deps: UnitLogDeps, append: UnitLogAppend): Promise<UnitLogAppended> => {
  const { log, actor, now, decide, known } = append;
  /**
   * Whether the unit had left the county its log last wrote for by the day appended for: then the
   * log follows it (this system's choice: one log per unit and period, each entry naming the county
   * the unit was registered in that day), rather than two counties writing one unit's log at once.
   */
  const movedFrom = async (county: string): Promise<boolean> =>
    deps.registry !== undefined &&
    append.dayCutoffAt !== undefined &&
    (await deps.registry.unit(county, log.unit, new Date(append.dayCutoffAt))) === undefined;
  return retryOnConflict(
    async (attempt) => {
      const head = attempt === 1 && known ? known.head : await deps.store.head(log.periodId, log.unit);
      if (head && head.county !== log.county && !(await movedFrom(head.county))) {
        // Unit ids are national (e.g. a unified social credit code); two counties claiming one would
        // merge two units' evidence into one log, so neither gets to write.
        throw new ConflictError(
          `unit ${log.unit} is registered in ${log.county}, but its log in ${log.periodId} belongs to ${head.county}`,
          'unit-registered-twice',
        );
      }
      const drafts = decide(head);
      if (drafts.length === 0) return { state: head, appended: false };
      const change = sealZeroEvents(head, log, drafts, { actor, now });
      await deps.store.append(change);
      return { state: change.state, appended: true };
    },
    {
      attempts: deps.maxAttempts ?? 20,
      isConflict: (error) => error instanceof ChainConflict,
      giveUp: () => new ConflictError(`the log of ${log.unit} is busy; send the request again`, 'busy'),
    },
  );
};
