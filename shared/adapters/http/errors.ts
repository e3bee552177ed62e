/**
 * The one mapping from errors to HTTP answers. Domain errors become their 4xx with
 * `{"error": {"code", "message", "details"}}`; anything else is a fault of ours and becomes a
 * 500 that reveals nothing about it.
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

export const errorResult = (error: unknown): APIGatewayProxyStructuredResultV2 => {
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
