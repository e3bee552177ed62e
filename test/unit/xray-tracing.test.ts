/**
 * The X-Ray tracing of the handlers (`shared/observability/xray.ts`), read as the daemon reads it:
 * a real UDP socket receives the segment documents, and a real DynamoDB client runs its whole
 * middleware stack (signing, retries, deserialising) against a request handler that answers as
 * DynamoDB would, so what is checked is what leaves a function on Lambda.
 */
import { createSocket, type Socket } from 'node:dgram';
import { Readable } from 'node:stream';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  daemonEndpoint,
  makeXRayTracer,
  parseTraceHeader,
  type SubsegmentDocument,
} from '../../shared/observability/xray';

const ROOT = '1-6752a3f0-0123456789abcdef01234567';
const LAMBDA_SEGMENT = '53995c3f42cd8ad8';
const sampled = `Root=${ROOT};Parent=${LAMBDA_SEGMENT};Sampled=1`;

let daemon: Socket;
let address: string;
let received: { header: string; document: SubsegmentDocument }[] = [];

beforeAll(async () => {
  daemon = createSocket('udp4');
  daemon.on('message', (message) => {
    const [header = '', body = ''] = message.toString('utf8').split('\n');
    received.push({ header, document: JSON.parse(body) as SubsegmentDocument });
  });
  await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
  address = `127.0.0.1:${daemon.address().port}`;
});

afterAll(() => {
  daemon.close();
});

afterEach(() => {
  received = [];
});

/** Waits until the daemon has `count` documents (datagrams on loopback arrive within milliseconds). */
const documents = async (count: number): Promise<SubsegmentDocument[]> => {
  for (let waited = 0; received.length < count && waited < 2_000; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return received.map((entry) => entry.document);
};

const context = { functionName: 'fn' } as Context;

/** A DynamoDB client whose requests DynamoDB's answer `status` (with `body`), recording each request's headers. */
const dynamoDb = (status: number, body: object, sentHeaders: Record<string, string>[] = []) =>
  new DynamoDBClient({
    region: 'cn-north-1',
    credentials: { accessKeyId: 'key', secretAccessKey: 'secret' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { headers: Record<string, string> }) => {
        sentHeaders.push({ ...request.headers });
        return {
          response: {
            statusCode: status,
            headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'REQUEST-1' },
            body: Readable.from([Buffer.from(JSON.stringify(body))]),
          },
        };
      },
    },
  });

