/**
 * Where a time-limit policy comes from: a built-in name or a JSON file on disk. The schema judges
 * a document and the domain asks the typed policy for limits; reading the documents is this
 * adapter's job.
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { PolicyError } from '../domain/errors';
import drillPolicy from '../domain/policy/drill.json' with { type: 'json' };
import nationalPolicy from '../domain/policy/national.json' with { type: 'json' };
import type { Policy } from '../domain/policy/policy';
import { parsePolicy } from '../schemas/policy';

/** The policy a function enforces, as its environment names it (see {@link loadPolicy}); `national` unless set. */
export const policyEnv = z.object({ POLICY: z.string().min(1).default('national') });

export type BuiltInPolicyName = 'national' | 'drill';

/**
 * The policies shipped with the code, validated once at load so a bad edit to the JSON fails
 * every test and every cold start rather than the first late report.
 */
const shipped: Readonly<Record<BuiltInPolicyName, Policy>> = {
  national: parsePolicy(nationalPolicy, 'built-in national'),
  drill: parsePolicy(drillPolicy, 'built-in drill'),
};

/**
 * `policy` with the policies a drill under it may follow (docs/domain.md#drills): the built-in
 * ones and itself, by name. A drill may name the policy its runtime enforces or a shipped one,
 * which every runtime has; its own timings need no second deployment.
 */
const withDrillPolicies = (policy: Policy, source: string): Policy => {
  const drillTimings = policy.drillTimings;
  if (drillTimings !== undefined && drillTimings !== policy.name && !isBuiltInPolicyName(drillTimings)) {
    throw new PolicyError(
      source,
      [{ field: 'drillTimings', problem: `names ${drillTimings}, which is not a shipped policy` }],
      'names drill timings it cannot have',
    );
  }
  return { ...policy, drillPolicies: { ...shipped, [policy.name]: policy } };
};

export const builtInPolicies: Readonly<Record<BuiltInPolicyName, Policy>> = Object.freeze({
  national: withDrillPolicies(shipped.national, 'built-in national'),
  drill: withDrillPolicies(shipped.drill, 'built-in drill'),
});

/** True if `name` is one of {@link builtInPolicies}. */
export function isBuiltInPolicyName(name: string): name is BuiltInPolicyName {
  return Object.hasOwn(shipped, name);
}

/** A built-in policy by name. */
export function policyByName(name: BuiltInPolicyName): Policy {
  return builtInPolicies[name];
}

const READ_FAILURES: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory, not a file',
};

function reasonOf(error: unknown): string {
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
    return (code && READ_FAILURES[code]) ?? error.message;
  }
  return String(error);
}

/**
 * The policy named by `source`: `national` or `drill` for a built-in one, otherwise the path of a
 * JSON policy file (relative to the working directory; write `./national` for a file of that name).
 *
 * @throws PolicyError naming the source when the file is missing or unreadable, is not JSON, or
 *   breaks the policy schema (then every bad entry is named)
 */
export async function loadPolicy(source: string): Promise<Policy> {
  if (isBuiltInPolicyName(source)) return policyByName(source);
  let content: string;
  try {
    content = await readFile(source, 'utf8');
  } catch (error) {
    throw new PolicyError(source, [{ field: '', problem: reasonOf(error) }], 'cannot be read');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(content);
  } catch (error) {
    throw new PolicyError(source, [{ field: '', problem: reasonOf(error) }], 'is not valid JSON');
  }
  return withDrillPolicies(parsePolicy(raw, source), source);
}
