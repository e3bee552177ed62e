import { describe, expect, it } from 'vitest';
import { type ChainAnchor, checkAnchor, digestHolds, digestOf } from '../../shared/domain/audit-digest';
import { GENESIS_HASH, seal } from '../../shared/domain/hash-chain';

const chainOf = (length: number) => {
  const events: { seq: number; prevHash: string; hash: string; note: string }[] = [];
  for (let seq = 1; seq <= length; seq++) {
    events.push(seal({ seq, note: `event ${seq}` }, events.at(-1)?.hash ?? GENESIS_HASH));
  }
  return events;
};

const anchor = (id: string, seq: number, hash: string): ChainAnchor => ({
  kind: 'incident',
  id,
  region: '110101',
  seq,
  hash,
});

describe('a digest of the audit trail', () => {
  it('has the same root whatever order the chains were verified in', () => {
    const a = anchor('INC-A', 3, 'a'.repeat(64));
    const b = anchor('INC-B', 1, 'b'.repeat(64));

    const one = digestOf('110000', '2026-11-22T00:00:00.000Z', [a, b]);
    const other = digestOf('110000', '2026-11-22T00:00:00.000Z', [b, a]);

    expect(one.root).toBe(other.root);
    expect(one.root).toMatch(/^[0-9a-f]{64}$/);
    expect(digestHolds(one)).toBe(true);
  });

  it('no longer holds once a chain is dropped from it or an anchor is changed', () => {
    const digest = digestOf('110000', '2026-11-22T00:00:00.000Z', [anchor('INC-A', 3, 'a'.repeat(64))]);

    expect(digestHolds({ ...digest, chains: [] })).toBe(false);
    expect(digestHolds({ ...digest, chains: [{ ...anchor('INC-A', 2, 'a'.repeat(64)) }] })).toBe(false);
    expect(digestHolds({ ...digest, takenAt: '2026-11-23T00:00:00.000Z' })).toBe(false);
  });

  it('accepts a chain that still holds the recorded event, however much was appended since', () => {
    const events = chainOf(5);
    expect(checkAnchor(events, anchor('INC-A', 3, events[2]?.hash ?? ''))).toBeUndefined();
    expect(checkAnchor(events, anchor('INC-A', 5, events[4]?.hash ?? ''))).toBeUndefined();
  });

  it('names the recorded event when it hashes differently now, or is gone', () => {
    const events = chainOf(3);
    const forged = chainOf(3).map((e) => (e.seq === 3 ? seal({ seq: 3, note: 'forged' }, e.prevHash) : e));

    expect(checkAnchor(forged, anchor('INC-A', 3, events[2]?.hash ?? ''))).toMatchObject({
      reason: 'anchor-mismatch',
      seq: 3,
    });
    expect(checkAnchor(events.slice(0, 2), anchor('INC-A', 3, events[2]?.hash ?? ''))).toMatchObject({
      reason: 'anchor-missing-events',
      seq: 3,
    });
  });
});
