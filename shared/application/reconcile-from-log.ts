/**
 * Rebuilding projections of the event log (the summaries, the punctuality counters) reads every
 * incident's events once, however many projections are rebuilt from them: at start-up the local
 * runtime rebuilds both, and on a province-year of incidents each pass over the log is the
 * expensive part.
 */
import type { IncidentEvent } from '../domain/incident';
import type { IncidentStore } from '../ports/incident-store';

/** A projection being rebuilt: it sees each incident's events, then compares (and repairs). */
export interface RebuiltProjection<Result> {
  readonly see: (events: readonly IncidentEvent[]) => void;
  readonly settle: (fix: boolean) => Promise<Result>;
}

type Results<P> = { readonly [K in keyof P]: P[K] extends RebuiltProjection<infer R> ? R : never };

/**
 * Feeds every incident's events to each projection in one pass over the log, then settles each.
 * `progress` is told how many incidents have been read, every 500, for a long log.
 */
export const rebuildFromLog = async <P extends Record<string, RebuiltProjection<unknown>>>(
  incidents: IncidentStore,
  projections: P,
  options: { readonly fix: boolean; readonly progress?: (done: number) => void },
): Promise<Results<P> & { readonly incidents: number }> => {
  const each = Object.values(projections);
  let read = 0;
  for await (const events of incidents.allEvents()) {
    for (const projection of each) projection.see(events);
    read += 1;
    if (read % 500 === 0) options.progress?.(read);
  }
  const results: Record<string, unknown> = {};
  for (const [name, projection] of Object.entries(projections)) results[name] = await projection.settle(options.fix);
  return { ...(results as Results<P>), incidents: read };
};
