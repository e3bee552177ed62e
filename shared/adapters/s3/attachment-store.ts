/**
 * The attachment store on S3. Uploads are presigned PUTs whose signature covers the object's
 * length, type and `x-amz-checksum-sha256`: S3 refuses a body of another size, type or hash, so
 * nothing but the named bytes can be stored under the named key. The checksum stays a header
 * (not hoisted into the query) so that S3 checks the body against it.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import * as z from 'zod';
import { READ_URL_SECONDS, UPLOAD_URL_SECONDS } from '../../domain/attachments';
import { tracer } from '../../observability';
import type { AttachmentStore, PresignedRequest } from '../../ports/attachment-store';
import type { Clock } from '../../ports/clock';

export const attachmentsEnv = z.object({
  ATTACHMENTS_BUCKET: z.string().min(1),
  /** Set only where S3 is an emulator (the local runtime), which answers on one host: path-style URLs. */
  AWS_ENDPOINT_URL_S3: z.string().url().optional(),
});

/** The S3 client, built once per process. */
export const makeS3Client = (env: z.output<typeof attachmentsEnv>): S3Client =>
  tracer.captureAWSv3Client(new S3Client({ forcePathStyle: env.AWS_ENDPOINT_URL_S3 !== undefined }));

const hexToBase64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');
const base64ToHex = (base64: string): string => Buffer.from(base64, 'base64').toString('hex');

const isAbsent = (error: unknown): boolean =>
  error instanceof NotFound ||
  error instanceof NoSuchKey ||
  (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;

export const makeS3AttachmentStore = (config: {
  readonly client: S3Client;
  readonly bucket: string;
  readonly clock: Clock;
}): AttachmentStore => {
  const { client, bucket, clock } = config;
  /** The object's body as a stream, or undefined when nothing is stored under `key`. */
  const bodyOf = async (key: string): Promise<Readable | undefined> => {
    try {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return object.Body as Readable;
    } catch (error) {
      if (isAbsent(error)) return undefined;
      throw error;
    }
  };
  const expiry = (seconds: number) => new Date(clock.now().getTime() + seconds * 1000).toISOString();

  return {
    async presignUpload(key, attachment): Promise<PresignedRequest> {
      const headers = {
        'content-length': String(attachment.bytes),
        'content-type': attachment.contentType,
        'x-amz-checksum-sha256': hexToBase64(attachment.sha256),
      };
      const url = await getSignedUrl(
        client,
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          ContentLength: attachment.bytes,
          ContentType: attachment.contentType,
          ChecksumSHA256: headers['x-amz-checksum-sha256'],
        }),
        {
          expiresIn: UPLOAD_URL_SECONDS,
          signableHeaders: new Set(['content-length', 'content-type']),
          unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
        },
      );
      return { method: 'PUT', url, headers, expiresAt: expiry(UPLOAD_URL_SECONDS) };
    },

    async presignRead(key): Promise<PresignedRequest> {
      const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), {
        expiresIn: READ_URL_SECONDS,
      });
      return { method: 'GET', url, headers: {}, expiresAt: expiry(READ_URL_SECONDS) };
    },

    async describe(key) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
        return {
          bytes: head.ContentLength ?? 0,
          ...(head.ChecksumSHA256 ? { sha256: base64ToHex(head.ChecksumSHA256) } : {}),
          storedAt: (head.LastModified ?? clock.now()).toISOString(),
        };
      } catch (error) {
        if (isAbsent(error)) return undefined;
        throw error;
      }
    },

    async hashOf(key) {
      const body = await bodyOf(key);
      if (!body) return undefined;
      const hash = createHash('sha256');
      let bytes = 0;
      for await (const chunk of body) {
        hash.update(chunk as Buffer);
        bytes += (chunk as Buffer).length;
      }
      return { sha256: hash.digest('hex'), bytes };
    },

    async read(key) {
      const body = await bodyOf(key);
      if (!body) return undefined;
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      return new Uint8Array(Buffer.concat(chunks));
    },
  };
};

/** The attachment store of a handler's environment, on one S3 client per process. */
export const makeAttachmentStore = (() => {
  let client: S3Client | undefined;
  return (env: z.output<typeof attachmentsEnv>, clock: Clock): AttachmentStore => {
    client ??= makeS3Client(env);
    return makeS3AttachmentStore({ client, bucket: env.ATTACHMENTS_BUCKET, clock });
  };
})();
