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
