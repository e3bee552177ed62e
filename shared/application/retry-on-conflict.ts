/**
 * Deciding again when someone else wrote first. Every write of a log is conditional on the state
 * it was decided on (an incident's head, a unit's zero-report log, the duty-period locks), so two
 * writers that collide do not both land: the loser reads again, decides again and writes again,
 * after a short random pause so that the losers of one collision do not all collide once more.
 */

export interface RetryOnConflictOptions {
  /** How many attempts in all, the first included, before giving up. */
  readonly attempts: number;
  /** Whether an attempt's error means "decided on a state that has since changed": worth another attempt. */
  readonly isConflict: (error: unknown) => boolean;
  /** The error to answer with when the last attempt has collided too. */
  readonly giveUp: () => Error;
}

/**
 * The pause after the `attempt`-th collision: random up to a bound that doubles from 10 ms with
 * each collision and stops at 200 ms. `random` is `Math.random` but for tests.
 */
export const conflictBackOffMs = (attempt: number, random: () => number = Math.random): number =>
  random() * Math.min(200, 5 * 2 ** Math.min(attempt, 6));

/** Waits `ms` milliseconds. */
export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` (numbered from 1) until it returns, again after each conflict, at most
 * `options.attempts` times. Any other error is rethrown at once: only a collision is worth
 * deciding again.
 */
export const retryOnConflict = async <T>(
  attempt: (number: number) => Promise<T>,
  options: RetryOnConflictOptions,
): Promise<T> => {
  for (let number = 1; ; number++) {
    try {
      return await attempt(number);
    } catch (error) {
      if (!options.isConflict(error)) throw error;
      if (number >= options.attempts) throw options.giveUp();
      await pause(conflictBackOffMs(number));
    }
  }
};
