/**
 * The rules of the hash chain that need no hash function of their own: what a chained event
 * carries, the text its hash is taken over, and the verdict on a log given a way to hash an event.
 * They are apart from `hash-chain.ts` (which hashes with Node's crypto) so that a browser can judge
 * a log by exactly the same rules, hashing with Web Crypto: the offline evidence verifier does.
 */
import { canonicalJson, type Json } from './canonical';

/** The `prevHash` of a log's first event. */
export const GENESIS_HASH = '0'.repeat(64);

export interface Chained {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

/**
 * Events are plain JSON data (strings, finite numbers, booleans, null, arrays, objects) by
 * construction, so any event object can be hashed as one.
 */
type JsonObject = { readonly [key: string]: Json | undefined };

/** The text an event's hash is SHA-256 over: the canonical JSON of all its fields but `hash` itself. */
export const hashedText = (event: object): string => {
  const { hash: _ignored, ...rest } = event as JsonObject;
  return canonicalJson(rest);
};

export type ChainVerdict =
  | { readonly intact: true; readonly events: number; readonly headHash: string }
  | {
      readonly intact: false;
      readonly events: number;
      /** Sequence number of the first event that does not hold (or is missing). */
      readonly brokenAtSeq: number;
      readonly reason: 'hash-mismatch' | 'prev-hash-mismatch' | 'sequence-gap' | 'missing-events' | 'head-mismatch';
      readonly detail: string;
    };

/** What the incident's head item says the log ends with. */
export interface ExpectedHead {
  readonly seq: number;
  readonly hash: string;
}

// Stored values may have been tampered into anything JSON can hold: show them, never coerce them.
const show = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * Judges a log in order, hashing each event with `hashOf` only once the events before it hold. The
 * first failure is reported: every later event hangs off it, so it is where an inspector must
 * look. Given the head the log should end with, it also catches events removed from the end,
 * which the links alone cannot show.
 */
export const judgeChain = (
  events: readonly Chained[],
  hashOf: (event: Chained) => string,
  head?: ExpectedHead,
): ChainVerdict => {
  const broken = (brokenAtSeq: number, reason: Exclude<ChainVerdict, { intact: true }>['reason'], detail: string) =>
    ({ intact: false, events: events.length, brokenAtSeq, reason, detail }) as const;
  let previousHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (const event of events) {
    if (event.seq !== expectedSeq) {
      return broken(expectedSeq, 'sequence-gap', `expected event ${expectedSeq}, found ${show(event.seq)}`);
    }
    if (event.prevHash !== previousHash) {
      return broken(
        expectedSeq,
        'prev-hash-mismatch',
        `event ${expectedSeq} names ${show(event.prevHash)} as its predecessor, but event ${expectedSeq - 1} hashes to ${previousHash}`,
      );
    }
    const recomputed = hashOf(event);
    if (recomputed !== event.hash) {
      return broken(
        expectedSeq,
        'hash-mismatch',
        `event ${expectedSeq} is stored with hash ${show(event.hash)} but its content hashes to ${recomputed}`,
      );
    }
    previousHash = recomputed;
    expectedSeq += 1;
  }
  if (head && head.seq > events.length) {
    return broken(
      events.length + 1,
      'missing-events',
      `the incident's head records ${head.seq} events but the log holds ${events.length}: events ${events.length + 1}–${head.seq} are missing`,
    );
  }
  if (head && (head.seq !== events.length || head.hash !== previousHash)) {
    return broken(
      events.length,
      'head-mismatch',
      `the incident's head records event ${show(head.seq)} with hash ${show(head.hash)}, but the log ends at event ${events.length} with hash ${previousHash}`,
    );
  }
  return { intact: true, events: events.length, headHash: previousHash };
};
