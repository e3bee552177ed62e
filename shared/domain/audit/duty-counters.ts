/**
 * Punctuality kept as counters per office and incident day, a projection of the log: the
 * punctuality table sums the days of a period instead of reading every incident of it.
 *
 * Each event that moves an office's duty (opens it, meets it, marks it missed, waives it) adds the
 * duty's standing after the event less its standing before. The standing before is fixed by the
 * log up to the event, so each event's contribution is the same whenever and however often it is
 * delivered; applied once each (the roll-up's markers see to that), in any order, they sum to the
 * standing of every duty now — what the heads say. A duty is counted on the day of its incident
 * (the China day of the first receipt, which the table's period filters on) for the office that
 * holds it; an exercise's duties are its drill's account and are not counted.
 */
import { isExercise } from '../exercise';
import { replaySteps } from '../head-projection';
import type { IncidentEvent } from '../incident';
import type { Obligation } from '../obligation';
import { addCounters, type Counters, incidentDay } from '../rollup';
import { DUTY_EVENT_TYPES, type Outcome } from './outcome';
import { type DutyTally, emptyTally, isOfficeDuty, tallyObligation } from './punctuality';

const isDutyEvent = (event: IncidentEvent): boolean => (DUTY_EVENT_TYPES as readonly string[]).includes(event.type);

/** One office's day: whose duties, on which incident day. */
export interface DutyDay {
  readonly office: string;
  /** `YYYY-MM-DD`, the China day of the incidents' first receipt. */
  readonly day: string;
}

export const dutyDayId = (key: DutyDay): string => `${key.office}|${key.day}`;

/** A duty as it stood before an event and after it. */
export interface DutyMove {
  readonly before?: Obligation;
  readonly after: Obligation;
}

const obligationIdOf = (event: IncidentEvent): string | undefined => {
  switch (event.type) {
    case 'ObligationOpened':
      return event.data.obligation.obligationId;
    case 'ReportForwarded':
    case 'ReportCorrected':
    case 'DeadlineMissed':
    case 'ObligationWaived':
      return event.data.obligationId;
    default:
      return undefined;
  }
};

/** Whether an event needs the log before it to say how it moved its duty (an opening does not). */
export const needsLogBefore = (event: IncidentEvent): boolean =>
  isDutyEvent(event) && event.type !== 'ObligationOpened' && !isExercise(event.scope);

/**
 * How each duty event of an incident moved its duty, by seq, from the incident's log from its
 * first event on (a log that stops early gives the moves of the events it holds).
 */
export const dutyMovesOf = (log: readonly IncidentEvent[]): ReadonlyMap<number, DutyMove> => {
  const moves = new Map<number, DutyMove>();
  const ordered = [...log].sort((a, b) => a.seq - b.seq);
  const steps = replaySteps(ordered);
  ordered.forEach((event, i) => {
    const id = obligationIdOf(event);
    if (id === undefined) return;
    const find = (index: number) => steps[index]?.obligations.find((o) => o.obligationId === id);
    const after = find(i);
    const before = i > 0 ? find(i - 1) : undefined;
    if (after) moves.set(event.seq, { ...(before ? { before } : {}), after });
  });
  return moves;
};

/** How an opening moved its duty: from nothing to what it opened. Needs no log. */
export const openingMove = (event: IncidentEvent): DutyMove | undefined =>
  event.type === 'ObligationOpened' ? { after: event.data.obligation } : undefined;

/** Counter names: an outcome's count, and `late:<ms>` for how many were met exactly that late. */
const LATE_PREFIX = 'late:';

/** A tally as counters, each count times `sign`. */
const countersOfTally = (tally: DutyTally, sign: 1 | -1): Record<string, number> => {
  const counters: Record<string, number> = {};
  for (const [outcome, n] of Object.entries(tally.outcomes)) if (n !== 0) counters[outcome] = sign * n;
  for (const [delay, n] of tally.lateDelays) counters[`${LATE_PREFIX}${delay}`] = sign * n;
  return counters;
};

const standing = (o: Obligation | undefined): DutyTally => {
  const tally = emptyTally();
  if (o && isOfficeDuty(o)) tallyObligation(tally, o);
  return tally;
};

/**
 * What an event adds to its duty's office-day: the standing after less the standing before (empty
 * when the move changes no count, or the duty is not an office's, or the incident is an exercise).
 */
export const dutyCountersOf = (
  event: IncidentEvent,
  move: DutyMove | undefined,
): { readonly key: DutyDay; readonly counters: Map<string, number> } | undefined => {
  if (!move || isExercise(event.scope) || !isDutyEvent(event)) return undefined;
  const counters = new Map<string, number>();
  addCounters(counters, countersOfTally(standing(move.after), 1));
  addCounters(counters, countersOfTally(standing(move.before), -1));
  if (counters.size === 0) return undefined;
  return { key: { office: move.after.office, day: incidentDay(event.incidentId) }, counters };
};

/** Everything a set of events adds, per office-day (what the consumer writes, and reconcile recomputes). */
export const dutyCounters = (
  events: Iterable<IncidentEvent>,
  moveOf: (event: IncidentEvent) => DutyMove | undefined,
): Map<string, { key: DutyDay; counters: Map<string, number> }> => {
  const items = new Map<string, { key: DutyDay; counters: Map<string, number> }>();
  for (const event of events) {
    const added = dutyCountersOf(event, moveOf(event));
    if (!added) continue;
    const id = dutyDayId(added.key);
    const item = items.get(id) ?? { key: added.key, counters: new Map<string, number>() };
    addCounters(item.counters, Object.fromEntries(added.counters));
    items.set(id, item);
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
