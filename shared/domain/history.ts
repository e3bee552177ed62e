/**
 * Records kept through time (the officer directory, the unit registry): each import adds a version
 * taking effect at an instant and never changes one already there, so what held at any past
 * instant stays on record.
 */

/** A version of a record: what it held from `effectiveAt` on, until the next version takes effect. */
export interface Versioned {
  readonly effectiveAt: string;
}

/**
 * When entries written before a record kept history take effect: the epoch, before anything on
 * record, so they answer for every instant until the first version imported after them.
 */
export const BEFORE_HISTORY = new Date(0).toISOString();

/** The version in effect at an instant: the last to take effect at or before it; none before the first. */
export const versionAt = <V extends Versioned>(
  history: { readonly versions: readonly V[] },
  at: Date,
): V | undefined => {
  let found: V | undefined;
  for (const version of history.versions) {
    if (Date.parse(version.effectiveAt) <= at.getTime()) found = version;
  }
  return found;
};

/**
 * What is wrong with an import's effective time, if anything: it must be an instant, now or later,
 * as an import never rewrites what `record` held in the past (duties fell due under it).
 */
export const effectiveTimeProblem = (effectiveAt: Date, now: Date, record: string): string | undefined => {
  if (Number.isNaN(effectiveAt.getTime())) return 'effective: is not an instant';
  if (effectiveAt.getTime() < now.getTime()) {
    return `effective: ${effectiveAt.toISOString()} is before now (${now.toISOString()}); an import takes effect now or later and never rewrites what the ${record} held`;
  }
  return undefined;
};
