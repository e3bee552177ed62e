/** The required elements of a report that a closed incident never got. */
import type { ReportSubmittedData } from '../incident';

/**
 * The elements of a report (docs/domain.md#report-contents) that the report schema lets a quick
 * report leave out, and whose absence the reports record. The others are required of every report
 * (the schema refuses a report without them), or optional by law (coordinates; the grade, which
 * the office assesses), or cannot be told from a deliberate zero (trapped defaults to 0).
 */
export const REQUIRED_ELEMENTS = ['measuresTaken', 'seriouslyInjured', 'unknowns'] as const;
export type RequiredElement = (typeof REQUIRED_ELEMENTS)[number];

/** The required elements a closed incident never got, and the final report that closed it without them. */
export interface MissingElements {
  readonly reportId: string;
  readonly receivedAt: string;
  /** The unit that sent the final report: it answers for the elements it left out. */
  readonly unit: string;
  /** The office that received the final report. */
  readonly office: string;
  readonly missing: readonly RequiredElement[];
}

/**
 * A quick first report may be incomplete, but the missing elements then owe a follow-up
 * (docs/domain.md#report-contents); the final report closes the incident and nothing can follow it, so what is missing
 * then was never supplied — a missed report ("required elements left out"). Precisely, from the
 * incident's ReportSubmitted records, with `final` the report that closed it:
 *
 * - `measuresTaken`: no report, the final included, said what measures were taken. Measures are an
 *   account that grows from report to report, so one given earlier counts as supplied.
 * - `seriouslyInjured`: the final report counts injured (> 0) but leaves the seriously injured
 *   unknown (null). Every report carries the figures in full, so only the final's count stands,
 *   and Decree 493 grades on the seriously injured.
 * - `unknowns`: the final report still says something is unknown (non-empty): an element it names
 *   was never established.
 *
 * Undefined when nothing is missing (or there is no such final report).
 */
export const missingElementsOf = (
  reports: readonly ReportSubmittedData[],
  finalReportId: string,
): MissingElements | undefined => {
  const final = reports.find((r) => r.reportId === finalReportId);
  if (!final) return undefined;
  const missing: RequiredElement[] = [];
  // Nothing can follow the final report: these are all the incident's reports.
  if (reports.every((r) => r.measuresTaken.trim() === '')) missing.push('measuresTaken');
  if (final.figures.injured > 0 && final.figures.seriouslyInjured === null) missing.push('seriouslyInjured');
  if (final.unknowns.trim() !== '') missing.push('unknowns');
  if (missing.length === 0) return undefined;
  return {
    reportId: final.reportId,
    receivedAt: final.receivedAt,
    unit: final.reporter.unit,
    office: final.office,
    missing,
  };
};
