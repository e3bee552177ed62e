/**
 * How an incident moves up the chain (docs/domain.md#the-reporting-chain, docs/domain.md#time-limits):
 * which offices must hand it over, to whom and by when, and what happens when one stays silent.
 * Pure rules over an incident's state; the use cases turn their answers into events.
 */
import type { Grade } from './grade';
import type { EventDraft, IncidentState, OfficeRef } from './incident';
import { forwardingObligation, nextOfficeAbove, type Obligation } from './obligation';
import { HANDOVER_SOURCES } from './policy/legal-sources';
import { type Handover, limitFor, minimumNoticeOf, type Policy, ruleFor } from './policy/policy';
import { chainOf, firstOfficeOf, NATIONAL, type Region, type RegionLevel, regionOf } from './regions/regions';

const LEVEL_RANK: Record<RegionLevel, number> = { county: 0, city: 1, province: 2, national: 3 };

/** How high an incident of a grade must go (Decree 493, Art. 10): IV → city, III → province, I–II → national. */
export const requiredTop = (grade: Grade): RegionLevel => {
  switch (grade) {
    case 'IV':
      return 'city';
    case 'III':
      return 'province';
    case 'II':
    case 'I':
      return 'national';
  }
};

const FORWARDING: ReadonlySet<Handover> = new Set([
  'countyToCity',
  'cityToProvince',
  'provinceToNational',
  'publicHealthProvinceToNational',
]);

/** True for the duty to report to the next office up, as against the direct (skip-level) reports. */
export const isForwarding = (o: Obligation): boolean => FORWARDING.has(o.handover);

/** An office that has the report, and since when: where its own duty to forward starts. */
export interface Receipt {
  readonly office: Region;
  readonly receivedAt: string;
}

/**
 * Every office that has the report: the first office from the first report on, and each office a
 * forwarding obligation handed it to, from when it was forwarded or escalated past the silent one.
 */
export const receiptsOf = (state: IncidentState): readonly Receipt[] => {
  const chain = chainOf(state.regionCode);
  const receipts = new Map<string, Receipt>();
  const add = (office: Region, at: string) => {
    const known = receipts.get(office.code);
    if (!known || at < known.receivedAt) receipts.set(office.code, { office, receivedAt: at });
  };
  add(firstOfficeOf(chain), state.receivedAt);
  for (const o of state.obligations) {
    if (!isForwarding(o)) continue;
    const handedOverAt = [o.metAt, o.escalatedAt].filter((t): t is string => t !== undefined).sort()[0];
    if (handedOverAt) add(regionOf(o.to.office), handedOverAt);
  }
  return [...receipts.values()];
};

/**
 * The obligations the incident should have now but does not: a forwarding duty for every office
 * that has the report and sits below the level the grade must reach, and, for grades I and II or
 * a natural disaster with ten or more dead or missing, the first office's direct reports. Opening
 * what this returns is idempotent: once open, an obligation is not returned again.
 *
 * Called whenever the incident changes (a report, a forward, an escalation, a new grade), so a
 * missing duty has just arisen: it is timed from now. For a forward or an escalation that is the
 * moment the office received the report; for a raised grade, the moment the duty appeared —
 * nobody can be late for a duty they did not have.
 */
export const obligationsToOpen = (state: IncidentState, policy: Policy, now: Date): readonly Obligation[] => {
  // A final report from the unit ends its reporting, not the offices' duty to pass it up.
  const chain = chainOf(state.regionCode);
  const existing = new Set(state.obligations.map((o) => o.obligationId));
  const nowIso = now.toISOString();
  const top = LEVEL_RANK[requiredTop(state.grade)];
  const opened: Obligation[] = [];
  const open = (o: Obligation) => {
    if (!existing.has(o.obligationId)) {
      existing.add(o.obligationId);
      opened.push(o);
    }
  };

  for (const receipt of receiptsOf(state)) {
    if (LEVEL_RANK[receipt.office.level] >= top) continue;
    open(
      forwardingObligation({
        incidentId: state.incidentId,
        chain,
        holder: receipt.office,
        grade: state.grade,
        category: state.category,
        policy,
        receivedAt: now,
      }),
    );
  }

  const first = firstOfficeOf(chain);
  const national = regionOf(NATIONAL);
  const direct = (handover: Handover) => {
    const limitMs = limitFor(policy, { handover, region: chain, grade: state.grade, category: state.category });
    open({
      obligationId: `${state.incidentId}-${first.code}-${handover}`,
      incidentId: state.incidentId,
      level: first.level,
      office: first.code,
      handover,
      to: { level: national.level, office: national.code },
      openedAt: nowIso,
      dueAt: new Date(now.getTime() + limitMs).toISOString(),
      limitMs,
      status: 'pending',
    });
  };
  if (state.grade === 'I' || state.grade === 'II') {
    direct('skipLevelPhone');
    direct('skipLevelWritten');
  }
  if (state.category === 'natural-disaster' && state.figures.dead + state.figures.missing >= 10) {
    direct('naturalDisasterDirect');
  }
  return opened;
};

