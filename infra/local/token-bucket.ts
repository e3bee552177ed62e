/**
 * The local twin of the API stage's throttling: one token bucket for the whole API, as API Gateway
 * keeps one per stage. The bucket holds `burstLimit` requests and refills at `rateLimit` a second;
 * a request that finds it empty is refused, told when a token will be there again.
 */
import type { ApiThrottle } from '../api';

export type TakeResult = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

export interface TokenBucket {
  take(): TakeResult;
}

/** `now` in milliseconds, from a monotonic clock (tests pass their own). */
export const makeTokenBucket = (limits: ApiThrottle, now: () => number = () => performance.now()): TokenBucket => {
  if (!(limits.rateLimit > 0) || !(limits.burstLimit >= 1)) {
    throw new RangeError('a token bucket needs a rate above 0 and a burst of at least 1');
  }
  let tokens = limits.burstLimit;
  let filledAt = now();
  return {
    take() {
      const at = now();
      tokens = Math.min(limits.burstLimit, tokens + ((at - filledAt) / 1000) * limits.rateLimit);
      filledAt = at;
      if (tokens >= 1) {
        tokens -= 1;
        return { allowed: true };
      }
      // Retry-After counts whole seconds (RFC 9110); never 0, which would invite an instant retry.
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / limits.rateLimit)) };
    },
  };
};
