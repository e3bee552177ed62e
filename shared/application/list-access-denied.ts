/** Inspectors' view of refused requests in their jurisdiction: evidence of probing or misuse. */
import { type Actor, mayReadAccessDenied } from '../domain/access';
import type { AccessLog } from '../ports/access-log';
import { regionToRead } from './jurisdiction';

export interface ListAccessDeniedQuery {
  readonly region?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  readonly after?: Readonly<Record<string, string>>;
}

export const makeListAccessDenied =
  (deps: { readonly accessLog: AccessLog }) => async (actor: Actor, query: ListAccessDeniedQuery) => {
    const region = regionToRead(actor, query.region, mayReadAccessDenied);
    return deps.accessLog.listDenied({ ...query, region });
  };
