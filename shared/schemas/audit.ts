/**
 * Query strings and answers of the inspectors' accountability views (GET /v1/audit/late,
 * /v1/audit/missed, /v1/audit/offices). The queries validate requests and, like every schema
 * here, feed the OpenAPI document; the answers are documented from the schemas below.
 */
import * as z from 'zod';
import {
  type AuditCursor,
  type AuditKind,
  DEFAULT_AUDIT_DAYS,
  LATE_KINDS,
  MISSED_KINDS,
  OBLIGATION_HANDOVERS,
} from '../domain/audit/listing';
import { REQUIRED_ELEMENTS } from '../domain/audit/required-elements';
import { GRADES } from '../domain/grade';
import { CATEGORIES } from '../domain/incident';
import { isKnownRegion, isWithin, regionOf } from '../domain/regions/regions';
import { UNIT_ID_PATTERN } from '../domain/zero-reports';
import { encodeCursor, listIncidentsQuerySchema } from './queries';

// Times (a day that does not exist is refused there), page size and the cursor's encoding follow
// the same rules as the incident list.
const list = listIncidentsQuerySchema.shape;
const { limit, from, to } = list;

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

const format = z
  .enum(['json', 'csv'], { error: 'must be json or csv' })
  .default('json')
  .meta({
    description:
      '`csv`: the same rows as text/csv (RFC 4180, header row); the next cursor is in `X-Next-Cursor`. ' +
      "A text field that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` " +
      '(OWASP, CSV injection), so a spreadsheet shows it instead of running it as a formula; numbers are ' +
      'written as they are (none is negative)',
  });

// --- the cursor -----------------------------------------------------------------------------

/**
 * A list's cursor is flat text, like the incident list's: the listing it belongs to (`phase`,
 * `region`, `from`, `to`, `office`, `kind`, `grade`, `unit`) and the position, each of its keys under `at.`. The
 * incident index's position is the store's own and passes through unread; the store checks it.
 */
const AT = 'at.';

const text = z.string().min(1);
const instant = z.iso.datetime();

const cursorListing = (kinds: readonly [AuditKind, ...AuditKind[]], zeroReports: boolean) =>
  z
    .strictObject({
      phase: z.enum(zeroReports ? ['incidents', 'zero-reports'] : ['incidents']),
      region: z.string().regex(SIX_DIGITS),
      from: instant,
      to: instant,
      office: z.string().regex(SIX_DIGITS).optional(),
      kind: z.enum(kinds).optional(),
      grade: z.enum(GRADES).optional(),
      unit: z.string().regex(UNIT_ID_PATTERN).optional(),
    })
    .refine((c) => c.from <= c.to);

const zeroReportPosition = z.strictObject({ periodId: text, unit: text, date: text });

/** Undefined when the record is not a cursor of this list. */
const auditCursorOf = (
  record: Readonly<Record<string, string>>,
  listingSchema: ReturnType<typeof cursorListing>,
): AuditCursor | undefined => {
  const listing: Record<string, string> = {};
  const at: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key.startsWith(AT)) at[key.slice(AT.length)] = value;
    else listing[key] = value;
  }
  const parsed = listingSchema.safeParse(listing);
  if (!parsed.success) return undefined;
  const { phase, ...rest } = parsed.data;
  const keys = Object.keys(at);
  if (phase === 'incidents') {
    return keys.length > 0 && keys.every((key) => key !== '') ? { ...rest, phase, after: at } : undefined;
  }
  if (keys.length === 0) return { ...rest, phase };
  const position = zeroReportPosition.safeParse(at);
  return position.success ? { ...rest, phase, after: position.data } : undefined;
};

/** A list's `cursor` parameter, refused (naming `cursor`) unless shaped as this list writes them. */
const auditCursor = (kinds: readonly [AuditKind, ...AuditKind[]], zeroReports: boolean) => {
  const listingSchema = cursorListing(kinds, zeroReports);
  return list.cursor
    .unwrap()
    .transform((record, ctx) => {
      const cursor = auditCursorOf(record, listingSchema);
      if (cursor) return cursor;
      ctx.addIssue({ code: 'custom', message: 'is not a cursor of this list; start again without it' });
      return z.NEVER;
    })
    .optional();
};

/** A page's `next` as the client receives it: opaque text (base64url JSON). */
export const encodeAuditCursor = (cursor: AuditCursor): string => {
  const { phase, region, from, to, office, kind, grade, unit, after } = cursor;
  return encodeCursor({
    phase,
    region,
    from,
    to,
    ...(office ? { office } : {}),
    ...(kind ? { kind } : {}),
    ...(grade ? { grade } : {}),
    ...(unit ? { unit } : {}),
    ...Object.fromEntries(Object.entries(after ?? {}).map(([key, value]) => [`${AT}${key}`, value])),
  });
};

const checkPeriod = (query: { from?: string; to?: string }, ctx: z.RefinementCtx) => {
  if (query.from && query.to && query.from > query.to) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'is before from' });
  }
};

const kindError =
  (kinds: readonly string[], elsewhere: Partial<Record<string, string>>) => (issue: { input?: unknown }) =>
    (typeof issue.input === 'string' ? elsewhere[issue.input] : undefined) ?? `must be one of ${kinds.join(', ')}`;

const periodDescription = `ISO instant or China calendar day; filters on when the incident was first received. Defaults: \`to\` now, \`from\` ${DEFAULT_AUDIT_DAYS} days before \`to\``;

