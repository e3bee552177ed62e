/**
 * Where attachments are stored (S3 on AWS, the S3 emulator locally). Nothing here trusts the
 * store's word for content: {@link AttachmentStore.hashOf} reads the bytes back.
 */
import type { Attachment } from '../domain/attachments';

/** A request the client makes itself: exactly this method, URL and headers, before `expiresAt`. */
export interface PresignedRequest {
  readonly method: 'PUT' | 'GET';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly expiresAt: string;
}

/** What the store says it holds under a key, from its metadata alone. */
export interface StoredObject {
  readonly bytes: number;
  /** The SHA-256 the store recorded with the object, in lower-case hex, if it recorded one. */
  readonly sha256?: string;
  readonly storedAt: string;
}

export interface AttachmentStore {
  /** A PUT of `key` that the store accepts only with the attachment's exact size, type and SHA-256. */
  presignUpload(
    key: string,
    attachment: Pick<Attachment, 'sha256' | 'bytes' | 'contentType'>,
  ): Promise<PresignedRequest>;
  /** A short-lived GET of `key`. */
  presignRead(key: string): Promise<PresignedRequest>;
  /** What the store holds under `key`, or undefined if nothing. */
  describe(key: string): Promise<StoredObject | undefined>;
  /** The SHA-256 of the bytes stored under `key`, read back and hashed, or undefined if nothing is stored. */
  hashOf(key: string): Promise<{ readonly sha256: string; readonly bytes: number } | undefined>;
  /** The bytes stored under `key`, or undefined if nothing is stored. */
  read(key: string): Promise<Uint8Array | undefined>;
}
