/**
 * A drill's own account, for the after-action review (docs/domain.md#drills): each of its
 * incidents and each hand-over along the chain — unit to county, county to city, city to province
 * and on — when it was due, when it was done, how long it took, who was told and who missed. It is
 * read from each incident's log and head, as the accountability views read real incidents.
 */
import { type Outcome, outcomeOf } from './audit/outcome';
import type { Drill } from './drills';
import type { Category, IncidentEvent, IncidentState } from './incident';
import type { Obligation } from './obligation';
import { limitFor, type Policy } from './policy/policy';
import { chainOf, firstOfficeOf, type RegionLevel } from './regions/regions';

/** One person told about a hand-over, as the log recorded it. */
export interface DrillNotice {
  readonly kind: string;
  readonly at: string;
  readonly office: string;
  readonly role: string;
  readonly personId: string;
}

/** One hand-over of one drill incident. */
export interface DrillHandover {
  /** The unit's own report (`unitToCounty`) or the obligation's hand-over. */
  readonly handover: string;
  readonly from: { readonly level: RegionLevel | 'unit'; readonly code: string };
  readonly to: { readonly level: RegionLevel; readonly code: string };
  /** When the window opened: the unit learned of the incident, or the office received the report. */
  readonly openedAt: string;
  readonly dueAt: string;
  readonly doneAt: string | null;
  /** From opening to done; null while not done. */
  readonly tookMs: number | null;
  readonly outcome: Outcome;
  /** When the pipeline escalated past a silent office. */
  readonly escalatedAt?: string;
  /** Everyone told about this hand-over (opened, reminded, missed, escalated, moved). */
  readonly told: readonly DrillNotice[];
  /** Notifications that found nobody on record to tell. */
  readonly untold: number;
}

export interface DrillIncident {
  readonly incidentId: string;
  readonly regionCode: string;
  readonly category: Category;
  readonly subtype: string;
  readonly grade: IncidentState['grade'];
  readonly status: IncidentState['status'];
  readonly unit: string;
  readonly receivedAt: string;
  readonly handovers: readonly DrillHandover[];
}

export interface DrillTotals {
  readonly incidents: number;
  readonly handovers: number;
  readonly onTime: number;
  readonly late: number;
  readonly missed: number;
  readonly pending: number;
  readonly waived: number;
}

export interface DrillReport {
  readonly drill: Drill;
  readonly incidents: readonly DrillIncident[];
  readonly totals: DrillTotals;
}

/** The obligation an event is about, if it is about one. */
const obligationOfEvent = (event: IncidentEvent): string | undefined => {
  switch (event.type) {
    case 'ObligationOpened':
      return event.data.obligation.obligationId;
    case 'DeadlineWarned':
    case 'DeadlineMissed':
    case 'AutoEscalated':
    case 'DeadlineShortened':
    case 'ObligationWaived':
    case 'ReportForwarded':
      return event.data.obligationId;
    default:
      return undefined;
  }
};

/** Who was told about what: notices by the obligation they concern (`''` for the report itself). */
const noticesOf = (events: readonly IncidentEvent[]) => {
  const about = new Map(events.map((e) => [e.seq, obligationOfEvent(e) ?? '']));
  const told = new Map<string, DrillNotice[]>();
  const untold = new Map<string, number>();
  for (const event of events) {
    if (event.type === 'NotificationSent') {
      const key = about.get(event.data.aboutSeq) ?? '';
      const list = told.get(key) ?? [];
      for (const r of event.data.recipients) {
        list.push({ kind: event.data.kind, at: event.at, office: r.office, role: r.role, personId: r.personId });
      }
      told.set(key, list);
    } else if (event.type === 'NotificationFailed' && !event.data.willRetry) {
      const key = about.get(event.data.aboutSeq) ?? '';
      untold.set(key, (untold.get(key) ?? 0) + 1);
    }
  }
  return { told, untold };
};

const obligationHandover = (o: Obligation, notices: ReturnType<typeof noticesOf>): DrillHandover => ({
  handover: o.handover,
  // A correction a unit owes is filed under the office it reports to, but the unit hands it over.
  from: o.unit ? { level: 'unit', code: o.unit } : { level: o.level, code: o.office },
  to: { level: o.to.level, code: o.to.office },
  openedAt: o.openedAt,
  dueAt: o.dueAt,
  doneAt: o.metAt ?? null,
  tookMs: o.metAt ? Date.parse(o.metAt) - Date.parse(o.openedAt) : null,
  outcome: outcomeOf(o),
  ...(o.escalatedAt ? { escalatedAt: o.escalatedAt } : {}),
  told: notices.told.get(o.obligationId) ?? [],
  untold: notices.untold.get(o.obligationId) ?? 0,
});

/**
 * The unit's own hand-over: from learning of the incident to the county's receipt of its report,
 * against the limit of the drill's policy (as the log recorded it when the report was late).
 */
const unitHandover = (
  state: IncidentState,
  first: IncidentEvent | undefined,
  events: readonly IncidentEvent[],
  policy: Policy,
  notices: ReturnType<typeof noticesOf>,
): DrillHandover => {
  const late = events.find((e) => e.type === 'UnitReportLate');
  const chain = chainOf(state.regionCode);
  const limitMs =
    late?.type === 'UnitReportLate'
      ? late.data.limitMs
      : limitFor(policy, {
          handover: 'unitToCounty',
          region: chain,
          grade: first?.scope.grade ?? state.grade,
          category: state.category,
        });
  const tookMs = Date.parse(state.receivedAt) - Date.parse(state.learnedAt);
  const office = firstOfficeOf(chain);
  return {
    handover: 'unitToCounty',
    from: { level: 'unit', code: state.firstUnit },
    to: { level: office.level, code: office.code },
    openedAt: state.learnedAt,
    dueAt: new Date(Date.parse(state.learnedAt) + limitMs).toISOString(),
    doneAt: state.receivedAt,
    tookMs,
    outcome: late ? 'late' : 'on-time',
    told: notices.told.get('') ?? [],
    untold: notices.untold.get('') ?? 0,
  };
};

/** One drill incident's hand-overs, the unit's first, then the offices' by deadline. */
export const drillIncidentOf = (
  state: IncidentState,
  events: readonly IncidentEvent[],
  policy: Policy,
): DrillIncident => {
  const notices = noticesOf(events);
  const offices = [...state.obligations]
    .sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.dueAt.localeCompare(b.dueAt))
    .map((o) => obligationHandover(o, notices));
  return {
    incidentId: state.incidentId,
    regionCode: state.regionCode,
    category: state.category,
    subtype: state.subtype,
    grade: state.grade,
    status: state.status,
    unit: state.firstUnit,
    receivedAt: state.receivedAt,
    handovers: [unitHandover(state, events[0], events, policy, notices), ...offices],
  };
};

/** The drill's report: its incidents, earliest received first, and what their hand-overs came to. */
export const drillReportOf = (drill: Drill, incidents: readonly DrillIncident[]): DrillReport => {
  const sorted = [...incidents].sort(
    (a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.incidentId.localeCompare(b.incidentId),
  );
  const handovers = sorted.flatMap((i) => i.handovers);
  const count = (outcome: Outcome) => handovers.filter((h) => h.outcome === outcome).length;
  return {
    drill,
    incidents: sorted,
    totals: {
      incidents: sorted.length,
      handovers: handovers.length,
      onTime: count('on-time'),
      late: count('late'),
      missed: count('missed'),
      pending: count('pending'),
      waived: count('waived'),
    },
  };
};
