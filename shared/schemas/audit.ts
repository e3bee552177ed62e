/**
 * Query strings and answers of the inspectors' accountability views (GET /v1/audit/late,
 * /v1/audit/missed, /v1/audit/offices). The queries validate requests and, like every schema
 * here, feed the OpenAPI document; the answers are documented from the schemas below.
 */
import { z } from 'zod';
import { type AuditKind, DEFAULT_AUDIT_DAYS, LATE_KINDS, MISSED_KINDS, OBLIGATION_HANDOVERS } from '../domain/audit';
import { CATEGORIES } from '../domain/policy/policy';
import { isKnownRegion, isWithin, regionOf } from '../domain/regions/regions';
import { listIncidentsQuerySchema } from './queries';

// Times, page size and cursor follow the same rules as the incident list.
const list = listIncidentsQuerySchema.shape;
const { limit, cursor } = list;

const CALENDAR_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True unless the value is a date-only `YYYY-MM-DD` naming no real day (2026-02-30, 2026-13-01). */
const realDayOrNotADay = (value: string): boolean => {
  const match = CALENDAR_DAY.exec(value);
  if (!match) return true;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
};

// The list's time rule turns a date into an instant without checking the day exists: 2026-02-30
// would roll over into March, and 2026-13-01 would fail as a 500. Refuse them first.
const timeBound = (shared: typeof list.from) =>
  z.string().refine(realDayOrNotADay, { error: 'is not a calendar day' }).pipe(shared.unwrap()).optional();
const from = timeBound(list.from);
const to = timeBound(list.to);

const SIX_DIGITS = /^\d{6}$/;

/** A six-digit code of a division that has an emergency office (not the whole country). */
const officeCode = (required: boolean) =>
  z
    .string({ error: (issue) => (issue.input === undefined && required ? 'is required' : 'must be text') })
    .superRefine((code, ctx) => {
      const problem = !SIX_DIGITS.test(code)
        ? 'must be a six-digit GB/T 2260 code'
        : !isKnownRegion(code)
          ? 'is not a GB/T 2260 code'
          : regionOf(code).level === 'national'
            ? 'is the whole country; give a province, city or county code'
            : undefined;
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

const format = z.enum(['json', 'csv'], { error: 'must be json or csv' }).default('json').meta({
  description: '`csv`: the same rows as text/csv (RFC 4180, header row); the next cursor is in `X-Next-Cursor`',
});

const checkPeriod = (query: { from?: string; to?: string }, ctx: z.RefinementCtx) => {
  if (query.from && query.to && query.from > query.to) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'is before from' });
  }
};

const kindError =
  (kinds: readonly string[], elsewhere: Partial<Record<string, string>>) => (issue: { input?: unknown }) =>
    (typeof issue.input === 'string' ? elsewhere[issue.input] : undefined) ?? `must be one of ${kinds.join(', ')}`;

const periodDescription = `ISO instant or China calendar day; filters on when the incident was first received. Defaults: \`to\` now, \`from\` ${DEFAULT_AUDIT_DAYS} days before \`to\``;

const listQuery = <const K extends readonly AuditKind[]>(kinds: K, elsewhere: Partial<Record<AuditKind, string>>) =>
  z
    .strictObject({
      region: officeCode(true).meta({ description: 'the jurisdiction audited (province, city or county code)' }),
      from: from.meta({ description: periodDescription }),
      to: to.meta({ description: periodDescription }),
      office: officeCode(false)
        .optional()
        .meta({ description: 'only duties held by (or, for a unit, owed to) this office; inside `region`' }),
      kind: z
        .enum(kinds, { error: kindError(kinds, elsewhere) })
        .optional()
        .meta({ description: 'only this kind of duty' }),
      format,
      limit: limit.meta({
        description:
          'rows per page (default 50, at most 200); one incident’s rows are never split, so an incident with more rows than this has a page of its own',
      }),
      cursor: cursor.meta({ description: '`next` of the previous page' }),
    })
    .superRefine((query, ctx) => {
      checkPeriod(query, ctx);
      if (query.office && !isWithin(query.office, query.region)) {
        ctx.addIssue({ code: 'custom', path: ['office'], message: `is not inside region ${query.region}` });
      }
    });

export const auditLateQuerySchema = listQuery(LATE_KINDS, {
  'zero-report': 'zero reports are never on the late list: one not filed by the cut-off is on /v1/audit/missed',
});

export const auditMissedQuerySchema = listQuery(MISSED_KINDS, {
  'unit-report': 'a unit that reported at all reported late, not missed: see /v1/audit/late',
});

export const auditOfficesQuerySchema = z
  .strictObject({
    region: officeCode(true).meta({ description: 'the jurisdiction: its office and every office below it' }),
    from: from.meta({ description: periodDescription }),
    to: to.meta({ description: periodDescription }),
    format,
  })
  .superRefine(checkPeriod);

export type AuditLateQuery = z.output<typeof auditLateQuerySchema>;
export type AuditMissedQuery = z.output<typeof auditMissedQuerySchema>;

