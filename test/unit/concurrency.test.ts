/** The bound on reads in flight that the candidates and the verification share. */
import { describe, expect, it } from 'vitest';
import { mapBounded } from '../../shared/application/concurrency';

describe('mapping with a bound on work in flight', () => {
  it('keeps the items’ order and never runs more than the bound at once', async () => {
    let running = 0;
    let most = 0;
    const results = await mapBounded([5, 1, 4, 2, 3, 0], 3, async (ms) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running -= 1;
      return ms * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0]);
    expect(most).toBe(3);
  });

  it('does nothing for no items, and passes a failure on', async () => {
    expect(await mapBounded([], 4, async () => 1)).toEqual([]);
    await expect(
      mapBounded([1, 2], 2, async (n) => {
        if (n === 2) throw new Error('read failed');
        return n;
      }),
    ).rejects.toThrow('read failed');
  });
});
