/**
 * Drills on the live system: `POST /v1/drills` (start one), `GET /v1/drills` (the drills of a
 * region) and `POST /v1/drills/{id}/end` (end one early). Who may, for which regions, is the
 * jurisdiction rule of the reads (docs/domain.md#drills); a refusal is a ForbiddenError the edge
 * records.
 */
import { type Actor, mayListDrills, mayRunDrill } from '../domain/access';
import {
  type Drill,
  type DrillRequest,
  drillEndOf,
  drillProblems,
  drillProvinceOf,
  endDrillProblem,
  endedEarly,
  isDrillRunning,
  planDrill,
} from '../domain/drills';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';
import { defaultDrillPolicy, drillPolicyNames, type Policy } from '../domain/policy/policy';
import { isWithin } from '../domain/regions/regions';
import type { Clock } from '../ports/clock';
import { DrillChanged, type DrillStore } from '../ports/drill-store';
import type { StartDrillBody } from '../schemas/drills';
import { authorizeRegion, regionToRead } from './jurisdiction';

export type DrillStatus = 'scheduled' | 'running' | 'ended';

/** A drill as the routes answer it: with where it stands at the time of asking. */
export type DrillView = Drill & { readonly status: DrillStatus };

export const viewOf = (drill: Drill, now: Date): DrillView => ({
  ...drill,
  status: isDrillRunning(drill, now) ? 'running' : now.getTime() < Date.parse(drill.startsAt) ? 'scheduled' : 'ended',
});

interface DrillDeps {
  readonly drills: DrillStore;
  readonly clock: Clock;
}

/** The drill a request asks for, its defaults filled in: the caller's region, now, the policy's drill timings. */
const requestOf = (actor: Actor, body: StartDrillBody, now: Date, policy: Policy): DrillRequest => {
  const startsAt = new Date(body.startsAt ?? now.toISOString());
  const endsAt = body.endsAt ? new Date(body.endsAt) : new Date(startsAt.getTime() + (body.duration ?? 0));
  return {
    title: body.title,
    region: body.region ?? actor.region,
    startsAt: startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
    policy: body.policy ?? defaultDrillPolicy(policy),
  };
};

/**
 * An office starts a drill for its jurisdiction or part of it. Its id follows from what it is and
 * who started it, so a retry with the same `startsAt` answers the drill the first one created.
 *
 * @throws ForbiddenError, ValidationError
 */
export const makeStartDrill =
  (deps: DrillDeps & { readonly policy: Policy }) =>
  async (actor: Actor, body: StartDrillBody): Promise<{ readonly drill: DrillView; readonly created: boolean }> => {
    const now = deps.clock.now();
    const request = requestOf(actor, body, now, deps.policy);
    const problems = drillProblems(request, now, drillPolicyNames(deps.policy));
    // The region is checked first, so a typo is answered as one and not recorded as a refusal.
    const regionProblem = problems.find((p) => p.field === 'region');
    if (regionProblem) throw new ValidationError('the drill is invalid', problems);
    authorizeRegion(actor, request.region, mayRunDrill);
    if (problems.length > 0) throw new ValidationError('the drill is invalid', problems);
    // The id is a digest of the whole request and its office: an existing one is this very drill.
    const { drill, created } = await deps.drills.create(planDrill(request, actor, now));
    return { drill: viewOf(drill, now), created };
  };

/**
 * The drills of a region (the caller's own by default): those inside it and those covering it,
 * earliest start first. A reporting unit asks for its own county and hears only of drills not yet
 * over that cover it.
 *
 * @throws ValidationError, ForbiddenError
 */
export const makeListDrills =
  (deps: DrillDeps) => async (actor: Actor, query: { readonly region?: string | undefined }) => {
    const region = regionToRead(actor, query.region, mayListDrills);
    const now = deps.clock.now();
    const drills = (await deps.drills.inProvince(drillProvinceOf(region)))
      .filter((d) =>
        actor.role === 'reporter'
          ? isWithin(region, d.region) && now.getTime() < Date.parse(drillEndOf(d))
          : isWithin(d.region, region) || isWithin(region, d.region),
      )
      .map((d) => viewOf(d, now));
    return { region, drills };
  };

/**
 * An office whose jurisdiction holds the drill ends it before its time: from then on no exercise
 * can be reported in it; its incidents already reported stay exercises and run their course.
 *
 * @throws NotFoundError, ForbiddenError, ConflictError
 */
export const makeEndDrill =
  (deps: DrillDeps) =>
  async (actor: Actor, drillId: string, reason?: string): Promise<DrillView> => {
    const drill = await deps.drills.get(drillId);
    if (!drill) throw new NotFoundError(`drill ${drillId} does not exist`);
    authorizeRegion(actor, drill.region, mayRunDrill);
    const now = deps.clock.now();
    const problem = endDrillProblem(drill, now);
    if (problem) throw new ConflictError(problem, 'drill-over');
    const ended = endedEarly(drill, actor, now, reason);
    try {
      await deps.drills.end(ended);
    } catch (error) {
      if (error instanceof DrillChanged) throw new ConflictError(`drill ${drillId} was ended meanwhile`, 'drill-over');
      throw error;
    }
    return viewOf(ended, now);
  };
