/**
 * The local twin of what S3 itself does at its door, in front of fauxqs's S3, which does neither:
 *
 * - the bucket's CORS rules (`attachmentsBucket` in the stateful stack): the console, served from
 *   another port, PUTs and GETs presigned URLs across origins;
 * - the checks a presigned upload's signed headers ask S3 for: a body of another length than
 *   `content-length`, or whose SHA-256 is not `x-amz-checksum-sha256`, is refused with S3's own
 *   `400 BadDigest` / `IncompleteBody`, and nothing is stored.
 *
 * Signatures are still not checked (no local credential is secret). Everything else is passed on
 * to fauxqs as it came.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';

export interface LocalS3Edge {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD, PUT',
  'access-control-allow-headers': 'content-type, x-amz-checksum-sha256, x-amz-sdk-checksum-algorithm',
  'access-control-expose-headers': 'etag, x-amz-checksum-sha256',
  'access-control-max-age': '3600',
} as const;

const s3Error = (res: ServerResponse, status: number, code: string, message: string): void => {
  res.writeHead(status, { ...CORS, 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
};

const bodyOf = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** What S3 refuses an upload for, if anything: the declared length and checksum against the body. */
const uploadRefusal = (req: IncomingMessage, body: Buffer): [number, string, string] | undefined => {
  // A streamed SDK upload (aws-chunked) carries its checksum in a trailer; fauxqs reads those itself.
  if (req.headers['content-encoding']?.includes('aws-chunked')) return undefined;
  const declaredLength = req.headers['content-length'];
  if (declaredLength !== undefined && Number(declaredLength) !== body.length) {
    return [
      400,
      'IncompleteBody',
      'You did not provide the number of bytes specified by the Content-Length HTTP header',
    ];
  }
  const checksum = req.headers['x-amz-checksum-sha256'];
  if (typeof checksum === 'string' && createHash('sha256').update(body).digest('base64') !== checksum) {
    return [400, 'BadDigest', 'The SHA256 you specified did not match the calculated checksum.'];
  }
  return undefined;
};

export const startLocalS3Edge = async (s3Endpoint: string): Promise<LocalS3Edge> => {
  const target = new URL(s3Endpoint);
  const forward = (req: IncomingMessage, res: ServerResponse, body?: Buffer): void => {
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...CORS });
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => s3Error(res, 502, 'BadGateway', error.message));
    if (body) upstream.end(body);
    else req.pipe(upstream);
  };

  const server: Server = createServer((req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS);
      res.end();
      return;
    }
    if (req.method !== 'PUT') {
      forward(req, res);
      return;
    }
    void bodyOf(req).then((body) => {
      const refusal = uploadRefusal(req, body);
      if (refusal) s3Error(res, ...refusal);
      else forward(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
