/**
 * The time limits of the reporting chain, as data.
 *
 * The numbers differ by jurisdiction (Henan, Wuhan and Jiangxi tighten or loosen the national
 * ones) and a drill needs seconds instead of hours, so no limit is written in code: a policy is a
 * JSON document of national defaults plus per-jurisdiction overrides, validated here once and then
 * asked "how long does this office have for this hand-over?" through {@link limitFor}.
 */
import { z } from 'zod';
import { type FieldProblem, PolicyError } from '../errors';
import { GRADES, type Grade } from '../grade';
import {
  firstOfficeOf,
  isKnownRegion,
  isWithin,
  type RegionChain,
  type RegionLevel,
  regionOf,
} from '../regions/regions';
import drillPolicy from './drill.json' with { type: 'json' };
import nationalPolicy from './national.json' with { type: 'json' };

/**
 * The four categories of public emergency (Emergency Response Law, Art. 2). Defined here because
 * the policy is the first rule that needs them; move them next to the incident model when it lands.
 */
export const CATEGORIES = ['natural-disaster', 'accident', 'public-health', 'social-security'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Every hand-over of the reporting chain with a time limit, in milliseconds. */
export interface Limits {
  /** A reporting unit to its county office, counted from learning of the incident (Decree 493, Art. 9). */
  readonly unitToCounty: number;
  /** A county office to its city office (Decree 493, per-level limit). */
  readonly countyToCity: number;
  /** A city office to its province office (Decree 493, per-level limit). */
  readonly cityToProvince: number;
  /** A province office to the national level (Decree 493, per-level limit). */
  readonly provinceToNational: number;
  /** Public health: province to the national health authority (Regulation on Public Health Emergencies, Arts. 19–21). */
  readonly publicHealthProvinceToNational: number;
  /** Grade I and II: phone the national duty office, skipping levels (State Council General Office notice, 2015). */
  readonly skipLevelPhone: number;
  /** Grade I and II: the written report to the national duty office that follows the phone call (same notice). */
  readonly skipLevelWritten: number;
  /** Natural disaster with ≥ 10 dead or missing: county straight to province and national ministry (disaster statistics system, 2020). */
  readonly naturalDisasterDirect: number;
}

/** The name of a hand-over, in the words of {@link Limits}. */
export type Handover = keyof Limits;

/** One jurisdiction's own numbers, optionally only for some grades or categories. */
export interface PolicyOverride {
  /** A province or prefecture-city code; the override covers every region inside it. */
  readonly jurisdiction: string;
  /** Only incidents of these grades; absent means every grade (including an unassessed one). */
  readonly grades?: readonly Grade[];
  /** Only incidents of these categories; absent means every category. */
  readonly categories?: readonly Category[];
  /** Where the numbers come from (the jurisdiction's regulation or notice). */
  readonly note: string;
  readonly limits: Readonly<Partial<Limits>>;
}

/** A validated time-limit policy; durations are milliseconds. Build one with {@link parsePolicy}. */
export interface Policy {
  readonly name: string;
  readonly description: string;
  readonly limits: Limits;
  /** The fraction of a window after which the responsible officers are reminded, or null for none. */
  readonly reminderAt: number | null;
  readonly overrides: readonly PolicyOverride[];
}

const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const HOUR = 3_600_000;
const MINUTE = 60_000;
const SECOND = 1_000;

const show = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'an object';
  return JSON.stringify(value);
};

function readDuration(text: string): { ms: number } | { problem: string } {
  const notADuration = { problem: `${show(text)} is not a duration like "2h" or "90m"` };
  if (/^\s*-/.test(text)) return { problem: `${show(text)} is negative, but a time limit must be longer than zero` };
  const match = DURATION.exec(text);
  if (!match || text === '') return notADuration;
  const [, hours = '0', minutes = '0', seconds = '0'] = match;
  const ms = Number(hours) * HOUR + Number(minutes) * MINUTE + Number(seconds) * SECOND;
  if (!Number.isSafeInteger(ms)) return { problem: `${show(text)} is too long to be a time limit` };
  if (ms === 0) return { problem: `${show(text)} is zero, but a time limit must be longer than zero` };
  return { ms };
}

/**
 * Milliseconds in a duration written as hours, minutes and seconds in that order: "1h", "90m",
 * "15s", "1h30m". Throws RangeError for anything else, zero or a negative duration.
 */
export function parseDuration(text: string): number {
  const read = readDuration(text);
  if ('problem' in read) throw new RangeError(read.problem);
  return read.ms;
}

/** A duration in the notation {@link parseDuration} reads ("1h30m"), for messages and notifications. */
export function formatDuration(ms: number): string {
  const hours = Math.floor(ms / HOUR);
  const minutes = Math.floor((ms % HOUR) / MINUTE);
  const seconds = Math.floor((ms % MINUTE) / SECOND);
  const rest = ms % SECOND;
  const parts = [
    hours > 0 ? `${hours}h` : '',
    minutes > 0 ? `${minutes}m` : '',
    seconds > 0 ? `${seconds}s` : '',
    rest > 0 ? `${rest}ms` : '',
  ].join('');
  return parts === '' ? '0s' : parts;
}

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
  overrides: z.array(overrideSchema),
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

/** Hand-overs made by the province office: a city has no say in them. */
const PROVINCE_HANDOVERS: readonly Handover[] = ['provinceToNational', 'publicHealthProvinceToNational'];

const overlaps = <T>(a: readonly T[] | undefined, b: readonly T[] | undefined): boolean =>
  a === undefined || b === undefined || a.some((value) => b.includes(value));

