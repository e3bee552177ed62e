/**
 * Types for asl-validator 3.16, which ships its compiled JavaScript without declarations. Written
 * from its own `src/types.ts` and `src/validator.ts` (in node_modules), for the parts the tests use.
 */
declare module 'asl-validator' {
  export interface StateMachineError {
    readonly 'Error code': string;
    readonly Message: string;
    readonly schemaError?: { readonly instancePath: string; readonly schemaPath: string };
  }

  export interface ValidationOptions {
    /** Check JSONPath expressions (`InputPath`, `Parameters` `.$` fields, …). */
    readonly checkPaths: boolean;
    /** Check that a Task's `Resource` is an ARN. */
    readonly checkArn: boolean;
  }

  export interface ValidationResult {
    readonly isValid: boolean;
    readonly errors: readonly StateMachineError[];
    errorsText(separator?: string): string;
  }

  /**
   * Validates an Amazon States Language definition. It writes a default `QueryLanguage` into the
   * states of the object it is given, so pass a copy.
   * @default options - both checks on
   */
  export default function validator(definition: object, options?: ValidationOptions): ValidationResult;
}
