/**
 * Who may do what, by jurisdiction (docs/domain.md#who-uses-it). Every refusal names its reason,
 * because a refused request is recorded as evidence.
 */
import { isKnownRegion, isWithin, type RegionLevel } from './regions/regions';

/** Who did something, as the token vouched for it. */
export interface Actor {
  readonly sub: string;
  readonly role: 'reporter' | 'office' | 'inspector' | 'system';
  readonly region: string;
  readonly unit?: string;
  readonly level?: RegionLevel;
}

export type Decision = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

const allow: Decision = { allowed: true };
const deny = (reason: string): Decision => ({ allowed: false, reason });

/** A reporting unit reports only for its own county. */
export const maySubmitReport = (actor: Actor, regionCode: string, unit: string): Decision => {
  if (actor.role !== 'reporter') return deny(`a ${actor.role} cannot submit reports`);
  if (actor.unit !== unit) return deny(`the token is for unit ${actor.unit ?? '(none)'}, not ${unit}`);
  if (actor.region !== regionCode) return deny(`a unit of ${actor.region} cannot report for ${regionCode}`);
  return allow;
};

/**
 * Reading an incident: a unit reads its own county's incidents; an office or an inspector reads
 * everything inside its jurisdiction.
 */
export const mayReadIncident = (actor: Actor, incidentRegion: string): Decision => {
  if (actor.role === 'reporter') {
    return actor.region === incidentRegion
      ? allow
      : deny(`a unit of ${actor.region} cannot read incidents of ${incidentRegion}`);
  }
  if (!isKnownRegion(actor.region)) return deny(`the token's region ${actor.region} is not a known region`);
  return isWithin(incidentRegion, actor.region)
    ? allow
    : deny(`${incidentRegion} is outside the jurisdiction of ${actor.region}`);
};

/** Lists, audits and roll-ups of a region: offices and inspectors, inside their jurisdiction. */
export const mayQueryRegion = (actor: Actor, region: string): Decision => {
  if (actor.role === 'reporter') return deny('reporting units cannot query across incidents');
  if (!isKnownRegion(actor.region)) return deny(`the token's region ${actor.region} is not a known region`);
  return isWithin(region, actor.region) ? allow : deny(`${region} is outside the jurisdiction of ${actor.region}`);
};

/** The audit trail of one incident: offices and inspectors inside their jurisdiction. */
export const mayAuditIncident = (actor: Actor, incidentRegion: string): Decision =>
  actor.role === 'reporter'
    ? deny('reporting units cannot read the audit trail')
    : mayReadIncident(actor, incidentRegion);

/**
 * The accountability views (late, missed, punctuality, candidates, chain verification): inspectors
 * only, inside their jurisdiction. Offices are the audited party; reporting units read none of it.
 */
export const mayInspect = (actor: Actor, region: string): Decision =>
  actor.role === 'inspector'
    ? mayQueryRegion(actor, region)
    : deny(`a ${actor.role} cannot read the accountability audit`);

/**
 * The record of refused requests (evidence of probing or misuse): inspectors only, inside their
 * jurisdiction; a token whose region is not a known one has none.
 */
export const mayReadAccessDenied = (actor: Actor, region: string): Decision => {
  if (actor.role !== 'inspector') return deny('only inspectors read the access-denied record');
  return isKnownRegion(actor.region) && isWithin(region, actor.region)
    ? allow
    : deny(`${region} is outside the jurisdiction of ${actor.region}`);
};

/** An inspection finding is the one thing an inspector writes, and only inside its jurisdiction. */
export const mayRecordFinding = (actor: Actor, incidentRegion: string): Decision =>
  actor.role === 'inspector' ? mayReadIncident(actor, incidentRegion) : deny(`a ${actor.role} cannot record findings`);

/** An office activates a duty period (zero reports) for its own jurisdiction or part of it. */
export const mayActivateDutyPeriod = (actor: Actor, region: string): Decision =>
  actor.role === 'office'
    ? mayQueryRegion(actor, region)
    : deny(`a ${actor.role} cannot activate duty periods; an emergency office does`);

/** A unit files its own zero report, for its own county. */
export const mayFileDailyReport = (actor: Actor, regionCode: string, unit: string): Decision => {
  if (actor.role !== 'reporter') return deny(`a ${actor.role} cannot file daily reports`);
  if (actor.unit !== unit) return deny(`the token is for unit ${actor.unit ?? '(none)'}, not ${unit}`);
  if (actor.region !== regionCode) return deny(`a unit of ${actor.region} cannot file for ${regionCode}`);
  return allow;
};

/**
 * A reporting unit's own lists (its incidents, its zero reports owed): the unit itself, and nobody
 * else through this door — offices and inspectors read by region, and one unit sees nothing of another's.
 */
export const mayReadUnit = (actor: Actor, unit: string): Decision => {
  if (actor.role !== 'reporter')
    return deny(`a ${actor.role} reads incidents by region, not through a unit's own list`);
  if (actor.unit !== unit) return deny(`the token is for unit ${actor.unit ?? '(none)'}, not ${unit}`);
  return allow;
};

/**
 * An office starts (or ends early) a drill for its own jurisdiction or part of it, as it activates
 * a duty period: the same jurisdiction rule as its reads.
 */
export const mayRunDrill = (actor: Actor, region: string): Decision =>
  actor.role === 'office'
    ? mayQueryRegion(actor, region)
    : deny(`a ${actor.role} cannot start or end drills; an emergency office does`);

/**
 * The drills of a region: offices and inspectors inside their jurisdiction; a reporting unit only
 * for its own county, to learn whether a drill covers it (its report form offers an exercise then).
 */
export const mayListDrills = (actor: Actor, region: string): Decision => {
  if (actor.role !== 'reporter') return mayQueryRegion(actor, region);
  return region === actor.region ? allow : deny(`a unit of ${actor.region} cannot read the drills of ${region}`);
};

/** A drill's report, for the after-action review: offices and inspectors whose jurisdiction holds the drill. */
export const mayReadDrillReport = (actor: Actor, drillRegion: string): Decision =>
  actor.role === 'reporter' ? deny('reporting units do not read drill reports') : mayQueryRegion(actor, drillRegion);
