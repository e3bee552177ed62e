/**
 * The inspectors' accountability views: late and missed duties with who answered for them, and
 * each office's punctuality. Inspectors only, inside their jurisdiction; a refusal is a
 * ForbiddenError, which the edge records.
 *
 * The period filters on when the incident was first received (the time the region indexes sort
 * on), and for zero reports on their cut-off.
 */
import { mayInspect } from '../domain/access';
import {
  type AuditEntry,
  type AuditFilter,
  type AuditKind,
  type AuditList,
  type AuditRow,
  auditPeriod,
  entriesOf,
  hasLateUnitReport,
  type OfficeDirectory,
  type OfficePunctuality,
  officesWithin,
  punctualityByOffice,
  rowCountOn,
  withPeople,
  zeroReportEntry,
  zeroReportMatches,
} from '../domain/audit';
import { ForbiddenError, ValidationError } from '../domain/errors';
import type { Actor, IncidentState, UnitReportLateData } from '../domain/incident';
import type { Obligation } from '../domain/obligation';
import { regionOf } from '../domain/regions/regions';
import type { Clock } from '../ports/clock';
import type { IncidentPage, IncidentStore } from '../ports/incident-store';
import type { MissedZeroReports } from '../ports/missed-zero-reports';
import type { OfficerDirectory } from '../ports/officer-directory';

type Cursor = Readonly<Record<string, string>>;

export interface AuditListQuery {
  readonly region: string;
  /** ISO instants; default to the last 30 days (see {@link auditPeriod}). */
  readonly from?: string;
  readonly to?: string;
  readonly office?: string;
  readonly kind?: AuditKind;
  /** At most this many rows per page. */
  readonly limit: number;
  /** Where the previous page ended, as {@link AuditPage.next} gave it. */
  readonly cursor?: Cursor;
}

export interface AuditPage {
  readonly region: string;
  readonly from: string;
  readonly to: string;
  readonly rows: readonly AuditRow[];
  readonly next?: Cursor;
}

/**
 * How many incidents one page may read before it answers with what it has and a cursor: a
 * province with few late reports among many incidents must not hold a request open for minutes.
 */
export const MAX_INCIDENTS_PER_PAGE = 1_000;

/** Incidents per read when every incident of the period is needed (the punctuality table). */
const FULL_READ_PAGE = 200;

type IndexedLevel = 'county' | 'city' | 'province';

/** The region's index level, once the caller may inspect it. */
const authorize = (actor: Actor, region: string): IndexedLevel => {
  const decision = mayInspect(actor, region);
  if (!decision.allowed) throw new ForbiddenError(decision.reason, { targetRegion: region });
  const level = regionOf(region, 'region').level;
  if (level === 'national') {
    throw new ValidationError('audit one province at a time', [
      { field: 'region', problem: 'give a province, city or county code' },
    ]);
  }
  return level;
};

// The cursor carries which source the page had reached: the incident index (with the store's own
// position) or the zero-report misses (with how many were already given).
const PHASE = 'phase';
const INCIDENTS = 'incidents';
const ZERO_REPORTS = 'zero-reports';

const badCursor = () =>
  new ValidationError('the cursor belongs to another query', [
    { field: 'cursor', problem: 'is not a cursor of this list and region; start again without it' },
  ]);

