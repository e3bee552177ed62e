/**
 * Where a time-limit policy comes from: a built-in name or a JSON file on disk. The domain only
 * validates documents; reading the file system is this adapter's job.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { PolicyError } from '../domain/errors';
import { isBuiltInPolicyName, type Policy, parsePolicy, policyByName } from '../domain/policy/policy';

/** The policy a function enforces, as its environment names it (see {@link loadPolicy}); `national` unless set. */
export const policyEnv = z.object({ POLICY: z.string().min(1).default('national') });

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
  return parsePolicy(raw, source);
}
