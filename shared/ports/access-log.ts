import type { Actor } from '../domain/access';

/** A refused request, kept as evidence for inspectors. */
export interface AccessDenied {
  readonly id: string;
  readonly at: string;
  readonly actor: Actor;
  /** What was attempted, e.g. `POST /v1/reports`. */
  readonly action: string;
  /** The region the request concerned, when known. */
  readonly targetRegion?: string;
  readonly incidentId?: string;
  readonly reason: string;
}

export interface AccessDeniedQuery {
  /** A province, city or county code: denials whose actor or target lies inside it. */
  readonly region: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  readonly after?: Readonly<Record<string, string>>;
}

export interface AccessLog {
  recordDenied(entry: AccessDenied): Promise<void>;
  listDenied(query: AccessDeniedQuery): Promise<{
    readonly items: readonly AccessDenied[];
    readonly after?: Readonly<Record<string, string>>;
  }>;
}
