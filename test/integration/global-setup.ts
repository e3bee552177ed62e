/**
 * One DynamoDB Local (in memory, random port) and one fauxqs for the whole integration suite.
 * Test files share them and keep apart by resource-name prefix; both stop when the suite ends.
 * Beside them, the local command-line tools are built once for `runScript` (local-tools.ts).
 *
 * Vitest runs every project's global setup, one after another, before the first test file, in
 * one process. The browser suite's setup calls this one too: the second call shares the engines
 * the first started instead of waiting for a second Java, and the last teardown stops them.
 */
import type { TestProject } from 'vitest/node';
import { SHORT_RUN_JVM_OPTIONS, startDynamoDbLocal } from '../../infra/local/dynamodb-local';
import { startLocalMessaging } from '../../infra/local/fauxqs';
import { buildLocalTools } from './local-tools';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    messagingEndpoint: string;
    /** Where the built command-line tools are (local-tools.ts). */
    localToolsDir: string;
  }
}

interface Engines {
  readonly dynamodbEndpoint: string;
  readonly messagingEndpoint: string;
  readonly localToolsDir: string;
  stop(): Promise<void>;
}

/**
 * The engines of this Vitest process and how many setups use them. Kept on `globalThis` because
 * Vitest may load this module once per project.
 */
interface SharedEngines {
  readonly engines: Promise<Engines>;
  users: number;
}
const SHARED = Symbol.for('incident-pipeline.test-engines');
const registry = globalThis as { [SHARED]?: SharedEngines };

const startEngines = async (): Promise<Engines> => {
  const [dynamodb, messaging, tools] = await Promise.all([
    startDynamoDbLocal({ jvmOptions: SHORT_RUN_JVM_OPTIONS }),
    startLocalMessaging(),
    buildLocalTools(),
  ]);
  return {
    dynamodbEndpoint: dynamodb.endpoint,
    messagingEndpoint: messaging.endpoint,
    localToolsDir: tools.dir,
    stop: async () => {
      await Promise.all([dynamodb.stop(), messaging.stop()]);
      tools.remove();
    },
  };
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const shared = registry[SHARED] ?? { engines: startEngines(), users: 0 };
  registry[SHARED] = shared;
  shared.users += 1;
  let engines: Engines;
  try {
    engines = await shared.engines;
  } catch (error) {
    // A failed start is not kept: the next setup tries again.
    if (registry[SHARED] === shared) delete registry[SHARED];
    throw error;
  }
  project.provide('dynamodbEndpoint', engines.dynamodbEndpoint);
  project.provide('messagingEndpoint', engines.messagingEndpoint);
  project.provide('localToolsDir', engines.localToolsDir);
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    if (registry[SHARED] === shared) delete registry[SHARED];
    await engines.stop();
  };
}
