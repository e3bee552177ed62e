/**
 * Zero reports (零报告, docs/domain.md#zero-reports): while a duty period is active, every registered
 * reporting unit in its region files a daily report by the cut-off hour, even when nothing
 * happened. A unit that has not filed by the cut-off has a missed report, and its county office is
 * told. Each unit's reports in a duty period form one hash-chained log, as an incident's do.
 *
 * Days and cut-offs are China time (UTC+8 all year: China keeps no daylight saving), so the
 * arithmetic here is fixed-offset and never asks the host's time zone.
 */

import { createHash } from 'node:crypto';
import type { Actor } from './access';
import { canonicalJson } from './canonical';
import { chinaDateOf, chinaMidnight } from './china-time';
import type { FieldProblem } from './errors';
import { GENESIS_HASH, seal } from './hash-chain';
import type { NotificationRecipient } from './incident';
import {
  chainOf,
  childrenOf,
  isKnownRegion,
  isWithin,
  NATIONAL,
  parentOf,
  type Region,
  regionOf,
} from './regions/regions';

const DAY_MS = 24 * 3600_000;

/** When nobody says otherwise, the day's report is due at 16:00 China time. */
export const DEFAULT_CUTOFF_HOUR = 16;
/** A duty period is a season at most; anything longer is a typo in a date. */
export const MAX_PERIOD_DAYS = 366;
/**
 * How far ahead a duty period's dates may lie: a duty period answers a season or an emergency at
 * hand, so a date more than a year (a leap year's 366 days) ahead is a typo — and a year like 9999
 * would take the date arithmetic past what `YYYY-MM-DD` can write.
 */
export const MAX_DAYS_AHEAD = 366;
/**
 * How long after a cut-off the check waits before it records misses. A filing is judged on time or
 * late by the instant it was received, but its append can land later: it is retried while other
 * writers move the log's head, and the request lives until the API function's timeout (10 s) or
 * the HTTP API's 30 s integration limit cuts it off. Two minutes is well past both, so a filing
 * received by the cut-off has landed before the check looks, and is never recorded after a miss.
 */
export const CUTOFF_CHECK_GRACE_MS = 2 * 60_000;

// ---------------------------------------------------------------------------------------------
// Reporting units