const listQuery = <const K extends readonly [AuditKind, ...AuditKind[]]>(
  kinds: K,
  elsewhere: Partial<Record<AuditKind, string>>,
) =>
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
      grade: z
        .enum(GRADES, { error: `must be one of ${GRADES.join(', ')}` })
        .optional()
        .meta({
          description: 'only the duties of incidents of this grade; zero reports, which have none, are left out',
        }),
      unit: z
        .string({ error: 'must be text' })
        .regex(UNIT_ID_PATTERN, { error: 'must be a unit id: 1–64 letters, digits or . _ -' })
        .optional()
        .meta({
          description:
            'only the duties of this reporting unit: its late initial report, its zero reports, the required elements its final report lacked, the corrections it owed; no office’s duty',
        }),
      format,
      limit: limit.meta({
        description:
          'rows per page (default 50, at most 200); one incident’s rows are never split, so an incident with more rows than this has a page of its own',
      }),
      cursor: auditCursor(kinds, kinds.includes('zero-report')).meta({
        description:
          '`next` of the previous page. It carries the listing (region, period as first resolved, office, kind, grade, unit), ' +
          'so every page answers the first page’s question: leave those out, or repeat them unchanged',
      }),
    })
    .superRefine((query, ctx) => {
      checkPeriod(query, ctx);
      if (query.office && !isWithin(query.office, query.region)) {
        ctx.addIssue({ code: 'custom', path: ['office'], message: `is not inside region ${query.region}` });
      }
    });

export const auditLateQuerySchema = listQuery(LATE_KINDS, {
  'zero-report': 'zero reports are never on the late list: one not filed by the cut-off is on /v1/audit/missed',
  'required-element': 'a required element never supplied is a missed report: see /v1/audit/missed',
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
  kind: z.enum([...OBLIGATION_HANDOVERS, 'unit-report', 'zero-report', 'required-element']),
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
  unit: z.strictObject({ id: z.string(), name: z.string().nullable() }).nullable().meta({
    description:
      'the unit that owed the report (unit-report, zero-report; for required-element the unit that sent the final report); null for an office’s duty',
  }),
  obligationId: z.string().nullable(),
  zeroReport: z.strictObject({ periodId: z.string(), date: z.string() }).nullable(),
  finalReport: z
    .strictObject({
      reportId: z.string(),
      receivedAt: z.string(),
      missingElements: z.array(z.enum(REQUIRED_ELEMENTS)),
    })
    .nullable()
    .meta({ description: 'required-element only: the final report that closed the incident, and what it lacked' }),
  deadline: z.string(),
  deadlineShortenedFrom: z
    .string()
    .nullable()
    .meta({ description: 'the deadline the duty opened with, when a raised grade moved it earlier; else null' }),
  metAt: z.string().nullable().meta({ description: 'when it was met after all; null if never' }),
  missedAt: z.string().nullable().meta({ description: 'when the deadline was recorded as missed' }),
  lateByMs: z.number().nullable().meta({ description: 'how late it was met, in ms; null if never met' }),
  lateBy: z.string().nullable().meta({ description: 'the same for people, e.g. 1h5m, 2m30s, 750ms' }),
  autoEscalated: z.boolean().meta({ description: 'the pipeline escalated past the silent office' }),
  firstResponsible: z.array(person).meta({ description: 'the office’s top leader; empty for a unit’s duty' }),
  directlyResponsible: z.array(person).meta({ description: 'the office’s leader in charge; empty for a unit’s duty' }),
  onDutyAtDeadline: z.array(person).meta({ description: 'the office’s duty officer(s) on the roster at the deadline' }),
  personsAt: z.string().meta({
    description:
      'the instant the persons are named for, the deadline: they held the posts and were on the roster then, whatever the directory holds now',
  }),
  directorySince: z.string().nullable().meta({
    description:
      'when the directory version naming them took effect; null if nothing was on record for the office then',
  }),
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
    '`limit` while `next` is present: follow `next` until it is absent. Only the duties of offices inside ' +
    '`region` are listed: a county inspector does not see the city’s duties of the county’s incidents. ' +
    'The cursor keeps the first page’s period, so a defaulted `to` does not move while paging. The people ' +
    'named are those of the officer directory as it stands now; the duty officer is the one its roster puts on duty at the deadline.',
  missed:
    'Inspectors, inside their jurisdiction. Obligations never met (the pipeline escalated past the office); ' +
    'required elements never supplied (`kind=required-element`); then daily zero reports not filed by their ' +
    `cut-off (filtered on the cut-off). ${periodNote}. A required element is never supplied when the incident ` +
    'is closed (its final report received: nothing can follow it) and still lacks it: `measuresTaken` when no ' +
    'report, the final included, said what measures were taken; `seriouslyInjured` when the final report ' +
    'counts injured but leaves the seriously injured unknown (every report carries the figures in full, so the ' +
    'final’s stand, and Decree 493 grades on them); `unknowns` when the final report still says something is ' +
    'unknown. Such a row names the unit that sent the final report (it answers for it, so no office leader is ' +
    'named), the office that received it, the final report and when it was received (its deadline and ' +
    '`missedAt`), and the missing elements. Incident rows come newest incident first; zero reports follow, ' +
    'earliest cut-off first. Pending and waived duties are on neither list. Paged like the late list; a page ' +
    'reads the reports of a bounded number of closed incidents, so it may stop early with `next`.',
  offices:
    'Inspectors, inside their jurisdiction. Every office of the region (its own, and each city and county ' +
    'below it, in code order) with the obligations it held in incidents received in the period and how they ' +
    `turned out; offices that held none are listed with zeros. ${periodNote}. Not paged. \`?format=csv\` gives ` +
    'the same table as text/csv.',
} as const;

/** The response header that carries a CSV page's cursor (a CSV body has nowhere else to put it). */
export const NEXT_CURSOR_HEADER = 'x-next-cursor';
