/**
 * What a unit is told when its report is accepted: what was recorded, and what is now owed, by
 * whom, by when. A retry of the same request is told exactly the same.
 */
import type { Grade } from './grade';
import type { IncidentState } from './incident';
import type { Obligation } from './obligation';

export interface ObligationSummary {
  readonly obligationId: string;
  readonly level: Obligation['level'];
  readonly office: string;
  readonly to: Obligation['to'];
  readonly dueAt: string;
  readonly status: Obligation['status'];
}

export interface ReportReceipt {
  readonly incidentId: string;
  readonly reportId: string;
  readonly seq: number;
  readonly grade: Grade;
  readonly gradeBasis: IncidentState['gradeBasis'];
  readonly status: IncidentState['status'];
  readonly obligations: readonly ObligationSummary[];
  /** Present when the unit reported later than its own limit allows. */
  readonly lateReport?: { readonly limitMs: number; readonly lateByMs: number };
  /** Present when the incident is an exercise: the drill it belongs to. */
  readonly drillId?: string;
}
