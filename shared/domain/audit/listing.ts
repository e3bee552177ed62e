/**
 * What an accountability list asks: the kinds of duty it can hold, the period it covers, the
 * jurisdiction and office it is narrowed to, and where a page of it ended.
 */
import { ValidationError } from '../errors';
import type { Grade } from '../grade';
import type { Handover } from '../policy/policy';

/**
 * The hand-overs an office's obligation can be for. A unit's own report to its county is not an
 * obligation of an office: it is the kind `unit-report`.
 */
export const OBLIGATION_HANDOVERS = [
  'countyToCity',
  'cityToProvince',
  'provinceToNational',
  'publicHealthProvinceToNational',
  'skipLevelPhone',
  'skipLevelWritten',
  'naturalDisasterDirect',
  'correction',
] as const satisfies readonly Handover[];
export type ObligationHandover = (typeof OBLIGATION_HANDOVERS)[number];

// A hand-over added to the policy must be added above, or the audit could not be filtered by it:
// this stops compiling when one is missing.
const _everyHandoverListed: Record<Exclude<Handover, ObligationHandover | 'unitToCounty'>, never> = {};

/** What the late list can hold: offices' hand-overs met late, and units' late initial reports. */
export const LATE_KINDS = [...OBLIGATION_HANDOVERS, 'unit-report'] as const;
/**
 * What the missed list can hold: offices' hand-overs never met, zero reports never filed by the
 * cut-off, and required elements a closed incident's reports never supplied.
 */
export const MISSED_KINDS = [...OBLIGATION_HANDOVERS, 'zero-report', 'required-element'] as const;
export type AuditKind = ObligationHandover | 'unit-report' | 'zero-report' | 'required-element';

export type AuditList = 'late' | 'missed';

/** How far back the views look when the inspector does not say. */
export const DEFAULT_AUDIT_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * The period an audit covers: `to` defaults to now and `from` to {@link DEFAULT_AUDIT_DAYS} days
 * before `to`. Both are ISO instants.
 * @throws ValidationError when `from` falls after `to` (given or defaulted)
 */
export const auditPeriod = (now: Date, from?: string, to?: string): { readonly from: string; readonly to: string } => {
  const end = to ?? now.toISOString();
  const start = from ?? new Date(Date.parse(end) - DEFAULT_AUDIT_DAYS * DAY_MS).toISOString();
  if (start > end) {
    throw new ValidationError('the period ends before it starts', [
      { field: 'from', problem: `is after to (${end}${to ? '' : ', which defaults to now'})` },
    ]);
  }
  return { from: start, to: end };
};

/**
 * What a list holds: the duties of the offices inside `region` (the jurisdiction audited, never an
 * office above it), narrowed to one office (a six-digit code inside the region), one kind, the
 * incidents of one grade, or the duties of one reporting unit (its own late report, its zero
 * reports, the required elements its final report lacked — never an office's duty).
 */
export interface AuditFilter {
  readonly region: string;
  readonly office?: string;
  readonly kind?: AuditKind;
  readonly grade?: Grade;
  readonly unit?: string;
}

/**
 * Everything that shapes a late or missed list. A cursor carries it, so that every page of a
 * listing answers the question its first page answered, even when `to` defaulted to a now that has
 * since moved on.
 */
export interface AuditListing {
  readonly region: string;
  /** ISO instants, as resolved on the first page. */
  readonly from: string;
  readonly to: string;
  readonly office?: string;
  readonly kind?: AuditKind;
  readonly grade?: Grade;
  readonly unit?: string;
}

/** A missed zero report by what identifies it: the unit, the duty period and the day it was owed for. */
export interface ZeroReportPosition {
  readonly periodId: string;
  readonly unit: string;
  readonly date: string;
}

/**
 * Where a page of a late or missed list ended: in the incident index (at the store's own,
 * opaque position) or among the missed zero reports (after the one last given, or at their start).
 */
export type AuditCursor = AuditListing &
  (
    | { readonly phase: 'incidents'; readonly after: Readonly<Record<string, string>> }
    | { readonly phase: 'zero-reports'; readonly after?: ZeroReportPosition }
  );
