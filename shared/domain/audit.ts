/**
 * The inspectors' accountability views (docs/domain.md#the-four-failures): which
 * hand-overs were late, which were missed, which required elements a closed incident never got,
 * who answered for each, and how punctual each office is. Pure rules over incident heads — a head
 * carries every obligation with its deadline and outcome, so no event log is read for them — over
 * the reports of closed incidents, and over the officer directory.
 */
import { ValidationError } from './errors';
import type { Grade } from './grade';
import type { IncidentEvent, IncidentState, ReportSubmittedData, UnitReportLateData } from './incident';
import type { Obligation } from './obligation';
import { type Officer, type OfficerRole, peopleFor, type Shift } from './officers';
import { type Category, formatDuration, type Handover } from './policy/policy';
import {
  chainOf,
  childrenOf,
  firstOfficeOf,
  isWithin,
  type Region,
  type RegionLevel,
  regionOf,
} from './regions/regions';

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

/** How an obligation turned out, as the accountability views count it. */
export type Outcome = 'on-time' | 'late' | 'missed' | 'pending' | 'waived';

/**
 * How late a met obligation was met, 0 when on time. The head records it at the forward; an older
 * head without it is read from the two times.
 */
export const delayOf = (o: Obligation): number =>
  o.lateByMs ?? Math.max(0, Date.parse(o.metAt ?? o.dueAt) - Date.parse(o.dueAt));

/**
 * Met late includes an obligation met after it was marked missed (the pipeline escalated past the
 * office and the office forwarded later): the office did report, late. Missed is only what was
 * never met. Pending and waived duties are neither late nor missed.
 */
export const outcomeOf = (o: Obligation): Outcome => {
  switch (o.status) {
    case 'met':
      return delayOf(o) > 0 ? 'late' : 'on-time';
    case 'missed':
      return 'missed';
    case 'pending':
      return 'pending';
    case 'waived':
      return 'waived';
  }
};

/**
 * What a list holds: the duties of the offices inside `region` (the jurisdiction audited, never an
 * office above it), narrowed to one office (a six-digit code inside the region) or one kind.
 */
