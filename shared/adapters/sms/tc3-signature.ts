/**
 * Tencent Cloud API 3.0 request signing, "TC3-HMAC-SHA256", as Tencent Cloud's API documentation
 * ("Signature v3") describes it: a canonical request (method, path, query, the signed headers and
 * the hashed body), a string to sign naming the date and service, and a key derived from the secret
 * key by date, service and `tc3_request`. The SMS adapter signs with it and the local fake provider
 * checks with it, so both sides compute the one documented algorithm.
 */
import { createHash, createHmac } from 'node:crypto';

export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: Buffer | string, text: string): Buffer => createHmac('sha256', key).update(text, 'utf8').digest();

export interface Tc3Request {
  /** The API host, e.g. `sms.tencentcloudapi.com`. */
  readonly host: string;
  /** The service, e.g. `sms`. */
  readonly service: string;
  /** `application/json; charset=utf-8` for the JSON POSTs the adapter sends. */
  readonly contentType: string;
  /** The exact body sent. */
  readonly body: string;
  /** Seconds since the epoch, also sent as `X-TC-Timestamp`. */
  readonly timestamp: number;
}

/** The signature (hex) of a POST to `/` with `request`, under `secretKey`. */
export const tc3Signature = (request: Tc3Request, secretKey: string): string => {
  const canonicalRequest = [
    'POST',
    '/',
    '',
    `content-type:${request.contentType}\nhost:${request.host}\n`,
    'content-type;host',
    sha256Hex(request.body),
  ].join('\n');
  const date = new Date(request.timestamp * 1000).toISOString().slice(0, 10);
  const scope = `${date}/${request.service}/tc3_request`;
  const stringToSign = [TC3_ALGORITHM, String(request.timestamp), scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(`TC3${secretKey}`, date), request.service), 'tc3_request');
  return createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
};

/** The `Authorization` header of a request signed by `secretId`'s key. */
export const tc3Authorization = (request: Tc3Request, secretId: string, secretKey: string): string => {
  const date = new Date(request.timestamp * 1000).toISOString().slice(0, 10);
  return (
    `${TC3_ALGORITHM} Credential=${secretId}/${date}/${request.service}/tc3_request, ` +
    `SignedHeaders=content-type;host, Signature=${tc3Signature(request, secretKey)}`
  );
};

/** The parts of an `Authorization` header, or undefined if it is not a TC3 one. */
export const parseTc3Authorization = (
  header: string,
): { secretId: string; date: string; service: string; signedHeaders: string; signature: string } | undefined => {
  const match =
    /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([a-z]+)\/tc3_request, SignedHeaders=([a-z;-]+), Signature=([0-9a-f]{64})$/.exec(
      header,
    );
  if (!match) return undefined;
  const [, secretId = '', date = '', service = '', signedHeaders = '', signature = ''] = match;
  return { secretId, date, service, signedHeaders, signature };
};
