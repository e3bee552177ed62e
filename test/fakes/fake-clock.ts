/** Clocks for use-case tests: one the test moves by hand, one that follows vitest's fake timers. */
import type { Clock } from '../../shared/ports/clock';

/** A clock that stands still until the test moves it. */
export class FakeClock implements Clock {
  #now: number;

  constructor(start: Date | string) {
    this.#now = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  /** Moves the clock on by `ms` and returns the new time. */
  advance(ms: number): Date {
    if (ms < 0) throw new RangeError('a clock does not run backwards');
    this.#now += ms;
    return this.now();
  }

  /** Moves the clock to `at` (not backwards) and returns it. */
  set(at: Date | string): Date {
    return this.advance(new Date(at).getTime() - this.#now);
  }
}

/**
 * The clock port reading `Date.now()`, which `vi.useFakeTimers({ toFake: ['Date', …] })` controls:
 * the same time aws-local-stepfunctions reads when it turns a Wait state's timestamp into a delay,
 * so the use cases and the state machine agree on what time it is.
 */
export const fakeTimersClock: Clock = { now: () => new Date(Date.now()) };
