/**
 * The inspectors' accountability views: late and missed duties with who answered for them, and
 * each office's punctuality. Inspectors only, inside their jurisdiction; a refusal is a
 * ForbiddenError, which the edge records.
 *
 * The period filters on when the incident was first received (the time the region indexes sort
 * on), and for zero reports on their cut-off.
 */
import { type Actor, mayInspect } from '../domain/access';
import { tallyOfCounters } from '../domain/audit/duty-counters';
import {
  type AuditCursor,
  type AuditFilter,
  type AuditKind,
  type AuditList,
  type AuditListing,
  auditPeriod,
  LATE_KINDS,
  MISSED_KINDS,
} from '../domain/audit/listing';
import {
  addTally,
  type OfficePunctuality,
  officesWithin,
  punctualityByOffice,
  punctualityOfOffices,
  tallyByOffice,
} from '../domain/audit/punctuality';
import {
  type AuditEntry,
  type AuditRow,
  entriesOf,
  hasLateUnitReport,
  type IncidentLogFacts,
  isAtPosition,
  logFactsOf,
  mayLackElements,
  type OfficeDirectory,
  positionOf,
  rowCountOn,
  withPeople,
  zeroReportEntry,
  zeroReportMatches,
} from '../domain/audit/rows';
import { chinaDateOf, chinaMidnight } from '../domain/china-time';
import { ValidationError } from '../domain/errors';
import { isExercise } from '../domain/exercise';
import { GRADES, type Grade } from '../domain/grade';
import type { IncidentState } from '../domain/incident';
import type { Obligation } from '../domain/obligation';
import { isWithin } from '../domain/regions/regions';
import type { Clock } from '../ports/clock';
import type { IncidentPage, IncidentStore } from '../ports/incident-store';
import type { MissedZeroReports } from '../ports/missed-zero-reports';
import type { OfficerDirectory } from '../ports/officer-directory';
import type { SummaryStore } from '../ports/summary-store';
import { mapBounded } from './concurrency';
import { authorizeRegion, type IndexedLevel, indexedLevelOf } from './jurisdiction';

type StorePosition = Readonly<Record<string, string>>;

export interface AuditListQuery {
  readonly region: string;
  /** ISO instants; default to the last 30 days (see {@link auditPeriod}). */
  readonly from?: string;
  readonly to?: string;
  readonly office?: string;
  readonly kind?: AuditKind;
  /** Only the duties of incidents of this grade (which leaves zero reports out). */
  readonly grade?: Grade;
  /** Only the duties of this reporting unit (which leaves every office's duty out). */
  readonly unit?: string;
  /** At most this many rows per page. */
  readonly limit: number;
  /**
   * Where the previous page ended, as {@link AuditPage.next} gave it. Its listing stands for the
   * parameters left out; one given must agree with it.
   */
  readonly cursor?: AuditCursor;
}

export interface AuditPage {
  readonly region: string;
  readonly from: string;
  readonly to: string;
  readonly rows: readonly AuditRow[];
  readonly next?: AuditCursor;
}

/**
 * How many incidents one page may read before it answers with what it has and a cursor: a
 * province with few late reports among many incidents must not hold a request open for minutes.
 */
export const MAX_INCIDENTS_PER_PAGE = 1_000;

/**
 * How many incident logs one page may read to find the required elements closed incidents lack:
 * a head does not say, so each closed incident costs a read of its log. Past this, the page
 * answers with what it has and a cursor right after the last incident it could judge.
 */
export const MAX_LOGS_PER_PAGE = 100;

/** Logs read at once. */
const LOG_READS_AT_ONCE = 20;

/** Incidents per read when every incident of the period is needed (the punctuality table). */
const FULL_READ_PAGE = 200;

/**
 * The region's index level, once the caller may inspect it. The region is the query's own, which
 * its schema has already held to a known code, so the rule alone decides here: an unknown code
 * from elsewhere is outside every jurisdiction, and refused as such.
 */
const authorize = (actor: Actor, region: string): IndexedLevel => {
  authorizeRegion(actor, region, mayInspect);
  return indexedLevelOf(region, 'audit');
};

const badCursor = (problem: string) =>
  new ValidationError('the cursor belongs to another query', [{ field: 'cursor', problem }]);

const LISTING_KEYS = ['region', 'from', 'to', 'office', 'kind', 'grade', 'unit'] as const;

/**
 * The listing a page answers: on the first page the query's, with the period resolved; on a
 * following page the cursor's, so the period does not drift with the clock and the rows neither
 * repeat nor go missing. A parameter given beside a cursor must be the cursor's.
 */