/** The pending obligation that `office` holds to forward the report up, if any. */
export const forwardingDutyOf = (state: IncidentState, office: OfficeRef): Obligation | undefined =>
  state.obligations.find(
    (o) =>
      isForwarding(o) &&
      o.office === office.office &&
      o.level === office.level &&
      (o.status === 'pending' || o.status === 'missed'),
  );

/** Direct (skip-level) duties of `office` still unmet. */
export const directDutiesOf = (state: IncidentState, office: OfficeRef): readonly Obligation[] =>
  state.obligations.filter(
    (o) =>
      !isForwarding(o) &&
      o.office === office.office &&
      o.level === office.level &&
      (o.status === 'pending' || o.status === 'missed'),
  );

/** The events that record a deadline passed unmet and the escalation past the silent office. */
export const missedDeadlineEvents = (
  state: IncidentState,
  obligation: Obligation,
  now: Date,
): readonly EventDraft[] => {
  const holder: OfficeRef = { level: obligation.level, office: obligation.office };
  const missed = {
    type: 'DeadlineMissed' as const,
    data: {
      ...holder,
      obligationId: obligation.obligationId,
      dueAt: obligation.dueAt,
      lateByMs: now.getTime() - Date.parse(obligation.dueAt),
      // A correction a unit never sent is the unit's miss: no office leader answers for it.
      responsible: {
        office: obligation.office,
        roles:
          obligation.unit === undefined ? (['first-responsible', 'directly-responsible', 'duty-officer'] as const) : [],
      },
      ...(obligation.unit !== undefined ? { unit: obligation.unit } : {}),
    },
  };
  if (!isForwarding(obligation) || obligation.escalatedAt) return [missed];
  // The information keeps moving up: the office above gets the report as if it had been forwarded.
  const chain = chainOf(state.regionCode);
  const above = nextOfficeAbove(chain, regionOf(obligation.office));
  return [
    missed,
    {
      type: 'AutoEscalated' as const,
      data: { obligationId: obligation.obligationId, from: holder, to: { level: above.level, office: above.code } },
    },
  ];
};

/**
 * Pending duties that an incident's (lowered) grade no longer calls for: forwarding by an office
 * already at or above the level the grade must reach, and the direct reports of grades I and II.
 * Recording them as waived keeps an office from being marked late for a duty it no longer has.
 */
export const dutiesNoLongerOwed = (state: IncidentState): readonly Obligation[] => {
  const top = LEVEL_RANK[requiredTop(state.grade)];
  const grave = state.grade === 'I' || state.grade === 'II';
  return state.obligations.filter((o) => {
    if (o.status !== 'pending') return false;
    if (isForwarding(o)) return LEVEL_RANK[o.level] >= top;
    if (o.handover === 'skipLevelPhone' || o.handover === 'skipLevelWritten') return !grave;
    return false;
  });
};

/**
 * The running deadlines a new grade moves earlier: for every pending duty whose hand-over the
 * grade gives a shorter limit, the deadline becomes the duty's opening plus that limit — but never
 * sooner than now plus the policy's minimum notice, and never later than it was (a longer limit
 * does not extend a running window). A duty already missed, met or waived keeps its record.
 * Asking again with nothing changed returns nothing, so the rule can run on every grade change.
 */
export const deadlinesToShorten = (state: IncidentState, policy: Policy, now: Date): readonly EventDraft[] => {
  const chain = chainOf(state.regionCode);
  const earliest = now.getTime() + minimumNoticeOf(policy);
  const drafts: EventDraft[] = [];
  for (const o of state.obligations) {
    if (o.status !== 'pending') continue;
    const rule = ruleFor(policy, { handover: o.handover, region: chain, grade: state.grade, category: state.category });
    const byRule = Date.parse(o.openedAt) + rule.ms;
    const due = Date.parse(o.dueAt);
    const target = Math.max(byRule, earliest);
    if (target >= due) continue;
    drafts.push({
      type: 'DeadlineShortened',
      data: {
        level: o.level,
        office: o.office,
        obligationId: o.obligationId,
        openedAt: o.openedAt,
        from: o.dueAt,
        to: new Date(target).toISOString(),
        grade: state.grade,
        limitMs: rule.ms,
        rule: rule.override?.note ?? HANDOVER_SOURCES[o.handover],
        floored: byRule < earliest,
      },
    });
  }
  return drafts;
};
