import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeTokenBucket } from '../../infra/local/token-bucket';

describe('the local token bucket', () => {
  it('lets a full burst through, then refuses until a token has been refilled', () => {
    // PREPARE
    let now = 0;
    const bucket = makeTokenBucket({ rateLimit: 100, burstLimit: 200 }, () => now);

    // ACT
    const burst = Array.from({ length: 200 }, () => bucket.take().allowed);
    const refused = bucket.take();
    now += 10; // one token at 100 a second
    const refilled = bucket.take();

    // ASSESS
    expect(burst.every(Boolean)).toBe(true);
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(refilled).toEqual({ allowed: true });
  });

  it('says how many whole seconds until the next token at a slow rate', () => {
    let now = 0;
    const bucket = makeTokenBucket({ rateLimit: 0.25, burstLimit: 1 }, () => now);

    bucket.take();
    const refused = bucket.take();
    now += 1_000;
    const stillRefused = bucket.take();

    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 4 });
    expect(stillRefused).toEqual({ allowed: false, retryAfterSeconds: 3 });
  });

  it('never lets through more than the burst plus what the rate refilled, whatever the arrival times', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 100 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 300 }),
        (rateLimit, burstLimit, gaps) => {
          let now = 0;
          const bucket = makeTokenBucket({ rateLimit, burstLimit }, () => now);
          let allowed = 0;
          for (const gap of gaps) {
            now += gap;
            if (bucket.take().allowed) allowed += 1;
          }
          expect(allowed).toBeLessThanOrEqual(burstLimit + Math.floor((now / 1000) * rateLimit));
        },
      ),
      { seed: 12, numRuns: 200 },
    );
  });
});
