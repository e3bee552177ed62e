/**
 * One DynamoDB Local (in memory, random port) and one fauxqs for the whole integration suite.
 * Test files share them and keep apart by resource-name prefix; both stop when the suite ends.
 */
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local';
import { startLocalMessaging } from '../../infra/local/fauxqs';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    messagingEndpoint: string;
  }
}

/**
 * The engine lives for one test run: the JVM's quick compiler alone (no C2) and a single-threaded
 * collector halve the CPU it spends, which the test files running beside it need.
 */
const SHORT_RUN_JVM = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [dynamodb, messaging] = await Promise.all([
    startDynamoDbLocal({ jvmOptions: SHORT_RUN_JVM }),
    startLocalMessaging(),
  ]);
  project.provide('dynamodbEndpoint', dynamodb.endpoint);
  project.provide('messagingEndpoint', messaging.endpoint);
  return async () => {
    await Promise.all([dynamodb.stop(), messaging.stop()]);
  };
}
