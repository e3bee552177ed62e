import type { ReportingUnit } from '../domain/zero-reports';

/** The registry of reporting units, filed by county: who owes zero reports in a duty period. */
export interface UnitRegistry {
  /** One unit of a county, if registered. */
  unit(county: string, unitId: string): Promise<ReportingUnit | undefined>;
  /** Every unit registered under one county. */
  unitsOf(county: string): Promise<readonly ReportingUnit[]>;
  /** Replaces everything registered under these counties with the units given for them. */
  replaceCounties(counties: readonly string[], units: readonly ReportingUnit[]): Promise<void>;
}