describe('X-Ray tracing without the X-Ray SDK', () => {
  it('reads the trace header Lambda gives an invocation, and the daemon address in both forms', () => {
    expect(parseTraceHeader(sampled)).toEqual({ root: ROOT, parent: LAMBDA_SEGMENT, sampled: true });
    expect(parseTraceHeader(`Root=${ROOT};Parent=${LAMBDA_SEGMENT};Sampled=0`)?.sampled).toBe(false);
    expect(parseTraceHeader(undefined)).toBeUndefined();
    expect(parseTraceHeader(`Root=${ROOT}`)).toBeUndefined();
    expect(daemonEndpoint('169.254.79.129:2000')).toEqual({ host: '169.254.79.129', port: 2000 });
    expect(daemonEndpoint('tcp:10.0.0.1:2001 udp:10.0.0.2:2002')).toEqual({ host: '10.0.0.2', port: 2002 });
    expect(daemonEndpoint(undefined)).toEqual({ host: '127.0.0.1', port: 2000 });
  });

  it('sends a handler subsegment per sampled invocation, under Lambda’s segment, with ColdStart and Service', async () => {
    // PREPARE
    let header: string | undefined = sampled;
    const tracer = makeXRayTracer({
      serviceName: 'incident-pipeline',
      enabled: true,
      traceHeader: () => header,
      daemonAddress: address,
    });
    const handler = middy()
      .use(tracer.handlerMiddleware())
      .handler(async () => 'ok');

    // ACT: a cold invocation, an unsampled one, a warm one.
    await handler({}, context);
    header = `Root=${ROOT};Parent=${LAMBDA_SEGMENT};Sampled=0`;
    await handler({}, context);
    header = sampled;
    await handler({}, context);

    // ASSESS
    const [cold, warm, ...more] = await documents(2);
    expect(more).toEqual([]);
    expect(received.every((entry) => entry.header === '{"format":"json","version":1}')).toBe(true);
    expect(cold).toMatchObject({
      type: 'subsegment',
      trace_id: ROOT,
      parent_id: LAMBDA_SEGMENT,
      annotations: { ColdStart: true, Service: 'incident-pipeline' },
    });
    expect(cold?.name).toMatch(/^## /);
    expect(cold?.id).toMatch(/^[0-9a-f]{16}$/);
    expect(cold?.end_time).toBeGreaterThanOrEqual(cold?.start_time ?? Number.POSITIVE_INFINITY);
    expect(cold).not.toHaveProperty('fault');
    expect(warm?.annotations).toEqual({ ColdStart: false, Service: 'incident-pipeline' });
    expect(warm?.id).not.toBe(cold?.id);
  });

  it('records a failed handler as a fault with the error, unless the edge says the failure was answered', async () => {
    // PREPARE
    const tracer = makeXRayTracer({
      serviceName: 's',
      enabled: true,
      traceHeader: () => sampled,
      daemonAddress: address,
    });
    const failing = middy()
      .use(tracer.handlerMiddleware())
      .handler(async () => {
        throw new TypeError('table missing');
      });
    const answered = middy()
      .use(tracer.handlerMiddleware((request) => (request.response as { statusCode: number }).statusCode >= 500))
      .use({
        onError: (request) => {
          request.response = { statusCode: 403 };
        },
      })
      .handler(async () => {
        throw new Error('not yours');
      });

    // ACT
    await expect(failing({}, context)).rejects.toThrow('table missing');
    await answered({}, context);

    // ASSESS
    const [fault, refusal] = await documents(2);
    expect(fault).toMatchObject({
      fault: true,
      cause: { exceptions: [{ type: 'TypeError', message: 'table missing' }] },
    });
    expect(refusal).not.toHaveProperty('fault');
    expect(refusal).not.toHaveProperty('cause');
  });

  it('sends a subsegment per SDK call inside the handler’s, and passes the trace on to the service', async () => {
    // PREPARE
    const tracer = makeXRayTracer({
      serviceName: 's',
      enabled: true,
      traceHeader: () => sampled,
      daemonAddress: address,
    });
    const sentHeaders: Record<string, string>[] = [];
    const client = tracer.captureAWSv3Client(dynamoDb(200, { Item: { pk: { S: 'a' } } }, sentHeaders));
    const handler = middy()
      .use(tracer.handlerMiddleware())
      .handler(async () => client.send(new GetItemCommand({ TableName: 'incidents', Key: { pk: { S: 'a' } } })));

    // ACT
    const output = await handler({}, context);

    // ASSESS: the call's subsegment leaves first, then the handler's, its parent.
    expect(output.Item).toEqual({ pk: { S: 'a' } });
    const [call, handlerSegment] = await documents(2);
    expect(call).toMatchObject({
      type: 'subsegment',
      name: 'DynamoDB',
      namespace: 'aws',
      trace_id: ROOT,
      parent_id: handlerSegment?.id,
      aws: { operation: 'GetItem', request_id: 'REQUEST-1', retries: 0 },
      http: { response: { status: 200 } },
    });
    expect(handlerSegment?.parent_id).toBe(LAMBDA_SEGMENT);
    expect(sentHeaders[0]?.['X-Amzn-Trace-Id']).toBe(`Root=${ROOT};Parent=${call?.id};Sampled=1`);
  });

  it('marks a refused call as an error, a throttled one as a throttle, and a failed one as a fault', async () => {
    // PREPARE
    const tracer = makeXRayTracer({
      serviceName: 's',
      enabled: true,
      traceHeader: () => sampled,
      daemonAddress: address,
    });
    const get = new GetItemCommand({ TableName: 'incidents', Key: { pk: { S: 'a' } } });
    const refused = tracer.captureAWSv3Client(
      dynamoDb(400, { __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', message: 'no table' }),
    );
    const throttled = tracer.captureAWSv3Client(
      dynamoDb(429, { __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'slow down' }),
    );
    const failed = tracer.captureAWSv3Client(
      dynamoDb(500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'broken' }),
    );
    const handler = middy()
      .use(tracer.handlerMiddleware(() => false))
      .handler(async () => {
        for (const client of [refused, throttled, failed]) await client.send(get).catch(() => undefined);
      });

    // ACT
    await handler({}, context);

    // ASSESS
    const [notFound, throttle, fault] = await documents(4);
    expect(notFound).toMatchObject({ error: true, http: { response: { status: 400 } } });
    expect(notFound?.cause?.exceptions[0]).toMatchObject({ type: 'ResourceNotFoundException', message: 'no table' });
    expect(notFound).not.toHaveProperty('fault');
    expect(throttle).toMatchObject({ error: true, throttle: true, http: { response: { status: 429 } } });
    expect(fault).toMatchObject({ fault: true, http: { response: { status: 500 } } });
    expect(fault).not.toHaveProperty('error');
  });

  it('sends nothing and changes no client when tracing is off (outside Lambda)', async () => {
    // PREPARE
    const off = makeXRayTracer({
      serviceName: 's',
      enabled: false,
      traceHeader: () => sampled,
      daemonAddress: address,
    });
    const on = makeXRayTracer({ serviceName: 's', enabled: true, traceHeader: () => sampled, daemonAddress: address });
    const sentHeaders: Record<string, string>[] = [];
    const client = off.captureAWSv3Client(dynamoDb(200, {}, sentHeaders));
    const untraced = middy()
      .use(off.handlerMiddleware())
      .handler(async () => client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } })));
    const traced = middy()
      .use(on.handlerMiddleware())
      .handler(async () => 'ok');

    // ACT: the traced invocation comes last, so its document arriving means the others had time.
    await untraced({}, context);
    await traced({}, context);

    // ASSESS
    const all = await documents(1);
    expect(all).toHaveLength(1);
    expect(all[0]?.annotations?.ColdStart).toBe(true);
    expect(sentHeaders[0]).not.toHaveProperty('X-Amzn-Trace-Id');
  });
});

