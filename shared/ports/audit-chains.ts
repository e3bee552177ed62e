/**
 * The hash-chained logs of a jurisdiction, for verification: each incident's event log and each
 * unit's zero-report log in a duty period. Implemented by the stores that keep them.
 */
import type { Chained, ExpectedHead } from '../domain/hash-chain';
import type { IncidentState } from '../domain/incident';

export interface AuditChain {
  readonly kind: 'incident' | 'zero-report';
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
}

export interface AuditChainSource {
  /** Every chain filed inside `region`, one at a time, so a province can be verified in bounded memory. */
  chainsIn(region: string): AsyncIterable<AuditChain>;
}