const listingOf = (list: AuditList, query: AuditListQuery, now: Date): AuditListing => {
  const { cursor } = query;
  if (!cursor) {
    const { from, to } = auditPeriod(now, query.from, query.to);
    return {
      region: query.region,
      from,
      to,
      ...(query.office ? { office: query.office } : {}),
      ...(query.kind ? { kind: query.kind } : {}),
      ...(query.grade ? { grade: query.grade } : {}),
      ...(query.unit ? { unit: query.unit } : {}),
    };
  }
  const differing = LISTING_KEYS.filter((key) => query[key] !== undefined && query[key] !== cursor[key]);
  if (differing.length > 0) {
    throw badCursor(
      `was given for another ${differing.join(', ')}; repeat the first page's parameters, or leave them out`,
    );
  }
  // A cursor reaching here from outside the API was not checked by its schema: hold it to the rules.
  const kinds: readonly string[] = list === 'late' ? LATE_KINDS : MISSED_KINDS;
  if (
    cursor.from > cursor.to ||
    (cursor.office !== undefined && !isWithin(cursor.office, cursor.region)) ||
    (cursor.kind !== undefined && !kinds.includes(cursor.kind)) ||
    (cursor.grade !== undefined && !GRADES.includes(cursor.grade))
  ) {
    throw badCursor(`is not a cursor of the ${list} list; start again without it`);
  }
  return {
    region: cursor.region,
    from: cursor.from,
    to: cursor.to,
    ...(cursor.office ? { office: cursor.office } : {}),
    ...(cursor.kind ? { kind: cursor.kind } : {}),
    ...(cursor.grade ? { grade: cursor.grade } : {}),
    ...(cursor.unit ? { unit: cursor.unit } : {}),
  };
};

/** A directory read once per office per request, however many rows name the office. */
export const directoryReader = (directory: OfficerDirectory) => {
  const read = new Map<string, Promise<OfficeDirectory>>();
  return (office: string): Promise<OfficeDirectory> => {
    let pending = read.get(office);
    if (!pending) {
      pending = directory.ofOffice(office);
      read.set(office, pending);
    }
    return pending;
  };
};

/** What the logs of these incidents tell the rows, a few reads at a time. */
const readLogFacts = async (
  incidents: IncidentStore,
  states: readonly IncidentState[],
  into: Map<string, IncidentLogFacts>,
): Promise<void> => {
  await mapBounded(states, LOG_READS_AT_ONCE, async (state) => {
    into.set(state.incidentId, logFactsOf(await incidents.getEvents(state.incidentId)));
  });
};

/** Counts the rows of heads in order, as many as it can judge: a prefix of them. */
type RowCounter = (states: readonly IncidentState[]) => Promise<readonly number[]>;

interface IncidentRows {
  readonly heads: readonly IncidentState[];
  /** The store's position after the last head taken; absent when the index is exhausted. */
  readonly after?: StorePosition;
}

/**
 * Heads whose rows fill at most `wanted` rows, in index order, never splitting one incident's rows
 * across pages. Each read asks for no more incidents than rows still wanted (an incident gives at
 * least none), and when the last read overshoots — or the counter could judge only some of it —
 * it is read again up to the last incident that fits, so the store's cursor falls exactly after it.
 */
const headsForRows = async (
  incidents: IncidentStore,
  scope: { readonly level: IndexedLevel; readonly regionCode: string; readonly from: string; readonly to: string },
  count: RowCounter,
  wanted: number,
  start: StorePosition | undefined,
): Promise<IncidentRows> => {
  const heads: IncidentState[] = [];
  let rows = 0;
  let scanned = 0;
  let after = start;
  const read = (limit: number, from: StorePosition | undefined): Promise<IncidentPage> =>
    incidents.list({ ...scope, limit, ...(from ? { after: from } : {}) });

  for (;;) {
    const room = wanted - rows;
    if (room <= 0 || scanned >= MAX_INCIDENTS_PER_PAGE) return { heads, ...(after ? { after } : {}) };
    const page = await read(Math.min(room, MAX_INCIDENTS_PER_PAGE - scanned), after);
    scanned += page.items.length;
    const counts = await count(page.items);
    let fit = 0;
    let added = 0;
    for (const n of counts) {
      if (rows + added + n > wanted) break;
      added += n;
      fit += 1;
    }
    if (fit === page.items.length) {
      heads.push(...page.items);
      rows += added;
      if (!page.after) return { heads };
      after = page.after;
      continue;
    }
    // One incident with more rows than a whole page holds goes on a page of its own, over the limit.
    const take = fit === 0 && rows === 0 && counts.length > 0 ? 1 : fit;
    if (take === 0) return { heads, ...(after ? { after } : {}) };
    heads.push(...page.items.slice(0, take));
    const cut = await read(take, after);
    return { heads, ...(cut.after ? { after: cut.after } : {}) };
  }
};

