/**
 * Group commit for the appends one process makes to the same incident at the same time: while a
 * write to an incident is in flight, the appends that arrive for it wait, then go together in one
 * write (`appendDecisions`), each deciding on the state the ones before it left.
 *
 * The notification consumer handles a batch's messages at once, and the events that reach it
 * together mostly belong together (a report and the duty it opened; a missed deadline, the
 * escalation and the next office's duty): appended one by one they rewrite the incident's head
 * once each, and collide with one another on it. Grouped, the head is written once per group and
 * the process never collides with itself. Nothing else changes: every decision still sees the
 * freshest state, every event is in the log, and a write is still all or nothing — a group that
 * fails fails each of its callers, as their own writes would have.
 */
import type { Actor } from '../domain/access';
import type { IncidentState } from '../domain/incident';
import {
  type AppendDeps,
  type AppendEvents,
  type Appended,
  type AppendFrom,
  appendDecisions,
  type Decide,
} from './append-events';

/**
 * The notification consumer's linger, and the SMS worker's: their messages about one incident (a
 * report and the duty it opened; the SMS of one notification) reach their appends within a few
 * milliseconds of each other; a notification is not held up noticeably by waiting this long.
 */
export const NOTIFY_LINGER_MS = 25;

/** Decisions in one write at most: each notification appends a few events, and a transaction holds 100 items. */
export const MAX_GROUP = 8;

/** Incidents whose last written head this process keeps, most recent last (see `written`). */
export const KEPT_HEADS = 256;

interface Waiting extends AppendFrom {
  readonly decide: Decide;
  readonly resolve: (appended: Appended) => void;
  readonly reject: (error: unknown) => void;
}

/** The later of two heads of one incident: versions only grow. */
const later = (a: IncidentState | undefined, b: IncidentState | undefined): IncidentState | undefined =>
  a === undefined || (b !== undefined && b.version > a.version) ? b : a;

export const makeGroupedAppendEvents = (
  deps: AppendDeps & {
    /**
     * How long the first append to an incident waits for others before it is written (group
     * commit's linger): the messages of one batch reach their appends a few milliseconds apart.
     */
    readonly lingerMs?: number;
  },
): AppendEvents => {
  /** The appends waiting for each incident (and actor) whose write is in flight. */
  const queues = new Map<string, Waiting[]>();
  /**
   * The head each of the last {@link KEPT_HEADS} incidents was left at by this process's own
   * writes. A group whose callers gave the head they read starts from the later of theirs and this
   * one, instead of reading it again (a caller that gave none wants it read). Either may be stale
   * (another process wrote since); then the conditional write is refused and the head read afresh,
   * as after any collision.
   */
  const written = new Map<string, IncidentState>();
  const remember = (state: IncidentState) => {
    written.delete(state.incidentId);
    written.set(state.incidentId, state);
    if (written.size > KEPT_HEADS) written.delete(written.keys().next().value as string);
  };

  const drain = async (key: string, incidentId: string, actor: Actor, waiting: Waiting[]): Promise<void> => {
    if (deps.lingerMs) await new Promise((resolve) => setTimeout(resolve, deps.lingerMs));
    while (waiting.length > 0) {
      const group = waiting.splice(0, MAX_GROUP);
      const given = group.reduce<IncidentState | undefined>((start, g) => later(start, g.from), undefined);
      const from = given && later(given, written.get(incidentId));
      try {
        const outcomes = await appendDecisions(
          deps,
          incidentId,
          actor,
          group.map((g) => g.decide),
          from ? { from } : {},
        );
        let left: IncidentState | undefined;
        group.forEach((g, i) => {
          const outcome = outcomes[i];
          if (outcome && 'appended' in outcome) {
            left = outcome.appended.state;
            g.resolve(outcome.appended);
          } else g.reject(outcome?.refused);
        });
        // The head as the write left it (or as read, when nothing was to be written).
        if (left) remember(left);
      } catch (error) {
        // A failed write says nothing of the head: the next group reads it.
        written.delete(incidentId);
        for (const g of group) g.reject(error);
      }
    }
    // Nothing awaits between the last look at the queue and this: no append can be left behind.
    queues.delete(key);
  };

  return (incidentId, actor, decide, options = {}) =>
    new Promise<Appended>((resolve, reject) => {
      // Only appends by the same actor share a write: each event records who appended it.
      const key = JSON.stringify([incidentId, actor.sub, actor.role, actor.region, actor.unit, actor.level]);
      const entry: Waiting = { decide, resolve, reject, ...(options.from ? { from: options.from } : {}) };
      const queued = queues.get(key);
      if (queued) {
        queued.push(entry);
        return;
      }
      const waiting: Waiting[] = [entry];
      queues.set(key, waiting);
      void drain(key, incidentId, actor, waiting);
    });
};
