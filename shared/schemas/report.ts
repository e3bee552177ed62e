/**
 * The report body (docs/api.md#submit-a-report): every element a report must contain
 * (docs/domain.md#report-contents). The same schema validates requests and generates the
 * OpenAPI document, so the two cannot disagree.
 */
import * as z from 'zod';
import { ATTACHMENT_LIMITS, ATTACHMENT_TYPES } from '../domain/attachments';
import { UnknownRegionError } from '../domain/errors';
import { GRADES } from '../domain/grade';
import { CATEGORIES, REPORT_KINDS } from '../domain/incident';
import { chainOf } from '../domain/regions/regions';
import { isoTime, latitude, longitude, optionalText, regionCode, text } from './fields';

/** Clocks on the ground drift: a time this far ahead of ours is accepted as "now". */
export const CLOCK_SKEW_MS = 2 * 60_000;

export const INCIDENT_ID_PATTERN = /^INC-\d{8}-[0-9A-Z]{8}$/;

/** The id of a return (docs/domain.md#review-and-return), as its correction duty is named: `<incident>-correction<n>`. */
export const returnIdSchema = z
  .string({ error: 'must be text' })
  .regex(new RegExp(`^${INCIDENT_ID_PATTERN.source.slice(1, -1)}-correction\\d+$`), {
    error: 'must be a return id like INC-20261122-7K3F9Q2M-correction1',
  });

// Whole numbers are checked with a refinement rather than `.int()`: zod's integer check aborts the
// object's own rules, and then a body with a fractional count would not hear about its other
// problems. The JSON Schema still says "integer".
const count = z
  .number({ error: 'must be a number' })
  .min(0, { error: 'must not be negative' })
  .max(Number.MAX_SAFE_INTEGER, { error: 'is too large' })
  .refine(Number.isInteger, { error: 'must be a whole number' })
  .meta({ type: 'integer' });

const time = isoTime('2026-11-22T08:10:00+08:00');

/** Lower-case hex SHA-256, as `sha256sum` prints it. */
export const SHA256_PATTERN = /^[0-9a-f]{64}$/;

export const sha256Schema = z
  .string({ error: 'must be text' })
  .regex(SHA256_PATTERN, { error: 'must be a SHA-256 in 64 lower-case hex digits' });

const MEGABYTES = ATTACHMENT_LIMITS.maxBytes / (1024 * 1024);

/** One photo or document a report names (docs/api.md#attachments). */
export const attachmentSchema = z.strictObject({
  sha256: sha256Schema,
  bytes: z
    .number({ error: 'must be a number' })
    .min(1, { error: 'must be at least 1 byte' })
    .max(ATTACHMENT_LIMITS.maxBytes, { error: `must be at most ${ATTACHMENT_LIMITS.maxBytes} bytes (${MEGABYTES} MB)` })
    .refine(Number.isInteger, { error: 'must be a whole number' })
    .meta({ type: 'integer' }),
  contentType: z.enum(ATTACHMENT_TYPES, { error: `must be one of ${ATTACHMENT_TYPES.join(', ')}` }),
  caption: optionalText(500),
  takenAt: time.optional(),
  lat: latitude.optional(),
  lon: longitude.optional(),
});

export const reportKindSchema = z.enum(REPORT_KINDS, { error: `must be one of ${REPORT_KINDS.join(', ')}` });

