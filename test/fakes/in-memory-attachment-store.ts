/**
 * The attachment store port kept in memory: what a test puts under a key is what it holds, with
 * the SHA-256 it would have recorded (as S3 records the checksum of an upload it checked).
 * Presigned requests are stand-ins that say what they were signed for.
 */
import { createHash } from 'node:crypto';
import type { AttachmentStore, PresignedRequest } from '../../shared/ports/attachment-store';

const hashOf = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export class InMemoryAttachmentStore implements AttachmentStore {
  readonly #objects = new Map<string, { bytes: Uint8Array; storedAt: string }>();
  /** The keys uploads were presigned for, in order. */
  readonly uploadsSigned: string[] = [];

  put(key: string, bytes: Uint8Array, storedAt = '2026-11-22T01:00:00.000Z'): void {
    this.#objects.set(key, { bytes, storedAt });
  }

  async presignUpload(
    key: string,
    attachment: Parameters<AttachmentStore['presignUpload']>[1],
  ): Promise<PresignedRequest> {
    this.uploadsSigned.push(key);
    return {
      method: 'PUT',
      url: `memory://${key}`,
      headers: { 'content-length': String(attachment.bytes), 'content-type': attachment.contentType },
      expiresAt: '2026-11-22T01:15:00.000Z',
    };
  }

  async presignRead(key: string): Promise<PresignedRequest> {
    return { method: 'GET', url: `memory://${key}`, headers: {}, expiresAt: '2026-11-22T01:05:00.000Z' };
  }

  async describe(key: string) {
    const object = this.#objects.get(key);
    return object && { bytes: object.bytes.length, sha256: hashOf(object.bytes), storedAt: object.storedAt };
  }

  async hashOf(key: string) {
    const object = this.#objects.get(key);
    return object && { sha256: hashOf(object.bytes), bytes: object.bytes.length };
  }

  async read(key: string) {
    return this.#objects.get(key)?.bytes;
  }
}