export interface AuditFilter {
  readonly region: string;
  readonly office?: string;
  readonly kind?: AuditKind;
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

/** An office as the views name it; `name` is the official Chinese name of its division. */
export interface OfficeOnRecord {
  readonly level: RegionLevel;
  readonly code: string;
  readonly name: string;
}

const officeOnRecord = (code: string): OfficeOnRecord => {
  const { level, name } = regionOf(code);
  return { level, code, name };
};

/** One late or missed duty, before the people who answer for it are looked up. */
export interface AuditEntry {
  readonly kind: AuditKind;
  /** Null for a zero report, which belongs to no incident. */
  readonly incident: {
    readonly id: string;
    readonly region: string;
    readonly category: Category;
    readonly grade: Grade;
  } | null;
  /**
   * The office that held the obligation; for a unit's report or zero report, the county office it
   * was owed to.
   */
  readonly office: OfficeOnRecord;
  /**
   * The unit that owed the report (unit-report, zero-report and required-element rows); null for an
   * office's duty.
   */
  readonly unit: { readonly id: string; readonly name: string | null } | null;
  readonly obligationId: string | null;
  /** The duty period and day a missed zero report was owed for. */
  readonly zeroReport: { readonly periodId: string; readonly date: string } | null;
  /** For a required element never supplied: the final report that closed the incident without it. */
  readonly finalReport: {
    readonly reportId: string;
    readonly receivedAt: string;
    readonly missingElements: readonly RequiredElement[];
  } | null;
  readonly deadline: string;
  /** When the duty was met after all, if it ever was. */
  readonly metAt: string | null;
  /** When the deadline was recorded as missed, if it was. */
  readonly missedAt: string | null;
  /** How late it was met; null when it was never met. */
  readonly lateByMs: number | null;
  /** {@link lateByMs} for people: `1h5m`, `2m30s`, `750ms`. */
  readonly lateBy: string | null;
  /** Whether the pipeline escalated past the silent office. */
  readonly autoEscalated: boolean;
}

const incidentOf = (state: IncidentState): NonNullable<AuditEntry['incident']> => ({
  id: state.incidentId,
  region: state.regionCode,
  category: state.category,
  grade: state.grade,
});

const lateness = (ms: number | null) => ({ lateByMs: ms, lateBy: ms === null ? null : formatDuration(ms) });

const byDeadline = (a: { readonly dueAt: string; readonly handover: string }, b: typeof a): number =>
  a.dueAt.localeCompare(b.dueAt) || a.handover.localeCompare(b.handover);

const OUTCOME_LISTED: Readonly<Record<AuditList, Outcome>> = { late: 'late', missed: 'missed' };

/** Whether a duty held by (or owed to) `office` belongs on a list under the filter. */
const officeMatches = (office: string, filter: AuditFilter): boolean =>
  isWithin(office, filter.region) && (filter.office === undefined || office === filter.office);

/**
 * The incident's obligations that belong on a list, earliest deadline first. An incident inside
 * the region also carries the duties of the offices above it (a county's incident, its city's
 * cityToProvince): those are not the region's, and its inspector neither sees nor names them.
 */
export const obligationsOn = (list: AuditList, state: IncidentState, filter: AuditFilter): Obligation[] =>
  state.obligations
    .filter(
      (o) =>
        outcomeOf(o) === OUTCOME_LISTED[list] &&
        officeMatches(o.office, filter) &&
        (filter.kind === undefined || o.handover === filter.kind),
    )
    .sort(byDeadline);

/** The office a unit's report goes to first: its county, or its city where there is no county. */
const firstOfficeOfIncident = (state: IncidentState): string => firstOfficeOf(chainOf(state.regionCode)).code;

/** Whether the incident's initial report, late from its unit, belongs on a list. */
export const hasLateUnitReport = (list: AuditList, state: IncidentState, filter: AuditFilter): boolean =>
  list === 'late' &&
  state.unitLate &&
  (filter.kind === undefined || filter.kind === 'unit-report') &&
  officeMatches(firstOfficeOfIncident(state), filter);

/**
 * Whether the incident may have a required-element row on a list: only a closed incident can, and
 * only its reports tell ({@link missingElementsOf}), so this says whose log must be read.
 */
export const mayLackElements = (list: AuditList, state: IncidentState, filter: AuditFilter): boolean =>
  list === 'missed' &&
  state.status === 'closed' &&
  (filter.kind === undefined || filter.kind === 'required-element') &&
  officeMatches(firstOfficeOfIncident(state), filter);

/**
 * What an incident's log adds to its head's rows. Each is present once the log has been read, and
 * `missingElements` is null when the log shows nothing missing.
 */
export interface IncidentLogFacts {
  readonly unitLate?: UnitReportLateData;
  readonly missingElements?: MissingElements | null;
}

/** What the rows of a list need from an incident's log. */
export const logFactsOf = (events: readonly IncidentEvent[]): IncidentLogFacts => {
  const late = events.find((e) => e.type === 'UnitReportLate');
  const closed = events.find((e) => e.type === 'IncidentClosed');
  const reports = events.flatMap((e) => (e.type === 'ReportSubmitted' ? [e.data] : []));
  return {
    ...(late?.type === 'UnitReportLate' ? { unitLate: late.data } : {}),
    missingElements:
      closed?.type === 'IncidentClosed' ? (missingElementsOf(reports, closed.data.reportId) ?? null) : null,
  };
};

const requiredElementOn = (
  list: AuditList,
  state: IncidentState,
  filter: AuditFilter,
  facts: IncidentLogFacts,
): MissingElements | undefined => {
  if (!mayLackElements(list, state, filter)) return undefined;
  if (facts.missingElements === undefined) {
    throw new Error(`incident ${state.incidentId} is closed but its reports were not read`);
  }
  const missing = facts.missingElements;
  return missing !== null && officeMatches(missing.office, filter) ? missing : undefined;
};

/**
 * How many rows an incident puts on a list: what a page is cut by. Needs the log's facts only for
 * a closed incident on the missed list ({@link mayLackElements}).
 */
export const rowCountOn = (
  list: AuditList,
  state: IncidentState,
  filter: AuditFilter,
  facts: IncidentLogFacts = {},
): number =>
  obligationsOn(list, state, filter).length +
  (hasLateUnitReport(list, state, filter) ? 1 : 0) +
  (requiredElementOn(list, state, filter, facts) ? 1 : 0);

export const obligationEntry = (state: IncidentState, o: Obligation): AuditEntry => ({
  // No office holds a unitToCounty obligation; if one ever did, it is the unit's report by kind.
  kind: o.handover === 'unitToCounty' ? 'unit-report' : o.handover,
  incident: incidentOf(state),
  office: officeOnRecord(o.office),
  unit: null,
  obligationId: o.obligationId,
  zeroReport: null,
  finalReport: null,
  deadline: o.dueAt,
  metAt: o.metAt ?? null,
  missedAt: o.missedAt ?? null,
  ...lateness(o.status === 'met' ? delayOf(o) : null),
  autoEscalated: o.escalatedAt !== undefined,
});

/**
 * A unit's initial report received more than the limit after the incident was learned of. The
 * figures come from the UnitReportLate event, because the head only says that it was late and a
 * follow-up report may since have corrected the time the incident was learned of.
 */
export const unitReportEntry = (state: IncidentState, late: UnitReportLateData): AuditEntry => ({
  kind: 'unit-report',
  incident: incidentOf(state),
  office: officeOnRecord(late.office),
  unit: { id: late.unit, name: null },
  obligationId: null,
  zeroReport: null,
  finalReport: null,
  deadline: new Date(Date.parse(late.learnedAt) + late.limitMs).toISOString(),
  metAt: late.receivedAt,
  missedAt: null,
  ...lateness(late.lateByMs),
  autoEscalated: false,
});

// --- required elements ---------------------------------------------------------------------

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

/**
 * A closed incident lacking required elements. The unit that sent the final report answers for
 * them, and the final report is the deadline: the last report that could have supplied them. The
 * duty officer named is the receiving office's at that moment, who accepted the final as it was.
 */
export const requiredElementEntry = (state: IncidentState, missing: MissingElements): AuditEntry => ({
  kind: 'required-element',
  incident: incidentOf(state),
  office: officeOnRecord(missing.office),
  unit: { id: missing.unit, name: null },
  obligationId: null,
  zeroReport: null,
  finalReport: { reportId: missing.reportId, receivedAt: missing.receivedAt, missingElements: missing.missing },
  deadline: missing.receivedAt,
  metAt: null,
  missedAt: missing.receivedAt,
  ...lateness(null),
  autoEscalated: false,
});

/**
 * The rows an incident puts on a list, earliest deadline first. `facts` must hold the log's
 * UnitReportLate when the incident has a late unit report on the list, and its missing elements
 * when it is a closed incident on the missed list.
 */
export const entriesOf = (
  list: AuditList,
  state: IncidentState,
  filter: AuditFilter,
  facts: IncidentLogFacts = {},
): AuditEntry[] => {
  const entries = obligationsOn(list, state, filter).map((o) => obligationEntry(state, o));
  if (hasLateUnitReport(list, state, filter)) {
    if (!facts.unitLate)
      throw new Error(`incident ${state.incidentId} is marked late from its unit but has no UnitReportLate`);
    entries.push(unitReportEntry(state, facts.unitLate));
  }
  const missing = requiredElementOn(list, state, filter, facts);
  if (missing) entries.push(requiredElementEntry(state, missing));
  return entries.sort((a, b) => a.deadline.localeCompare(b.deadline) || a.kind.localeCompare(b.kind));
};

/** A zero report not filed by its cut-off, as the zero-report store records the miss. */
export interface ZeroReportMiss {
  readonly periodId: string;
  readonly unit: string;
  readonly unitName: string;
  /** The unit's county: the office told of the miss, and the one the audit files it under. */
  readonly county: string;
  /** The day the report was owed for (China time), `YYYY-MM-DD`. */
  readonly date: string;
  /** The cut-off that passed, as an instant. */
  readonly cutoffAt: string;
  /** When the miss was recorded. */
  readonly missedAt: string;
  /** When the unit filed after all, if it did. */
  readonly filedLateAt?: string;
}

/** Whether a missed zero report belongs on the missed list under a filter. */
export const zeroReportMatches = (miss: ZeroReportMiss, filter: AuditFilter): boolean =>
  (filter.kind === undefined || filter.kind === 'zero-report') && officeMatches(miss.county, filter);

/** Whether a miss is the one a zero-report position names. */
export const isAtPosition = (miss: ZeroReportMiss, at: ZeroReportPosition): boolean =>
  miss.periodId === at.periodId && miss.unit === at.unit && miss.date === at.date;

export const positionOf = (miss: ZeroReportMiss): ZeroReportPosition => ({
  periodId: miss.periodId,
  unit: miss.unit,
  date: miss.date,
});

/**
 * A zero report not filed by the cut-off is missed even if the unit filed later; the late filing
 * is shown beside it (`metAt`, `lateByMs`), as the record of what happened after.
 */
export const zeroReportEntry = (miss: ZeroReportMiss): AuditEntry => ({
  kind: 'zero-report',
  incident: null,
  office: officeOnRecord(miss.county),
  unit: { id: miss.unit, name: miss.unitName },
  obligationId: null,
  zeroReport: { periodId: miss.periodId, date: miss.date },
  finalReport: null,
  deadline: miss.cutoffAt,
  metAt: miss.filedLateAt ?? null,
  missedAt: miss.missedAt,
  ...lateness(miss.filedLateAt ? Date.parse(miss.filedLateAt) - Date.parse(miss.cutoffAt) : null),
  autoEscalated: false,
});

/** A person named in a row. */
export interface Person {
  readonly personId: string;
  readonly name: string;
}

/** One office's officers and roster, as the directory holds them. */
export interface OfficeDirectory {
  readonly officers: readonly Officer[];
  readonly roster: readonly Shift[];
}

/** A late or missed duty with the people who answer for it. */
export interface AuditRow extends AuditEntry {
  /** The office's top leader (empty for a unit's report: the unit answers for it). */
  readonly firstResponsible: readonly Person[];
  /** The office's leader in charge (empty for a unit's report). */
  readonly directlyResponsible: readonly Person[];
  /** Who was on the office's duty roster at the deadline: who was waiting for, or owed, the hand-over. */
  readonly onDutyAtDeadline: readonly Person[];
}

const person = (o: Officer): Person => ({ personId: o.personId, name: o.name });

/**
 * Names the people of the entry's office: its first and directly responsible persons for an
 * office's own duty, and for every row the duty officer(s) on the roster at the deadline. A unit's
 * report is the unit's duty, so no office leader is named as responsible for it.
 */
export const withPeople = (entry: AuditEntry, directory: OfficeDirectory): AuditRow => {
  const office = entry.office.code;
  const at = new Date(entry.deadline);
  const officeDuty = entry.unit === null;
  const named = (role: OfficerRole) => peopleFor({ office, role }, directory, at).map(person);
  return {
    ...entry,
    firstResponsible: officeDuty ? named('first-responsible') : [],
    directlyResponsible: officeDuty ? named('directly-responsible') : [],
    onDutyAtDeadline: named('duty-officer'),
  };
};

// --- punctuality ---------------------------------------------------------------------------

/** How one office (or any set of obligations) kept its deadlines. */
export interface Punctuality {
  readonly held: number;
  readonly metOnTime: number;
  readonly metLate: number;
  /** Never met. */
  readonly missed: number;
  readonly pending: number;
  readonly waived: number;
  /** metOnTime / (metOnTime + metLate + missed), unrounded; null when none of those. */
  readonly onTimeRate: number | null;
  /** Over met obligations, counting on time as 0 ms; null when none was met. See {@link median}. */
  readonly medianDelayMs: number | null;
  /** Over met obligations, counting on time as 0 ms; null when none was met. See {@link percentile}. */
  readonly p90DelayMs: number | null;
}

export interface OfficePunctuality extends Punctuality {
  readonly office: OfficeOnRecord;
}

const ascending = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);

