/**
 * The hash chain that makes an incident's event log tamper-evident. Each event stores the hash of
 * the one before it (`prevHash`) and its own `hash`: SHA-256 over the canonical JSON of every
 * other field. Changing, removing or reordering any stored event breaks the chain at that event.
 * The rules themselves are in `chain-rules.ts`; this module hashes with Node's crypto.
 */
import { createHash } from 'node:crypto';
import { type Chained, type ChainVerdict, type ExpectedHead, hashedText, judgeChain } from './chain-rules';

export { type Chained, type ChainVerdict, type ExpectedHead, GENESIS_HASH } from './chain-rules';

/** The hash an event must carry: over all its fields but `hash` itself. */
export const hashOf = (event: object): string => createHash('sha256').update(hashedText(event)).digest('hex');

/** Adds `prevHash` and `hash` to an event that is about to be appended after `previousHash`. */
export const seal = <E extends object>(event: E, previousHash: string): E & { prevHash: string; hash: string } => {
  const withPrev = { ...event, prevHash: previousHash };
  return { ...withPrev, hash: hashOf(withPrev) };
};

/**
 * Recomputes the chain over events in log order (see {@link judgeChain}): the first event that
 * does not hold, or, given the head the log should end with, events removed from its end.
 */
export const verifyChain = (events: readonly Chained[], head?: ExpectedHead): ChainVerdict =>
  judgeChain(events, hashOf, head);
