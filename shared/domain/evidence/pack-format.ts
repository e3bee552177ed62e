/**
 * An evidence pack: one file holding everything a third party needs to check an inspector's case
 * about one incident or a set of them, with no access to this system — each incident's event log
 * exactly as chained, the head that says where it ends, the duties with the persons who answered
 * for them at each deadline, and a digest of where every chain ended, sealed by one root hash.
 * docs/evidence-pack.md describes it field by field. Node-free: the offline verifier reads it too.
 */

import type { AuditRow } from '../audit/rows';
import { canonicalJson, type Json } from '../canonical';
import type { ExpectedHead } from '../chain-rules';
import type { AuditDigest } from '../digest-rules';
import type { IncidentEvent } from '../incident';
import type { ObligationStatus } from '../obligation';

export const EVIDENCE_PACK_FORMAT = 'incident-evidence-pack';
export const EVIDENCE_PACK_VERSION = 1;

/** The most incidents one pack holds: a pack is read whole, by one request and one browser page. */
export const MAX_PACK_INCIDENTS = 200;

/**
 * Said in every pack: the persons named for each duty are the ones who held the posts and were on
 * the roster at its deadline, from the directory's history (each duty's `personsAt` and
 * `directorySince` say which instant and which version).
 */
export const PERSONS_AT_DEADLINE =
  'persons responsible at each duty’s deadline: those who held the posts and were on the duty roster then, from the officer directory’s history (personsAt and directorySince on each duty)';

/**
 * What packs built before the directory kept history say instead: their persons are the ones the
 * directory held when the pack was built. The verifier still reads such packs, and says so.
 */
export const PERSONS_AS_OF_BUILD =
  'persons responsible as the officer directory held them when this pack was built; the directory keeps no history, so a change of post since a deadline is not reflected';

/**
 * One duty of an incident (an obligation of an office) and who answered for it: a row as the late
 * and missed lists give it, with the obligation's status (a waived duty is neither met nor missed).
 */
export type PackDuty = AuditRow & { readonly status: ObligationStatus };

/**
 * A file a report of the incident names, as storage held it when the pack was built: its status
 * (`domain/attachments.ts`), the SHA-256 of the stored bytes when they are not the named ones, and
 * the bytes themselves (base64) when the pack was built with the files.
 */
export interface PackAttachment {
  readonly sha256: string;
  readonly bytes: number;
  readonly contentType: string;
  /** The report event that named it. */
  readonly seq: number;
  readonly status: 'arrived' | 'missing' | 'mismatched';
  readonly storedSha256?: string;
  readonly content?: string;
}

export interface PackIncident {
  readonly incidentId: string;
  readonly region: string;
  /** Where the incident's head item says its log ends. */
  readonly head: ExpectedHead;
  /** The whole log, in order, every event exactly as chained (`seq`, `prevHash`, `hash` and all). */
  readonly events: readonly IncidentEvent[];
  readonly duties: readonly PackDuty[];
  /** The files its reports name, when they name any and the pack was built with a store to read them. */
  readonly attachments?: readonly PackAttachment[];
  /**
   * Present when the incident is an exercise: its drill. The log says so too, on every event's
   * scope, where the chain vouches for it; this is for whoever reads the pack.
   */
  readonly drillId?: string;
}

/** What the pack was asked for. */
export type PackScope =
  | { readonly kind: 'incidents'; readonly ids: readonly string[] }
  | { readonly kind: 'period'; readonly region: string; readonly from: string; readonly to: string };

export interface EvidencePack {
  readonly format: typeof EVIDENCE_PACK_FORMAT;
  readonly version: typeof EVIDENCE_PACK_VERSION;
  readonly builtAt: string;
  readonly builtBy: { readonly sub: string; readonly role: string; readonly region: string };
  readonly scope: PackScope;
  readonly persons: typeof PERSONS_AT_DEADLINE;
  readonly incidents: readonly PackIncident[];
  /** Where each incident's chain ends (its head), in the format of `npm run verify-audit -- --save-digest`. */
  readonly digest: AuditDigest;
  /** SHA-256 over {@link sealText}: the one value to write in the inspection record. */
  readonly seal: string;
}

/** The text a pack's seal is SHA-256 over: the canonical JSON of all its fields but `seal`. */
export const sealText = (pack: Omit<EvidencePack, 'seal'> | EvidencePack): string => {
  const { seal: _ignored, ...body } = pack as EvidencePack;
  // A pack is plain JSON data by construction.
  return canonicalJson(body as unknown as Json);
};

/** A file name for the pack: what it covers, and the first characters of its seal. */
export const packFileName = (pack: Pick<EvidencePack, 'scope' | 'seal'>): string => {
  const what =
    pack.scope.kind === 'period'
      ? `${pack.scope.region}-${pack.scope.from.slice(0, 10)}-${pack.scope.to.slice(0, 10)}`
      : pack.scope.ids.length === 1
        ? pack.scope.ids[0]
        : `${pack.scope.ids.length}-incidents`;
  return `evidence-${what}-${pack.seal.slice(0, 12)}.json`;
};
