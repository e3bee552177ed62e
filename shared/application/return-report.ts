/**
 * An office sends a report back to its sender for correction (审核退回;
 * docs/domain.md#review-and-return): the use case behind `POST /v1/incidents/{id}/return`.
 */
import type { Actor } from '../domain/access';
import { ConflictError, NotFoundError } from '../domain/errors';
import { forwardingDutyOf } from '../domain/escalation';
import type { Obligation } from '../domain/obligation';
import { type Policy, policyFor } from '../domain/policy/policy';
import type { ReportField } from '../domain/report-fields';
import { type ReportToReturn, returnDrafts } from '../domain/review';
import type { IncidentStore } from '../ports/incident-store';
import type { AppendEvents } from './append-events';
import { officeOf, refuseUnlessInChain } from './escalation';

export interface ReturnCommand {
  readonly fields: readonly ReportField[];
  readonly note: string;
}

export interface ReturnDeps {
  readonly incidents: Pick<IncidentStore, 'getEvents'>;
  readonly appendEvents: AppendEvents;
  readonly policy: Policy;
}

/**
 * Returns the latest report to whoever sent it to the office. Only an office that has the report
 * may (403 otherwise, recorded); the answer names the correction now owed and the office's own
 * duty up the chain, which the return does not pause.
 */
export const makeReturnReport =
  (deps: ReturnDeps) => async (actor: Actor, incidentId: string, command: ReturnCommand) => {
    const office = officeOf(actor);
    // The log names who sent each report; the head keeps only the first unit.
    const reports = (await deps.incidents.getEvents(incidentId)).flatMap((e) =>
      e.type === 'ReportSubmitted' ? [e.data] : [],
    );
    if (reports.length === 0) throw new NotFoundError(`incident ${incidentId} does not exist`);
    let correction: Obligation | undefined;
    const appended = await deps.appendEvents(incidentId, actor, (state, now) => {
      refuseUnlessInChain(state, office, 'return');
      // The report returned is the latest: if a newer one landed since the log was read, the office
      // has not reviewed it yet, and returning the older one would be a mistake.
      const latest = reports.find((r) => r.reportNumber === state.reportCount);
      if (!latest) {
        throw new ConflictError(`a new report of ${incidentId} has just arrived; review it, then return it`, 'busy');
      }
      const report: ReportToReturn = { reportId: latest.reportId, unit: latest.reporter.unit };
      // An exercise's correction is owed within its drill's limit.
      const drafts = returnDrafts(state, { office, report, ...command }, policyFor(deps.policy, state.drill), now);
      const opened = drafts.find((d) => d.type === 'ObligationOpened');
      correction = opened?.type === 'ObligationOpened' ? opened.data.obligation : undefined;
      return drafts;
    });
    const returned = appended.state.obligations.find((o) => o.obligationId === correction?.obligationId);
    if (!returned) throw new Error(`the return of ${incidentId} opened no correction duty`);
    return {
      incidentId,
      correction: returned,
      // The law's clock keeps running: the office still owes its own hand-over.
      stillOwed: forwardingDutyOf(appended.state, office) ?? null,
    };
  };
