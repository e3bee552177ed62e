/**
 * Query strings of the inspectors' candidates and chain-verification routes. They take the same
 * `region`, `from`, `to` and `cursor` as the other audit lists (one definition, in queries.ts);
 * only their page sizes differ, because each item costs a read of a whole event log.
 */
import * as z from 'zod';
import { accessDeniedQuerySchema } from './queries';

const { region, from, to, cursor } = accessDeniedQuerySchema.shape;

const pageSize = (max: number, fallback: number, what: string) =>
  z.coerce
    .number()
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(max, { error: `must be at most ${max}` })
    .default(fallback)
    .describe(what);

/** Incidents examined per page: each one's whole log is read. */
export const CANDIDATES_PAGE_MAX = 100;

export const candidatesQuerySchema = z
  .strictObject({
    region,
    from,
    to,
    limit: pageSize(CANDIDATES_PAGE_MAX, 25, 'incidents examined on this page (newest first)'),
    cursor,
  })
  .superRefine((query, ctx) => {
    if (query.from && query.to && query.from > query.to) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'is before from' });
    }
  });

/** Chains verified per page at most; a page also ends when its time budget is spent. */
export const VERIFY_PAGE_MAX = 500;

export const verifyQuerySchema = z.strictObject({
  region,
  limit: pageSize(VERIFY_PAGE_MAX, 200, 'chains verified on this page at most'),
  cursor,
});