export interface AuditListDeps {
  readonly incidents: IncidentStore;
  readonly directory: OfficerDirectory;
  readonly clock: Clock;
  /** Only the missed list reads zero reports. */
  readonly missedZeroReports?: MissedZeroReports;
}

const makeAuditList =
  (list: AuditList, deps: AuditListDeps) =>
  async (actor: Actor, query: AuditListQuery): Promise<AuditPage> => {
    const level = authorize(actor, query.region);
    const listing = listingOf(list, query, deps.clock.now());
    const { region, from, to } = listing;
    const filter: AuditFilter = {
      region,
      ...(listing.office ? { office: listing.office } : {}),
      ...(listing.kind ? { kind: listing.kind } : {}),
      ...(listing.grade ? { grade: listing.grade } : {}),
      ...(listing.unit ? { unit: listing.unit } : {}),
    };
    const officers = directoryReader(deps.directory);
    const cursor = query.cursor;
    const phase = cursor?.phase ?? 'incidents';
    const incidentKinds = filter.kind !== 'zero-report';
    const zeroKinds =
      list === 'missed' &&
      deps.missedZeroReports !== undefined &&
      filter.grade === undefined &&
      (filter.kind === undefined || filter.kind === 'zero-report');
    if (phase === 'incidents' ? cursor !== undefined && !incidentKinds : !zeroKinds) {
      throw badCursor(`is not a cursor of the ${list} list; start again without it`);
    }
    const entries: AuditEntry[] = [];
    let next: AuditCursor | undefined;

    if (cursor?.phase !== 'zero-reports' && incidentKinds) {
      const facts = new Map<string, IncidentLogFacts>();
      let logBudget = MAX_LOGS_PER_PAGE;
      const unjudged = (s: IncidentState) => mayLackElements(list, s, filter) && !facts.has(s.incidentId);
      // Only closed incidents on the missed list need their log to be counted, and at most
      // MAX_LOGS_PER_PAGE of them are read: the heads after the first one left unread wait for the
      // next page.
      const count: RowCounter = async (states) => {
        const reading = states.filter(unjudged).slice(0, logBudget);
        logBudget -= reading.length;
        await readLogFacts(deps.incidents, reading, facts);
        const stop = states.findIndex(unjudged);
        return (stop < 0 ? states : states.slice(0, stop)).map((s) =>
          rowCountOn(list, s, filter, facts.get(s.incidentId)),
        );
      };
      const { heads, after } = await headsForRows(
        deps.incidents,
        { level, regionCode: region, from, to },
        count,
        query.limit,
        cursor?.phase === 'incidents' ? cursor.after : undefined,
      );
      await readLogFacts(
        deps.incidents,
        heads.filter((s) => hasLateUnitReport(list, s, filter) && !facts.has(s.incidentId)),
        facts,
      );
      for (const state of heads) entries.push(...entriesOf(list, state, filter, facts.get(state.incidentId)));
      if (after) next = { ...listing, phase: 'incidents', after };
    }

    // Zero reports follow once the incidents are exhausted, on the same page if there is room. The
    // cursor names the last one given, not how many: a miss recorded since cannot shift the rest.
    if (!next && zeroKinds && deps.missedZeroReports) {
      const misses = (await deps.missedZeroReports.missedIn(region, from, to)).filter((miss) =>
        zeroReportMatches(miss, filter),
      );
      let start = 0;
      if (cursor?.phase === 'zero-reports' && cursor.after) {
        const at = cursor.after;
        start = misses.findIndex((miss) => isAtPosition(miss, at)) + 1;
        if (start === 0) throw badCursor('names a zero report this list does not hold; start again without it');
      }
      const room = Math.max(0, query.limit - entries.length);
      const given = misses.slice(start, start + room);
      entries.push(...given.map(zeroReportEntry));
      if (start + given.length < misses.length) {
        // No room left by the incidents: the next page starts the zero reports from the first.
        const last = given[given.length - 1];
        next = { ...listing, phase: 'zero-reports', ...(last ? { after: positionOf(last) } : {}) };
      }
    }

    const rows = await Promise.all(entries.map(async (entry) => withPeople(entry, await officers(entry.office.code))));
    return { region, from, to, rows, ...(next ? { next } : {}) };
  };

/**
 * Late duties of a jurisdiction: obligations met after their deadline (including those met after
 * the pipeline had marked them missed and escalated past the office) and units' initial reports
 * received more than the limit after the incident was learned of. Newest incident first.
 */
export const makeListLate = (deps: Omit<AuditListDeps, 'missedZeroReports'>) => makeAuditList('late', deps);

/**
 * Missed duties of a jurisdiction: obligations never met and the required elements a closed
 * incident's reports never supplied (newest incident first), then zero reports not filed by their
 * cut-off (earliest cut-off first).
 */
