/**
 * Attachments of an incident: asking where to upload one its reports named, and reading what
 * arrived. Both runtimes run these behind the same routes; what storage holds is compared with what
 * the chain names every time it is read, so an attachment never sent shows as `missing` and one
 * whose bytes are not the named ones as `mismatched`, whoever changed them.
 */
import { type Actor, mayReadIncident } from '../domain/access';
import {
  type AttachmentStatus,
  attachmentKey,
  mayUploadAttachment,
  type NamedAttachment,
  namedAttachments,
  statusOf,
} from '../domain/attachments';
import { ForbiddenError, NotFoundError } from '../domain/errors';
import type { AttachmentStore, PresignedRequest } from '../ports/attachment-store';
import type { IncidentStore } from '../ports/incident-store';
import { loadReadable } from './read-incidents';

export interface AttachmentsDeps {
  readonly incidents: IncidentStore;
  readonly attachments: AttachmentStore;
}

export interface AttachmentUpload {
  readonly incidentId: string;
  readonly sha256: string;
  readonly key: string;
  readonly status: AttachmentStatus;
  /** Absent when the named bytes are stored already: a retry has nothing left to send. */
  readonly upload?: PresignedRequest;
}

/**
 * Where the unit whose report named an attachment uploads it: a presigned PUT bound to the named
 * size, type and hash, under the key of the incident and the hash, so a retried upload writes the
 * same object. Asked again once the bytes are there, it answers `arrived` and no upload.
 *
 * @throws NotFoundError (no such incident, or no report of it names the hash), ForbiddenError
 */
export const makeRequestUpload =
  (deps: AttachmentsDeps) =>
  async (actor: Actor, incidentId: string, sha256: string): Promise<AttachmentUpload> => {
    const state = await loadReadable(deps.incidents, actor, incidentId, mayReadIncident);
    const named = namedAttachments(await deps.incidents.getEvents(incidentId)).find((a) => a.sha256 === sha256);
    if (!named)
      throw new NotFoundError(`no report of incident ${incidentId} names an attachment with SHA-256 ${sha256}`);
    const decision = mayUploadAttachment(actor, named);
    if (!decision.allowed) throw new ForbiddenError(decision.reason, { targetRegion: state.regionCode, incidentId });
    const key = attachmentKey(incidentId, sha256);
    const status = statusOf(named, await deps.attachments.describe(key));
    return {
      incidentId,
      sha256,
      key,
      status,
      ...(status === 'arrived' ? {} : { upload: await deps.attachments.presignUpload(key, named) }),
    };
  };

export interface AttachmentView extends NamedAttachment {
  readonly key: string;
  readonly status: AttachmentStatus;
  readonly storedAt?: string;
  /** A short-lived GET of what is stored, unless nothing is. */
  readonly read?: PresignedRequest;
}

/**
 * Every attachment the incident's reports name, with what storage holds for it and a short-lived
 * link to read it, for whoever may read the incident (a foreign office gets the recorded 403).
 *
 * @throws NotFoundError, ForbiddenError
 */
export const makeListAttachments =
  (deps: AttachmentsDeps) =>
  async (actor: Actor, incidentId: string): Promise<{ incidentId: string; items: AttachmentView[] }> => {
    await loadReadable(deps.incidents, actor, incidentId, mayReadIncident);
    const named = namedAttachments(await deps.incidents.getEvents(incidentId));
    const items = await Promise.all(
      named.map(async (attachment): Promise<AttachmentView> => {
        const key = attachmentKey(incidentId, attachment.sha256);
        const stored = await deps.attachments.describe(key);
        const status = statusOf(attachment, stored);
        return {
          ...attachment,
          key,
          status,
          ...(stored ? { storedAt: stored.storedAt, read: await deps.attachments.presignRead(key) } : {}),
        };
      }),
    );
    return { incidentId, items };
  };