/**
 * The middle value of the sorted values; for an even count, the mean of the two middle ones (so it
 * may end in .5 ms). Null for no values.
 */
export const median = (values: readonly number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = ascending(values);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] as number) + upper) / 2;
};

/**
 * The nearest-rank percentile: the smallest value that at least `p` of the values do not exceed,
 * i.e. the ⌈p·n⌉-th smallest. Always one of the values, never interpolated. Null for no values.
 */
export const percentile = (values: readonly number[], p: number): number | null => {
  if (values.length === 0) return null;
  const sorted = ascending(values);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1] as number;
};

/** The punctuality of a set of obligations. */
export const punctualityOf = (obligations: readonly Obligation[]): Punctuality => {
  const counts: Record<Outcome, number> = { 'on-time': 0, late: 0, missed: 0, pending: 0, waived: 0 };
  const delays: number[] = [];
  for (const o of obligations) {
    const outcome = outcomeOf(o);
    counts[outcome] += 1;
    if (outcome === 'on-time' || outcome === 'late') delays.push(delayOf(o));
  }
  const decided = counts['on-time'] + counts.late + counts.missed;
  return {
    held: obligations.length,
    metOnTime: counts['on-time'],
    metLate: counts.late,
    missed: counts.missed,
    pending: counts.pending,
    waived: counts.waived,
    onTimeRate: decided === 0 ? null : counts['on-time'] / decided,
    medianDelayMs: median(delays),
    p90DelayMs: percentile(delays, 0.9),
  };
};

