/**
 * fauxqs: SQS and SNS over the real wire protocols (filter policies, raw delivery, DLQ redrive),
 * running inside this Node process. It keeps everything in memory, which is why the runtime
 * rebuilds projections from the persisted event log on start.
 */
import { startFauxqs } from 'fauxqs';
import { LOCAL_REGION } from './aws-local';

export interface LocalMessaging {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export const startLocalMessaging = async (port = 0): Promise<LocalMessaging> => {
  const server = await startFauxqs({ port, logger: false, host: '127.0.0.1', defaultRegion: LOCAL_REGION });
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
