/**
 * Query strings of the read routes. Times accept a full ISO time with offset or a calendar date
 * (a China day: `from` is its first instant, `to` its last), and come out as UTC ISO strings,
 * the form the store sorts on. The cursor is opaque to clients: base64url JSON of where the
 * previous page ended.
 */

import { z } from 'zod';
import { CHINA_OFFSET } from '../domain/china-time';
import { GRADES } from '../domain/grade';
import { PERIOD_ID_PATTERN } from '../domain/zero-reports';
import { INCIDENT_ID_PATTERN } from './report';

/** Whether `YYYY-MM-DD` names a day the calendar has (no 2026-02-30, no month 13). */
const isCalendarDate = (value: string): boolean => {
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
};

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
/**
 * An instant must say its offset (`Z` or `+08:00`): a time without one means a different instant
 * on a server in UTC and on a laptop in Beijing, and an audit period must not depend on that.
 */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const timeBound = (edge: 'start' | 'end') =>
  z
    .string()
    .refine(
      (value) =>
        DATE_ONLY.test(value)
          ? isCalendarDate(value)
          : INSTANT.test(value) && isCalendarDate(value.slice(0, 10)) && !Number.isNaN(Date.parse(value)),
      { error: 'must be a date that exists (2026-11-22) or an ISO time with its offset (2026-11-22T08:00:00+08:00)' },
    )
    .transform((value) => {
      if (DATE_ONLY.test(value)) {
        const time = edge === 'start' ? 'T00:00:00.000' : 'T23:59:59.999';
        return new Date(`${value}${time}${CHINA_OFFSET}`).toISOString();
      }
      return new Date(value).toISOString();
    });

export const encodeCursor = (after: Readonly<Record<string, string>>): string =>
  Buffer.from(JSON.stringify(after), 'utf8').toString('base64url');

const cursor = z
  .string()
  .max(2048)
  .transform((value, ctx) => {
    try {
      const decoded: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
      const record = z.record(z.string(), z.string()).parse(decoded);
      return record;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not a cursor this API returned' });
      return z.NEVER;
    }
  });

const limit = z.coerce
  .number()
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be at least 1' })
  .max(200, { error: 'must be at most 200' })
  .default(50);

const region = z.string().regex(/^\d{6}$/, { error: 'must be a six-digit GB/T 2260 code' });

const checkOrder = (query: { from?: string; to?: string }, ctx: z.RefinementCtx) => {
  if (query.from && query.to && query.from > query.to) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'is before from' });
  }
};

export const listIncidentsQuerySchema = z
  .strictObject({
    region: region.optional(),
    from: timeBound('start').optional(),
    to: timeBound('end').optional(),
    status: z.enum(['open', 'closed'], { error: 'must be open or closed' }).optional(),
    grade: z.enum(GRADES, { error: `must be one of ${GRADES.join(', ')}` }).optional(),
    limit,
    cursor: cursor.optional(),
  })
  .superRefine(checkOrder);

export const accessDeniedQuerySchema = z
  .strictObject({
    region: region.optional(),
    from: timeBound('start').optional(),
    to: timeBound('end').optional(),
    limit,
    cursor: cursor.optional(),
  })
  .superRefine(checkOrder);

/** `/v1/summaries/{region}`: the region whose roll-up is read. */
export const regionPathSchema = z.object({ region });

/** `/v1/offices/{code}/officers`: the office, by its region code (000000, the national duty office, included). */
export const officePathSchema = z.object({ code: region });

export const incidentPathSchema = z.object({
  id: z.string().regex(INCIDENT_ID_PATTERN, { error: 'must be an incident id like INC-20261122-7K3F9Q2M' }),
});

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date like 2026-11-22 (China calendar day)' });

export const summaryQuerySchema = z.strictObject({ from: day.optional(), to: day.optional() }).superRefine(checkOrder);

/** `/v1/duty-periods?region=`: the region whose duty periods are listed; the caller's own by default. */
export const dutyPeriodsQuerySchema = z.strictObject({ region: region.optional() });

/** `/v1/duty-periods/{id}/…`: the duty period, by its id. */
export const dutyPeriodPathSchema = z.object({
  id: z.string().regex(PERIOD_ID_PATTERN, { error: 'must be a duty period id like DP-110101-20260701-1A2B3C4D' }),
});

/** `/v1/duty-periods/{id}/zero-reports`: the region (the caller's own by default) and the days shown. */
export const zeroGridQuerySchema = z
  .strictObject({ region: region.optional(), from: day.optional(), to: day.optional() })
  .superRefine(checkOrder);
