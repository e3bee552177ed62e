/**
 * The rules of an audit digest that need no hash function of their own (see `audit-digest.ts`):
 * its shape, the text its root is SHA-256 over, and whether a chain still holds what the digest
 * recorded. Apart from the hashing so that a browser can apply them with Web Crypto.
 */
import { canonicalJson, type Json } from './canonical';
import type { Chained } from './chain-rules';

export type ChainKind = 'incident' | 'zero-report' | 'access-denied';

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

/** The text a digest's root is SHA-256 over: the canonical JSON of all its fields but `root`. */
export const rootText = (digest: Omit<AuditDigest, 'root'> | AuditDigest): string => {
  const { root: _ignored, ...body } = digest as AuditDigest;
  // A digest is plain JSON data (strings and numbers) by construction.
  return canonicalJson(body as unknown as Json);
};

export const anchorKey = (anchor: Pick<ChainAnchor, 'kind' | 'id'>): string => `${anchor.kind}:${anchor.id}`;

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
  new Map(digest.chains.map((anchor) => [anchorKey(anchor), anchor]));
