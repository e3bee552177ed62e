/** Helpers for integration tests that run the local runtime on the suite's shared engines. */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime';

export interface TestRuntime extends LocalRuntime {
  /** Removes the throw-away data folder as well as stopping the runtime. */
  close(): Promise<void>;
}

/** A runtime on a random port, with its own resource prefix and throw-away data folder. */
export const startTestRuntime = async (policy = 'national'): Promise<TestRuntime> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'incident-pipeline-test-'));
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    policy,
    engines: { dynamodbEndpoint: inject('dynamodbEndpoint'), messagingEndpoint: inject('messagingEndpoint') },
    resourcePrefix: `t${randomUUID().slice(0, 8)}-`,
  });
  return {
    ...runtime,
    close: async () => {
      await runtime.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};