/**
 * Rules across entries, which the schema cannot see one entry at a time. Two overrides of the same
 * jurisdiction and the same kind of filter that could both apply to one incident and set the same
 * hand-over would make {@link limitFor} pick by list order, so they are rejected instead.
 */
function crossEntryProblems(policy: Policy): FieldProblem[] {
  const problems: FieldProblem[] = [];
  policy.overrides.forEach((override, index) => {
    if (regionOf(override.jurisdiction).level === 'city') {
      for (const handover of PROVINCE_HANDOVERS) {
        if (override.limits[handover] === undefined) continue;
        problems.push({
          field: `overrides[${index}].limits.${handover}`,
          problem: `is the province office's hand-over, which a city override (${override.jurisdiction}) cannot set`,
        });
      }
    }
    policy.overrides.slice(0, index).forEach((earlier, earlierIndex) => {
      const clash =
        earlier.jurisdiction === override.jurisdiction &&
        (earlier.grades === undefined) === (override.grades === undefined) &&
        (earlier.categories === undefined) === (override.categories === undefined) &&
        overlaps(earlier.grades, override.grades) &&
        overlaps(earlier.categories, override.categories);
      if (!clash) return;
      const shared = Object.keys(override.limits).filter((key) => key in earlier.limits);
      if (shared.length === 0) return;
      problems.push({
        field: `overrides[${index}]`,
        problem: `sets ${shared.join(', ')} for ${override.jurisdiction} as overrides[${earlierIndex}] does, for the same incidents (make their grades or categories disjoint)`,
      });
    });
  });
  return problems;
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

/** What {@link limitFor} needs to know about one hand-over. */
export interface LimitQuery {
  readonly handover: Handover;
  /** The incident's chain (its first office is the place), or the code of the office handing over. */
  readonly region: RegionChain | string;
  /** Unassessed (absent or null) matches only overrides without a grade filter. */
  readonly grade?: Grade | null | undefined;
  /** Absent or null matches only overrides without a category filter. */
  readonly category?: Category | null | undefined;
}

const LEVEL_RANK: Partial<Record<RegionLevel, number>> = { province: 0, city: 1 };

/** Later in this list wins: the category decides which regulation applies, so it is the stronger filter. */
function filterRank(override: PolicyOverride): number {
  return (override.grades ? 1 : 0) + (override.categories ? 2 : 0);
}

/** Of two overrides that both apply, the one with the higher rank decides: a city's over its province's, then the narrower filter. */
export function overrideRank(override: PolicyOverride): number {
  return (LEVEL_RANK[regionOf(override.jurisdiction).level] ?? 0) * 10 + filterRank(override);
}

/**
 * The time limit in milliseconds for one hand-over.
 *
 * Precedence: the policy's national `limits`, replaced by the matching override that ranks
 * highest, separately for each hand-over (an override only replaces the hand-overs it sets).
 * An override matches when the region lies within its jurisdiction and its grade and category
 * filters, if any, contain the incident's. Ranking: a city override beats a province override
 * whatever their filters (the more local rule is the more specific); within one jurisdiction,
 * grade and category filter > category filter only > grade filter only > no filter. Two overrides
 * that could tie are rejected by {@link parsePolicy}, so the answer never depends on list order.
 *
 * @throws UnknownRegionError if `region` is an unknown code
 */
export function limitFor(policy: Policy, query: LimitQuery): number {
  const place = typeof query.region === 'string' ? regionOf(query.region).code : firstOfficeOf(query.region).code;
  let best: { rank: number; ms: number } | undefined;
  for (const override of policy.overrides) {
    const ms = override.limits[query.handover];
    if (ms === undefined) continue;
    if (override.grades && !(query.grade && override.grades.includes(query.grade))) continue;
    if (override.categories && !(query.category && override.categories.includes(query.category))) continue;
    if (!isWithin(place, override.jurisdiction)) continue;
    const rank = overrideRank(override);
    if (best === undefined || rank > best.rank) best = { rank, ms };
  }
  return best?.ms ?? policy.limits[query.handover];
}

/**
 * How far into a window of `windowMs` the reminder falls, or null when the policy sends none or
 * the window is empty (a deadline already due leaves nothing to remind of).
 */
export function reminderOffset(policy: Policy, windowMs: number): number | null {
  if (policy.reminderAt === null || !(windowMs > 0)) return null;
  return Math.floor(windowMs * policy.reminderAt);
}

/** When to remind the responsible officers of an obligation opened at `openedAt` and due at `dueAt`. */
export function reminderAt(policy: Policy, openedAt: Date, dueAt: Date): Date | null {
  const offset = reminderOffset(policy, dueAt.getTime() - openedAt.getTime());
  return offset === null ? null : new Date(openedAt.getTime() + offset);
}

export type BuiltInPolicyName = 'national' | 'drill';

/**
 * The policies shipped with the code, validated once at load so a bad edit to the JSON fails
 * every test and every cold start rather than the first late report.
 */
export const builtInPolicies: Readonly<Record<BuiltInPolicyName, Policy>> = Object.freeze({
  national: parsePolicy(nationalPolicy, 'built-in national'),
  drill: parsePolicy(drillPolicy, 'built-in drill'),
});

/** True if `name` is one of {@link builtInPolicies}. */
export function isBuiltInPolicyName(name: string): name is BuiltInPolicyName {
  return Object.hasOwn(builtInPolicies, name);
}

/** A built-in policy by name. */
export function policyByName(name: BuiltInPolicyName): Policy {
  return builtInPolicies[name];
}
