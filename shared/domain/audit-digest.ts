/**
 * A digest of a jurisdiction's audit trail: where every hash chain ended (its last sequence number
 * and hash) when it was verified, sealed by one root hash. The chains prove a log was not changed
 * after its head; they cannot prove the head itself was not rewritten together with the events
 * before it, or a whole log deleted with its head. A digest kept outside the system — by the
 * inspector, with the root written into the inspection record — can: a later verification
 * against it finds every chain whose recorded event no longer hashes the same, or that is gone.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, type Json } from './canonical';
import type { Chained } from './hash-chain';

export type ChainKind = 'incident' | 'zero-report';

/** Where one chain ended when the digest was taken. */
export interface ChainAnchor {
  readonly kind: ChainKind;
  readonly id: string;
  readonly region: string;
  readonly seq: number;
  readonly hash: string;
}

export interface AuditDigest {
  readonly version: 1;
  readonly region: string;
  readonly takenAt: string;
  readonly chains: readonly ChainAnchor[];
  /** SHA-256 over the canonical JSON of everything above: one value to write down. */
  readonly root: string;
}

const keyOf = (anchor: Pick<ChainAnchor, 'kind' | 'id'>): string => `${anchor.kind}:${anchor.id}`;

const rootOf = (digest: Omit<AuditDigest, 'root'>): string =>
  createHash('sha256')
    // A digest is plain JSON data (strings and numbers) by construction.
    .update(canonicalJson(digest as unknown as Json))
    .digest('hex');

/** Seals anchors into a digest, in a stable order so the same trail always gives the same root. */
export const digestOf = (region: string, takenAt: string, anchors: readonly ChainAnchor[]): AuditDigest => {
  const chains = [...anchors].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  const body = { version: 1 as const, region, takenAt, chains };
  return { ...body, root: rootOf(body) };
};

/** Whether a digest read back from a file is the one that was sealed (its root recomputes). */
export const digestHolds = (digest: AuditDigest): boolean => {
  const { root, ...body } = digest;
  return rootOf(body) === root;
};

export type AnchorBreak =
  | { readonly reason: 'anchor-missing-events'; readonly seq: number; readonly detail: string }
  | { readonly reason: 'anchor-mismatch'; readonly seq: number; readonly detail: string };

/** Whether the chain still holds, unchanged, the event the digest recorded as its last. */
export const checkAnchor = (events: readonly Chained[], anchor: ChainAnchor): AnchorBreak | undefined => {
  const recorded = events[anchor.seq - 1];
  if (!recorded || recorded.seq !== anchor.seq) {
    return {
      reason: 'anchor-missing-events',
      seq: anchor.seq,
      detail: `the digest recorded event ${anchor.seq} as this log's last, but the log now holds ${events.length} events: events were removed`,
    };
  }
  if (recorded.hash !== anchor.hash) {
    return {
      reason: 'anchor-mismatch',
      seq: anchor.seq,
      detail: `the digest recorded event ${anchor.seq} with hash ${anchor.hash}, but it is now stored with hash ${recorded.hash}: the log was rewritten up to there, head and all`,
    };
  }
  return undefined;
};

/** Anchors by chain, for looking them up while verifying. */
export const anchorIndex = (digest: AuditDigest): Map<string, ChainAnchor> =>
  new Map(digest.chains.map((anchor) => [keyOf(anchor), anchor]));

export const anchorKey = keyOf;
