/**
 * The hash-chained logs of a jurisdiction, for verification: each incident's event log and each
 * unit's zero-report log in a duty period. Implemented by the stores that keep them.
 */
import type { Chained, ExpectedHead } from '../domain/hash-chain';
import type { IncidentState } from '../domain/incident';
import type { ZeroChainState, ZeroReportEvent } from '../domain/zero-reports';

/** An item exactly as the store holds it, its keys included. */
export type StoredItem = Readonly<Record<string, unknown>>;

/**
 * An incident's head item exactly as stored, index keys and all, and the item the store writes for
 * a head. The views select incidents by those keys (an audit period by the list key, a region by
 * its codes) and the deadline sweeper finds pending duties by them, so the whole item, not only
 * the state read from it, must be what the log projects to.
 */
export interface StoredHeadItem {
  readonly item: StoredItem;
  readonly itemOf: (state: IncidentState) => StoredItem;
}

export type DailyReportMissedEvent = Extract<ZeroReportEvent, { readonly type: 'DailyReportMissed' }>;

/** One item that puts a miss on the inspectors' missed list. */
export interface MissLookup {
  /** Where it is stored: one key, one lookup. */
  readonly key: string;
  /** The DailyReportMissed it says it records, if it names a sequence number at all. */
  readonly seq?: number;
  /** The item exactly as stored, keys included. */
  readonly item: StoredItem;
}

/**
 * The lookups through which the missed list finds a zero-report log's misses (it reads them, not
 * the log), and the lookup the store writes with each miss.
 */
export interface MissLookups {
  /**
   * Every lookup found for this log: those stored where its misses file them, and any other that
   * names this log, wherever it is filed.
   */
  readonly stored: readonly MissLookup[];
  readonly of: (event: DailyReportMissedEvent) => MissLookup;
}

export interface AuditChain {
  readonly kind: 'incident' | 'zero-report' | 'access-denied';
  /** The incident id, or `<period id>/<unit>` for a zero-report log. */
  readonly id: string;
  /** The region code the chain is filed under (the incident's or the unit's county). */
  readonly region: string;
  /** The events exactly as stored, in log order (an incident's: its `IncidentEvent`s). */
  readonly events: readonly Chained[];
  /** What the chain's head item says the log ends with (absent if the head is missing). */
  readonly head?: ExpectedHead;
  /**
   * An incident chain's head item as the store returns it, read together with `head`: what the
   * inspectors' views read, so verification holds it to what the events project to. Absent when
   * the head is missing, and for zero-report logs.
   */
  readonly state?: IncidentState;
  /**
   * An incident chain's head item as stored, read together with `head`, from a store that can give
   * it: verification then holds the whole item, index keys included, to the log instead of `state`.
   */
  readonly headItem?: StoredHeadItem;
  /**
   * A zero-report chain's head as the store returns it, read together with `head`: the missed list
   * reads its late filings and notifications there, so verification holds it to the log.
   */
  readonly zeroState?: ZeroChainState;
  /** A zero-report chain's miss lookups, from a store that files them apart from the log. */
  readonly lookups?: MissLookups;
  /**
   * For an incident chain read with an attachment store: each file its reports name, with what the
   * store holds under its key read back and hashed (absent when nothing is stored).
   */
  readonly attachments?: readonly AttachmentFound[];
}

/** A file a report names, and what the attachment store holds for it, read back and hashed. */
export interface AttachmentFound {
  readonly sha256: string;
  readonly bytes: number;
  /** The sequence number of the report event that named it. */
  readonly seq: number;
  readonly stored?: { readonly sha256: string; readonly bytes: number };
}

export interface AuditChainSource {
  /** Every chain filed inside `region`, one at a time, so a province can be verified in bounded memory. */
  chainsIn(region: string): AsyncIterable<AuditChain>;
}
