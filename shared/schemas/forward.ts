/** Bodies of the offices' routes: `{ "grade"?: "II", "note"?: "…" }`, extended (docs/api.md#forward). */
import * as z from 'zod';
import { GRADES } from '../domain/grade';

const note = z.string().trim().max(2000, { error: 'must be at most 2000 characters' }).optional();

export const forwardBodySchema = z
  .strictObject({
    grade: z.enum(GRADES, { error: `must be one of ${GRADES.join(', ')}` }).optional(),
    note,
    skipLevel: z.enum(['phone', 'written'], { error: 'must be phone or written' }).optional(),
  })
  .superRefine((body, ctx) => {
    if (body.skipLevel && body.grade) {
      ctx.addIssue({
        code: 'custom',
        path: ['grade'],
        message: 'a skip-level report does not assess the grade; assess it when forwarding',
      });
    }
  });

export const acknowledgeBodySchema = z.strictObject({ note });
