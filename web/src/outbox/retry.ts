/** How long the outbox waits before trying a failed report again. */

const MIN_BACKOFF_MS = 2_000;
const MAX_BACKOFF_MS = 5 * 60_000;

/** 2 s, 4 s, 8 s … up to 5 min after the `attempts`-th failure, each ±20 % so that many phones do not retry in step. */
export const backoffMs = (attempts: number, random: () => number = Math.random): number => {
  const base = Math.min(MIN_BACKOFF_MS * 2 ** Math.max(attempts - 1, 0), MAX_BACKOFF_MS);
  return Math.round(base * (0.8 + 0.4 * random()));
};
