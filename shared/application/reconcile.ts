/**
 * Reconciliation: the summaries and the offices' punctuality counters recomputed from the event
 * log in one pass over it, compared with what is stored and, with `fix`, repaired. What the
 * reconcile function, `npm run reconcile` and every start of the local runtime run.
 */
import type { IncidentStore } from '../ports/incident-store';
import type { SummaryStore } from '../ports/summary-store';
import { dutiesRebuilt } from './duty-counters';
import { rebuildFromLog } from './reconcile-from-log';
import { summariesRebuilt } from './roll-up';

export const makeReconcileAll =
  (deps: { readonly incidents: IncidentStore; readonly summaries: SummaryStore }) =>
  (options: { readonly fix: boolean; readonly progress?: (done: number) => void }) =>
    rebuildFromLog(
      deps.incidents,
      { summaries: summariesRebuilt(deps.summaries), duties: dutiesRebuilt(deps.summaries) },
      options,
    );

export type ReconcileAll = ReturnType<typeof makeReconcileAll>;