/**
 * Every office in a jurisdiction: the region's own office and those of all divisions below it
 * (cities, counties), in code order — which puts each office just before the ones under it.
 */
export const officesWithin = (region: string): readonly Region[] => {
  const offices: Region[] = [];
  const visit = (code: string) => {
    const office = regionOf(code);
    if (office.level !== 'national') offices.push(office);
    for (const child of childrenOf(code)) visit(child.code);
  };
  visit(region);
  return offices.sort((a, b) => a.code.localeCompare(b.code));
};

/** Each office's punctuality over the obligations it held; an office that held none has zeros. */
export const punctualityByOffice = (
  offices: readonly Region[],
  obligations: readonly Obligation[],
): OfficePunctuality[] => {
  const held = new Map<string, Obligation[]>(offices.map((office) => [office.code, []]));
  for (const o of obligations) held.get(o.office)?.push(o);
  return offices.map((office) => ({
    office: { level: office.level, code: office.code, name: office.name },
    ...punctualityOf(held.get(office.code) ?? []),
  }));
};

// --- CSV ------------------------------------------------------------------------------------

export type CsvValue = string | number | boolean | null;

/**
 * Text a spreadsheet may run as a formula: it starts with one of the characters OWASP lists for
 * CSV injection (`=`, `+`, `-`, `@`, and tab or CR, which some strip before looking). Names come
 * from imported files, so any text field may.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One field as RFC 4180 writes it: quoted when it holds a comma, a double quote, CR or LF, with
 * quotes doubled; null is an empty field. Text that a spreadsheet would take for a formula gets a
 * leading single quote (OWASP's CSV-injection advice), so `=HYPERLINK(…)` is shown, not run.
 * Numbers are written as they are: the ones these views produce are never negative.
 */
