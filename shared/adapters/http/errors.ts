/**
 * The one mapping from errors to HTTP answers. Domain errors become their 4xx with
 * `{"error": {"code", "message", "details"}}`; an AWS service throttling us becomes a 429 with
 * Retry-After, and one failing or not answering in time a 503 with Retry-After (under a burst
 * both mean "send it again shortly", which a phone's outbox does on its own); anything else is a
 * fault of ours and becomes a 500 that reveals nothing about it.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError, type ErrorKind, type FieldProblem } from '../../domain/errors';

export class PayloadTooLargeError extends DomainError {
  readonly kind = 'too-large' as const;
  readonly code = 'payload-too-large';
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly kind = 'unsupported-media-type' as const;
  readonly code = 'unsupported-media-type';
}

export class UnauthenticatedError extends DomainError {
  readonly kind = 'unauthenticated' as const;
  readonly code = 'unauthorized';
}

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  'unsupported-media-type': 415,
};

export const errorBody = (code: string, message: string, details?: readonly FieldProblem[]) =>
  JSON.stringify({ error: { code, message, ...(details && details.length > 0 ? { details } : {}) } });

/**
 * Errors AWS services answer when a caller goes faster than they serve (DynamoDB's on a hot
 * partition, SNS's, Lambda's), which reach a handler once the SDK's own retries are spent.
 */
const THROTTLING_ERRORS = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
]);

const isThrottling = (error: unknown): boolean =>
  error instanceof Error &&
  (THROTTLING_ERRORS.has(error.name) ||
    (error as { $retryable?: { throttling?: boolean } }).$retryable?.throttling === true);

/** Seconds a throttled caller is told to wait: the SDK has already backed off for about this long. */
const THROTTLED_RETRY_AFTER_SECONDS = 1;

/**
 * Whether an AWS service failed on its side or did not answer in time, once the SDK's own retries
 * are spent: the service's fault (`$fault: 'server'`: an InternalServerError, a ServiceUnavailable),
 * or the SDK's request timing out. Transient, and not a fault of the request.
 */
const isServiceUnavailable = (error: unknown): boolean =>
  error instanceof Error && ((error as { $fault?: string }).$fault === 'server' || error.name === 'TimeoutError');

const UNAVAILABLE_RETRY_AFTER_SECONDS = 1;

export const errorResult = (error: unknown): APIGatewayProxyStructuredResultV2 => {
  if (isThrottling(error)) {
    // Nothing was written (the write that was throttled is the one that did not happen), so the
    // same request, with the same Idempotency-Key, may simply be sent again.
    return {
      statusCode: 429,
      headers: { 'content-type': 'application/json', 'retry-after': String(THROTTLED_RETRY_AFTER_SECONDS) },
      body: errorBody(
        'too-many-requests',
        `the service is busy; send the request again after ${THROTTLED_RETRY_AFTER_SECONDS} s with the same Idempotency-Key`,
      ),
    };
  }
  if (isServiceUnavailable(error)) {
    // A write may or may not have landed before the failure: the Idempotency-Key makes sending
    // the same request again safe either way (it answers with what was stored, or stores it).
    return {
      statusCode: 503,
      headers: { 'content-type': 'application/json', 'retry-after': String(UNAVAILABLE_RETRY_AFTER_SECONDS) },
      body: errorBody(
        'unavailable',
        `the service is briefly unavailable; send the request again after ${UNAVAILABLE_RETRY_AFTER_SECONDS} s with the same Idempotency-Key`,
      ),
    };
  }
  if (error instanceof DomainError) {
    return {
      statusCode: STATUS[error.kind],
      headers: { 'content-type': 'application/json' },
      body: errorBody(error.code, error.message, error.details),
    };
  }
  return {
    statusCode: 500,
    headers: { 'content-type': 'application/json' },
    body: errorBody('internal', 'internal error; it is safe to send the request again with the same Idempotency-Key'),
  };
};