export const makeReportBodySchema = (now: () => number = Date.now) =>
  z
    .strictObject({
      kind: reportKindSchema,
      incidentId: z
        .string({ error: 'must be text' })
        .regex(INCIDENT_ID_PATTERN, { error: 'must be an incident id like INC-20261122-7K3F9Q2M' })
        .optional(),
      category: z.enum(CATEGORIES, { error: `must be one of ${CATEGORIES.join(', ')}` }),
      subtype: text(200),
      grade: z.enum(GRADES, { error: `must be one of ${GRADES.join(', ')}` }).optional(),
      occurredAt: time,
      learnedAt: time,
      regionCode,
      location: z.strictObject({
        address: text(500),
        lat: latitude.optional(),
        lon: longitude.optional(),
      }),
      casualties: z.strictObject({
        dead: count,
        injured: count,
        seriouslyInjured: count.optional(),
        missing: count,
        trapped: count.default(0),
      }),
      affectedPeople: count,
      directLossYuan: count.describe('preliminary direct economic loss, in whole yuan'),
      summary: text(8000),
      measuresTaken: optionalText(8000),
      unknowns: optionalText(8000),
      reporter: z.strictObject({
        name: text(100),
        phone: z
          .string({ error: 'must be text' })
          .trim()
          .regex(/^\+?[0-9][0-9 ()-]{4,24}$/, { error: 'must be a phone number' }),
        unit: text(64),
      }),
      attachments: z
        .array(attachmentSchema, { error: 'must be a list' })
        .max(ATTACHMENT_LIMITS.maxPerReport, {
          error: `must name at most ${ATTACHMENT_LIMITS.maxPerReport} files per report`,
        })
        .optional()
        .describe('the photos and documents the report names; each is uploaded afterwards, by its hash'),
      concernedUnit: text(64)
        .optional()
        .describe(
          'the unit where the incident happened (the mine, the factory, the school), when it is not the reporting unit itself',
        ),
      exercise: z
        .boolean({ error: 'must be true or false' })
        .optional()
        .describe(
          'true for an exercise inside a running drill that covers the region: the incident is then a drill incident for its whole life',
        ),
      correcting: returnIdSchema
        .optional()
        .describe(
          'the return this report answers: the corrected report an office asked for (a follow-up or final report)',
        ),
    })
    // `when`: run even when other fields are already bad, so one answer lists every problem. The
    // value may then be malformed anywhere, so each rule looks only at fields that are well formed.
    .superRefine((report, ctx) => crossFieldRules(report as unknown, ctx, now), { when: () => true });

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const wellFormedTime = (value: unknown): value is string => time.safeParse(value).success;
const wellFormedCount = (value: unknown): value is number => count.safeParse(value).success;

/** The rules that relate fields to each other or to the world (the clock, the division data). */
const crossFieldRules = (report: unknown, ctx: z.RefinementCtx, now: () => number): void => {
  if (!isRecord(report)) return;
  const problem = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });

  if (report.kind === 'initial' && report.incidentId !== undefined) {
    problem(['incidentId'], 'an initial report must not name an incident');
  }
  if (report.kind === 'initial' && report.correcting !== undefined) {
    problem(['correcting'], 'an initial report corrects nothing; send the correction as a follow-up or final report');
  }
  if ((report.kind === 'follow-up' || report.kind === 'final') && report.incidentId === undefined) {
    problem(['incidentId'], `a ${report.kind} report must name its incident`);
  }

  const latest = now() + CLOCK_SKEW_MS;
  const { occurredAt, learnedAt } = report;
  if (wellFormedTime(occurredAt) && Date.parse(occurredAt) > latest) problem(['occurredAt'], 'is in the future');
  if (wellFormedTime(learnedAt) && Date.parse(learnedAt) > latest) problem(['learnedAt'], 'is in the future');
  if (wellFormedTime(occurredAt) && wellFormedTime(learnedAt) && Date.parse(learnedAt) < Date.parse(occurredAt)) {
    problem(['learnedAt'], 'is before the incident occurred');
  }

  const casualties = report.casualties;
  if (
    isRecord(casualties) &&
    wellFormedCount(casualties.seriouslyInjured) &&
    wellFormedCount(casualties.injured) &&
    casualties.seriouslyInjured > casualties.injured
  ) {
    problem(['casualties', 'seriouslyInjured'], 'cannot exceed the injured');
  }

  const location = report.location;
  if (isRecord(location) && (location.lat === undefined) !== (location.lon === undefined)) {
    problem(['location'], 'give both lat and lon, or neither');
  }

  if (Array.isArray(report.attachments)) {
    const seen = new Set<unknown>();
    report.attachments.forEach((attachment: unknown, index) => {
      if (!isRecord(attachment)) return;
      if ((attachment.lat === undefined) !== (attachment.lon === undefined)) {
        problem(['attachments', index], 'give both lat and lon, or neither');
      }
      if (seen.has(attachment.sha256)) problem(['attachments', index, 'sha256'], 'names the same file twice');
      seen.add(attachment.sha256);
    });
  }

  if (typeof report.regionCode === 'string' && /^\d{6}$/.test(report.regionCode)) {
    try {
      chainOf(report.regionCode);
    } catch (error) {
      if (!(error instanceof UnknownRegionError)) throw error;
      problem(['regionCode'], error.details?.[0]?.problem ?? error.message);
    }
  }
};

export type ReportBody = z.output<ReturnType<typeof makeReportBodySchema>>;
export type ReportBodyInput = z.input<ReturnType<typeof makeReportBodySchema>>;

/** `Idempotency-Key`: a retry with the same key gets the first answer and writes nothing. */
export const idempotencyHeaderSchema = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,128}$/, { error: 'must be 1–128 letters, digits or . _ : -' })
    .optional(),
});