// --- answers (documentation; the unit tests check real rows against them) --------------------

const person = z.strictObject({ personId: z.string(), name: z.string() });
const office = z.strictObject({
  level: z.enum(['county', 'city', 'province', 'national']),
  code: z.string(),
  name: z.string(),
});

export const auditRowSchema = z.strictObject({
  kind: z.enum([...OBLIGATION_HANDOVERS, 'unit-report', 'zero-report']),
  incident: z
    .strictObject({
      id: z.string(),
      region: z.string(),
      category: z.enum(CATEGORIES),
      grade: z.enum(['I', 'II', 'III', 'IV']),
    })
    .nullable()
    .meta({ description: 'null for a zero report' }),
  office: office.meta({
    description: 'the office that held the duty; for a unit’s report or zero report, the office it was owed to',
  }),
  unit: z
    .strictObject({ id: z.string(), name: z.string().nullable() })
    .nullable()
    .meta({ description: 'the unit that owed the report (unit-report, zero-report); null for an office’s duty' }),
  obligationId: z.string().nullable(),
  zeroReport: z.strictObject({ periodId: z.string(), date: z.string() }).nullable(),
  deadline: z.string(),
  metAt: z.string().nullable().meta({ description: 'when it was met after all; null if never' }),
  missedAt: z.string().nullable().meta({ description: 'when the deadline was recorded as missed' }),
  lateByMs: z.number().nullable().meta({ description: 'how late it was met, in ms; null if never met' }),
  lateBy: z.string().nullable().meta({ description: 'the same for people, e.g. 1h5m, 2m30s, 750ms' }),
  autoEscalated: z.boolean().meta({ description: 'the pipeline escalated past the silent office' }),
  firstResponsible: z.array(person).meta({ description: 'the office’s top leader; empty for a unit’s duty' }),
  directlyResponsible: z.array(person).meta({ description: 'the office’s leader in charge; empty for a unit’s duty' }),
  onDutyAtDeadline: z.array(person).meta({ description: 'the office’s duty officer(s) on the roster at the deadline' }),
});

export const auditPageSchema = z.strictObject({
  region: z.string(),
  from: z.string(),
  to: z.string(),
  items: z.array(auditRowSchema),
  next: z.string().optional().meta({ description: 'cursor of the following page; absent on the last' }),
});

const count = z.number().int().min(0);

export const officePunctualitySchema = z.strictObject({
  office,
  held: count,
  metOnTime: count,
  metLate: count.meta({ description: 'met after the deadline, including after being escalated past' }),
  missed: count.meta({ description: 'never met' }),
  pending: count,
  waived: count,
  onTimeRate: z
    .number()
    .nullable()
    .meta({ description: 'metOnTime / (metOnTime + metLate + missed), unrounded; null when that is 0' }),
  medianDelayMs: z.number().nullable().meta({
    description:
      'over met obligations, on time counting as 0: the middle value, or the mean of the two middle values for an even count; null when none was met',
  }),
  p90DelayMs: z.number().nullable().meta({
    description:
      'over met obligations, on time counting as 0: nearest rank, the ⌈0.9·n⌉-th smallest delay; null when none was met',
  }),
});

export const punctualityTableSchema = z.strictObject({
  region: z.string(),
  from: z.string(),
  to: z.string(),
  offices: z.array(officePunctualitySchema),
});

const periodNote =
  `\`from\`/\`to\` select incidents by when they were first received (the time the region index sorts on), ` +
  `defaulting to the ${DEFAULT_AUDIT_DAYS} days up to now`;

/** Operation descriptions for the OpenAPI document. */
export const auditDocs = {
  late:
    'Inspectors, inside their jurisdiction. Obligations met after their deadline — including those met after ' +
    'the pipeline had marked them missed and escalated past the office — and units’ initial reports received ' +
    `more than the limit after the incident was learned of. ${periodNote}. Rows: newest incident first, each ` +
    'incident’s by deadline; an incident’s rows are never split across pages. A page may hold fewer rows than ' +
    '`limit` while `next` is present: follow `next` until it is absent. The people named are those of the ' +
    'officer directory as it stands now; the duty officer is the one its roster puts on duty at the deadline.',
  missed:
    'Inspectors, inside their jurisdiction. Obligations never met (the pipeline escalated past the office), ' +
    `then daily zero reports not filed by their cut-off (filtered on the cut-off). ${periodNote}. Incident ` +
    'rows come newest incident first; zero reports follow, earliest cut-off first. Pending and waived duties ' +
    'are on neither list. Paged like the late list.',
  offices:
    'Inspectors, inside their jurisdiction. Every office of the region (its own, and each city and county ' +
    'below it, in code order) with the obligations it held in incidents received in the period and how they ' +
    `turned out; offices that held none are listed with zeros. ${periodNote}. Not paged. \`?format=csv\` gives ` +
    'the same table as text/csv.',
} as const;

/** The response header that carries a CSV page's cursor (a CSV body has nowhere else to put it). */
export const NEXT_CURSOR_HEADER = 'x-next-cursor';