export const makeListMissed = (deps: AuditListDeps & { readonly missedZeroReports: MissedZeroReports }) =>
  makeAuditList('missed', deps);

export interface PunctualityQuery {
  readonly region: string;
  readonly from?: string;
  readonly to?: string;
}

export interface PunctualityTable {
  readonly region: string;
  readonly from: string;
  readonly to: string;
  readonly offices: readonly OfficePunctuality[];
}

/** The obligations of the real incidents first received in a span (heads read page by page). */
const obligationsReceived = async (
  incidents: IncidentStore,
  scope: { readonly level: IndexedLevel; readonly regionCode: string; readonly from: string; readonly to: string },
): Promise<Obligation[]> => {
  const obligations: Obligation[] = [];
  let after: StorePosition | undefined;
  do {
    const page = await incidents.list({ ...scope, limit: FULL_READ_PAGE, ...(after ? { after } : {}) });
    // An exercise's deadlines are its drill's account: punctuality counts real duties only.
    for (const state of page.items) if (!isExercise(state)) obligations.push(...state.obligations);
    after = page.after;
  } while (after);
  return obligations;
};

/** Offices whose counters are read at once. */
const OFFICES_AT_ONCE = 8;

const DAY_MS = 86_400_000;
const dayStart = (day: string): string => new Date(chinaMidnight(day)).toISOString();
const dayEnd = (day: string): string => new Date(chinaMidnight(day) + DAY_MS - 1).toISOString();
const dayAfter = (day: string): string => chinaDateOf(new Date(chinaMidnight(day) + DAY_MS));
const dayBefore = (day: string): string => chinaDateOf(new Date(chinaMidnight(day) - DAY_MS));

/**
 * The China days that lie wholly inside a period, and the parts of the period outside them. The
 * comparisons are the incident index's own (ISO strings), so a day counted whole holds no incident
 * the index would leave out of the period, and the edges hold exactly the rest.
 */
export const wholeDaysOf = (
  from: string,
  to: string,
): {
  readonly days?: { readonly from: string; readonly to: string };
  readonly edges: readonly { readonly from: string; readonly to: string }[];
} => {
  const first = chinaDateOf(new Date(from));
  const last = chinaDateOf(new Date(to));
  const wholeFrom = from <= dayStart(first) ? first : dayAfter(first);
  const wholeTo = dayEnd(last) <= to ? last : dayBefore(last);
  if (wholeFrom > wholeTo) return { edges: [{ from, to }] };
  const edges: { from: string; to: string }[] = [];
  if (from < dayStart(wholeFrom)) edges.push({ from, to: dayEnd(dayBefore(wholeFrom)) });
  if (dayEnd(wholeTo) < to) edges.push({ from: dayStart(dayAfter(wholeTo)), to });
  return { days: { from: wholeFrom, to: wholeTo }, edges };
};

/**
 * Every office of a jurisdiction with how it kept the deadlines of the obligations it held, for
 * incidents received in the period. Offices that held nothing are listed with zeros; the duties
 * of offices above the jurisdiction, which its incidents also carry, are not counted.
 *
 * With the offices' counters (`summaries`), the China days wholly inside the period are read from
 * them — a read per office, however many incidents — and only the incidents of a day the period
 * cuts are read from their heads. Without them, every incident of the period is read: the
 * computation the counters are checked against.
 */
export const makeOfficePunctuality =
  (deps: { readonly incidents: IncidentStore; readonly clock: Clock; readonly summaries?: SummaryStore }) =>
  async (actor: Actor, query: PunctualityQuery): Promise<PunctualityTable> => {
    const level = authorize(actor, query.region);
    const { from, to } = auditPeriod(deps.clock.now(), query.from, query.to);
    const offices = officesWithin(query.region);
    const scope = { level, regionCode: query.region };
    const { summaries } = deps;
    if (!summaries) {
      const obligations = await obligationsReceived(deps.incidents, { ...scope, from, to });
      return { region: query.region, from, to, offices: punctualityByOffice(offices, obligations) };
    }
    const { days, edges } = wholeDaysOf(from, to);
    const edgeObligations = (
      await Promise.all(edges.map((edge) => obligationsReceived(deps.incidents, { ...scope, ...edge })))
    ).flat();
    const tallies = tallyByOffice(offices, edgeObligations);
    if (days) {
      await mapBounded(offices, OFFICES_AT_ONCE, async (office) => {
        const counted = tallyOfCounters((await summaries.dutyDays(office.code, days)).map((d) => d.counters));
        const tally = tallies.get(office.code);
        if (tally) addTally(tally, counted);
      });
    }
    return { region: query.region, from, to, offices: punctualityOfOffices(offices, tallies) };
  };