export const csvField = (value: CsvValue): string => {
  if (value === null) return '';
  const text = typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** A header row and records, each ended by CRLF (RFC 4180). */
export const toCsv = (header: readonly string[], records: readonly (readonly CsvValue[])[]): string =>
  [header, ...records].map((record) => `${record.map(csvField).join(',')}\r\n`).join('');

const people = (list: readonly Person[]): string => list.map((p) => `${p.name} (${p.personId})`).join('; ');

/** The CSV columns of the late and missed lists: the JSON row, flattened. */
export const AUDIT_ROW_COLUMNS = [
  'kind',
  'incidentId',
  'incidentRegion',
  'category',
  'grade',
  'officeLevel',
  'officeCode',
  'officeName',
  'unitId',
  'unitName',
  'obligationId',
  'dutyPeriodId',
  'zeroReportDate',
  'finalReportId',
  'finalReportReceivedAt',
  'missingElements',
  'deadline',
  'metAt',
  'missedAt',
  'lateByMs',
  'lateBy',
  'autoEscalated',
  'firstResponsible',
  'directlyResponsible',
  'onDutyAtDeadline',
] as const;

/**
 * The late or missed rows as CSV; people are `name (personId)` and missing elements their names,
 * several separated by `; `.
 */
export const auditRowsCsv = (rows: readonly AuditRow[]): string =>
  toCsv(
    AUDIT_ROW_COLUMNS,
    rows.map((row) => [
      row.kind,
      row.incident?.id ?? null,
      row.incident?.region ?? null,
      row.incident?.category ?? null,
      row.incident?.grade ?? null,
      row.office.level,
      row.office.code,
      row.office.name,
      row.unit?.id ?? null,
      row.unit?.name ?? null,
      row.obligationId,
      row.zeroReport?.periodId ?? null,
      row.zeroReport?.date ?? null,
      row.finalReport?.reportId ?? null,
      row.finalReport?.receivedAt ?? null,
      row.finalReport ? row.finalReport.missingElements.join('; ') : null,
      row.deadline,
      row.metAt,
      row.missedAt,
      row.lateByMs,
      row.lateBy,
      row.autoEscalated,
      people(row.firstResponsible),
      people(row.directlyResponsible),
      people(row.onDutyAtDeadline),
    ]),
  );

export const PUNCTUALITY_COLUMNS = [
  'officeLevel',
  'officeCode',
  'officeName',
  'held',
  'metOnTime',
  'metLate',
  'missed',
  'pending',
  'waived',
  'onTimeRate',
  'medianDelayMs',
  'p90DelayMs',
] as const;

export const punctualityCsv = (offices: readonly OfficePunctuality[]): string =>
  toCsv(
    PUNCTUALITY_COLUMNS,
    offices.map((o) => [
      o.office.level,
      o.office.code,
      o.office.name,
      o.held,
      o.metOnTime,
      o.metLate,
      o.missed,
      o.pending,
      o.waived,
      o.onTimeRate,
      o.medianDelayMs,
      o.p90DelayMs,
    ]),
  );
