/**
 * Attachments: photos and documents a report names as evidence. A report names each by its
 * SHA-256, size and type (with a caption, and where the photo carries them the time it was taken
 * and where), so the incident's hash chain covers exactly which bytes were sent; the bytes
 * themselves follow on their own, when the network allows, and are stored once under the incident
 * and their hash. What arrived is checked against what was named, never trusted.
 */
import type { Actor, Decision } from './access';
import type { IncidentEvent } from './incident';

/** The types a unit may attach: photos as phones take them (JPEG, PNG, HEIC/HEIF) and PDF documents. */
export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/heic', 'image/heif', 'application/pdf'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

/**
 * This system's limits, not a rule's: a recompressed phone photo is well under a megabyte and a
 * scanned page a few, so 10 MB leaves room for a PDF while keeping an upload possible on a weak
 * link; ten files is more than any provincial template asks for with one report.
 */
export const ATTACHMENT_LIMITS = { maxBytes: 10 * 1024 * 1024, maxPerReport: 10 } as const;

/** How long a presigned upload or read stays valid: long enough for a slow upload, short enough not to be shared. */
export const UPLOAD_URL_SECONDS = 15 * 60;
export const READ_URL_SECONDS = 5 * 60;

/** One attachment as a report names it (`ReportSubmitted.data.attachments`). */
export interface Attachment {
  /** Lower-case hex SHA-256 of the exact bytes. */
  readonly sha256: string;
  readonly bytes: number;
  readonly contentType: AttachmentType;
  readonly caption: string;
  /** When the photo was taken, if it says. */
  readonly takenAt?: string;
  /** Where the photo was taken, if it says. */
  readonly lat?: number;
  readonly lon?: number;
}

/** An attachment with the report that named it. */
export interface NamedAttachment extends Attachment {
  readonly reportId: string;
  /** The unit whose report named it: the one that may upload it. */
  readonly unit: string;
}

/**
 * What storage holds for a named attachment: `arrived` (its bytes match the name), `missing`
 * (nothing yet — still on its way, or never sent) or `mismatched` (something else is there).
 */
export const ATTACHMENT_STATUSES = ['arrived', 'missing', 'mismatched'] as const;
export type AttachmentStatus = (typeof ATTACHMENT_STATUSES)[number];

/** The object key: one per incident and content, so a retried upload is the same object. */
export const attachmentKey = (incidentId: string, sha256: string): string => `incidents/${incidentId}/${sha256}`;

/** The attachments the reports in an incident's log name, first naming first, each hash once. */
export const namedAttachments = (events: readonly IncidentEvent[]): NamedAttachment[] => {
  const seen = new Set<string>();
  const reports = events.flatMap((e) => (e.type === 'ReportSubmitted' ? [e.data] : []));
  return reports.flatMap((report) =>
    (report.attachments ?? []).flatMap((attachment) => {
      if (seen.has(attachment.sha256)) return [];
      seen.add(attachment.sha256);
      return [{ ...attachment, reportId: report.reportId, unit: report.reporter.unit }];
    }),
  );
};

/** What storage holds compared with what was named: the size and the hash must both be the named ones. */
export const statusOf = (
  named: Pick<Attachment, 'sha256' | 'bytes'>,
  stored: { readonly bytes: number; readonly sha256?: string } | undefined,
): AttachmentStatus => {
  if (!stored) return 'missing';
  return stored.bytes === named.bytes && stored.sha256 === named.sha256 ? 'arrived' : 'mismatched';
};

/** Uploading an attachment: only the unit whose report named it. */
export const mayUploadAttachment = (actor: Actor, named: Pick<NamedAttachment, 'unit'>): Decision => {
  if (actor.role !== 'reporter') return { allowed: false, reason: `a ${actor.role} cannot upload attachments` };
  if (actor.unit !== named.unit) {
    return {
      allowed: false,
      reason: `the attachment was named by unit ${named.unit}, not ${actor.unit ?? '(none)'}`,
    };
  }
  return { allowed: true };
};
