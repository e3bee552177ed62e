/**
 * The inspectors' accountability views (docs/domain.md#the-four-failures): which
 * hand-overs were late, which were missed, which required elements a closed incident never got,
 * who answered for each, and how punctual each office is. Pure rules over incident heads — a head
 * carries every obligation with its deadline and outcome, so no event log is read for them — over
 * the reports of closed incidents, and over the officer directory.
 */
// This module builds the late and missed rows; what a list asks (kinds, period, cursor) is in
// `listing.ts`, and each office's punctuality in `punctuality.ts`.
import { isExercise } from '../exercise';
import type { Grade } from '../grade';
import type { Category, IncidentEvent, IncidentState, UnitReportLateData } from '../incident';
import type { Obligation } from '../obligation';
import { type DirectoryHistory, type Officer, type OfficerRole, peopleFor, versionAt } from '../officers';
import { formatDuration } from '../policy/policy';
import { chainOf, firstOfficeOf, isWithin, type RegionLevel, regionOf } from '../regions/regions';
import type { AuditFilter, AuditKind, AuditList, ZeroReportPosition } from './listing';
import { delayOf, type Outcome, outcomeOf } from './outcome';
import { type MissingElements, missingElementsOf, type RequiredElement } from './required-elements';

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
  /** The deadline the duty opened with, when a raised grade moved it earlier to `deadline`; else null. */
  readonly deadlineShortenedFrom: string | null;
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

/**
 * Whether an incident's duties may be listed at all: a real incident (an exercise's duties are its
 * drill's account, never the late or missed list) of the grade the filter asks for, if any.
 */
const gradeMatches = (state: IncidentState, filter: AuditFilter): boolean =>
  !isExercise(state) && (filter.grade === undefined || state.grade === filter.grade);

/** Whether a duty held by (or owed to) `office` belongs on a list under the filter. */
const officeMatches = (office: string, filter: AuditFilter): boolean =>
  isWithin(office, filter.region) && (filter.office === undefined || office === filter.office);

/**
 * The incident's obligations that belong on a list, earliest deadline first. An incident inside
 * the region also carries the duties of the offices above it (a county's incident, its city's
 * cityToProvince): those are not the region's, and its inspector neither sees nor names them.
 */
export const obligationsOn = (list: AuditList, state: IncidentState, filter: AuditFilter): Obligation[] =>
  // An office's duty is no unit's: a unit filter keeps only the corrections the unit owed.
  (gradeMatches(state, filter) ? state.obligations : [])
    .filter((o) => filter.unit === undefined || o.unit === filter.unit)
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
  gradeMatches(state, filter) &&
  // The late report is the initial one: the first unit's.
  (filter.unit === undefined || state.firstUnit === filter.unit) &&
  (filter.kind === undefined || filter.kind === 'unit-report') &&
  officeMatches(firstOfficeOfIncident(state), filter);

/**
 * Whether the incident may have a required-element row on a list: only a closed incident can, and
 * only its reports tell ({@link missingElementsOf}), so this says whose log must be read.
 */
export const mayLackElements = (list: AuditList, state: IncidentState, filter: AuditFilter): boolean =>
  list === 'missed' &&
  state.status === 'closed' &&
  gradeMatches(state, filter) &&
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
  return missing !== null &&
    officeMatches(missing.office, filter) &&
    (filter.unit === undefined || missing.unit === filter.unit)
    ? missing
    : undefined;
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
  // A correction a unit owed is the unit's, as its own report is: no office leader answers for it.
  unit: o.unit === undefined ? null : { id: o.unit, name: null },
  obligationId: o.obligationId,
  zeroReport: null,
  finalReport: null,
  deadline: o.dueAt,
  deadlineShortenedFrom: o.shortenedFrom ?? null,
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
  deadlineShortenedFrom: null,
  metAt: late.receivedAt,
  missedAt: null,
  ...lateness(late.lateByMs),
  autoEscalated: false,
});

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
  deadlineShortenedFrom: null,
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

/** Whether a missed zero report belongs on the missed list under a filter; it has no grade, so a grade filter leaves it out. */
export const zeroReportMatches = (miss: ZeroReportMiss, filter: AuditFilter): boolean =>
  filter.grade === undefined &&
  (filter.unit === undefined || miss.unit === filter.unit) &&
  (filter.kind === undefined || filter.kind === 'zero-report') &&
  officeMatches(miss.county, filter);

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
  deadlineShortenedFrom: null,
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

/** One office's officers and roster through time, every version the directory holds. */
export type OfficeDirectory = DirectoryHistory;

/** A late or missed duty with the people who answer for it. */
export interface AuditRow extends AuditEntry {
  /** The office's top leader (empty for a unit's report: the unit answers for it). */
  readonly firstResponsible: readonly Person[];
  /** The office's leader in charge (empty for a unit's report). */
  readonly directlyResponsible: readonly Person[];
  /** Who was on the office's duty roster at the deadline: who was waiting for, or owed, the hand-over. */
  readonly onDutyAtDeadline: readonly Person[];
  /**
   * The instant the persons above are named for: the deadline. They are the ones who held the
   * posts and were on the roster then, whatever the directory says now.
   */
  readonly personsAt: string;
  /** When the directory version they come from took effect; null if nothing was on record for the office then. */
  readonly directorySince: string | null;
}

const person = (o: Officer): Person => ({ personId: o.personId, name: o.name });

/**
 * Names the people of the entry's office as the directory held them at the deadline: its first and
 * directly responsible persons for an office's own duty, and for every row the duty officer(s) on
 * the roster then. A unit's report is the unit's duty, so no office leader is named as responsible
 * for it.
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
    personsAt: entry.deadline,
    directorySince: versionAt(directory, at)?.effectiveAt ?? null,
  };
};
