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
import { type AppendDeps, type AppendEvents, type Appended, appendDecisions, type Decide } from './append-events';

/**
 * The notification consumer's linger: its messages about one incident (a report and the duty it
 * opened) reach their appends within a few milliseconds of each other; a notification is not
 * held up noticeably by waiting this long.
 */
export const NOTIFY_LINGER_MS = 25;

/** Decisions in one write at most: each notification appends a few events, and a transaction holds 100 items. */
export const MAX_GROUP = 8;

interface Waiting {
  readonly decide: Decide;
  readonly resolve: (appended: Appended) => void;
  readonly reject: (error: unknown) => void;
}

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

  const drain = async (key: string, incidentId: string, actor: Actor, waiting: Waiting[]): Promise<void> => {
    if (deps.lingerMs) await new Promise((resolve) => setTimeout(resolve, deps.lingerMs));
    while (waiting.length > 0) {
      const group = waiting.splice(0, MAX_GROUP);
      try {
        const outcomes = await appendDecisions(
          deps,
          incidentId,
          actor,
          group.map((g) => g.decide),
        );
        group.forEach((g, i) => {
          const outcome = outcomes[i];
          if (outcome && 'appended' in outcome) g.resolve(outcome.appended);
          else g.reject(outcome?.refused);
        });
      } catch (error) {
        for (const g of group) g.reject(error);
      }
    }
    // Nothing awaits between the last look at the queue and this: no append can be left behind.
    queues.delete(key);
  };

  return (incidentId, actor, decide) =>
    new Promise<Appended>((resolve, reject) => {
      // Only appends by the same actor share a write: each event records who appended it.
      const key = JSON.stringify([incidentId, actor.sub, actor.role, actor.region, actor.unit, actor.level]);
      const queued = queues.get(key);
      if (queued) {
        queued.push({ decide, resolve, reject });
        return;
      }
      const waiting: Waiting[] = [{ decide, resolve, reject }];
      queues.set(key, waiting);
      void drain(key, incidentId, actor, waiting);
    });
};
