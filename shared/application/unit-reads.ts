/**
 * A reporting unit's own reads: the incidents it reported, each with where it has got to in plain
 * terms, and the zero reports it owes today. A unit reads only its own (`mayReadUnit`): another
 * unit's incidents, even in the same county, are not listed, and a refusal is recorded as evidence.
 */
import { type Actor, mayReadUnit } from '../domain/access';
import { chinaDateOf } from '../domain/china-time';
import { ForbiddenError, ValidationError } from '../domain/errors';
import { isForwarding } from '../domain/escalation';
import type { Figures, IncidentState, OfficeRef } from '../domain/incident';
import type { Obligation } from '../domain/obligation';
import { isKnownRegion, isWithin, regionOf } from '../domain/regions/regions';
import type { ReportField } from '../domain/report-fields';
import { filingOpensAt } from '../domain/zero-reports';
import type { Clock } from '../ports/clock';
import type { IncidentStore } from '../ports/incident-store';
import type { UnitRegistry } from '../ports/unit-registry';
import type { ZeroReportStore } from '../ports/zero-report-store';

/** An incident as the unit that reported it sees it: what it reported, and who has it now. */
export interface UnitIncidentView {
  readonly incidentId: string;
  readonly status: 'open' | 'closed';
  readonly category: IncidentState['category'];
  readonly subtype: string;
  readonly grade: IncidentState['grade'];
  readonly regionCode: string;
  readonly occurredAt: string;
  readonly learnedAt: string;
  /** When the unit's first report was received: "delivered at". */
  readonly receivedAt: string;
  readonly updatedAt: string;
  readonly reportCount: number;
  readonly figures: Figures;
  /** The unit's first report came after its own limit. */
  readonly unitLate: boolean;
  /** Present when the incident is an exercise: its drill. */
  readonly drillId?: string;
  /** The first office that acknowledged receipt, and when. */
  readonly receivedBy: (OfficeRef & { readonly at: string }) | null;
  /**
   * Every hand-over up the chain so far, in order: forwarded by the office that held it, or, when
   * it stayed silent past its deadline, escalated past it by the pipeline.
   */
  readonly forwarded: readonly {
    readonly from: OfficeRef;
    readonly to: OfficeRef;
    readonly at: string;
    readonly by: 'office' | 'escalation';
  }[];
  /**
   * The reports an office returned to this unit for correction (docs/domain.md#review-and-return),
   * oldest first: what to correct, the office's note, the deadline and whether it was answered.
   */
  readonly returns: readonly {
    readonly returnId: string;
    readonly by: OfficeRef;
    readonly reportId: string;
    readonly fields: readonly ReportField[];
    readonly note: string;
    readonly returnedAt: string;
    readonly dueAt: string;
    readonly status: Obligation['status'];
    readonly correctedAt: string | null;
  }[];
}

type HandOver = UnitIncidentView['forwarded'][number];

export const unitIncidentView = (state: IncidentState, unit: string): UnitIncidentView => {
  const forwarded = state.obligations
    .filter(isForwarding)
    .flatMap((o): HandOver[] => {
      const from = { level: o.level, office: o.office };
      const to = { level: o.to.level, office: o.to.office };
      // Met on time, or late but before the pipeline escalated: forwarded by the office.
      if (o.metAt && !(o.escalatedAt && o.escalatedAt < o.metAt)) {
        return [{ from, to, at: o.metAt, by: 'office' }];
      }
      if (o.escalatedAt) return [{ from, to, at: o.escalatedAt, by: 'escalation' }];
      return [];
    })
    .sort((a, b) => a.at.localeCompare(b.at));
  const acknowledged = state.acknowledgements[0];
  return {
    incidentId: state.incidentId,
    status: state.status,
    category: state.category,
    subtype: state.subtype,
    grade: state.grade,
    regionCode: state.regionCode,
    occurredAt: state.occurredAt,
    learnedAt: state.learnedAt,
    receivedAt: state.receivedAt,
    updatedAt: state.updatedAt,
    reportCount: state.reportCount,
    figures: state.figures,
    unitLate: state.unitLate,
    ...(state.drill ? { drillId: state.drill.drillId } : {}),
    receivedBy: acknowledged ? { level: acknowledged.level, office: acknowledged.office, at: acknowledged.at } : null,
    forwarded,
    returns: state.obligations.flatMap((o) =>
      o.returned && o.unit === unit
        ? [
            {
              returnId: o.obligationId,
              by: o.returned.by,
              reportId: o.returned.reportId,
              fields: o.returned.fields,
              note: o.returned.note,
              returnedAt: o.openedAt,
              dueAt: o.dueAt,
              status: o.status,
              correctedAt: o.metAt ?? null,
            },
          ]
        : [],
    ),
  };
};

