/**
 * Typed iteration over the records of `infra/resources.ts` and `infra/api.ts`: `Object.entries`
 * widens keys to `string`, which would lose the link between a name and its description.
 */

/** The entries of `record`, keys kept as their literal type. */
export function entriesOf<K extends string, V>(record: Readonly<Partial<Record<K, V>>>): [K, V][] {
  return Object.entries(record) as [K, V][];
}

/** A record with the same keys as `record`, each value made by `build`. */
export function mapRecord<K extends string, V, R>(
  record: Readonly<Record<K, V>>,
  build: (value: V, key: K) => R,
): Record<K, R> {
  return Object.fromEntries(entriesOf<K, V>(record).map(([key, value]) => [key, build(value, key)])) as Record<K, R>;
}
