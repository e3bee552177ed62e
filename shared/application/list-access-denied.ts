/** Inspectors' view of refused requests in their jurisdiction: evidence of probing or misuse. */
import { ForbiddenError, ValidationError } from '../domain/errors';
import type { Actor } from '../domain/incident';
import { isKnownRegion, isWithin } from '../domain/regions/regions';
import type { AccessLog } from '../ports/access-log';

export interface ListAccessDeniedQuery {
  readonly region?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  readonly after?: Readonly<Record<string, string>>;
}

export const makeListAccessDenied =
  (deps: { readonly accessLog: AccessLog }) => async (actor: Actor, query: ListAccessDeniedQuery) => {
    const region = query.region ?? actor.region;
    if (!isKnownRegion(region)) {
      throw new ValidationError(`region ${region} is not a GB/T 2260 code`, [
        { field: 'region', problem: 'is not a known region code' },
      ]);
    }
    if (actor.role !== 'inspector') {
      throw new ForbiddenError('only inspectors read the access-denied record', { targetRegion: region });
    }
    if (!isKnownRegion(actor.region) || !isWithin(region, actor.region)) {
      throw new ForbiddenError(`${region} is outside the jurisdiction of ${actor.region}`, { targetRegion: region });
    }
    return deps.accessLog.listDenied({ ...query, region });
  };
