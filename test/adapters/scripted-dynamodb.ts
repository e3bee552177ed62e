/**
 * A DynamoDB client whose HTTP handler records what is sent and answers from a script, for the
 * tests of what the client's middleware does to the calls (commit barrier, write counter).
 */
import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export const ok: Answer = { status: 200, body: {} };

/** A client that records the operations it sends (and their bodies) and answers each with its scripted answer. */
export const recordingClient = (answers: Partial<Record<string, Answer>> = {}) => {
  const sent: string[] = [];
  const bodies: Record<string, unknown>[] = [];
  const client = new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { headers: Record<string, string>; body?: unknown }) => {
        const operation = (request.headers['x-amz-target'] ?? '').replace('DynamoDB_20120810.', '');
        sent.push(operation);
        const body = request.body instanceof Uint8Array ? Buffer.from(request.body).toString() : request.body;
        bodies.push(typeof body === 'string' ? (JSON.parse(body) as Record<string, unknown>) : {});
        const answer = answers[operation] ?? ok;
        return {
          response: {
            statusCode: answer.status,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: Readable.from([Buffer.from(JSON.stringify(answer.body))]),
          },
        };
      },
    },
  });
  return { client, sent, bodies };
};
