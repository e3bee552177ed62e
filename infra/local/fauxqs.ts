/**
 * fauxqs: SQS, SNS and S3 over the real wire protocols (filter policies, raw delivery, DLQ
 * redrive; object PUT, GET and HEAD with their checksums), running inside this Node process. It
 * keeps queues and topics in memory, which is why the runtime rebuilds projections from the
 * persisted event log on start; S3 objects, given `s3StorageDir`, are plain files there, so the
 * attachments survive a restart as DynamoDB Local's tables do.
 *
 * It checks no signature and no checksum on a PUT (it stores the declared one as given): the local
 * S3 edge (`s3-edge.ts`) checks the length and checksum before passing an upload on, as S3 does,
 * and verification reads every named object back and hashes it whatever the store says.
 */
import { LOCAL_REGION } from './aws-local';

export interface LocalMessaging {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export const startLocalMessaging = async (
  options: { readonly port?: number; readonly s3StorageDir?: string } = {},
): Promise<LocalMessaging> => {
  // Imported here, not with this module: the queue pollers need `deliveredToSqs` below, and a
  // runtime on engines started elsewhere (every integration test file's) would load the whole
  // emulator for nothing (about 0.1 s of CPU in each test file).
  const { startFauxqs } = await import('fauxqs');
  const server = await startFauxqs({
    port: options.port ?? 0,
    logger: false,
    host: '127.0.0.1',
    defaultRegion: LOCAL_REGION,
    ...(options.s3StorageDir ? { s3StorageDir: options.s3StorageDir } : {}),
  });
  return { endpoint: `http://127.0.0.1:${server.port}`, stop: () => server.stop() };
};

/**
 * What SNS would have delivered to a raw SQS subscription. A message published with
 * `MessageStructure: 'json'` carries one body per protocol; SNS hands an SQS subscriber the `sqs`
 * body, or else `default`. fauxqs delivers the whole structure, so the local twin picks the body
 * itself. Anything else is delivered as published.
 */
export const deliveredToSqs = (rawBody: string): string => {
  try {
    const parsed: unknown = JSON.parse(rawBody);
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as { default?: unknown }).default === 'string'
    ) {
      const { sqs, default: fallback } = parsed as { sqs?: unknown; default: string };
      return typeof sqs === 'string' ? sqs : fallback;
    }
  } catch {
    // Not JSON: not a structured message.
  }
  return rawBody;
};
