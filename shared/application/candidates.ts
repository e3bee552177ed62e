/**
 * Candidates for inspection in a jurisdiction: the region's incidents a page at a time (newest
 * first), each one's log read and run through the candidate rules of `domain/candidates.ts`.
 */
import { type Actor, mayInspect } from '../domain/access';
import { type Candidate, candidatesOf } from '../domain/candidates';
import { isExercise } from '../domain/exercise';
import type { IncidentState } from '../domain/incident';
import type { IncidentStore } from '../ports/incident-store';
import { mapBounded } from './concurrency';
import { indexedLevelOf, regionToRead } from './jurisdiction';

export interface ListCandidatesQuery {
  readonly region?: string;
  readonly from?: string;
  readonly to?: string;
  /** Incidents examined on this page (each costs a read of its log). */
  readonly limit: number;
  readonly after?: Readonly<Record<string, string>>;
}

/** An incident with something to look at, and what inspectors have already found on it. */
export interface IncidentCandidates {
  readonly incidentId: string;
  readonly regionCode: string;
  readonly receivedAt: string;
  readonly status: IncidentState['status'];
  readonly grade: IncidentState['grade'];
  readonly findings: NonNullable<IncidentState['findings']>;
  readonly candidates: readonly Candidate[];
}

export interface CandidatesPage {
  /** How many incidents this page examined; fewer of them may have candidates. */
  readonly examined: number;
  readonly items: readonly IncidentCandidates[];
  readonly after?: Readonly<Record<string, string>>;
}

/** Logs read at once: enough to hide the latency of each read, few enough not to throttle. */
const READ_CONCURRENCY = 8;

/**
 * Lists the candidates of a region for an inspector of it. A page examines `limit` incidents and
 * returns those with candidates; follow `after` until it is absent, since a page may hold none.
 *
 * @throws ValidationError, ForbiddenError
 */
export const makeListCandidates =
  (deps: { readonly incidents: IncidentStore }) =>
  async (actor: Actor, query: ListCandidatesQuery): Promise<CandidatesPage> => {
    const region = regionToRead(actor, query.region, mayInspect);
    const level = indexedLevelOf(region, 'list');
    const page = await deps.incidents.list({
      level,
      regionCode: region,
      limit: query.limit,
      ...(query.from ? { from: query.from } : {}),
      ...(query.to ? { to: query.to } : {}),
      ...(query.after ? { after: query.after } : {}),
    });
    // An exercise is reported on purpose and concealed by nobody: no drill incident is a candidate.
    const real = page.items.filter((state) => !isExercise(state));
    const examined = await mapBounded(real, READ_CONCURRENCY, async (state) => ({
      state,
      candidates: candidatesOf(await deps.incidents.getEvents(state.incidentId)),
    }));
    return {
      examined: page.items.length,
      items: examined
        .filter(({ candidates }) => candidates.length > 0)
        .map(({ state, candidates }) => ({
          incidentId: state.incidentId,
          regionCode: state.regionCode,
          receivedAt: state.receivedAt,
          status: state.status,
          grade: state.grade,
          findings: state.findings ?? [],
          candidates,
        })),
      ...(page.after ? { after: page.after } : {}),
    };
  };
