/**
 * The commit barrier on a DynamoDB client whose HTTP handler records what is sent and answers
 * from a script: after a successful transaction, and only then, one ListTables follows.
 */
import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commitBarrierWanted, withCommitBarrier } from '../../shared/adapters/dynamodb/commit-barrier';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

const ok: Answer = { status: 200, body: {} };

/** A client that records the operations it sends and answers each with the next scripted answer. */
const recordingClient = (answers: Partial<Record<string, Answer>> = {}) => {
  const sent: string[] = [];
  const client = new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { headers: Record<string, string> }) => {
        const operation = (request.headers['x-amz-target'] ?? '').replace('DynamoDB_20120810.', '');
        sent.push(operation);
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
  return { client, sent };
};

const transaction = new TransactWriteCommand({
  TransactItems: [{ Put: { TableName: 'Incidents', Item: { pk: 'INC#1', sk: 'HEAD' } } }],
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the DynamoDB Local commit barrier', () => {
  it('follows a successful transaction with one ListTables, through the document client', async () => {
    // PREPARE
    vi.stubEnv('DYNAMODB_LOCAL_COMMIT_BARRIER', 'true');
    const { client, sent } = recordingClient();
    const documents = makeDocumentClient(client);

    // ACT
    await documents.send(transaction);

    // ASSESS
    expect(sent).toEqual(['TransactWriteItems', 'ListTables']);
  });

  it('leaves every other write alone', async () => {
    const { client, sent } = recordingClient();
    const documents = makeDocumentClient(withCommitBarrier(client));

    await documents.send(new PutCommand({ TableName: 'Incidents', Item: { pk: 'INC#1', sk: 'HEAD' } }));

    expect(sent).toEqual(['PutItem']);
  });

  it('sends nothing more after a cancelled transaction, whose error reaches the caller unchanged', async () => {
    const { client, sent } = recordingClient({
      TransactWriteItems: {
        status: 400,
        body: {
          __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
          message: 'Transaction cancelled',
          CancellationReasons: [{ Code: 'ConditionalCheckFailed' }],
        },
      },
    });
    const documents = makeDocumentClient(withCommitBarrier(client));

    await expect(documents.send(transaction)).rejects.toMatchObject({ name: 'TransactionCanceledException' });

    expect(sent).toEqual(['TransactWriteItems']);
  });

  it('fails the transaction when the barrier fails: the write is not known to be durable', async () => {
    const { client } = recordingClient({
      ListTables: {
        status: 500,
        body: { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'down' },
      },
    });

    await expect(makeDocumentClient(withCommitBarrier(client)).send(transaction)).rejects.toMatchObject({
      name: 'InternalServerError',
    });
  });

  it('is added once however often it is asked for', async () => {
    const { client, sent } = recordingClient();
    withCommitBarrier(withCommitBarrier(client));

    await makeDocumentClient(client).send(transaction);

    expect(sent).toEqual(['TransactWriteItems', 'ListTables']);
  });

  it('is off unless the local runtime turns it on, as on AWS', async () => {
    const { client, sent } = recordingClient();

    await makeDocumentClient(client).send(transaction);

    expect(commitBarrierWanted({})).toBe(false);
    expect(commitBarrierWanted({ DYNAMODB_LOCAL_COMMIT_BARRIER: 'true' })).toBe(true);
    expect(() => commitBarrierWanted({ DYNAMODB_LOCAL_COMMIT_BARRIER: 'yes' })).toThrow(
      /DYNAMODB_LOCAL_COMMIT_BARRIER/,
    );
    expect(sent).toEqual(['TransactWriteItems']);
  });
});
