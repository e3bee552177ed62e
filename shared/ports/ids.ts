export interface IdGenerator {
  /** A new incident id, unique and readable over the phone. */
  incidentId(at: Date): string;
  /** An opaque unique id. */
  unique(): string;
}