const refuseUnlessOwnUnit = (actor: Actor, unit: string): void => {
  const decision = mayReadUnit(actor, unit);
  if (!decision.allowed) throw new ForbiddenError(decision.reason, { targetRegion: actor.region });
};

export interface UnitIncidentsQuery {
  readonly unit: string;
  readonly status?: 'open' | 'closed';
  readonly limit: number;
  readonly after?: Readonly<Record<string, string>>;
}

/** `GET /v1/units/{unit}/incidents`: the incidents the unit reported first, newest first, a page at a time. */
export const makeListUnitIncidents =
  (deps: { readonly incidents: IncidentStore }) => async (actor: Actor, query: UnitIncidentsQuery) => {
    refuseUnlessOwnUnit(actor, query.unit);
    if (!isKnownRegion(actor.region)) {
      throw new ForbiddenError(`the token's region ${actor.region} is not a known region`, {
        targetRegion: actor.region,
      });
    }
    // A unit reports for its own county (or a city without counties): its incidents are filed there.
    const level = regionOf(actor.region).level;
    if (level !== 'county' && level !== 'city') {
      throw new ValidationError(`units report for a county, not for ${actor.region}`, [
        { field: 'unit', problem: 'the token’s region is not a county' },
      ]);
    }
    const page = await deps.incidents.list({
      level,
      regionCode: actor.region,
      firstUnit: query.unit,
      limit: query.limit,
      ...(query.status ? { status: query.status } : {}),
      ...(query.after ? { after: query.after } : {}),
    });
    return {
      // The list index covers the county; the unit's filter is checked again here, whatever the store did.
      items: page.items
        .filter((state) => state.firstUnit === query.unit)
        .map((state) => unitIncidentView(state, query.unit)),
      ...(page.after ? { after: page.after } : {}),
    };
  };

/** One duty period's claim on the unit for a day, and what the unit's log says of it. */
export interface UnitDuty {
  readonly periodId: string;
  readonly region: string;
  readonly reason: string;
  readonly date: string;
  readonly cutoffAt: string;
  /** Filing opens at the cut-off of the day before. */
  readonly opensAt: string;
  readonly filed: { readonly filedAt: string; readonly late: boolean } | null;
  /** A miss is on record for the day (the cut-off passed with nothing filed). */
  readonly missed: boolean;
}

export interface UnitDailyReports {
  /** The China date asked about, or today's when none was. */
  readonly date: string;
  /** Whether the unit is in its county's registry: only registered units owe and may file zero reports. */
  readonly registered: boolean;
  readonly duties: readonly UnitDuty[];
}

const nextDay = (date: string): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * `GET /v1/units/{unit}/daily-reports?date=`: the zero reports the unit owes on a day. Without a
 * date: today's, and tomorrow's once its filing has opened (after today's cut-off) — everything the
 * unit can file now or must file today.
 */
export const makeUnitDailyReports =
  (deps: { readonly store: ZeroReportStore; readonly registry: UnitRegistry; readonly clock: Clock }) =>
  async (actor: Actor, query: { readonly unit: string; readonly date?: string }): Promise<UnitDailyReports> => {
    refuseUnlessOwnUnit(actor, query.unit);
    const now = deps.clock.now();
    const date = query.date ?? chinaDateOf(now);
    const registered = (await deps.registry.unit(actor.region, query.unit, now)) !== undefined;
    if (!registered || !isKnownRegion(actor.region)) return { date, registered, duties: [] };
    const tomorrow = query.date === undefined ? nextDay(date) : undefined;
    const periods = (await deps.store.periods())
      .filter((period) => isWithin(actor.region, period.region))
      .flatMap((period) =>
        period.days
          .filter(
            (day) =>
              day.date === date || (day.date === tomorrow && now.getTime() >= Date.parse(filingOpensAt(day.cutoffAt))),
          )
          .map((day) => ({ period, day })),
      );
    const duties = await Promise.all(
      periods.map(async ({ period, day }): Promise<UnitDuty> => {
        const record = (await deps.store.head(period.periodId, query.unit))?.days[day.date];
        return {
          periodId: period.periodId,
          region: period.region,
          reason: period.reason,
          date: day.date,
          cutoffAt: day.cutoffAt,
          opensAt: filingOpensAt(day.cutoffAt),
          filed: record?.filedSeq !== undefined ? { filedAt: record.filedAt ?? '', late: record.late ?? false } : null,
          missed: record?.missedSeq !== undefined,
        };
      }),
    );
    return { date, registered, duties: duties.sort((a, b) => a.cutoffAt.localeCompare(b.cutoffAt)) };
  };