/** A directory read once per office per request, however many rows name the office. */
const directoryReader = (directory: OfficerDirectory) => {
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

interface IncidentRows {
  readonly heads: readonly IncidentState[];
  /** The store's position after the last head taken; absent when the index is exhausted. */
  readonly after?: Cursor;
}

/**
 * Heads whose rows fill at most `wanted` rows, in index order (newest first), never splitting one
 * incident's rows across pages. Each read asks for no more incidents than rows still wanted (an
 * incident gives at least none), and when the last read overshoots, it is read again up to the
 * last incident that fits, so the store's cursor falls exactly after it.
 */
const headsForRows = async (
  incidents: IncidentStore,
  scope: { readonly level: IndexedLevel; readonly regionCode: string; readonly from: string; readonly to: string },
  count: (state: IncidentState) => number,
  wanted: number,
  start: Cursor | undefined,
): Promise<IncidentRows> => {
  const heads: IncidentState[] = [];
  let rows = 0;
  let scanned = 0;
  let after = start;
  const read = (limit: number, from: Cursor | undefined): Promise<IncidentPage> =>
    incidents.list({ ...scope, limit, ...(from ? { after: from } : {}) });

  for (;;) {
    const room = wanted - rows;
    if (room <= 0 || scanned >= MAX_INCIDENTS_PER_PAGE) return { heads, ...(after ? { after } : {}) };
    const page = await read(Math.min(room, MAX_INCIDENTS_PER_PAGE - scanned), after);
    scanned += page.items.length;
    let fit = 0;
    let added = 0;
    for (const state of page.items) {
      const n = count(state);
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
    const take = fit === 0 && rows === 0 ? 1 : fit;
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
    const { from, to } = auditPeriod(deps.clock.now(), query.from, query.to);
    const filter: AuditFilter = {
      ...(query.office ? { office: query.office } : {}),
      ...(query.kind ? { kind: query.kind } : {}),
    };
    const officers = directoryReader(deps.directory);
    const phase = query.cursor?.[PHASE] ?? INCIDENTS;
    const incidentKinds = filter.kind !== 'zero-report';
    const zeroKinds =
      list === 'missed' &&
      deps.missedZeroReports !== undefined &&
      (filter.kind === undefined || filter.kind === 'zero-report');
    const cursorFits =
      phase === INCIDENTS ? query.cursor === undefined || incidentKinds : phase === ZERO_REPORTS && zeroKinds;
    if (!cursorFits) throw badCursor();
    const entries: AuditEntry[] = [];
    let next: Cursor | undefined;

    if (phase === INCIDENTS && incidentKinds) {
      const { [PHASE]: _phase, ...storeCursor } = query.cursor ?? {};
      const { heads, after } = await headsForRows(
        deps.incidents,
        { level, regionCode: query.region, from, to },
        (state) => rowCountOn(list, state, filter),
        query.limit,
        query.cursor ? storeCursor : undefined,
      );
      const unitLate = await unitLateReports(
        deps.incidents,
        heads.filter((state) => hasLateUnitReport(list, state, filter)),
      );
      for (const state of heads) entries.push(...entriesOf(list, state, filter, unitLate.get(state.incidentId)));
      if (after) next = { [PHASE]: INCIDENTS, ...after };
    }

    // Zero reports follow once the incidents are exhausted, on the same page if there is room.
    if (!next && zeroKinds && deps.missedZeroReports) {
      const resuming = phase === ZERO_REPORTS;
      const skip = resuming ? Number(query.cursor?.skip) : 0;
      if (resuming && (query.cursor?.region !== query.region || !Number.isSafeInteger(skip) || skip < 0)) {
        throw badCursor();
      }
      const misses = (await deps.missedZeroReports.missedIn(query.region, from, to)).filter((miss) =>
        zeroReportMatches(miss, filter),
      );
      const room = Math.max(0, query.limit - entries.length);
      entries.push(...misses.slice(skip, skip + room).map(zeroReportEntry));
      if (skip + room < misses.length) {
        next = { [PHASE]: ZERO_REPORTS, region: query.region, skip: String(skip + room) };
      }
    }

    const rows = await Promise.all(entries.map(async (entry) => withPeople(entry, await officers(entry.office.code))));
    return { region: query.region, from, to, rows, ...(next ? { next } : {}) };
  };

/** The UnitReportLate records of incidents whose unit reported late, read from their logs. */
const unitLateReports = async (
  incidents: IncidentStore,
  heads: readonly IncidentState[],
): Promise<ReadonlyMap<string, UnitReportLateData>> => {
  const found = await Promise.all(
    heads.map(async (state) => {
      const events = await incidents.getEvents(state.incidentId);
      const late = events.find((e) => e.type === 'UnitReportLate');
      return late?.type === 'UnitReportLate' ? ([state.incidentId, late.data] as const) : undefined;
    }),
  );
  return new Map(found.filter((entry) => entry !== undefined));
};

/**
 * Late duties of a jurisdiction: obligations met after their deadline (including those met after
 * the pipeline had marked them missed and escalated past the office) and units' initial reports
 * received more than the limit after the incident was learned of. Newest incident first.
 */
export const makeListLate = (deps: Omit<AuditListDeps, 'missedZeroReports'>) => makeAuditList('late', deps);

/**
 * Missed duties of a jurisdiction: obligations never met (newest incident first), then zero
 * reports not filed by their cut-off (earliest cut-off first).
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

/**
 * Every office of a jurisdiction with how it kept the deadlines of the obligations it held, for
 * incidents received in the period. Offices that held nothing are listed with zeros.
 */
export const makeOfficePunctuality =
  (deps: { readonly incidents: IncidentStore; readonly clock: Clock }) =>
  async (actor: Actor, query: PunctualityQuery): Promise<PunctualityTable> => {
    const level = authorize(actor, query.region);
    const { from, to } = auditPeriod(deps.clock.now(), query.from, query.to);
    const obligations: Obligation[] = [];
    let after: Cursor | undefined;
    do {
      const page = await deps.incidents.list({
        level,
        regionCode: query.region,
        from,
        to,
        limit: FULL_READ_PAGE,
        ...(after ? { after } : {}),
      });
      for (const state of page.items) obligations.push(...state.obligations);
      after = page.after;
    } while (after);
    return { region: query.region, from, to, offices: punctualityByOffice(officesWithin(query.region), obligations) };
  };
