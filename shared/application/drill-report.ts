/**
 * `GET /v1/drills/{id}/report`: a drill's own account for the after-action review — each of its
 * incidents and hand-overs, read from their logs and heads (docs/domain.md#drills).
 */
import { type Actor, mayReadDrillReport } from '../domain/access';
import { type DrillReport, drillIncidentOf, drillReportOf } from '../domain/drill-report';
import { drillEndOf } from '../domain/drills';
import { NotFoundError } from '../domain/errors';
import type { IncidentState } from '../domain/incident';
import { type Policy, policyFor } from '../domain/policy/policy';
import type { Clock } from '../ports/clock';
import type { DrillStore } from '../ports/drill-store';
import type { IncidentStore } from '../ports/incident-store';
import { mapBounded } from './concurrency';
import { type DrillView, viewOf } from './drills';
import { authorizeRegion, indexedLevelOf } from './jurisdiction';

/** Incidents per read of the drill's region: its window holds its exercises among the real reports. */
const PAGE = 200;
/** Logs read at once: enough to hide the latency of each read, few enough not to throttle. */
const LOG_READS_AT_ONCE = 8;

/**
 * The drill's incidents are those of its region received while it ran that carry its mark: the
 * region index read over the drill's window, real incidents passed over.
 *
 * @throws NotFoundError, ForbiddenError
 */
export const makeDrillReport =
  (deps: {
    readonly drills: Pick<DrillStore, 'get'>;
    readonly incidents: IncidentStore;
    readonly clock: Clock;
    readonly policy: Policy;
  }) =>
  async (actor: Actor, drillId: string): Promise<DrillReport & { readonly drill: DrillView }> => {
    const drill = await deps.drills.get(drillId);
    if (!drill) throw new NotFoundError(`drill ${drillId} does not exist`);
    authorizeRegion(actor, drill.region, mayReadDrillReport);

    const heads: IncidentState[] = [];
    let after: Readonly<Record<string, string>> | undefined;
    do {
      const page = await deps.incidents.list({
        level: indexedLevelOf(drill.region, 'list'),
        regionCode: drill.region,
        from: drill.startsAt,
        to: drillEndOf(drill),
        limit: PAGE,
        ...(after ? { after } : {}),
      });
      heads.push(...page.items.filter((state) => state.drill?.drillId === drillId));
      after = page.after;
    } while (after);

    const policy = policyFor(deps.policy, drill);
    const incidents = await mapBounded(heads, LOG_READS_AT_ONCE, async (state) =>
      drillIncidentOf(state, await deps.incidents.getEvents(state.incidentId), policy),
    );
    return { ...drillReportOf(drill, incidents), drill: viewOf(drill, deps.clock.now()) };
  };
