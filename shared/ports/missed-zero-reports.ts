/**
 * Zero reports not filed by their cut-off, as the accountability views read them. Implemented by
 * the zero-report store; read by the inspectors' missed-report list.
 */
export interface MissedZeroReport {
  readonly periodId: string;
  readonly unit: string;
  readonly unitName: string;
  /** The unit's county: the office told of the miss, and the one the audit files it under. */
  readonly county: string;
  /** The day the report was owed for (China time), `YYYY-MM-DD`. */
  readonly date: string;
  /** The cut-off that passed, as an instant. */
  readonly cutoffAt: string;
  /** When the check recorded the miss. */
  readonly missedAt: string;
  /** When the unit filed after all, if it did. */
  readonly filedLateAt?: string;
  /** When the county office was told, if it has been. */
  readonly notifiedAt?: string;
}

export interface MissedZeroReports {
  /** Misses of units inside `region` whose cut-off fell between `from` and `to` (ISO instants), oldest first. */
  missedIn(region: string, from: string, to: string): Promise<readonly MissedZeroReport[]>;
}
