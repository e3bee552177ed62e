/**
 * A digest of a jurisdiction's audit trail: where every hash chain ended (its last sequence number
 * and hash) when it was verified, sealed by one root hash. The chains prove a log was not changed
 * after its head; they cannot prove the head itself was not rewritten together with the events
 * before it, or a whole log deleted with its head. A digest kept outside the system — by the
 * inspector, with the root written into the inspection record — can: a later verification
 * against it finds every chain whose recorded event no longer hashes the same, or that is gone.
 * The rules are in `digest-rules.ts`; this module hashes with Node's crypto.
 */
import { createHash } from 'node:crypto';
import { type AuditDigest, anchorKey, type ChainAnchor, rootText } from './digest-rules';

export {
  type AnchorBreak,
  type AuditDigest,
  anchorIndex,
  anchorKey,
  type ChainAnchor,
  type ChainKind,
  checkAnchor,
} from './digest-rules';

const rootOf = (digest: Omit<AuditDigest, 'root'>): string =>
  createHash('sha256').update(rootText(digest)).digest('hex');

/** Seals anchors into a digest, in a stable order so the same trail always gives the same root. */
export const digestOf = (region: string, takenAt: string, anchors: readonly ChainAnchor[]): AuditDigest => {
  const chains = [...anchors].sort((a, b) => anchorKey(a).localeCompare(anchorKey(b)));
  const body = { version: 1 as const, region, takenAt, chains };
  return { ...body, root: rootOf(body) };
};

/** Whether a digest read back from a file is the one that was sealed (its root recomputes). */
export const digestHolds = (digest: AuditDigest): boolean => rootOf(digest) === digest.root;
