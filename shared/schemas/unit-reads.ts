/**
 * The reporting unit's own reads: `GET /v1/units/{unit}/incidents` and
 * `GET /v1/units/{unit}/daily-reports`, their query strings and answers (for the OpenAPI document).
 */
import * as z from 'zod';
import { GRADES } from '../domain/grade';
import { CATEGORIES } from '../domain/incident';
import { REPORT_FIELDS } from '../domain/report-fields';
import { isCalendarDate, UNIT_ID_PATTERN } from '../domain/zero-reports';
import { listIncidentsQuerySchema } from './queries';

export const unitPathSchema = z.object({
  unit: z
    .string()
    .regex(UNIT_ID_PATTERN, { error: 'must be a unit id: 1–64 letters, digits or . _ -' })
    .describe('the unit id your token carries'),
});

const { status, limit, cursor } = listIncidentsQuerySchema.shape;

export const unitIncidentsQuerySchema = z.strictObject({ status, limit, cursor });

export const unitDailyReportsQuerySchema = z.strictObject({
  date: z
    .string()
    .refine(isCalendarDate, { error: 'must be a date like 2026-07-01 (China calendar day)' })
    .optional()
    .describe('the China calendar day asked about; today by default'),
});

const officeRef = z.object({ level: z.enum(['county', 'city', 'province', 'national']), office: z.string() });

export const unitIncidentSchema = z.object({
  incidentId: z.string(),
  status: z.enum(['open', 'closed']),
  category: z.enum(CATEGORIES),
  subtype: z.string(),
  grade: z.enum(GRADES),
  regionCode: z.string(),
  occurredAt: z.string(),
  learnedAt: z.string(),
  receivedAt: z.string().describe('when the unit’s first report was received'),
  updatedAt: z.string(),
  reportCount: z.number().int(),
  figures: z.object({
    dead: z.number().int(),
    injured: z.number().int(),
    seriouslyInjured: z.number().int().nullable(),
    missing: z.number().int(),
    trapped: z.number().int(),
    affectedPeople: z.number().int(),
    directLossYuan: z.number().int(),
  }),
  unitLate: z.boolean().describe('the first report came after the unit’s own time limit'),
  drillId: z.string().optional().describe('present when the incident is an exercise: its drill'),
  receivedBy: officeRef.extend({ at: z.string() }).nullable().describe('the first office that acknowledged receipt'),
  forwarded: z
    .array(z.object({ from: officeRef, to: officeRef, at: z.string(), by: z.enum(['office', 'escalation']) }))
    .describe(
      'each hand-over up the chain so far: forwarded by the office, or escalated past it when it stayed silent',
    ),
  returns: z
    .array(
      z.object({
        returnId: z.string().describe('the id a correction names as `correcting`'),
        by: officeRef,
        reportId: z.string(),
        fields: z.array(z.enum(REPORT_FIELDS)),
        note: z.string(),
        returnedAt: z.string(),
        dueAt: z.string().describe('when the corrected report is due'),
        status: z.enum(['pending', 'met', 'missed', 'waived']),
        correctedAt: z.string().nullable(),
      }),
    )
    .describe('reports an office returned to this unit for correction, oldest first'),
});

export const unitIncidentPageSchema = z.object({
  items: z.array(unitIncidentSchema),
  next: z.string().optional().describe('the cursor of the following page'),
});

export const unitDailyReportsSchema = z.object({
  date: z.string(),
  registered: z.boolean().describe('only units in their county’s registry owe and may file zero reports'),
  duties: z.array(
    z.object({
      periodId: z.string(),
      region: z.string(),
      reason: z.string(),
      date: z.string(),
      cutoffAt: z.string(),
      opensAt: z.string().describe('filing opens at the cut-off of the day before'),
      filed: z.object({ filedAt: z.string(), late: z.boolean() }).nullable(),
      missed: z.boolean().describe('a missed report is on record for the day'),
    }),
  ),
});
