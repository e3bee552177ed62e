/**
 * Query strings of the inspectors' candidates and chain-verification routes. They take the same
 * `region`, `from`, `to` and `cursor` as the other audit lists (one definition, in queries.ts);
 * only their page sizes differ, because each item costs a read of a whole event log.
 */
import * as z from 'zod';
import { MAX_PACK_INCIDENTS } from '../domain/evidence/pack-format';
import { accessDeniedQuerySchema, incidentPathSchema } from './queries';

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

/**
 * An evidence pack's incidents: named (`incidents`, comma-separated ids) or those of a
 * jurisdiction received in a period (`region`, `from`, `to`; the caller's jurisdiction and the last
 * 30 days by default) — one or the other.
 */
export const evidenceQuerySchema = z
  .strictObject({
    incidents: z
      .string()
      .transform((text) => text.split(','))
      .pipe(
        z
          .array(incidentPathSchema.shape.id)
          .min(1)
          .max(MAX_PACK_INCIDENTS, { error: `must name at most ${MAX_PACK_INCIDENTS} incidents` })
          .refine((ids) => new Set(ids).size === ids.length, { error: 'names an incident twice' }),
      )
      .optional()
      .describe(`incident ids, comma-separated (at most ${MAX_PACK_INCIDENTS}), instead of region and period`),
    region,
    from,
    to,
  })
  .superRefine((query, ctx) => {
    if (query.incidents) {
      for (const key of ['region', 'from', 'to'] as const) {
        if (query[key] !== undefined)
          ctx.addIssue({ code: 'custom', path: [key], message: 'is not taken with incidents' });
      }
    }
    if (query.from && query.to && query.from > query.to) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'is before from' });
    }
  });
