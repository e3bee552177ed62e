/**
 * The local S3 emulator keeps attachments across a restart, as DynamoDB Local keeps the tables:
 * a file uploaded through its presigned PUT is read back, byte for byte, by a new emulator on the
 * same folder (the runtime gives it `DATA_DIR/s3`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, expect, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { type LocalMessaging, startLocalMessaging } from '../../infra/local/fauxqs';
import { makeS3AttachmentStore } from '../../shared/adapters/s3/attachment-store';
import { systemClock } from '../../shared/adapters/system';
import { attachmentKey } from '../../shared/domain/attachments';

const s3StorageDir = mkdtempSync(join(tmpdir(), 'incident-pipeline-s3-'));
let emulator: LocalMessaging | undefined;

afterAll(async () => {
  await emulator?.stop();
  rmSync(s3StorageDir, { recursive: true, force: true });
});

const storeOn = (endpoint: string) => {
  const client = new S3Client({ endpoint, region: LOCAL_REGION, credentials: localCredentials, forcePathStyle: true });
  return { client, store: makeS3AttachmentStore({ client, bucket: 'attachments', clock: systemClock }) };
};

it('keeps an uploaded file across a restart of the emulator', async () => {
  const bytes = randomBytes(64 * 1024);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const key = attachmentKey('INC-20261205-7K3F9Q2M', sha256);

  emulator = await startLocalMessaging({ s3StorageDir });
  const first = storeOn(emulator.endpoint);
  await first.client.send(new CreateBucketCommand({ Bucket: 'attachments' }));
  const upload = await first.store.presignUpload(key, { sha256, bytes: bytes.length, contentType: 'image/png' });
  expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes })).status).toBe(200);
  first.client.destroy();
  await emulator.stop();

  emulator = await startLocalMessaging({ s3StorageDir });
  const second = storeOn(emulator.endpoint);
  expect(await second.store.hashOf(key)).toEqual({ sha256, bytes: bytes.length });
  expect(await second.store.describe(key)).toMatchObject({ sha256, bytes: bytes.length });
  second.client.destroy();
});
