/**
 * Many reads or appends at once without flooding the table: the use cases that work one item of a
 * page at a time (candidates, verification, the audit lists' log reads, the zero-report check and
 * its registry reads) share this bound on how many are in flight.
 */

/** `work` over `items` with at most `limit` running at once, results in the items' order. */
export const mapBounded = async <T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> => {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};
