/** The duty desk's own inputs: the board's query and an office's grade assessment (docs/api.md#the-duty-desk). */
import * as z from 'zod';
import { GRADES } from '../domain/grade';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

export const boardQuerySchema = z.strictObject({
  since: z
    .string()
    .refine((value) => INSTANT.test(value) && !Number.isNaN(Date.parse(value)), {
      error: 'must be the pollSince of a previous answer (an ISO time in UTC)',
    })
    .transform((value) => new Date(value).toISOString())
    .optional(),
  limit: z.coerce
    .number()
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(500, { error: 'must be at most 500' })
    .default(100),
});

export const assessGradeBodySchema = z.strictObject({
  grade: z.enum(GRADES, { error: `must be one of ${GRADES.join(', ')}` }),
  reason: z
    .string({ error: 'must say why the grade is what it is' })
    .trim()
    .min(1, { error: 'must say why the grade is what it is' })
    .max(2000, { error: 'must be at most 2000 characters' }),
});
