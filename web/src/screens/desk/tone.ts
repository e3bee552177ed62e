/** The colour of a duty's countdown: the one rule the board, its rows and the incident page share. */
import type { DeskDuty } from '../../api/types';

export type DutyTone = 'ok' | 'amber' | 'red' | 'done';

/**
 * Where a duty stands at `now`: done (met or lifted), red once its deadline has passed (the API
 * counts a hand-over at `dueAt` itself as on time), amber from its reminder point, else ok.
 */
export const toneOf = (duty: Pick<DeskDuty, 'status' | 'dueAt' | 'remindAt'>, now: number): DutyTone => {
  if (duty.status === 'met' || duty.status === 'waived') return 'done';
  if (duty.status === 'missed' || Date.parse(duty.dueAt) < now) return 'red';
  if (duty.remindAt && Date.parse(duty.remindAt) <= now) return 'amber';
  return 'ok';
};
