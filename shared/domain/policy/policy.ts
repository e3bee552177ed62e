/**
 * The time limits of the reporting chain, as data.
 *
 * The numbers differ by jurisdiction (Henan, Wuhan and Jiangxi tighten or loosen the national
 * ones) and a drill needs seconds instead of hours, so no limit is written in code: a policy is a
 * JSON document of national defaults plus per-jurisdiction overrides, validated once as it is
 * loaded (its schema is `shared/schemas/policy.ts`) and then asked "how long does this office have
 * for this hand-over?" through {@link limitFor}. The built-in documents sit beside this module.
 */
import type { FieldProblem } from '../errors';
import type { Grade } from '../grade';
import type { Category } from '../incident';
import { firstOfficeOf, isWithin, type RegionChain, type RegionLevel, regionOf } from '../regions/regions';

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
  /**
   * A report returned for correction (审核退回): its sender sends the corrected report, counted from
   * the return. No regulation sets this limit: the national number is this system's choice
   * (docs/domain.md#review-and-return).
   */
  readonly correction: number;
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

/** A validated time-limit policy; durations are milliseconds. The policy schema's `parsePolicy` builds one. */
export interface Policy {
  readonly name: string;
  readonly description: string;
  readonly limits: Limits;
  /** The fraction of a window after which the responsible officers are reminded, or null for none. */
  readonly reminderAt: number | null;
  /**
   * The least time an office is left when a raised grade moves its running deadline earlier
   * (docs/domain.md#windows-that-follow-the-grade); {@link DEFAULT_MINIMUM_NOTICE_MS} when absent.
   */
  readonly minimumNotice?: number;
  readonly overrides: readonly PolicyOverride[];
  /**
   * The policy whose timings a drill under this one follows when its office names none
   * (docs/domain.md#drills); this policy itself, drilling in real time, when absent.
   */
  readonly drillTimings?: string;
  /**
   * The policies a drill may name, by name, as the loader found them: never in a policy document.
   * This policy is always one of them, under its own name.
   */
  readonly drillPolicies?: Readonly<Record<string, Policy>>;
}

const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const HOUR = 3_600_000;
const MINUTE = 60_000;
const SECOND = 1_000;

/**
 * The milliseconds in a duration as a policy writes it (see {@link parseDuration}), or what is wrong
 * with it, in words for whoever wrote the policy.
 */
export function readDuration(text: string): { ms: number } | { problem: string } {
  const notADuration = { problem: `${JSON.stringify(text)} is not a duration like "2h" or "90m"` };
  if (/^\s*-/.test(text)) {
    return { problem: `${JSON.stringify(text)} is negative, but a time limit must be longer than zero` };
  }
  const match = DURATION.exec(text);
  if (!match || text === '') return notADuration;
  const [, hours = '0', minutes = '0', seconds = '0'] = match;
  const ms = Number(hours) * HOUR + Number(minutes) * MINUTE + Number(seconds) * SECOND;
  if (!Number.isSafeInteger(ms)) return { problem: `${JSON.stringify(text)} is too long to be a time limit` };
  if (ms === 0) return { problem: `${JSON.stringify(text)} is zero, but a time limit must be longer than zero` };
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

/**
 * The minimum notice of a policy that names none: fifteen minutes. This system's choice, not a
 * legal number — no regulation says how soon a deadline moved by a new grade may fall; a quarter of
 * an hour is the least in which a duty officer told of it can still phone the report up.
 */
export const DEFAULT_MINIMUM_NOTICE_MS = 15 * MINUTE;

/** How long an office is always left when a raised grade moves its running deadline earlier. */
export const minimumNoticeOf = (policy: Policy): number => policy.minimumNotice ?? DEFAULT_MINIMUM_NOTICE_MS;

/** The names of the policies a drill under `policy` may follow. */
export const drillPolicyNames = (policy: Policy): readonly string[] => [
  ...new Set([policy.name, ...Object.keys(policy.drillPolicies ?? {})]),
];

/** The policy a drill under `policy` follows when its office names none. */
export const defaultDrillPolicy = (policy: Policy): string => policy.drillTimings ?? policy.name;

/**
 * The policy an incident's deadlines follow: its drill's, when it is an exercise, else `policy`,
 * the one the runtime enforces.
 *
 * @throws Error when the drill names a policy this runtime does not know: its deadlines cannot be
 *   computed, and guessing real timings for an exercise (or drill timings for a real one) is worse
 */
export const policyFor = (policy: Policy, drill: { readonly policy: string } | undefined): Policy => {
  if (drill === undefined || drill.policy === policy.name) return policy;
  const named = policy.drillPolicies?.[drill.policy];
  if (!named) throw new Error(`the drill follows policy ${drill.policy}, which this runtime does not know`);
  return named;
};

/** Hand-overs made by the province office: a city has no say in them. */
const PROVINCE_HANDOVERS: readonly Handover[] = ['provinceToNational', 'publicHealthProvinceToNational'];

const overlaps = <T>(a: readonly T[] | undefined, b: readonly T[] | undefined): boolean =>
  a === undefined || b === undefined || a.some((value) => b.includes(value));

/**
 * Rules across entries, which the schema cannot see one entry at a time. Two overrides of the same
 * jurisdiction and the same kind of filter that could both apply to one incident and set the same
 * hand-over would make {@link limitFor} pick by list order, so they are rejected instead.
 */
export function crossEntryProblems(policy: Policy): FieldProblem[] {
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
 * that could tie are rejected by {@link crossEntryProblems}, so the answer never depends on list order.
 *
 * @throws UnknownRegionError if `region` is an unknown code
 */
export function limitFor(policy: Policy, query: LimitQuery): number {
  return ruleFor(policy, query).ms;
}

/**
 * The time limit for one hand-over and the override that set it, if one did (see {@link limitFor}
 * for the precedence): what the duty desk shows as the rule behind a deadline.
 *
 * @throws UnknownRegionError if `region` is an unknown code
 */
export function ruleFor(
  policy: Policy,
  query: LimitQuery,
): { readonly ms: number; readonly override?: PolicyOverride } {
  const place = typeof query.region === 'string' ? regionOf(query.region).code : firstOfficeOf(query.region).code;
  let best: { rank: number; override: PolicyOverride; ms: number } | undefined;
  for (const override of policy.overrides) {
    const ms = override.limits[query.handover];
    if (ms === undefined) continue;
    if (override.grades && !(query.grade && override.grades.includes(query.grade))) continue;
    if (override.categories && !(query.category && override.categories.includes(query.category))) continue;
    if (!isWithin(place, override.jurisdiction)) continue;
    const rank = overrideRank(override);
    if (best === undefined || rank > best.rank) best = { rank, override, ms };
  }
  return best ? { ms: best.ms, override: best.override } : { ms: policy.limits[query.handover] };
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
