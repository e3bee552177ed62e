/**
 * The refused requests as evidence: each jurisdiction's (province's) refusals of one China day form
 * a hash chain of their own, under the same rules as an incident's log (`chain-rules.ts`): each
 * entry numbered from 1, carrying the hash of the one before it and its own hash over every other
 * field. A refusal removed, changed or slipped in breaks the day's chain; the day's head (its last
 * number and hash) says where it ends, and a digest can vouch for the head.
 */
import { chinaDateOf, chinaMidnight } from './china-time';

/** One refusal (`E`, as the access log records it) as a link of its jurisdiction's chain for its day. */
export type DeniedLink<E extends object = object> = E & {
  readonly v: 1;
  /** The province whose chain it is a link of (a refusal concerning two is a link of both). */
  readonly jurisdiction: string;
  /** The China date of `at`: the day whose chain it belongs to. */
  readonly day: string;
  /** Every jurisdiction it is filed under, so a copy in one vouches for its filing in the other. */
  readonly filedUnder: readonly string[];
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
};

/** The fields the chain adds to a refusal, which its readers do not need. */
export const CHAIN_FIELDS = ['v', 'jurisdiction', 'day', 'filedUnder', 'seq', 'prevHash', 'hash'] as const;

/** The day a refusal is chained under: its China date. */
export const deniedDayOf = (at: string): string => chinaDateOf(new Date(at));

/** A day's chain as verification names it: `<province>/<date>`. */
export const deniedChainId = (jurisdiction: string, day: string): string => `${jurisdiction}/${day}`;

/** The instants of a China day, as ISO text bounds: `from` inclusive, `to` exclusive. */
export const dayBounds = (day: string): { readonly from: string; readonly to: string } => {
  const start = chinaMidnight(day);
  return { from: new Date(start).toISOString(), to: new Date(start + 86_400_000).toISOString() };
};
