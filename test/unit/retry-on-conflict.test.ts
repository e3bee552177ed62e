/** Deciding again after a collision: how often, after how long, and what ends it. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { conflictBackOffMs, retryOnConflict } from '../../shared/application/retry-on-conflict';

class Collided extends Error {}

const options = (attempts: number) => ({
  attempts,
  isConflict: (error: unknown) => error instanceof Collided,
  giveUp: () => new Error('busy: send it again'),
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('retrying on conflict', () => {
  it('answers the first attempt that does not collide, numbering the attempts from 1', async () => {
    // PREPARE: no pause, so the test does not wait for the jitter.
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const seen: number[] = [];

    // ACT
    const answer = await retryOnConflict(async (attempt) => {
      seen.push(attempt);
      if (attempt < 3) throw new Collided();
      return 'written';
    }, options(5));

    // ASSESS
    expect(answer).toBe('written');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('gives up with its own error once the last attempt has collided too', async () => {
    // PREPARE
    vi.spyOn(Math, 'random').mockReturnValue(0);
    let attempts = 0;

    // ACT + ASSESS
    await expect(
      retryOnConflict(async () => {
        attempts += 1;
        throw new Collided();
      }, options(4)),
    ).rejects.toThrow('busy: send it again');
    expect(attempts).toBe(4);
  });

  it('passes any other error on at once, without another attempt', async () => {
    // PREPARE
    let attempts = 0;
    const refused = new Error('closed incident');

    // ACT + ASSESS
    await expect(
      retryOnConflict(async () => {
        attempts += 1;
        throw refused;
      }, options(4)),
    ).rejects.toBe(refused);
    expect(attempts).toBe(1);
  });

  it('pauses between attempts for the back-off of the collision just met', async () => {
    // PREPARE
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(1);
    const started: number[] = [];

    // ACT
    const answer = retryOnConflict(async (attempt) => {
      started.push(Date.now());
      if (attempt < 3) throw new Collided();
      return attempt;
    }, options(3));
    await vi.runAllTimersAsync();

    // ASSESS: 10 ms after the first collision, 20 ms after the second.
    await expect(answer).resolves.toBe(3);
    expect(started.slice(1).map((at, i) => at - (started[i] ?? 0))).toEqual([10, 20]);
  });
});

describe('the back-off after a collision', () => {
  it('is random up to a bound that doubles from 10 ms and stops at 200 ms', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 40].map((attempt) => conflictBackOffMs(attempt, () => 1))).toEqual([
      10, 20, 40, 80, 160, 200, 200, 200,
    ]);
    expect(conflictBackOffMs(3, () => 0.5)).toBe(20);
    expect(conflictBackOffMs(3, () => 0)).toBe(0);
  });
});