describe('the tracer every handler gets (shared/observability), on Lambda', () => {
  it('traces with the invocation’s header, and at the edge records only a 500 or an unanswered error as a fault', async () => {
    // PREPARE: the variables Lambda sets, before the module builds its tracer.
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'submit-report');
    vi.stubEnv('AWS_XRAY_DAEMON_ADDRESS', address);
    vi.stubEnv('_X_AMZN_TRACE_ID', sampled);
    vi.resetModules();
    const { observeApi } = await import('../../shared/observability');
    const answering = (statusCode: number) =>
      middy()
        .use(observeApi())
        .use({
          onError: (request) => {
            request.response = { statusCode };
          },
        })
        .handler(async () => {
          throw new Error(`answered ${statusCode}`);
        });

    try {
      // ACT
      await answering(403)({}, context);
      await answering(500)({}, context);

      // ASSESS
      const [refusal, crash] = await documents(2);
      expect(refusal).toMatchObject({ trace_id: ROOT, parent_id: LAMBDA_SEGMENT, annotations: { ColdStart: true } });
      expect(refusal).not.toHaveProperty('fault');
      expect(crash).toMatchObject({ fault: true, annotations: { ColdStart: false } });
      expect(crash?.cause?.exceptions[0]?.message).toBe('answered 500');
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });
});
