/**
 * Drills on the live system (docs/domain.md#drills): an office starts a drill for its
 * jurisdiction or part of it, and while it runs, a unit inside it may report an exercise. An
 * exercise incident carries its drill's mark from its first event to its last, follows the
 * timings of the policy the drill names, and is kept out of every real figure.
 */
import { createHash } from 'node:crypto';
import type { Actor } from './access';
import { canonicalJson } from './canonical';
import { chinaDateOf } from './china-time';
import type { FieldProblem } from './errors';
import type { DrillMark } from './incident';
import { isKnownRegion, isWithin, regionOf } from './regions/regions';
import { provincesCovering } from './zero-reports';

export type { DrillMark };

/** What an office asks for when it starts a drill. */
export interface DrillRequest {
  readonly title: string;
  /** The region the drill covers: the office's jurisdiction or part of it. */
  readonly region: string;
  /** ISO instants; the drill runs from `startsAt` until `endsAt` unless ended early. */
  readonly startsAt: string;
  readonly endsAt: string;
  /** The policy whose timings the drill's incidents follow. */
  readonly policy: string;
}

export interface Drill extends DrillRequest {
  readonly drillId: string;
  readonly startedAt: string;
  readonly startedBy: Actor;
  /** When an office ended the drill before `endsAt`, and who. */
  readonly endedEarly?: { readonly at: string; readonly by: Actor; readonly reason?: string };
}

/** The longest a drill runs: a week. This system's choice, so a forgotten drill cannot mark reports for long. */
export const MAX_DRILL_MS = 7 * 24 * 3600_000;
/** How far ahead a drill may be scheduled: thirty days, this system's choice too. */
export const MAX_DRILL_LEAD_MS = 30 * 24 * 3600_000;
/** Clocks drift: a start this far in the past still counts as now. */
const START_SKEW_MS = 2 * 60_000;

/** The province a drill of `region` (a province or part of one) is filed under. */
export const drillProvinceOf = (region: string): string => provincesCovering(region)[0] ?? region;

/**
 * The drill's id follows from what it is and who started it, so a retried start with the same
 * `startsAt` finds the drill the first attempt created; it names the drill's province, where it is
 * filed, and the China date it starts.
 */
export const drillIdOf = (request: DrillRequest, actor: Actor): string => {
  const digest = createHash('sha256')
    .update(canonicalJson({ ...request, by: actor.sub, office: actor.region }))
    .digest('hex')
    .slice(0, 10)
    .toUpperCase();
  const day = chinaDateOf(new Date(request.startsAt)).replaceAll('-', '');
  return `DRL-${drillProvinceOf(request.region)}-${day}-${digest}`;
};

/** A drill id: `DRL-<province>-<China date it starts>-<10 hex digits>`. */
export const DRILL_ID_PATTERN = /^DRL-(\d{6})-\d{8}-[0-9A-F]{10}$/;

/** The province a drill id is filed under, or undefined when it is not a drill id. */
export const provinceOfDrill = (drillId: string): string | undefined => DRILL_ID_PATTERN.exec(drillId)?.[1];

/**
 * Everything wrong with a drill request at `now`, each naming its field. `policies` are the names
 * a drill may follow.
 */
export const drillProblems = (request: DrillRequest, now: Date, policies: readonly string[]): FieldProblem[] => {
  const problems: FieldProblem[] = [];
  const problem = (field: string, text: string) => problems.push({ field, problem: text });
  if (!isKnownRegion(request.region)) problem('region', 'is not a GB/T 2260 region code');
  else if (regionOf(request.region).level === 'national') problem('region', 'a drill covers a province or part of one');
  const start = Date.parse(request.startsAt);
  const end = Date.parse(request.endsAt);
  if (start < now.getTime() - START_SKEW_MS) problem('startsAt', 'is in the past; a drill starts now or later');
  if (start > now.getTime() + MAX_DRILL_LEAD_MS) problem('startsAt', 'is more than 30 days ahead');
  if (end <= start) problem('endsAt', 'must be after startsAt');
  else if (end - start > MAX_DRILL_MS) problem('endsAt', 'a drill lasts at most 7 days');
  if (!policies.includes(request.policy)) problem('policy', `must be one of ${policies.join(', ')}`);
  return problems;
};

/** The drill a start creates, at `now`, by `actor`; the request must be free of {@link drillProblems}. */
export const planDrill = (request: DrillRequest, actor: Actor, now: Date): Drill => ({
  drillId: drillIdOf(request, actor),
  ...request,
  startedAt: now.toISOString(),
  startedBy: actor,
});

/** When the drill stops (or stopped) covering its region. */
export const drillEndOf = (drill: Drill): string => drill.endedEarly?.at ?? drill.endsAt;

/** Whether the drill runs at `at`: started, and neither over nor ended early. */
export const isDrillRunning = (drill: Drill, at: Date): boolean =>
  Date.parse(drill.startsAt) <= at.getTime() && at.getTime() < Date.parse(drillEndOf(drill));

const DEPTH = { national: 0, province: 1, city: 2, county: 3 } as const;

/**
 * The drill an exercise report from `region` at `at` belongs to, if one covers it: of several,
 * the one of the narrowest region (a county's own drill inside its city's), then the latest
 * started, then by id, so the choice never depends on the order the store returns them in.
 */
export const drillCovering = (drills: readonly Drill[], region: string, at: Date): Drill | undefined =>
  drills
    .filter((d) => isDrillRunning(d, at) && isWithin(region, d.region))
    .sort(
      (a, b) =>
        DEPTH[regionOf(b.region).level] - DEPTH[regionOf(a.region).level] ||
        b.startsAt.localeCompare(a.startsAt) ||
        a.drillId.localeCompare(b.drillId),
    )[0];

/** The mark an incident reported inside `drill` carries. */
export const markOf = (drill: Drill): DrillMark => ({ drillId: drill.drillId, policy: drill.policy });

/** Why a drill cannot be ended at `now`, or undefined when it can. */
export const endDrillProblem = (drill: Drill, now: Date): string | undefined => {
  if (drill.endedEarly) return `drill ${drill.drillId} was already ended at ${drill.endedEarly.at}`;
  if (now.getTime() >= Date.parse(drill.endsAt)) return `drill ${drill.drillId} ended at ${drill.endsAt}`;
  return undefined;
};

/** The drill ended early at `now` by `actor`; {@link endDrillProblem} must have found nothing. */
export const endedEarly = (drill: Drill, actor: Actor, now: Date, reason?: string): Drill => ({
  ...drill,
  endedEarly: { at: now.toISOString(), by: actor, ...(reason ? { reason } : {}) },
});
