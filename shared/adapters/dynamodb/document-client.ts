/**
 * The DynamoDB document client, built once per process. Locally the endpoint comes from
 * AWS_ENDPOINT_URL_DYNAMODB, which the SDK reads itself, so nothing here knows the runtime.
 * Numbers are read as JavaScript numbers, never as the BigInt the SDK makes of a large whole
 * number by default, which JSON cannot write: whatever a table holds, a read never fails on it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from '../../observability';

export const makeDocumentClient = (client: DynamoDBClient = new DynamoDBClient({})): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(tracer.captureAWSv3Client(client), {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    unmarshallOptions: { wrapNumbers: (text: string) => Number(text) },
  });
