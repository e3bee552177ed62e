/** What became of an obligation and how late: the late and missed rows and the punctuality table both count from it. */
import type { IncidentEvent } from '../incident';
import type { Obligation } from '../obligation';

/** The events that can change what became of an obligation: opening, meeting, missing, waiving it. */
export const DUTY_EVENT_TYPES = [
  'ObligationOpened',
  'ReportForwarded',
  'ReportCorrected',
  'DeadlineMissed',
  'ObligationWaived',
] as const satisfies readonly IncidentEvent['type'][];

/**
 * What an outcome is read from: an obligation, or what an event that moves one says of it (a
 * waiver names no deadline; a met one always says how late).
 */
export type OutcomeFacts = Pick<Obligation, 'status' | 'lateByMs' | 'metAt'> & { readonly dueAt?: string };

/** How an obligation turned out, as the accountability views count it. */
export type Outcome = 'on-time' | 'late' | 'missed' | 'pending' | 'waived';

/**
 * How late a met obligation was met, 0 when on time. The head records it at the forward; an older
 * head without it is read from the two times.
 */
export const delayOf = (o: OutcomeFacts): number =>
  o.lateByMs ?? (o.dueAt === undefined ? 0 : Math.max(0, Date.parse(o.metAt ?? o.dueAt) - Date.parse(o.dueAt)));

/**
 * Met late includes an obligation met after it was marked missed (the pipeline escalated past the
 * office and the office forwarded later): the office did report, late. Missed is only what was
 * never met. Pending and waived duties are neither late nor missed.
 */
export const outcomeOf = (o: OutcomeFacts): Outcome => {
  switch (o.status) {
    case 'met':
      return delayOf(o) > 0 ? 'late' : 'on-time';
    case 'missed':
      return 'missed';
    case 'pending':
      return 'pending';
    case 'waived':
      return 'waived';
  }
};
