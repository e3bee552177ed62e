import type { CountyRegistryHistory } from '../domain/unit-registry';
import type { ReportingUnit } from '../domain/zero-reports';

/**
 * The registry of reporting units, filed by county and kept through time: who owes zero reports in
 * a duty period, on each of its days. `at` is the instant asked about; now if not given.
 */
export interface UnitRegistry {
  /** One unit of a county, if registered there at `at`. */
  unit(county: string, unitId: string, at?: Date): Promise<ReportingUnit | undefined>;
  /** Every unit registered under one county at `at`. */
  unitsOf(county: string, at?: Date): Promise<readonly ReportingUnit[]>;
  /** A county's every version, oldest first (none if nothing was ever imported for it). */
  historyOf(county: string): Promise<CountyRegistryHistory>;
  /**
   * The county each of these unit ids was last imported into, by unit id; ids registered nowhere
   * are absent. A unit id is registered in one county at most: its id is national.
   */
  countiesOf(unitIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /**
   * Puts on record what these counties hold from `effectiveAt` (default now) on: a new version of
   * each, leaving every version before it as it was, and points each unit id at its county. The
   * caller has checked that no unit given is registered in a county not replaced ({@link countiesOf}).
   */
  replaceCounties(counties: readonly string[], units: readonly ReportingUnit[], effectiveAt?: Date): Promise<void>;
}
