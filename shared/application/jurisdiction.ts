/**
 * The preamble every read of a region goes through before it touches a store: which region it
 * covers, whether the caller may read it, and which region index answers for it. A code that is
 * not GB/T 2260 is the caller's mistake (a ValidationError); a region the caller may not read is a
 * refusal (a ForbiddenError naming the region, which the edge records as evidence).
 */
import type { Actor, Decision } from '../domain/access';
import { ForbiddenError, ValidationError } from '../domain/errors';
import { isKnownRegion, regionOf } from '../domain/regions/regions';
import type { IncidentQuery } from '../ports/incident-store';

/** One of the access rules of `domain/access.ts` that decide on a region. */
export type RegionRule = (actor: Actor, region: string) => Decision;

/** The levels the incident store keeps a region index for: there is none for the whole country. */
export type IndexedLevel = IncidentQuery['level'];

/** Throws the recorded refusal when `rule` does not let `actor` read `region`. */
export const authorizeRegion = (actor: Actor, region: string, rule: RegionRule): void => {
  const decision = rule(actor, region);
  if (!decision.allowed) throw new ForbiddenError(decision.reason, { targetRegion: region });
};

/**
 * The region a read covers — the one asked for, or the caller's own jurisdiction — once it is a
 * known code and `rule` lets the caller read it. The code is checked first, so a typo is not
 * recorded as a refusal.
 *
 * @throws ValidationError, ForbiddenError
 */
export const regionToRead = (actor: Actor, requested: string | undefined, rule: RegionRule): string => {
  const region = requested ?? actor.region;
  if (!isKnownRegion(region)) {
    throw new ValidationError(`region ${region} is not a GB/T 2260 code`, [
      { field: 'region', problem: 'is not a known region code' },
    ]);
  }
  authorizeRegion(actor, region, rule);
  return region;
};

/**
 * The region index a read of `region` walks. The whole country has none, so a read that walks an
 * index is done one province at a time; `what` names the read in the refusal.
 *
 * @throws ValidationError for the whole country
 */
export const indexedLevelOf = (region: string, what: 'list' | 'audit'): IndexedLevel => {
  const level = regionOf(region, 'region').level;
  if (level === 'national') {
    throw new ValidationError(`${what} one province at a time`, [
      { field: 'region', problem: 'give a province, city or county code' },
    ]);
  }
  return level;
};
