/** Bodies of the offices' routes: `{ "grade"?: "II", "note"?: "…" }`, extended (docs/api.md#forward). */
import * as z from 'zod';
import { GRADES } from '../domain/grade';
import { REPORT_FIELDS } from '../domain/report-fields';
import { returnIdSchema } from './report';

const note = z.string().trim().max(2000, { error: 'must be at most 2000 characters' }).optional();

export const forwardBodySchema = z
  .strictObject({
    grade: z.enum(GRADES, { error: `must be one of ${GRADES.join(', ')}` }).optional(),
    note,
    skipLevel: z.enum(['phone', 'written'], { error: 'must be phone or written' }).optional(),
    correcting: returnIdSchema
      .optional()
      .describe('answers the return of this id: the corrected forward the office above asked for'),
  })
  .superRefine((body, ctx) => {
    if (body.skipLevel && body.grade) {
      ctx.addIssue({
        code: 'custom',
        path: ['grade'],
        message: 'a skip-level report does not assess the grade; assess it when forwarding',
      });
    }
    if (body.correcting && (body.skipLevel || body.grade)) {
      ctx.addIssue({
        code: 'custom',
        path: ['correcting'],
        message: 'a correction answers a return alone; forward or assess the grade in its own request',
      });
    }
  });

export const acknowledgeBodySchema = z.strictObject({ note });

/** `POST /v1/incidents/{id}/return`: what the sender must correct, and why (docs/api.md#return-a-report). */
export const returnBodySchema = z.strictObject({
  fields: z
    .array(z.enum(REPORT_FIELDS, { error: `must be one of the report's fields: ${REPORT_FIELDS.join(', ')}` }), {
      error: 'must be a list of the report’s field names',
    })
    .min(1, { error: 'must name at least one field to correct' })
    .refine((fields) => new Set(fields).size === fields.length, { error: 'names a field twice' }),
  note: z
    .string({ error: 'must be text' })
    .trim()
    .min(1, { error: 'must say what is wrong' })
    .max(2000, { error: 'must be at most 2000 characters' }),
});
