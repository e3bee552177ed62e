/**
 * The inspectors' accountability views (DOMAIN.md, "Accountability: the four failures"): which
 * hand-overs were late, which were missed, who answered for each, and how punctual each office
 * is. Pure rules over incident heads — a head carries every obligation with its deadline and
 * outcome, so no event log is read for them — and over the officer directory.
 */
import { ValidationError } from './errors';
import type { Grade } from './grade';
import type { IncidentState, UnitReportLateData } from './incident';
import type { Obligation } from './obligation';
import { type Officer, type OfficerRole, peopleFor, type Shift } from './officers';
import { type Category, formatDuration, type Handover } from './policy/policy';
import { chainOf, childrenOf, firstOfficeOf, type Region, type RegionLevel, regionOf } from './regions/regions';

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
/** What the missed list can hold: offices' hand-overs never met, and zero reports never filed by the cut-off. */
export const MISSED_KINDS = [...OBLIGATION_HANDOVERS, 'zero-report'] as const;
export type AuditKind = ObligationHandover | 'unit-report' | 'zero-report';

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

/** Narrows a list to one office (a six-digit code) or one kind. */
export interface AuditFilter {
  readonly office?: string;
  readonly kind?: AuditKind;
}

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
  /** The unit that owed the report (unit-report and zero-report rows); null for an office's duty. */
  readonly unit: { readonly id: string; readonly name: string | null } | null;
  readonly obligationId: string | null;
  /** The duty period and day a missed zero report was owed for. */
  readonly zeroReport: { readonly periodId: string; readonly date: string } | null;
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

/** The incident's obligations that belong on a list, earliest deadline first. */
export const obligationsOn = (list: AuditList, state: IncidentState, filter: AuditFilter = {}): Obligation[] =>
  state.obligations
    .filter(
      (o) =>
        outcomeOf(o) === OUTCOME_LISTED[list] &&
        (filter.office === undefined || o.office === filter.office) &&
        (filter.kind === undefined || o.handover === filter.kind),
    )
    .sort(byDeadline);

/** The office a unit's report goes to first: its county, or its city where there is no county. */
const firstOfficeOfIncident = (state: IncidentState): string => firstOfficeOf(chainOf(state.regionCode)).code;

/** Whether the incident's initial report, late from its unit, belongs on a list. */
export const hasLateUnitReport = (list: AuditList, state: IncidentState, filter: AuditFilter = {}): boolean =>
  list === 'late' &&
  state.unitLate &&
  (filter.kind === undefined || filter.kind === 'unit-report') &&
  (filter.office === undefined || filter.office === firstOfficeOfIncident(state));

/** How many rows an incident puts on a list: what a page is cut by, before anything else is read. */
export const rowCountOn = (list: AuditList, state: IncidentState, filter: AuditFilter = {}): number =>
  obligationsOn(list, state, filter).length + (hasLateUnitReport(list, state, filter) ? 1 : 0);

export const obligationEntry = (state: IncidentState, o: Obligation): AuditEntry => ({
  // No office holds a unitToCounty obligation; if one ever did, it is the unit's report by kind.
  kind: o.handover === 'unitToCounty' ? 'unit-report' : o.handover,
  incident: incidentOf(state),
  office: officeOnRecord(o.office),
  unit: null,
  obligationId: o.obligationId,
  zeroReport: null,
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
  deadline: new Date(Date.parse(late.learnedAt) + late.limitMs).toISOString(),
  metAt: late.receivedAt,
  missedAt: null,
  ...lateness(late.lateByMs),
  autoEscalated: false,
});

/** The rows an incident puts on a list, earliest deadline first; `unitLate` is needed when it has a late unit report. */
export const entriesOf = (
  list: AuditList,
  state: IncidentState,
  filter: AuditFilter,
  unitLate: UnitReportLateData | undefined,
): AuditEntry[] => {
  const entries = obligationsOn(list, state, filter).map((o) => obligationEntry(state, o));
  if (hasLateUnitReport(list, state, filter)) {
    if (!unitLate)
      throw new Error(`incident ${state.incidentId} is marked late from its unit but has no UnitReportLate`);
    entries.push(unitReportEntry(state, unitLate));
  }
  return entries.sort((a, b) => a.deadline.localeCompare(b.deadline) || a.kind.localeCompare(b.kind));
};

/** A zero report not filed by its cut-off, as the zero-report store records the miss. */
export interface ZeroReportMiss {
  readonly periodId: string;
  readonly unit: string;
  readonly unitName: string;
  readonly county: string;
  readonly date: string;
  readonly cutoffAt: string;
  readonly missedAt: string;
  readonly filedLateAt?: string;
}

/** Whether a missed zero report belongs on the missed list under a filter. */
export const zeroReportMatches = (miss: ZeroReportMiss, filter: AuditFilter = {}): boolean =>
  (filter.kind === undefined || filter.kind === 'zero-report') &&
  (filter.office === undefined || filter.office === miss.county);

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
 * One field as RFC 4180 writes it: quoted when it holds a comma, a double quote, CR or LF, with
 * quotes doubled; null is an empty field.
 */
export const csvField = (value: CsvValue): string => {
  if (value === null) return '';
  const text = String(value);
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

/** The late or missed rows as CSV; people are `name (personId)`, several separated by `; `. */
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
