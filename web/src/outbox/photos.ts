/**
 * The photos waiting in the outbox: their bytes on the device (IndexedDB keeps Blobs), apart from
 * the entries, which stay small. A photo's bytes are kept until it is sent, and forgotten with its
 * report's entry.
 */
import { createStore, del, get, set } from 'idb-keyval';
import type { AttachmentType } from '../../../shared/domain/attachments';

/** One photo or document of an outbox entry, and whether it has reached the server. */
export interface OutboxPhoto {
  readonly sha256: string;
  readonly bytes: number;
  readonly contentType: AttachmentType;
  readonly name: string;
  readonly caption: string;
  /** `waiting` to be sent (after its report), `sent` once stored, `refused` if the API refused it. */
  readonly state: 'waiting' | 'sent' | 'refused';
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly sentAt?: number;
}

// Its own database: idb-keyval keeps one object store per database.
const blobs = createStore('incident-console-photos', 'photos');

const keyOf = (entryId: string, sha256: string) => `${entryId}/${sha256}`;

export const keepPhotoBytes = (entryId: string, sha256: string, blob: Blob): Promise<void> =>
  set(keyOf(entryId, sha256), blob, blobs);

export const photoBytes = (entryId: string, sha256: string): Promise<Blob | undefined> =>
  get<Blob>(keyOf(entryId, sha256), blobs);

export const forgetPhotoBytes = async (entryId: string, photos: readonly Pick<OutboxPhoto, 'sha256'>[]) => {
  for (const photo of photos) await del(keyOf(entryId, photo.sha256), blobs);
};

/** The photos still to send. */
export const photosWaiting = (photos: readonly OutboxPhoto[] | undefined): OutboxPhoto[] =>
  (photos ?? []).filter((photo) => photo.state === 'waiting');
