/**
 * Tracing to AWS X-Ray without the X-Ray SDK. Lambda's active tracing (`Tracing.ACTIVE`, set by the
 * function construct) records every invocation itself; this adds, inside it, what Powertools'
 * tracer added: a `## <handler>` subsegment per invocation with the `ColdStart` and `Service`
 * annotations, a fault with the error's type and message when the handler fails, and a subsegment
 * per AWS SDK call (service, operation, status, request id, retries), whose trace header is passed
 * on to the service so that its own segments join the trace.
 *
 * It speaks the protocol the X-Ray SDK speaks to the X-Ray daemon that Lambda runs beside every
 * traced function: each subsegment is one JSON segment document, sent on its own in a UDP
 * datagram to `AWS_XRAY_DAEMON_ADDRESS`, naming the trace and its parent. The SDK (with `semver`
 * and `cls-hooked`) was about 110 KB of every bundle and reaches end of support in February 2027;
 * docs/dependencies.md#tracing-x-ray-sdk-end-of-support-and-the-plan says what comes next.
 *
 * One invocation at a time per process, as Lambda runs on-demand functions: the open handler
 * subsegment is held here, not per request.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import type { MiddlewareObj } from '@middy/core';

/** The trace header Lambda gives an invocation: `Root=1-…;Parent=…;Sampled=1`. */
export interface TraceHeader {
  readonly root: string;
  readonly parent: string;
  readonly sampled: boolean;
}

export const parseTraceHeader = (header: string | undefined): TraceHeader | undefined => {
  const fields = new Map(
    (header ?? '').split(';').map((field): [string, string] => {
      const [key = '', ...value] = field.split('=');
      return [key.trim(), value.join('=').trim()];
    }),
  );
  const root = fields.get('Root');
  const parent = fields.get('Parent');
  return root && parent ? { root, parent, sampled: fields.get('Sampled') === '1' } : undefined;
};

/** A subsegment sent on its own, as X-Ray's segment documents describe one. */
export interface SubsegmentDocument {
  readonly type: 'subsegment';
  readonly id: string;
  readonly trace_id: string;
  readonly parent_id: string;
  readonly name: string;
  readonly start_time: number;
  readonly end_time: number;
  readonly namespace?: 'aws';
  readonly annotations?: Readonly<Record<string, string | number | boolean>>;
  readonly aws?: Readonly<Record<string, string | number>>;
  readonly http?: { readonly response: { readonly status: number } };
  readonly error?: true;
  readonly throttle?: true;
  readonly fault?: true;
  readonly cause?: { readonly exceptions: readonly { id: string; type: string; message: string }[] };
}

const DOCUMENT_HEADER = '{"format":"json","version":1}\n';

/** `host:port`, or the `tcp:… udp:…` form; segments go over UDP. The daemon's default otherwise. */
export const daemonEndpoint = (address: string | undefined): { host: string; port: number } => {
  const udp = (address ?? '').split(/\s+/).find((part) => part.startsWith('udp:')) ?? address ?? '';
  const match = /^(?:udp:)?([^:\s]+):(\d+)$/.exec(udp);
  return match?.[1] && match[2] ? { host: match[1], port: Number(match[2]) } : { host: '127.0.0.1', port: 2000 };
};

const newId = (): string => randomBytes(8).toString('hex');
const now = (): number => Date.now() / 1000;

const causeOf = (error: unknown): SubsegmentDocument['cause'] => ({
  exceptions: [
    {
      id: newId(),
      type: error instanceof Error ? error.name : typeof error,
      message: error instanceof Error ? error.message : String(error),
    },
  ],
});

// biome-ignore lint/suspicious/noExplicitAny: the middleware fits every handler's event and result
type AnyMiddleware = MiddlewareObj<any, any>;

/** What the SDK client middleware needs of a client: every v3 client has it. */
interface TraceableClient {
  readonly middlewareStack: {
    add(
      // biome-ignore lint/suspicious/noExplicitAny: the SDK's handler types differ per client
      middleware: (next: (args: any) => Promise<any>, context: any) => (args: any) => Promise<any>,
      options: { step: 'build'; name: string; override: boolean },
    ): void;
  };
}

export interface XRayTracerOptions {
  readonly serviceName: string;
  /** Off outside Lambda: there is no daemon to send to. */
  readonly enabled: boolean;
  /** The current invocation's trace header. */
  readonly traceHeader: () => string | undefined;
  /** Where the daemon listens. @default AWS_XRAY_DAEMON_ADDRESS */
  readonly daemonAddress?: string;
}

