/**
 * The order of a duty desk's board, shared by the API (which pages it) and the console (which
 * merges polled rows into it). Types only from the board module, so the console can import it
 * without the policy it computes rows with.
 */
import type { BoardRow } from './board';

/** The earliest deadline the office has yet to meet on a row (missed ones included), if any. */
export const nextDeadlineOf = (row: BoardRow): string | undefined =>
  row.duties
    .filter((d) => d.status === 'pending' || d.status === 'missed')
    .map((d) => d.dueAt)
    .sort()[0];

/**
 * Most urgent first: rows with a deadline still to meet, earliest first (a missed one is the
 * earliest of all); then the rest, newest arrival first.
 */
export const byUrgency = (a: BoardRow, b: BoardRow): number => {
  const da = nextDeadlineOf(a);
  const db = nextDeadlineOf(b);
  if (da && db) return da.localeCompare(db) || a.incidentId.localeCompare(b.incidentId);
  if (da) return -1;
  if (db) return 1;
  return b.arrivedAt.localeCompare(a.arrivedAt) || a.incidentId.localeCompare(b.incidentId);
};
