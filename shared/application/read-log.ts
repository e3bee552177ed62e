/**
 * An incident's log and the head that vouches for it, read as one. They are two reads, and an
 * append (a notification, a timer) landing between them would look like a broken chain. The head
 * is read after the log: an append commits head and events together, so a head ahead of the log's
 * last event means an append landed in between — read again. A head behind the log, or a gap
 * inside it, cannot come from an append, and is left for verification to name.
 */
import type { IncidentEvent } from '../domain/incident';
import type { IncidentStore, StoredHead } from '../ports/incident-store';

const ATTEMPTS = 3;

export interface IncidentLog {
  readonly events: readonly IncidentEvent[];
  /** The head: its state, and the item as stored when the store can give it. Absent if there is none. */
  readonly head?: Partial<StoredHead> & Pick<StoredHead, 'state'>;
}

export const readIncidentLog = async (incidents: IncidentStore, incidentId: string): Promise<IncidentLog> => {
  const readHead = async (): Promise<IncidentLog['head']> => {
    // The item as stored and the state read from it come from one read, so they cannot disagree.
    if (incidents.getHeadItem && incidents.headItemOf) return incidents.getHeadItem(incidentId);
    const state = await incidents.getState(incidentId);
    return state ? { state } : undefined;
  };
  for (let attempt = 1; ; attempt++) {
    const events = await incidents.getEvents(incidentId);
    const head = await readHead();
    const lastSeq = events.at(-1)?.seq ?? 0;
    if (head && head.state.version > lastSeq && attempt < ATTEMPTS) continue;
    return { events, ...(head ? { head } : {}) };
  }
};
