/**
 * The DynamoDB document client, built once per process. Locally the endpoint comes from
 * AWS_ENDPOINT_URL_DYNAMODB, which the SDK reads itself, and the local runtime also sets
 * DYNAMODB_LOCAL_COMMIT_BARRIER so that an answered transaction is on disk (see commit-barrier),
 * so nothing here knows the runtime (the benchmarks may also have it count its writes:
 * write-counter.ts). Numbers are read exactly (`exact-numbers.ts`): whatever a
 * table holds, a read never fails on it and a hash is recomputed over what is stored, not over the
 * nearest double.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from '../../observability';
import { commitBarrierWanted, withCommitBarrier } from './commit-barrier';
import { exactNumberReading } from './exact-numbers';
import { withWriteCounter, writeCountingWanted } from './write-counter';

export const makeDocumentClient = (client: DynamoDBClient = new DynamoDBClient({})): DynamoDBDocumentClient => {
  const barriered = commitBarrierWanted() ? withCommitBarrier(client) : client;
  // Counting writes is for the benchmarks (write-counter.ts): when it is off, nothing is added.
  const counted = writeCountingWanted() ? withWriteCounter(barriered) : barriered;
  return DynamoDBDocumentClient.from(tracer.captureAWSv3Client(counted), {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    unmarshallOptions: exactNumberReading,
  });
};
