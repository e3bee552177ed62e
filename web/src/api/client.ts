/**
 * The one way the console talks to the API: same origin (no CORS), the signed-in person's token,
 * and every answer as a value — a network failure is an answer too, never an exception.
 */
import { currentToken, tokenRefused } from '../auth/session';
import type { ErrorBody, FieldProblem } from './types';

export type ApiFailure =
  | { readonly ok: false; readonly kind: 'network' }
  | {
      readonly ok: false;
      readonly kind: 'http';
      readonly status: number;
      readonly code: string;
      readonly message: string;
      readonly details: readonly FieldProblem[];
      /** From `Retry-After`, when the API sent one. */
      readonly retryAfterMs?: number;
    };

export type ApiResult<T> =
  | { readonly ok: true; readonly status: number; readonly body: T; readonly headers: Headers }
  | ApiFailure;

export interface RequestOptions {
  readonly body?: unknown;
  readonly idempotencyKey?: string;
  /** Give up (a network failure) after this long. */
  readonly timeoutMs?: number;
  /** Leave a 401 to the caller instead of asking the person to sign in again. */
  readonly keepSessionOn401?: boolean;
  /** Ask for this type and hand back the answer's text unparsed (a CSV download). */
  readonly accept?: string;
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds from now. */
export const retryAfterMs = (header: string | null, now = Date.now()): number | undefined => {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(at - now, 0);
};

export const request = async <T>(
  method: 'GET' | 'POST',
  path: string,
  options: RequestOptions = {},
): Promise<ApiResult<T>> => {
  const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
  const token = currentToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs ?? 30_000);
  let response: Response;
  let text: string;
  try {
    response = await fetch(path, {
      method,
      headers,
      signal: abort.signal,
      cache: 'no-store',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    text = await response.text();
  } catch {
    return { ok: false, kind: 'network' };
  } finally {
    clearTimeout(timer);
  }
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (response.ok) {
    const body = options.accept ? text : parsed;
    return { ok: true, status: response.status, body: body as T, headers: response.headers };
  }
  if (response.status === 401 && !options.keepSessionOn401) tokenRefused();
  const error = (parsed as Partial<ErrorBody> | undefined)?.error;
  const retryAfter = retryAfterMs(response.headers.get('retry-after'));
  return {
    ok: false,
    kind: 'http',
    status: response.status,
    code: error?.code ?? 'unknown',
    message: error?.message ?? response.statusText,
    details: error?.details ?? [],
    ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
  };
};
