/**
 * The body of `POST /v1/incidents/{id}/findings`: an inspector's finding of a false or concealed
 * report, what it rests on, the reports it concerns and whom it holds responsible.
 */
import * as z from 'zod';
import { FINDING_KINDS } from '../domain/incident';
import { text } from './fields';

/** Report ids as intake issues them: the incident's id and the report's number. */
export const REPORT_ID_PATTERN = /^INC-\d{8}-[0-9A-Z]{8}-R\d{1,6}$/;

/** A list whose members must differ: a repeated one is named by its position. */
const distinct = (list: readonly string[], ctx: z.RefinementCtx) => {
  list.forEach((item, index) => {
    if (list.indexOf(item) !== index) ctx.addIssue({ code: 'custom', path: [index], message: `repeats ${item}` });
  });
};

export const findingBodySchema = z.strictObject({
  finding: z.enum(FINDING_KINDS, { error: `must be one of ${FINDING_KINDS.join(', ')}` }),
  basis: text(8000).describe('what the finding rests on: the evidence, in the inspector’s words'),
  reportIds: z
    .array(
      z
        .string({ error: 'must be text' })
        .regex(REPORT_ID_PATTERN, { error: 'must be a report id like INC-20261122-7K3F9Q2M-R2' }),
      { error: 'must be a list of report ids' },
    )
    .max(100, { error: 'must name at most 100 reports' })
    .superRefine(distinct)
    .default([])
    .describe('the reports of this incident the finding concerns; empty or absent means all of them'),
  responsible: z
    .array(text(200), { error: 'must be a list of units or offices' })
    .min(1, { error: 'must name at least one unit or office held responsible' })
    .max(50, { error: 'must name at most 50' })
    .superRefine(distinct)
    .describe('the units and/or offices the finding holds responsible'),
});

export type FindingBody = z.output<typeof findingBodySchema>;