export const makeXRayTracer = (options: XRayTracerOptions) => {
  const daemon = daemonEndpoint(options.daemonAddress ?? process.env.AWS_XRAY_DAEMON_ADDRESS);
  let socket: Socket | undefined;
  const inFlight = new Set<Promise<void>>();
  let coldStart = true;
  // The open `## handler` subsegment of the invocation running now, if it is sampled.
  let open:
    | { readonly header: TraceHeader; readonly id: string; readonly start: number; readonly coldStart: boolean }
    | undefined;

  const send = (document: SubsegmentDocument): void => {
    if (!socket) {
      socket = createSocket('udp4');
      socket.unref();
    }
    const datagram = Buffer.from(DOCUMENT_HEADER + JSON.stringify(document));
    // A lost datagram costs a subsegment, never the invocation: errors are not thrown.
    const sent = new Promise<void>((resolve) => socket?.send(datagram, daemon.port, daemon.host, () => resolve()));
    inFlight.add(sent);
    void sent.then(() => inFlight.delete(sent));
  };

  /** Waits until every subsegment of the invocation has left, before Lambda may freeze the process. */
  const flush = async (): Promise<void> => {
    await Promise.all(inFlight);
  };

  const close = async (failure?: { error: unknown }): Promise<void> => {
    const handler = open;
    open = undefined;
    if (!handler) return;
    send({
      type: 'subsegment',
      id: handler.id,
      trace_id: handler.header.root,
      parent_id: handler.header.parent,
      name: `## ${process.env._HANDLER ?? 'handler'}`,
      start_time: handler.start,
      end_time: now(),
      annotations: { ColdStart: handler.coldStart, Service: options.serviceName },
      ...(failure ? { fault: true, cause: causeOf(failure.error) } : {}),
    });
    await flush();
  };

  /**
   * The `## handler` subsegment around an invocation. `isFault` decides, when the handler (or a
   * middleware after this one) failed, whether the failure is recorded as a fault or the
   * invocation closed as a success (see `traceAnswers` in `./index.ts`).
   */
  const handlerMiddleware = (isFault: (request: { error?: unknown; response?: unknown }) => boolean = () => true) =>
    ({
      before: () => {
        const wasCold = coldStart;
        coldStart = false;
        if (!options.enabled) return;
        const header = parseTraceHeader(options.traceHeader());
        open = header?.sampled ? { header, id: newId(), start: now(), coldStart: wasCold } : undefined;
      },
      after: () => close(),
      onError: (request) => (isFault(request) ? close({ error: request.error }) : close()),
    }) satisfies AnyMiddleware;

  /** Adds a subsegment per call of `client` inside the invocation's handler subsegment. */
  const captureAWSv3Client = <C extends TraceableClient>(client: C): C => {
    if (!options.enabled) return client;
    client.middlewareStack.add(
      (next, context: { clientName?: string; commandName?: string }) => async (args: { request?: unknown }) => {
        const parent = open;
        if (!parent) return next(args);
        const id = newId();
        const start = now();
        const request = args.request as { headers?: Record<string, string> } | undefined;
        if (request?.headers) {
          request.headers['X-Amzn-Trace-Id'] = `Root=${parent.header.root};Parent=${id};Sampled=1`;
        }
        const subsegment = {
          type: 'subsegment',
          id,
          trace_id: parent.header.root,
          parent_id: parent.id,
          name: (context.clientName ?? 'AWS').replace(/Client$/, ''),
          namespace: 'aws',
        } as const;
        const operation = (context.commandName ?? '').replace(/Command$/, '');
        try {
          const result = await next(args);
          const metadata = (result.output as { $metadata?: SdkMetadata } | undefined)?.$metadata;
          send({
            ...subsegment,
            start_time: start,
            end_time: now(),
            aws: awsFields(operation, metadata),
            http: { response: { status: metadata?.httpStatusCode ?? 200 } },
          });
          return result;
        } catch (error) {
          const metadata = (error as { $metadata?: SdkMetadata }).$metadata;
          const status = metadata?.httpStatusCode;
          send({
            ...subsegment,
            start_time: start,
            end_time: now(),
            aws: awsFields(operation, metadata),
            ...(status ? { http: { response: { status } } } : {}),
            ...(status === 429 ? { throttle: true } : {}),
            ...(status !== undefined && status < 500 ? { error: true } : { fault: true }),
            cause: causeOf(error),
          });
          throw error;
        }
      },
      { step: 'build', name: 'xrayTracing', override: true },
    );
    return client;
  };

  return { handlerMiddleware, captureAWSv3Client, flush };
};

interface SdkMetadata {
  readonly httpStatusCode?: number;
  readonly requestId?: string;
  readonly attempts?: number;
}

const awsFields = (operation: string, metadata: SdkMetadata | undefined): Record<string, string | number> => ({
  operation,
  ...(process.env.AWS_REGION ? { region: process.env.AWS_REGION } : {}),
  ...(metadata?.requestId ? { request_id: metadata.requestId } : {}),
  retries: Math.max((metadata?.attempts ?? 1) - 1, 0),
});

export type XRayTracer = ReturnType<typeof makeXRayTracer>;
