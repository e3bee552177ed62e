/**
 * The hash chain that makes an incident's event log tamper-evident. Each event stores the hash of
 * the one before it (`prevHash`) and its own `hash`: SHA-256 over the canonical JSON of every
 * other field. Changing, removing or reordering any stored event breaks the chain at that event.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, type Json } from './canonical';

/** The `prevHash` of an incident's first event. */
export const GENESIS_HASH = '0'.repeat(64);

export interface Chained {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

/** The hash an event must carry: over all its fields but `hash` itself. */
export const hashOf = (event: { readonly [key: string]: Json | undefined }): string => {
  const { hash: _ignored, ...rest } = event;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
};

/** Adds `prevHash` and `hash` to an event that is about to be appended after `previousHash`. */
export const seal = <E extends { readonly [key: string]: Json | undefined }>(
  event: E,
  previousHash: string,
): E & { prevHash: string; hash: string } => {
  const withPrev = { ...event, prevHash: previousHash };
  return { ...withPrev, hash: hashOf(withPrev) };
};

export type ChainVerdict =
  | { readonly intact: true; readonly events: number; readonly headHash: string }
  | {
      readonly intact: false;
      readonly events: number;
      /** Sequence number of the first event that does not hold. */
      readonly brokenAtSeq: number;
      readonly reason: 'hash-mismatch' | 'prev-hash-mismatch' | 'sequence-gap';
      readonly detail: string;
    };

/**
 * Recomputes the chain over events in log order. The first failure is reported: every later
 * event hangs off it, so it is where an inspector must look.
 */
export const verifyChain = (
  events: readonly ({ readonly [key: string]: Json | undefined } & Chained)[],
): ChainVerdict => {
  let previousHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (const event of events) {
    if (event.seq !== expectedSeq) {
      return {
        intact: false,
        events: events.length,
        brokenAtSeq: expectedSeq,
        reason: 'sequence-gap',
        detail: `expected event ${expectedSeq}, found ${event.seq}`,
      };
    }
    if (event.prevHash !== previousHash) {
      return {
        intact: false,
        events: events.length,
        brokenAtSeq: event.seq,
        reason: 'prev-hash-mismatch',
        detail: `event ${event.seq} names ${event.prevHash} as its predecessor, but event ${event.seq - 1} hashes to ${previousHash}`,
      };
    }
    const recomputed = hashOf(event);
    if (recomputed !== event.hash) {
      return {
        intact: false,
        events: events.length,
        brokenAtSeq: event.seq,
        reason: 'hash-mismatch',
        detail: `event ${event.seq} is stored with hash ${event.hash} but its content hashes to ${recomputed}`,
      };
    }
    previousHash = event.hash;
    expectedSeq += 1;
  }
  return { intact: true, events: events.length, headHash: previousHash };
};
