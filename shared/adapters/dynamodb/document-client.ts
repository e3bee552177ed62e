/**
 * The DynamoDB document client, built once per process. Locally the endpoint comes from
 * AWS_ENDPOINT_URL_DYNAMODB, which the SDK reads itself, so nothing here knows the runtime.
 * Numbers are read exactly (`exact-numbers.ts`): whatever a table holds, a read never fails on it
 * and a hash is recomputed over what is stored, not over the nearest double.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from '../../observability';
import { exactNumberReading } from './exact-numbers';

export const makeDocumentClient = (client: DynamoDBClient = new DynamoDBClient({})): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(tracer.captureAWSv3Client(client), {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    unmarshallOptions: exactNumberReading,
  });