export const UNIT_KINDS = ['township', 'village', 'enterprise', 'school', 'hospital', 'other'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** Unit ids travel in tokens and item keys, so they keep to characters neither needs to escape. */
export const UNIT_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** A grassroots reporting unit in the registry: it owes a daily report in every duty period covering its county. */
export interface ReportingUnit {
  /** The id its reporters' tokens carry as `unit`, e.g. its unified social credit code. */
  readonly unitId: string;
  readonly name: string;
  /** The county-level division it reports to (or a city without counties, 东莞). */
  readonly county: string;
  readonly kind: UnitKind;
  /** Whom the county office calls when the report does not come. */
  readonly contact: { readonly name: string; readonly phone: string };
}

/**
 * The office a unit reports to: its county's, or, where a city has no counties, the city's. Throws
 * UnknownRegionError for a code that is not a reporting region.
 */
export const countyOfficeOf = (county: string): string => {
  const chain = chainOf(county);
  return (chain.county ?? chain.city ?? chain.province).code;
};

/** Whether units can be registered under `code`: a county-level division or a city without counties. */
export const isReportingRegion = (code: string): boolean => {
  try {
    chainOf(code);
    return true;
  } catch {
    return false;
  }
};

/** Every region inside `region` (itself included) that units can be registered under. */
export const reportingRegionsWithin = (region: string): readonly string[] => {
  const found: string[] = [];
  const visit = (code: string) => {
    if (code !== NATIONAL && isReportingRegion(code)) found.push(code);
    for (const child of childrenOf(code)) visit(child.code);
  };
  visit(region);
  return found;
};

/** The provinces whose regions overlap `region`: all of them for the national level. */
export const provincesCovering = (region: string): readonly string[] => {
  if (region === NATIONAL) return childrenOf(NATIONAL).map((province) => province.code);
  let current: Region | null = regionOf(region);
  while (current && current.level !== 'province') current = parentOf(current.code);
  return current ? [current.code] : [];
};

// ---------------------------------------------------------------------------------------------
// China days and cut-offs

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `value` is a real calendar date written `YYYY-MM-DD` (2026-02-30 is not). */
export const isCalendarDate = (value: string): boolean => {
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const at = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return at.toISOString().slice(0, 10) === value;
};

/** The day after (or `days` after) a China date. */
export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** Whole days from `from` to `to` (negative if `to` is earlier). */
export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00.000Z`) - Date.parse(`${from}T00:00:00.000Z`)) / DAY_MS);

/**
 * The instant a date's report is due: `cutoffHour`:00 China time on that date. A report covers the
 * 24 hours up to its cut-off, so a cut-off at 0 is midnight at the start of the date and still
 * means "the day before, reported by midnight" — every hour 0–23 reads the same way.
 */
export const cutoffOf = (date: string, cutoffHour: number): string =>
  new Date(chinaMidnight(date) + cutoffHour * 3600_000).toISOString();

/** A report for a day can be filed from the previous cut-off on: before that it would report nothing. */
export const filingOpensAt = (cutoffAt: string): string => new Date(Date.parse(cutoffAt) - DAY_MS).toISOString();

// ---------------------------------------------------------------------------------------------
// Duty periods

/** One day a duty period owes a report for, and when that report is due. */
export interface OwedDay {
  /** China date, `YYYY-MM-DD`. */
  readonly date: string;
  /** ISO instant (UTC) of the cut-off. */
  readonly cutoffAt: string;
}

/** What an office asks for when it activates a duty period. */
export interface DutyPeriodRequest {
  /** The region whose units owe the reports: the office's jurisdiction or part of it. */
  readonly region: string;
  readonly firstDate: string;
  readonly lastDate: string;
  /** Hour of the day (China time, 0–23) by which each day's report is due. */
  readonly cutoffHour: number;
  /** Why: the flood season, the declared emergency response. */
  readonly reason: string;
}

export interface DutyPeriod extends DutyPeriodRequest {
  readonly periodId: string;
  readonly activatedAt: string;
  readonly activatedBy: Actor;
  /** Every day owed, with its cut-off: the days of the period whose cut-off was still ahead at activation. */
  readonly days: readonly OwedDay[];
}

/**
 * The period's id follows from what it obliges (region, dates, cut-off hour), so a retried
 * activation finds the period the first attempt created instead of opening a second one, and two
 * offices cannot oblige the same units twice over for the same days.
 */
export const periodIdOf = (request: Omit<DutyPeriodRequest, 'reason'>): string => {
  const digest = createHash('sha256')
    .update(
      canonicalJson({
        region: request.region,
        firstDate: request.firstDate,
        lastDate: request.lastDate,
        cutoffHour: request.cutoffHour,
      }),
    )
    .digest('hex')
    .slice(0, 8)
    .toUpperCase();
  return `DP-${request.region}-${request.firstDate.replaceAll('-', '')}-${digest}`;
};

export const PERIOD_ID_PATTERN = /^DP-\d{6}-\d{8}-[0-9A-F]{8}$/;

/**
 * The days from `firstDate` to `lastDate` whose cut-off is after `after`: the days a unit can still
 * be held to. Counted by index, not by comparing dates as text: past 9999-12-31 the next date is
 * written `+010000-…`, which sorts below it, and a loop on the text would never end.
 * @throws RangeError for a span longer than {@link MAX_PERIOD_DAYS}, which validation refuses first
 */
export const owedDays = (
  request: Pick<DutyPeriodRequest, 'firstDate' | 'lastDate' | 'cutoffHour'>,
  after: Date,
): readonly OwedDay[] => {
  const count = daysBetween(request.firstDate, request.lastDate) + 1;
  if (!Number.isSafeInteger(count) || count > MAX_PERIOD_DAYS) {
    throw new RangeError(`a duty period lasts at most ${MAX_PERIOD_DAYS} days`);
  }
  const days: OwedDay[] = [];
  for (let i = 0; i < count; i++) {
    const date = addDays(request.firstDate, i);
    const cutoffAt = cutoffOf(date, request.cutoffHour);
    if (Date.parse(cutoffAt) > after.getTime()) days.push({ date, cutoffAt });
  }
  return days;
};

/** The parts of an activation request that are well formed; the schema reports the others. */
export interface DutyPeriodTiming {
  readonly region?: string;
  readonly firstDate?: string;
  readonly lastDate?: string;
  readonly cutoffHour?: number;
}

/**
 * The rules of an activation request against the division data, the clock and each other, by
 * field, at `now`. A field left undefined was not well formed and is skipped: its shape is the
 * schema's to report, and one answer still lists every problem.
 */
export const dutyPeriodProblems = (request: DutyPeriodTiming, now: Date): FieldProblem[] => {
  const problems: FieldProblem[] = [];
  const problem = (field: string, text: string) => problems.push({ field, problem: text });
  const today = chinaDateOf(now);
  const { region, firstDate: first, lastDate: last, cutoffHour } = request;

  if (region !== undefined && !isKnownRegion(region)) problem('region', 'is not a GB/T 2260 region code');
  const ahead = `is more than a year ahead (today is ${today} in China); a duty period is for now`;
  if (first && first < today) problem('firstDate', `is in the past (today is ${today} in China)`);
  if (first && daysBetween(today, first) > MAX_DAYS_AHEAD) problem('firstDate', ahead);
  if (last && last < today) problem('lastDate', `is in the past (today is ${today} in China)`);
  if (last && daysBetween(today, last) > MAX_DAYS_AHEAD) problem('lastDate', ahead);
  if (first && last && last < first) problem('lastDate', 'is before firstDate');
  if (first && last && last >= first && daysBetween(first, last) + 1 > MAX_PERIOD_DAYS) {
    problem('lastDate', `a duty period lasts at most ${MAX_PERIOD_DAYS} days`);
  }
  // Only when the dates hold: otherwise the problems above already say what to fix.
  if (problems.length === 0 && first && last && cutoffHour !== undefined) {
    if (owedDays({ firstDate: first, lastDate: last, cutoffHour }, now).length === 0) {
      problem(
        'lastDate',
        `every cut-off of the period has passed (the last was ${last} ${String(cutoffHour).padStart(2, '0')}:00 China time)`,
      );
    }
  }
  return problems;
};

/** The duty period an activation creates, at `now`, by `actor`; the request must be free of {@link dutyPeriodProblems}. */
export const planDutyPeriod = (request: DutyPeriodRequest, actor: Actor, now: Date): DutyPeriod => ({
  periodId: periodIdOf(request),
  region: request.region,
  firstDate: request.firstDate,
  lastDate: request.lastDate,
  cutoffHour: request.cutoffHour,
  reason: request.reason,
  activatedAt: now.toISOString(),
  activatedBy: actor,
  days: owedDays(request, now),
});

/** Whether two regions share units: one is, contains or lies within the other. */
export const regionsNest = (a: string, b: string): boolean => isWithin(a, b) || isWithin(b, a);

/** Whether two periods oblige the same units on the same days: one region within the other, dates shared. */
export const periodsOverlap = (
  a: Pick<DutyPeriodRequest, 'region' | 'firstDate' | 'lastDate'>,
  b: Pick<DutyPeriodRequest, 'region' | 'firstDate' | 'lastDate'>,
): boolean => regionsNest(a.region, b.region) && a.firstDate <= b.lastDate && b.firstDate <= a.lastDate;

/** One line naming a period, for the messages that refuse another. */
export const describePeriod = (period: DutyPeriod): string =>
  `${period.periodId} (${period.region}, ${period.firstDate} to ${period.lastDate} by ` +
  `${String(period.cutoffHour).padStart(2, '0')}:00, activated by ${period.activatedBy.sub} of ` +
  `${period.activatedBy.region}: ${period.reason})`;

/** Whether two activations ask for the same thing: a retry, not a second request. */
export const sameActivation = (a: DutyPeriod, b: DutyPeriod): boolean =>
  a.periodId === b.periodId &&
  a.reason === b.reason &&
  a.activatedBy.sub === b.activatedBy.sub &&
  a.activatedBy.region === b.activatedBy.region;

// ---------------------------------------------------------------------------------------------
// Daily reports

/** What a unit files for a day: nothing to report, or a short summary naming the incidents it reported. */
export interface DailyReportContent {
  readonly nothingToReport: boolean;
  readonly summary?: string;
  readonly incidentIds: readonly string[];
}

/** Tells a retry (same content, same answer) from a different filing for the same day (a conflict). */
export const dailyReportHash = (date: string, content: DailyReportContent): string =>
  createHash('sha256')
    .update(
      canonicalJson({
        date,
        nothingToReport: content.nothingToReport,
        summary: content.summary,
        incidentIds: [...content.incidentIds],
      }),
    )
    .digest('hex');

/** How late a filing at `filedAt` is for a day due at `cutoffAt`; on the cut-off itself is on time. */
export const latenessOf = (cutoffAt: string, filedAt: Date): { readonly late: boolean; readonly lateByMs: number } => {
  const lateByMs = Math.max(0, filedAt.getTime() - Date.parse(cutoffAt));
  return { late: lateByMs > 0, lateByMs };
};

/** Whether `now` is strictly after a day's cut-off, as a filing at the cut-off is on time. */
export const isPastCutoff = (day: OwedDay, now: Date): boolean => now.getTime() > Date.parse(day.cutoffAt);

/** Whether the check may look at a day at `now`: its cut-off and the {@link CUTOFF_CHECK_GRACE_MS} after it have passed. */
export const isCheckDue = (day: OwedDay, now: Date): boolean =>
  now.getTime() > Date.parse(day.cutoffAt) + CUTOFF_CHECK_GRACE_MS;

// ---------------------------------------------------------------------------------------------
// The log of one unit in one duty period

export const ZERO_REPORT_EVENT_TYPES = [
  'DailyReportFiled',
  'DailyReportMissed',
  'ZeroReportNotified',
  'ZeroReportNotificationFailed',
] as const;
export type ZeroReportEventType = (typeof ZERO_REPORT_EVENT_TYPES)[number];

export interface DailyReportFiledData extends DailyReportContent {
  readonly date: string;
  readonly cutoffAt: string;
  readonly filedAt: string;
  readonly late: boolean;
  /** 0 when on time. */
  readonly lateByMs: number;
  readonly requestHash: string;
  /** The DailyReportMissed this filing comes after, if the miss was already recorded: the miss stays. */
  readonly afterMissSeq?: number;
}

export interface DailyReportMissedData {
  readonly date: string;
  readonly cutoffAt: string;
  readonly unitName: string;
  /** The office that must hear of it: the unit's county office. */
  readonly office: string;
}

export interface ZeroReportNotifiedData {
  readonly date: string;
  /** The DailyReportMissed notified about. */
  readonly aboutSeq: number;
  readonly kind: 'zero-report-missed';
  readonly recipients: readonly NotificationRecipient[];
}

export interface ZeroReportNotificationFailedData {
  readonly date: string;
  readonly aboutSeq: number;
  readonly kind: 'zero-report-missed';
  readonly reason: string;
  /**
   * The officers told before the publish failed, so the log shows everyone actually told; the
   * attempt that follows tells only the others. Absent when nobody was.
   */
  readonly recipients?: readonly NotificationRecipient[];
  /** True for a failed publish (the next check tries again); false when nobody is on record to tell. */
  readonly willRetry: boolean;
}

interface ZeroEventShape<T extends ZeroReportEventType, D> {
  readonly v: 1;
  readonly periodId: string;
  readonly unit: string;
  readonly county: string;
  readonly seq: number;
  readonly type: T;
  readonly at: string;
  readonly actor: Actor;
  readonly data: D;
}

export type ZeroReportEventBody =
  | ZeroEventShape<'DailyReportFiled', DailyReportFiledData>
  | ZeroEventShape<'DailyReportMissed', DailyReportMissedData>
  | ZeroEventShape<'ZeroReportNotified', ZeroReportNotifiedData>
  | ZeroEventShape<'ZeroReportNotificationFailed', ZeroReportNotificationFailedData>;

export type ZeroReportEvent = ZeroReportEventBody & { readonly prevHash: string; readonly hash: string };

/** An event before it is numbered, timed and sealed. */
export type ZeroReportDraft = {
  [T in ZeroReportEventType]: {
    readonly type: T;
    readonly data: Extract<ZeroReportEventBody, { type: T }>['data'];
    /** Who the event is by, when not the one appending (the system's miss, written with a late filing). */
    readonly actor?: Actor;
  };
}[ZeroReportEventType];

/** What the log says about one owed day. */
export interface DayRecord {
  readonly filedSeq?: number;
  readonly filedAt?: string;
  readonly requestHash?: string;
  readonly late?: boolean;
  readonly lateByMs?: number;
  readonly missedSeq?: number;
  readonly missedAt?: string;
  readonly notifiedAt?: string;
  /** Failed publishes so far; the check backs off between attempts. */
  readonly notifyFailures?: number;
  readonly lastNotifyFailureAt?: string;
  /** Nobody was on record to tell: recorded once, not retried. */
  readonly notifyGaveUp?: boolean;
  /** Everyone told of the miss so far, by person id: a retry after a partial failure skips them. */
  readonly toldPersonIds?: readonly string[];
}

/** The head of a unit's log in a duty period: a projection of its events, stored beside them. */
export interface ZeroChainState {
  readonly periodId: string;
  readonly unit: string;
  readonly unitName: string;
  readonly county: string;
  /** Sequence number of the last event. */
  readonly version: number;
  readonly lastHash: string;
  readonly days: Readonly<Record<string, DayRecord>>;
}

/** The chain's id in the audit views: `<period id>/<unit>`. */
export const chainIdOf = (periodId: string, unit: string): string => `${periodId}/${unit}`;

const withDay = (state: ZeroChainState, date: string, change: (day: DayRecord) => DayRecord): ZeroChainState => ({
  ...state,
  days: { ...state.days, [date]: change(state.days[date] ?? {}) },
});

const told = (day: DayRecord, recipients: readonly NotificationRecipient[]): Pick<DayRecord, 'toldPersonIds'> => {
  if (recipients.length === 0) return day.toldPersonIds ? { toldPersonIds: day.toldPersonIds } : {};
  return { toldPersonIds: [...new Set([...(day.toldPersonIds ?? []), ...recipients.map((r) => r.personId)])] };
};

/** Folds one event into the head. */
export const applyZeroEvent = (state: ZeroChainState, event: ZeroReportEvent): ZeroChainState => {
  // The head names the county of its latest entry: a unit moved during the period writes its later
  // days under its new county (see appendToUnitLog).
  const next = { ...state, county: event.county, version: event.seq, lastHash: event.hash };
  switch (event.type) {
    case 'DailyReportFiled':
      return withDay(next, event.data.date, (day) => ({
        ...day,
        filedSeq: event.seq,
        filedAt: event.data.filedAt,
        requestHash: event.data.requestHash,
        late: event.data.late,
        lateByMs: event.data.lateByMs,
      }));
    case 'DailyReportMissed':
      return withDay(next, event.data.date, (day) => ({ ...day, missedSeq: event.seq, missedAt: event.at }));
    case 'ZeroReportNotified':
      return withDay(next, event.data.date, (day) => ({
        ...day,
        // The first notification is when the office was told; a later one only adds recipients.
        notifiedAt: day.notifiedAt ?? event.at,
        ...told(day, event.data.recipients),
      }));
    case 'ZeroReportNotificationFailed':
      return withDay(next, event.data.date, (day) => ({
        ...(event.data.willRetry
          ? { ...day, notifyFailures: (day.notifyFailures ?? 0) + 1, lastNotifyFailureAt: event.at }
          : { ...day, notifyGaveUp: true }),
        ...told(day, event.data.recipients ?? []),
      }));
  }
};

/** Rebuilds the head from the log, as verification and repair do. */
export const projectZeroChain = (
  identity: Pick<ZeroChainState, 'periodId' | 'unit' | 'unitName' | 'county'>,
  events: readonly ZeroReportEvent[],
): ZeroChainState =>
  events.reduce(applyZeroEvent, { ...identity, version: 0, lastHash: GENESIS_HASH, days: {} } as ZeroChainState);

/** New events sealed onto a chain, and the head they leave. */
export interface ZeroChainAppend {
  /** The head's version the events were computed from; null for a new chain. */
  readonly expectedVersion: number | null;
  readonly state: ZeroChainState;
  readonly events: readonly ZeroReportEvent[];
}

/** Numbers, times and seals drafts onto a unit's chain (a new one if `state` is undefined). */
export const sealZeroEvents = (
  state: ZeroChainState | undefined,
  identity: Pick<ZeroChainState, 'periodId' | 'unit' | 'unitName' | 'county'>,
  drafts: readonly ZeroReportDraft[],
  context: { readonly actor: Actor; readonly now: Date },
): ZeroChainAppend => {
  // A unit moved during the period writes its later days under its new county (see appendToUnitLog).
  let current: ZeroChainState = state
    ? { ...state, county: identity.county }
    : { ...identity, version: 0, lastHash: GENESIS_HASH, days: {} };
  const events: ZeroReportEvent[] = [];
  for (const draft of drafts) {
    const body = {
      v: 1,
      periodId: current.periodId,
      unit: current.unit,
      county: current.county,
      seq: current.version + 1,
      type: draft.type,
      at: context.now.toISOString(),
      actor: draft.actor ?? context.actor,
      data: draft.data,
    } as ZeroReportEventBody;
    const event = seal(body, current.lastHash) as ZeroReportEvent;
    events.push(event);
    current = applyZeroEvent(current, event);
  }
  return { expectedVersion: state ? state.version : null, state: current, events };
};

/** The system itself, as the actor of the cut-off check's events. */
export const CUTOFF_CHECK_ACTOR: Actor = { sub: 'system:zero-report-check', role: 'system', region: NATIONAL };
