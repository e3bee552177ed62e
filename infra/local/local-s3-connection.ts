/**
 * For the command-line tools: the attachment store of the running `npm start` (announced in
 * DATA_DIR/runtime.json) if it answers, or else an S3 emulator of our own on DATA_DIR's object
 * files (`DATA_DIR/s3`), or nothing when no file was ever stored there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { makeS3AttachmentStore } from '../../shared/adapters/s3/attachment-store';
import { systemClock } from '../../shared/adapters/system';
import type { AttachmentStore } from '../../shared/ports/attachment-store';
import { type BucketName, buckets } from '../resources';
import { LOCAL_REGION, localCredentials } from './aws-local';
import { startLocalMessaging } from './fauxqs';

export interface LocalAttachmentConnection {
  readonly attachments: AttachmentStore;
  stop(): Promise<void>;
}

const clientOf = (endpoint: string) =>
  new S3Client({ endpoint, region: LOCAL_REGION, credentials: localCredentials, forcePathStyle: true, maxAttempts: 1 });

const answers = async (client: S3Client): Promise<boolean> => {
  try {
    await client.send(new ListBucketsCommand({}));
    return true;
  } catch {
    return false;
  }
};

export const connectToLocalAttachments = async (dataDir: string): Promise<LocalAttachmentConnection | undefined> => {
  const runtimeFile = join(dataDir, 'runtime.json');
  if (existsSync(runtimeFile)) {
    const running = JSON.parse(readFileSync(runtimeFile, 'utf8')) as {
      messaging?: string;
      buckets?: Partial<Record<BucketName, string>>;
    };
    if (running.messaging && running.buckets?.attachments) {
      const client = clientOf(running.messaging);
      if (await answers(client)) {
        const attachments = makeS3AttachmentStore({ client, bucket: running.buckets.attachments, clock: systemClock });
        return { attachments, stop: async () => client.destroy() };
      }
      client.destroy();
    }
  }
  const s3StorageDir = join(dataDir, 's3');
  if (!existsSync(s3StorageDir)) return undefined;
  const emulator = await startLocalMessaging({ s3StorageDir });
  const client = clientOf(emulator.endpoint);
  const attachments = makeS3AttachmentStore({ client, bucket: buckets.attachments.localName, clock: systemClock });
  return {
    attachments,
    stop: async () => {
      client.destroy();
      await emulator.stop();
    },
  };
};
