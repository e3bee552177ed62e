/**
 * The inspector's incident page recomputes an incident's chain in the browser (Web Crypto, the
 * shared chain rules): it must agree with the server's hashing, and say where a change breaks it.
 */
import { describe, expect, it } from 'vitest';
import { seal } from '../../shared/domain/hash-chain';
import { holdsAt, recomputeChain } from '../../web/src/screens/inspect/chain';

/** A log of `n` events as the server seals them. */
const log = (n: number) => {
  const events: { seq: number; type: string; at: string; prevHash: string; hash: string }[] = [];
  let previous = '0'.repeat(64);
  for (let seq = 1; seq <= n; seq++) {
    const event = seal({ seq, type: 'Noted', at: `2026-12-05T01:0${seq}:00.000Z` }, previous);
    events.push(event);
    previous = event.hash;
  }
  return events;
};

describe('the incident page’s own chain check', () => {
  it('finds the server’s hashes whole, event by event', async () => {
    const verdict = await recomputeChain(log(4));
    expect(verdict).toMatchObject({ intact: true, events: 4 });
    expect([1, 2, 3, 4].map((seq) => holdsAt(verdict, seq))).toEqual([true, true, true, true]);
  });

  it('breaks at the changed event, and holds only before it', async () => {
    const events = log(4);
    events[2] = { ...(events[2] as (typeof events)[number]), at: '2020-01-01T00:00:00.000Z' };
    const verdict = await recomputeChain(events);
    expect(verdict).toMatchObject({ intact: false, brokenAtSeq: 3, reason: 'hash-mismatch' });
    expect([1, 2, 3, 4].map((seq) => holdsAt(verdict, seq))).toEqual([true, true, false, false]);
  });
});
