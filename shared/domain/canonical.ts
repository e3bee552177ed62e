/**
 * Canonical JSON: object keys sorted by UTF-16 code units (as RFC 8785 says), no whitespace, `undefined` members dropped.
 * For the values an event holds (strings, finite numbers, booleans, null, arrays, objects) this is
 * the JSON Canonicalization Scheme (RFC 8785), so anyone can recompute a hash from the stored
 * event with any language's JSON library and a sort. A number read back exactly from storage
 * ({@link ExactNumber}, one no double holds) is written in the same form, from its exact digits.
 */
import { ExactNumber } from './exact-number';

export type Json =
  | string
  | number
  | ExactNumber
  | boolean
  | null
  | readonly Json[]
  | { readonly [key: string]: Json | undefined };

export const canonicalJson = (value: Json | undefined): string => {
  if (value === undefined) throw new TypeError('undefined has no canonical form');
  if (value instanceof ExactNumber) return value.decimal;
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`${value} has no canonical form`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  const entries = Object.entries(value as { readonly [key: string]: Json | undefined })
    .filter((entry): entry is [string, Json] => entry[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
};
