/**
 * Punctuality kept as counters per office and incident day, a projection of the log: the
 * punctuality table sums the days of a period instead of reading every incident of it.
 *
 * Every event that moves an office's duty (opens it, meets it, marks it missed, waives it) says by
 * itself where the duty stands after it — as the head's projection sets the duty's status from
 * that event alone. So the counters keep, per duty, its standing and the seq of the event that
 * set it, and an event moves the counters from the duty's kept standing to its own only when its
 * seq is later: a redelivered event, or one overtaken by a later event of the same duty, changes
 * nothing. Whatever the order and however often events arrive, the counters end at each duty's
 * standing after its last event — what the heads say.
 *
 * A duty counts on the day of its incident (the China day of the first receipt, which the
 * table's period filters on) for the office that holds it. A unit's correction is the unit's duty,
 * not an office's, and an exercise's duties are its drill's account: neither is counted.
 */
import { isExercise } from '../exercise';
import type { IncidentEvent } from '../incident';
import { addCounters, type Counters, incidentDay } from '../rollup';
import { delayOf, type Outcome, outcomeOf } from './outcome';
import { type DutyTally, emptyTally } from './punctuality';

/** One office's day: whose duties, on which incident day. */
export interface DutyDay {
  readonly office: string;
  /** `YYYY-MM-DD`, the China day of the incidents' first receipt. */
  readonly day: string;
}

export const dutyDayId = (key: DutyDay): string => `${key.office}|${key.day}`;

/** Where an office's duty stands, and which of its events set that. */
export interface DutyStanding {
  readonly incidentId: string;
  readonly obligationId: string;
  /** The seq of the latest event of the duty counted. */
  readonly seq: number;
  readonly office: string;
  readonly day: string;
  readonly outcome: Outcome;
  /** How late it was met, for a late one. */
  readonly lateByMs?: number;
}

/** Where an office's duty stands after an event that moves it; nothing for any other event. */
export const standingAfter = (event: IncidentEvent): DutyStanding | undefined => {
  if (isExercise(event.scope)) return undefined;
  const base = { incidentId: event.incidentId, seq: event.seq, day: incidentDay(event.incidentId) };
  const standing = (obligationId: string, office: string, o: Parameters<typeof outcomeOf>[0]): DutyStanding => {
    const outcome = outcomeOf(o);
    return {
      ...base,
      obligationId,
      office,
      outcome,
      ...(outcome === 'late' ? { lateByMs: delayOf(o) } : {}),
    };
  };
  switch (event.type) {
    case 'ObligationOpened': {
      const o = event.data.obligation;
      return o.unit === undefined ? standing(o.obligationId, o.office, o) : undefined;
    }
    case 'ReportForwarded': {
      const d = event.data;
      return standing(d.obligationId, d.office, { status: 'met', lateByMs: d.lateByMs, dueAt: d.dueAt });
    }
    case 'ReportCorrected': {
      const d = event.data;
      if (d.unit !== undefined) return undefined;
      return standing(d.obligationId, d.office, { status: 'met', lateByMs: d.lateByMs, dueAt: d.dueAt });
    }
    case 'DeadlineMissed': {
      const d = event.data;
      return d.unit === undefined
        ? standing(d.obligationId, d.office, { status: 'missed', dueAt: d.dueAt })
        : undefined;
    }
    case 'ObligationWaived':
      // Only an office's forward or direct report is waived, never a unit's correction.
      return standing(event.data.obligationId, event.data.office, { status: 'waived' });
    default:
      return undefined;
  }
};

/** The latest standing of each duty these events move, by obligation id. */
export const latestStandings = (events: Iterable<IncidentEvent>): Map<string, DutyStanding> => {
  const latest = new Map<string, DutyStanding>();
  for (const event of events) {
    const standing = standingAfter(event);
    if (!standing) continue;
    const kept = latest.get(standing.obligationId);
    if (!kept || kept.seq < standing.seq) latest.set(standing.obligationId, standing);
  }
  return latest;
};

/** Counter names: each outcome's count, and `late:<ms>` for how many were met exactly that late. */
const LATE_PREFIX = 'late:';

/** What one standing counts, times `sign`. */
const countersOfStanding = (s: DutyStanding, sign: 1 | -1): Counters => ({
  [s.outcome]: sign,
  ...(s.outcome === 'late' && s.lateByMs !== undefined ? { [`${LATE_PREFIX}${s.lateByMs}`]: sign } : {}),
});

/**
 * What moving duties from their kept standings (if any) to new ones adds, per office-day. A
 * duty's office and day never change, so a move adds to one office-day.
 */
export const dutyCounters = (
  moves: Iterable<{ readonly to: DutyStanding; readonly from?: DutyStanding }>,
): Map<string, { key: DutyDay; counters: Map<string, number> }> => {
  const items = new Map<string, { key: DutyDay; counters: Map<string, number> }>();
  for (const { to, from } of moves) {
    const key = { office: to.office, day: to.day };
    const id = dutyDayId(key);
    const item = items.get(id) ?? { key, counters: new Map<string, number>() };
    addCounters(item.counters, countersOfStanding(to, 1));
    if (from) addCounters(item.counters, countersOfStanding(from, -1));
    if (item.counters.size > 0) items.set(id, item);
    else items.delete(id);
  }
  return items;
};

/** The tally a set of office-day counters comes to (their sum). */
export const tallyOfCounters = (days: readonly Counters[]): DutyTally => {
  const tally = emptyTally();
  for (const counters of days) {
    for (const [name, n] of Object.entries(counters)) {
      if (name.startsWith(LATE_PREFIX)) {
        const delay = Number(name.slice(LATE_PREFIX.length));
        tally.lateDelays.set(delay, (tally.lateDelays.get(delay) ?? 0) + n);
      } else if (name in tally.outcomes) {
        tally.outcomes[name as Outcome] += n;
      }
    }
  }
  for (const [delay, n] of tally.lateDelays) if (n === 0) tally.lateDelays.delete(delay);
  return tally;
};
