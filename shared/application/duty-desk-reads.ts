/**
 * The duty desk's reads of zero reports: the duty periods that oblige units in an office's
 * jurisdiction, and one period's grid — each unit, each owed day, filed, filed late, missed or not
 * yet due. Offices and inspectors read within their jurisdiction (`mayQueryRegion`); a refusal is
 * recorded as evidence. Both read by key: the periods' one partition, the registry county by county
 * and the units' heads in batches — never a scan.
 */
import { type Actor, mayQueryRegion } from '../domain/access';
import { NotFoundError } from '../domain/errors';
import { isWithin } from '../domain/regions/regions';
import { type DayRecord, type DutyPeriod, type OwedDay, type ReportingUnit, regionsNest } from '../domain/zero-reports';
import type { Clock } from '../ports/clock';
import type { UnitRegistry } from '../ports/unit-registry';
import type { ZeroReportStore } from '../ports/zero-report-store';
import { regionToRead } from './jurisdiction';
import { registryWithin } from './units';

/** `GET /v1/duty-periods?region=`: the periods obliging units in the region, the latest first. */
export const makeListDutyPeriods =
  (deps: { readonly store: ZeroReportStore }) => async (actor: Actor, query: { readonly region?: string }) => {
    const region = regionToRead(actor, query.region, mayQueryRegion);
    const items = (await deps.store.periods())
      .filter((period) => regionsNest(period.region, region))
      .sort((a, b) => b.firstDate.localeCompare(a.firstDate) || b.activatedAt.localeCompare(a.activatedAt));
    return { region, items };
  };

/**
 * Where a unit stands on an owed day. A cut-off passed with nothing filed is `missed` at once,
 * whether or not the check (which runs within a couple of minutes of the cut-off) has recorded it
 * yet; a report filed after it is `late`. A unit the registry did not hold in the grid's region at
 * the day's cut-off (moved away, closed, or not yet registered there) is `not-registered`: it owed
 * nothing here that day.
 */
export type ZeroCellState = 'filed' | 'late' | 'missed' | 'not-due' | 'not-registered';

export interface ZeroCell {
  readonly date: string;
  readonly state: ZeroCellState;
  readonly filedAt?: string;
}

export interface ZeroGrid {
  readonly periodId: string;
  /** The region the grid covers: the narrower of the period's and the one asked for. */
  readonly region: string;
  readonly period: DutyPeriod;
  /** When the grid was read: the states are as of then. */
  readonly asOf: string;
  /** The days shown (`from`–`to` of the query, within the period's owed days). */
  readonly days: readonly OwedDay[];
  /** The next cut-off still ahead, when a refresh changes the grid; null once every day is past. */
  readonly nextCutoffAt: string | null;
  readonly units: readonly {
    readonly unitId: string;
    readonly name: string;
    readonly county: string;
    readonly cells: readonly ZeroCell[];
  }[];
  /** Units left out because the registry files them under two counties (see `obligedAt`). */
  readonly skipped: readonly string[];
}

/** A unit's day as its log's head records it, at `now`. */
const cellOf = (day: OwedDay, record: DayRecord | undefined, now: Date): ZeroCell => {
  if (record?.filedSeq !== undefined) {
    return {
      date: day.date,
      state: record.late ? 'late' : 'filed',
      ...(record.filedAt ? { filedAt: record.filedAt } : {}),
    };
  }
  return { date: day.date, state: now.getTime() > Date.parse(day.cutoffAt) ? 'missed' : 'not-due' };
};

/** `GET /v1/duty-periods/{id}/zero-reports?region=`: a period's units by day, within the caller's jurisdiction. */
export const makeReadZeroGrid =
  (deps: { readonly store: ZeroReportStore; readonly registry: UnitRegistry; readonly clock: Clock }) =>
  async (
    actor: Actor,
    periodId: string,
    query: { readonly region?: string; readonly from?: string; readonly to?: string },
  ): Promise<ZeroGrid> => {
    const asked = regionToRead(actor, query.region, mayQueryRegion);
    const period = await deps.store.period(periodId);
    if (!period || !regionsNest(period.region, asked)) {
      throw new NotFoundError(`no duty period ${periodId} obliges units in ${asked}`);
    }
    const region = isWithin(asked, period.region) ? asked : period.region;
    const now = deps.clock.now();
    const next = period.days.find((day) => Date.parse(day.cutoffAt) > now.getTime());
    // A period lasts up to a year: the desk asks for the days it shows.
    const days = period.days.filter(
      (day) => (!query.from || day.date >= query.from) && (!query.to || day.date <= query.to),
    );
    // Each day shows the units registered in the region at its cut-off: a unit moved away keeps its
    // past days here, and appears in its new county's grid from the move on.
    const registry = await registryWithin(deps.registry, region);
    const byDay = new Map(days.map((day) => [day.date, registry.obligedAt(new Date(day.cutoffAt))]));
    const units = new Map<string, ReportingUnit>();
    const skipped = new Set<string>();
    for (const obliged of byDay.values()) {
      for (const unit of obliged.units) units.set(unit.unitId, unit);
      for (const problem of obliged.skipped) skipped.add(problem);
    }
    const heads = await deps.store.heads(periodId, [...units.keys()]);
    const registeredOn = (unitId: string, day: OwedDay) =>
      byDay.get(day.date)?.units.some((u) => u.unitId === unitId) ?? false;
    return {
      periodId,
      region,
      period,
      asOf: now.toISOString(),
      days,
      nextCutoffAt: next?.cutoffAt ?? null,
      units: [...units.values()]
        .sort((a, b) => a.county.localeCompare(b.county) || a.unitId.localeCompare(b.unitId))
        .map((unit) => ({
          unitId: unit.unitId,
          name: unit.name,
          county: unit.county,
          cells: days.map((day) =>
            registeredOn(unit.unitId, day)
              ? cellOf(day, heads.get(unit.unitId)?.days[day.date], now)
              : { date: day.date, state: 'not-registered' as const },
          ),
        })),
      skipped: [...skipped],
    };
  };
