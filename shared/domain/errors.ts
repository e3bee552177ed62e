/**
 * Domain errors: each has a stable `code` that clients can act on and a `kind` that the HTTP
 * edge maps to a status (see `shared/adapters/http/errors.ts`). Anything that is not a
 * DomainError is a fault of ours and leaves the API as a generic 500.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'too-large'
  | 'unsupported-media-type';

/** One problem with one field of the input, named by its path (e.g. `casualties.dead`). */
export interface FieldProblem {
  readonly field: string;
  readonly problem: string;
}

export abstract class DomainError extends Error {
  abstract readonly kind: ErrorKind;
  abstract readonly code: string;
  readonly details: readonly FieldProblem[] | undefined;

  constructor(message: string, details?: readonly FieldProblem[]) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/** The input breaks a rule; `details` names every bad field. */
export class ValidationError extends DomainError {
  readonly kind = 'invalid' as const;
  readonly code = 'invalid-input';
}

/** A region code that is not in the GB/T 2260 data, or not of the level the rule needs. */
export class UnknownRegionError extends DomainError {
  readonly kind = 'invalid' as const;
  readonly code = 'unknown-region';

  constructor(
    readonly regionCode: string,
    reason: string,
    field = 'regionCode',
  ) {
    super(`Region ${JSON.stringify(regionCode)} ${reason}`, [{ field, problem: reason }]);
  }
}

/** What a refused request concerned, recorded with the refusal as evidence. */
export interface ForbiddenContext {
  readonly targetRegion?: string;
  readonly incidentId?: string;
}

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden' as const;
  readonly code = 'forbidden';

  constructor(
    message: string,
    readonly context: ForbiddenContext = {},
  ) {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not-found' as const;
  readonly code = 'not-found';
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;
  readonly code: string;

  constructor(message: string, code = 'conflict', details?: readonly FieldProblem[]) {
    super(message, details);
    this.code = code;
  }
}

/**
 * A time-limit policy that cannot be used: unreadable, not JSON, or breaking the policy schema.
 * The message names the source and every bad entry by its path, because the policy is written by
 * hand and whoever fixes it should not have to fix one entry per deployment attempt.
 */
export class PolicyError extends DomainError {
  readonly kind = 'invalid' as const;
  readonly code = 'invalid-policy';

  constructor(
    readonly source: string,
    problems: readonly FieldProblem[],
    verdict = 'is invalid',
  ) {
    const listed = problems.map((p) => (p.field === '' ? p.problem : `${p.field}: ${p.problem}`)).join('; ');
    super(`policy ${source} ${verdict}: ${listed}`, problems);
  }
}
