import type { ReportingUnit } from '../domain/zero-reports';

/** The registry of reporting units, filed by county: who owes zero reports in a duty period. */
export interface UnitRegistry {
  /** One unit of a county, if registered. */
  unit(county: string, unitId: string): Promise<ReportingUnit | undefined>;
  /** Every unit registered under one county. */
  unitsOf(county: string): Promise<readonly ReportingUnit[]>;
  /**
   * The county each of these unit ids is registered in, by unit id; ids registered nowhere are
   * absent. A unit id is registered in one county at most: its id is national.
   */
  countiesOf(unitIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /**
   * Replaces everything registered under these counties with the units given for them, and points
   * each unit id at its county. The caller has checked that no unit given is registered in a county
   * not replaced ({@link countiesOf}).
   */
  replaceCounties(counties: readonly string[], units: readonly ReportingUnit[]): Promise<void>;
}
