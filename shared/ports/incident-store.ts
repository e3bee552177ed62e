import type { Grade } from '../domain/grade';
import type { IncidentEvent, IncidentState } from '../domain/incident';
import type { ReportReceipt } from '../domain/report-receipt';

/** The answer a report made with an `Idempotency-Key` was given, kept so that its retries get it too. */
export interface IdempotentAnswer {
  /** Who asked and under which key: a key is scoped to its caller. */
  readonly key: string;
  /** SHA-256 of the canonical request, to tell a retry from a different request under the same key. */
  readonly requestHash: string;
  readonly receipt: ReportReceipt;
}

/** Everything one accepted request changes, written atomically or not at all. */
export interface IncidentChange {
  readonly incidentId: string;
  /** The head's version the change was computed from; null for a new incident. */
  readonly expectedVersion: number | null;
  readonly state: IncidentState;
  readonly events: readonly IncidentEvent[];
  readonly answer?: IdempotentAnswer;
}

/** Someone else appended first: the change was computed from a stale head. */
export class VersionConflict extends Error {
  constructor(readonly incidentId: string) {
    super(`incident ${incidentId} changed while this request was being processed`);
    this.name = 'VersionConflict';
  }
}

/** Another request under the same idempotency key won the race. */
export class DuplicateRequest extends Error {
  constructor(readonly key: string) {
    super(`a request with idempotency key ${key} was already accepted`);
    this.name = 'DuplicateRequest';
  }
}

export interface IncidentQuery {
  /** The index to read: the region's level. */
  readonly level: 'county' | 'city' | 'province';
  readonly regionCode: string;
  /** ISO times bounding when the incident was first received (inclusive). */
  readonly from?: string;
  readonly to?: string;
  readonly status?: 'open' | 'closed';
  readonly grade?: Grade;
  /** Only the incidents this reporting unit reported first (a unit's own list). */
  readonly firstUnit?: string;
  readonly limit: number;
  /** Where the previous page ended, as this store returned it. */
  readonly after?: Readonly<Record<string, string>>;
}

/** A read of the boards' index: one province, optionally narrowed to a city's or a county's incidents. */
export interface BoardQuery {
  readonly province: string;
  readonly within?: { readonly level: 'county' | 'city'; readonly code: string };
  /** Only heads changed after this ISO time, on the board or just off it; without it, every head on the board. */
  readonly since?: string;
}

export interface BoardHeads {
  /** Incidents on the boards (open, or still owing a hand-over). */
  readonly onBoard: readonly IncidentState[];
  /** With `since`: incidents that left the boards since then. */
  readonly offBoard: readonly IncidentState[];
}

export interface IncidentPage {
  readonly items: readonly IncidentState[];
  readonly after?: Readonly<Record<string, string>>;
}

/** A head read once: the item exactly as stored, index keys and all, and the state read from it. */
export interface StoredHead {
  readonly state: IncidentState;
  readonly item: Readonly<Record<string, unknown>>;
}

/** The incident log: heads (state, version, obligations) and events, appended transactionally. */
export interface IncidentStore {
  getState(incidentId: string): Promise<IncidentState | undefined>;
  /**
   * The head as stored, for verification: {@link getState} leaves out the keys that file the head
   * in the views' indexes and the deadline sweeper's, and those must be what the log says as well.
   * A store without it is verified on the state alone.
   */
  getHeadItem?(incidentId: string): Promise<StoredHead | undefined>;
  /** The item this store writes as the head for `state`: what {@link getHeadItem} gives back untouched. */
  headItemOf?(state: IncidentState): Readonly<Record<string, unknown>>;
  /** The whole log, in sequence order. */
  getEvents(incidentId: string): Promise<readonly IncidentEvent[]>;
  /**
   * Appends events and replaces the head in one transaction, on the condition that the head is
   * still at `expectedVersion` and, with an answer, that its key is unused.
   * @throws VersionConflict | DuplicateRequest
   */
  append(change: IncidentChange): Promise<void>;
  findAnswer(key: string): Promise<IdempotentAnswer | undefined>;
  list(query: IncidentQuery): Promise<IncidentPage>;
  /**
   * Incidents with at least one pending obligation, earliest deadline first; with `dueBy`, only
   * those whose earliest pending deadline is at or before it (the deadline sweeper's question).
   */
  withPendingObligations(query: { readonly dueBy?: string }): Promise<readonly IncidentState[]>;
  /** The duty desks' read: a province's incidents on the boards, or only those changed since a time. */
  board(query: BoardQuery): Promise<BoardHeads>;
  /** Every incident's log, one incident at a time (reconciliation reads the whole store). */
  allEvents(): AsyncIterable<readonly IncidentEvent[]>;
  /**
   * One page of every head in the store, as stored (not a consistent read), for rewriting the
   * heads; `after` is the previous page's, an opaque position to resume from.
   * @throws ValidationError if `after` is not a position this store gave
   */
  headsPage?(page: { readonly after?: string; readonly limit: number }): Promise<HeadsPage>;
  /**
   * Writes the head item for `state` in place of the stored one, on the condition that the stored
   * head is still at `state.version`: false, and nothing written, if an append moved it meanwhile.
   */
  rewriteHead?(state: IncidentState): Promise<boolean>;
}

export interface HeadsPage {
  readonly heads: readonly StoredHead[];
  /** Where the next page starts; absent after the last. */
  readonly after?: string;
}
