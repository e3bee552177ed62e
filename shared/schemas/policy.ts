/**
 * The schema of a time-limit policy document: what a policy JSON file must hold, with every bad
 * entry named by its path in the voice of the file's author (durations like "2h", six-digit codes).
 * {@link parsePolicy} turns a document into the domain's typed {@link Policy}, durations in
 * milliseconds, or says everything that is wrong with it at once.
 */
import * as z from 'zod';
import { type FieldProblem, PolicyError } from '../domain/errors';
import { GRADES } from '../domain/grade';
import { CATEGORIES } from '../domain/incident';
import { crossEntryProblems, type Handover, type Policy, readDuration } from '../domain/policy/policy';
import { isKnownRegion, regionOf } from '../domain/regions/regions';

/** A value as a message quotes it: text and numbers as written, anything else by its kind. */
const show = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'an object';
  return JSON.stringify(value);
};

const expecting = (what: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : `${show(issue.input)} ${what}`;

const duration = z.string({ error: expecting('is not a duration like "2h" or "90m"') }).transform((text, ctx) => {
  const read = readDuration(text);
  if ('ms' in read) return read.ms;
  ctx.addIssue({ code: 'custom', message: read.problem });
  return z.NEVER;
});

const text = z
  .string({ error: expecting('is not text') })
  .trim()
  .min(1, 'must not be empty');

const limitsShape = {
  unitToCounty: duration,
  countyToCity: duration,
  cityToProvince: duration,
  provinceToNational: duration,
  publicHealthProvinceToNational: duration,
  skipLevelPhone: duration,
  skipLevelWritten: duration,
  naturalDisasterDirect: duration,
  correction: duration,
} satisfies Record<Handover, typeof duration>;

const HANDOVERS = Object.keys(limitsShape).join(', ');

const jurisdiction = z.string({ error: expecting('is not a six-digit code in quotes') }).superRefine((code, ctx) => {
  const level = isKnownRegion(code) ? regionOf(code).level : undefined;
  if (level === 'province' || level === 'city') return;
  ctx.addIssue({
    code: 'custom',
    message:
      level === 'national'
        ? `${code} is the whole country (put national numbers in limits)`
        : level === 'county'
          ? `${code} is a county-level code, but an override applies to a province or a city`
          : `${code} is not a province or city code`,
  });
});

const overrideSchema = z.strictObject({
  jurisdiction,
  grades: z.array(z.enum(GRADES)).min(1, 'is empty (leave it out to match every grade)').optional(),
  categories: z.array(z.enum(CATEGORIES)).min(1, 'is empty (leave it out to match every category)').optional(),
  note: text,
  limits: z
    .strictObject(limitsShape)
    .partial()
    .refine((limits) => Object.keys(limits).length > 0, 'sets no limit'),
});

const policySchema = z.strictObject({
  name: text,
  description: text,
  limits: z.strictObject(limitsShape),
  reminderAt: z
    .number({ error: expecting('is not a number (give a fraction like 0.75, or null)') })
    .refine((fraction) => fraction > 0 && fraction < 1, 'must be a fraction of the window between 0 and 1, like 0.75')
    .nullable(),
  minimumNotice: duration.optional(),
  overrides: z.array(overrideSchema),
  drillTimings: text.optional(),
});

const KIND_NAMES: Readonly<Record<string, string>> = {
  array: 'a list',
  object: 'an object',
  string: 'text',
  number: 'a number',
};

/** Messages for the issues no schema above words itself, in the same voice. */
const describeIssue: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') return expecting(`is not ${KIND_NAMES[issue.expected] ?? issue.expected}`)(issue);
  if (issue.code === 'invalid_value') return `${show(issue.input)} is not one of ${issue.values.join(', ')}`;
  return undefined;
};

function pathOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out === '' ? String(key) : `${out}.${String(key)}`;
  }, '');
}

function problemsOf(error: z.ZodError): FieldProblem[] {
  return error.issues.flatMap((issue): FieldProblem[] => {
    if (issue.code !== 'unrecognized_keys') return [{ field: pathOf(issue.path), problem: issue.message }];
    // One entry per unknown key, so a typo in a hand-over name is reported where it is.
    const inLimits = issue.path.at(-1) === 'limits';
    return issue.keys.map((key) => ({
      field: pathOf([...issue.path, key]),
      problem: inLimits ? `is not a hand-over (${HANDOVERS})` : 'is not a field of a policy',
    }));
  });
}

/**
 * Validates a policy document (already parsed from JSON) and converts its durations to
 * milliseconds.
 *
 * @param source where the document came from (a path or a built-in name), for the message
 * @throws PolicyError naming the source and every bad entry by its path
 */
export function parsePolicy(raw: unknown, source: string): Policy {
  const result = policySchema.safeParse(raw, { reportInput: true, error: describeIssue });
  if (!result.success) throw new PolicyError(source, problemsOf(result.error));
  const policy: Policy = result.data;
  const problems = crossEntryProblems(policy);
  if (problems.length > 0) throw new PolicyError(source, problems);
  return policy;
}
