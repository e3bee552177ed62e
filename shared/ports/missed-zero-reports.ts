/**
 * Zero reports not filed by their cut-off, as the accountability views read them. Implemented by
 * the zero-report store; read by the inspectors' missed list.
 */
import type { ZeroReportMiss } from '../domain/audit/rows';

/** A miss as the store records it, and when (if yet) the county office was told of it. */
export type MissedZeroReport = ZeroReportMiss & {
  readonly notifiedAt?: string;
};

export interface MissedZeroReports {
  /** Misses of units inside `region` whose cut-off fell between `from` and `to` (ISO instants), oldest first. */
  missedIn(region: string, from: string, to: string): Promise<readonly MissedZeroReport[]>;
}
