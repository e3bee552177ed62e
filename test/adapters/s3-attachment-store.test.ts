/**
 * The S3 attachment store: the exact conditions its presigned upload is signed with (length, type
 * and SHA-256 as signed headers, the checksum kept a header so S3 checks the body against it), the
 * short-lived read, and what it makes of S3's answers to HEAD and GET, against a mocked client.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, NotFound, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcherWithAliases } from 'aws-sdk-client-mock-vitest';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeS3AttachmentStore } from '../../shared/adapters/s3/attachment-store';
import { READ_URL_SECONDS, UPLOAD_URL_SECONDS } from '../../shared/domain/attachments';
import { FakeClock } from '../fakes/fake-clock';

expect.extend(allCustomMatcherWithAliases);

const NOW = new Date('2026-11-22T02:00:00.000Z');
const HASH = createHash('sha256').update('photo').digest('hex');
const KEY = `incidents/INC-20261122-7K3F9Q2M/${HASH}`;

const client = new S3Client({
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  endpoint: 'http://127.0.0.1:4566',
  forcePathStyle: true,
});
const store = makeS3AttachmentStore({ client, bucket: 'attachments', clock: new FakeClock(NOW) });

describe('presigning', () => {
  it('signs an upload bound to the exact length, type and SHA-256, with the checksum left a header', async () => {
    const upload = await store.presignUpload(KEY, { sha256: HASH, bytes: 2048, contentType: 'image/jpeg' });
    const url = new URL(upload.url);

    expect(upload.method).toBe('PUT');
    expect(url.pathname).toBe(`/attachments/${KEY}`);
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host;x-amz-checksum-sha256');
    expect(url.searchParams.get('X-Amz-Expires')).toBe(String(UPLOAD_URL_SECONDS));
    // Hoisted into the query, the checksum would be signed but never compared with the body.
    expect(url.searchParams.has('x-amz-checksum-sha256')).toBe(false);
    expect(upload.headers).toEqual({
      'content-length': '2048',
      'content-type': 'image/jpeg',
      'x-amz-checksum-sha256': Buffer.from(HASH, 'hex').toString('base64'),
    });
    expect(upload.expiresAt).toBe(new Date(NOW.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString());
  });

  it('signs a short-lived read of the one object', async () => {
    const read = await store.presignRead(KEY);
    const url = new URL(read.url);

    expect(read.method).toBe('GET');
    expect(url.pathname).toBe(`/attachments/${KEY}`);
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    expect(url.searchParams.get('X-Amz-Expires')).toBe(String(READ_URL_SECONDS));
    expect(read.headers).toEqual({});
  });
});

describe('reading what is stored', () => {
  const s3 = mockClient(client);
  beforeEach(() => s3.reset());

  it('describes an object by its size, its recorded SHA-256 in hex and when it was stored, asking for the checksum', async () => {
    s3.on(HeadObjectCommand).resolves({
      ContentLength: 2048,
      ChecksumSHA256: Buffer.from(HASH, 'hex').toString('base64'),
      LastModified: NOW,
    });

    expect(await store.describe(KEY)).toEqual({ bytes: 2048, sha256: HASH, storedAt: NOW.toISOString() });
    expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, {
      Bucket: 'attachments',
      Key: KEY,
      ChecksumMode: 'ENABLED',
    });
  });

  it('says nothing is stored when S3 answers 404', async () => {
    s3.on(HeadObjectCommand).rejects(new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } }));

    expect(await store.describe(KEY)).toBeUndefined();
  });

  it('hashes the bytes it reads back, whatever checksum S3 recorded', async () => {
    // What the SDK hands back in Node: a readable stream of the body.
    const body = Readable.from([Buffer.from('pho'), Buffer.from('to')]) as never;
    s3.on(GetObjectCommand, { Bucket: 'attachments', Key: KEY }).resolves({ Body: body, ChecksumSHA256: 'bogus' });

    expect(await store.hashOf(KEY)).toEqual({ sha256: HASH, bytes: 5 });
  });
});
