/**
 * The duty desk's board: which incidents an office has in front of it, and each one as a row —
 * the incident at a glance and the office's own duties with their deadlines, reminder points and
 * the rule behind each, so the console can count down without asking again.
 */
import { isForwarding, receiptsOf } from './escalation';
import type { Category, Figures, IncidentState, OfficeRef } from './incident';
import type { Obligation } from './obligation';
import { HANDOVER_SOURCES } from './policy/legal-sources';
import { type Policy, reminderAt, ruleFor } from './policy/policy';
import { chainOf } from './regions/regions';
import { isUnanswered } from './review';

/**
 * On the board: open, or still owing a hand-over (a unit's final report ends its reporting, not
 * the offices' duty to pass the report up). Off it once closed with every duty settled.
 */
export const isOnBoard = (state: IncidentState): boolean =>
  state.status === 'open' || state.obligations.some((o) => o.status === 'pending');

/** How the report reached the office. */
export type Arrival = 'report' | 'forward' | 'escalation';

/** One of the office's own duties on an incident, with what the console needs to count down. */
export interface DeskDuty {
  readonly obligationId: string;
  readonly handover: Obligation['handover'];
  readonly to: OfficeRef;
  readonly openedAt: string;
  readonly dueAt: string;
  /** When the console turns the countdown amber: the policy's reminder point, if it has one. */
  readonly remindAt: string | null;
  readonly limitMs: number;
  readonly status: Obligation['status'];
  readonly metAt?: string;
  readonly lateByMs?: number;
  /** The deadline the duty opened with, when a raised grade has moved it earlier. */
  readonly shortenedFrom?: string;
  /** The rule behind the limit: the legal source, or the jurisdiction's override note. */
  readonly source: string;
}

export interface BoardRow {
  readonly incidentId: string;
  readonly version: number;
  readonly status: IncidentState['status'];
  readonly grade: IncidentState['grade'];
  readonly category: Category;
  readonly subtype: string;
  readonly regionCode: string;
  readonly occurredAt: string;
  readonly updatedAt: string;
  readonly reportCount: number;
  readonly figures: Figures;
  /** When this office received the report, and how. */
  readonly arrivedAt: string;
  readonly arrival: Arrival;
  /** When this office acknowledged receipt, if it has. */
  readonly acknowledgedAt: string | null;
  /** Present when the incident is an exercise: the board shows it as a drill. */
  readonly drillId?: string;
  readonly duties: readonly DeskDuty[];
  /**
   * The report this office returned for correction and is still waiting for, if any: whom it went
   * back to (a unit, or the office below), and when the correction is due.
   */
  readonly awaitingCorrection: {
    readonly returnId: string;
    readonly to: OfficeRef & { readonly unit?: string };
    readonly dueAt: string;
    readonly status: Obligation['status'];
  } | null;
}

/** The correction `office` asked for and has not received yet (docs/domain.md#review-and-return). */
const awaitingCorrectionOf = (state: IncidentState, office: OfficeRef): BoardRow['awaitingCorrection'] => {
  const o = state.obligations.find(
    (x) => isUnanswered(x) && x.returned?.by.office === office.office && x.returned.by.level === office.level,
  );
  if (!o) return null;
  return {
    returnId: o.obligationId,
    to: { level: o.level, office: o.office, ...(o.unit !== undefined ? { unit: o.unit } : {}) },
    dueAt: o.dueAt,
    status: o.status,
  };
};

/** When and how `office` received the report, if it has it at all. */
export const arrivalAt = (state: IncidentState, office: OfficeRef): { at: string; how: Arrival } | undefined => {
  const receipt = receiptsOf(state).find((r) => r.office.code === office.office && r.office.level === office.level);
  if (!receipt) return undefined;
  const handedOver = state.obligations.find(
    (o) => isForwarding(o) && o.to.office === office.office && (o.metAt ?? o.escalatedAt) !== undefined,
  );
  if (!handedOver) return { at: receipt.receivedAt, how: 'report' };
  const byForward =
    handedOver.metAt !== undefined && !(handedOver.escalatedAt && handedOver.escalatedAt < handedOver.metAt);
  return { at: receipt.receivedAt, how: byForward ? 'forward' : 'escalation' };
};

const dutyOf = (state: IncidentState, o: Obligation, policy: Policy): DeskDuty => {
  const rule = ruleFor(policy, {
    handover: o.handover,
    region: chainOf(state.regionCode),
    grade: state.grade,
    category: state.category,
  });
  const remind = reminderAt(policy, new Date(o.openedAt), new Date(o.dueAt));
  return {
    obligationId: o.obligationId,
    handover: o.handover,
    to: o.to,
    openedAt: o.openedAt,
    dueAt: o.dueAt,
    remindAt: remind ? remind.toISOString() : null,
    limitMs: o.limitMs,
    status: o.status,
    ...(o.metAt ? { metAt: o.metAt } : {}),
    ...(o.lateByMs !== undefined ? { lateByMs: o.lateByMs } : {}),
    ...(o.shortenedFrom ? { shortenedFrom: o.shortenedFrom } : {}),
    // An exercise's limit is its drill's policy, not the law's: the desk is told so, not the statute.
    source: state.drill
      ? `演练时限（${state.drill.policy}）`
      : rule.override && rule.ms === o.limitMs
        ? rule.override.note
        : HANDOVER_SOURCES[o.handover],
  };
};

/** The incident as `office`'s board shows it, or undefined when the office does not have it. */
export const boardRowOf = (state: IncidentState, office: OfficeRef, policy: Policy): BoardRow | undefined => {
  const arrival = arrivalAt(state, office);
  if (!arrival) return undefined;
  const acknowledged = state.acknowledgements.find((a) => a.office === office.office && a.level === office.level);
  return {
    incidentId: state.incidentId,
    version: state.version,
    status: state.status,
    grade: state.grade,
    category: state.category,
    subtype: state.subtype,
    regionCode: state.regionCode,
    occurredAt: state.occurredAt,
    updatedAt: state.updatedAt,
    reportCount: state.reportCount,
    figures: state.figures,
    arrivedAt: arrival.at,
    arrival: arrival.how,
    acknowledgedAt: acknowledged?.at ?? null,
    ...(state.drill ? { drillId: state.drill.drillId } : {}),
    // A unit's correction is filed under the office it reports to, but the unit owes it.
    duties: state.obligations
      .filter((o) => o.office === office.office && o.level === office.level && o.unit === undefined)
      .map((o) => dutyOf(state, o, policy)),
    awaitingCorrection: awaitingCorrectionOf(state, office),
  };
};
