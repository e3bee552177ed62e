/**
 * One DynamoDB Local (in memory, random port) and one fauxqs for the whole integration suite.
 * Test files share them and keep apart by resource-name prefix; both stop when the suite ends.
 */
import type { TestProject } from 'vitest/node';
import { SHORT_RUN_JVM_OPTIONS, startDynamoDbLocal } from '../../infra/local/dynamodb-local';
import { startLocalMessaging } from '../../infra/local/fauxqs';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    messagingEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [dynamodb, messaging] = await Promise.all([
    startDynamoDbLocal({ jvmOptions: SHORT_RUN_JVM_OPTIONS }),
    startLocalMessaging(),
  ]);
  project.provide('dynamodbEndpoint', dynamodb.endpoint);
  project.provide('messagingEndpoint', messaging.endpoint);
  return async () => {
    await Promise.all([dynamodb.stop(), messaging.stop()]);
  };
}
