/**
 * Roll-up lag, shared by `bench:rollup` and `bench:pipeline`: the provincial incident count sampled
 * every 50 ms while reports are sent, and the lag of each accepted report, measured cumulatively:
 * the k-th report accepted is taken to be in the summary once the provincial count reaches k (the
 * summary says how many, not which).
 */
import type { SummaryStore } from '../../shared/ports/summary-store';

export interface LagSampler {
  /** The latest provincial count sampled. */
  latest(): number;
  /**
   * Stops sampling and answers each accepted report's lag in ms, sorted; a report not yet in the
   * summary counts as lagging until now.
   */
  stop(acceptedAt: readonly number[]): Promise<number[]>;
}

export const sampleProvinceCount = (summaries: SummaryStore, province: string): LagSampler => {
  const samples: { at: number; incidents: number }[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const items = await summaries.read(province, {});
      samples.push({ at: Date.now(), incidents: items.reduce((n, i) => n + (i.counters.incidents ?? 0), 0) });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    latest: () => samples.at(-1)?.incidents ?? 0,
    async stop(acceptedAt) {
      sampling = false;
      await sampler;
      const stoppedAt = Date.now();
      const accepted = [...acceptedAt].sort((a, b) => a - b);
      const lags: number[] = [];
      let s = 0;
      for (let k = 1; k <= accepted.length; k++) {
        while (s < samples.length && (samples[s]?.incidents ?? 0) < k) s++;
        // A report not yet in the summary when sampling stopped has lagged at least until then:
        // leaving it out would make a backlog look like no lag at all.
        const seenAt = samples[s]?.at ?? stoppedAt;
        const at = accepted[k - 1];
        if (at !== undefined) lags.push(Math.max(0, seenAt - at));
      }
      return lags.sort((a, b) => a - b);
    },
  };
};

/**
 * Waits until the provincial count reaches `count`, or `timeoutMs` has passed; with `settleMs`,
 * also until it has not moved for that long (reports whose answer was lost, a timeout, are rolled
 * up too, beyond `count`).
 */
export const waitForCount = async (
  sampler: LagSampler,
  count: number,
  timeoutMs: number,
  settleMs = 0,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  const sleep = () => new Promise((resolve) => setTimeout(resolve, 100));
  while (sampler.latest() < count && Date.now() < deadline) await sleep();
  let seen = sampler.latest();
  let since = Date.now();
  while (Date.now() - since < settleMs && Date.now() < deadline) {
    await sleep();
    if (sampler.latest() !== seen) {
      seen = sampler.latest();
      since = Date.now();
    }
  }
};
