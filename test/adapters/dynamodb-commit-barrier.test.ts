/**
 * The commit barrier on a DynamoDB client whose HTTP handler records what is sent and answers
 * from a script: after a successful transaction, and only then, one ListTables follows.
 */
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commitBarrierWanted, withCommitBarrier } from '../../shared/adapters/dynamodb/commit-barrier';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import { onLocalWrite } from '../../shared/adapters/dynamodb/local-writes';
import { recordingClient } from './scripted-dynamodb';

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

  it('announces each answered write, after the barrier, and no read', async () => {
    const { client, sent } = recordingClient();
    const documents = makeDocumentClient(withCommitBarrier(client));
    const announced: string[][] = [];
    const stopListening = onLocalWrite(() => announced.push([...sent]));

    try {
      await documents.send(transaction);
      await documents.send(new PutCommand({ TableName: 'Incidents', Item: { pk: 'INC#1', sk: 'HEAD' } }));
      await documents.send(new GetCommand({ TableName: 'Incidents', Key: { pk: 'INC#1', sk: 'HEAD' } }));
    } finally {
      stopListening();
    }

    // What had been sent when each announcement was made: the transaction's only once committed.
    expect(announced).toEqual([
      ['TransactWriteItems', 'ListTables'],
      ['TransactWriteItems', 'ListTables', 'PutItem'],
    ]);
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
