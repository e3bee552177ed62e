/**
 * Reading many logs at once without flooding the table: the use cases that read one log per item
 * of a page (candidates, verification) share this bound on how many reads are in flight.
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
