/**
 * Review and return (审核 / 驳回; docs/domain.md#review-and-return): an office that has a report may
 * send it back to whoever sent it — the grassroots unit, or the office below that forwarded it —
 * naming the fields to correct and why. The sender then owes a corrected report within the
 * policy's `correction` limit: a duty like any hand-over, with its timer, its reminder and its miss.
 * Returning changes none of the office's own duties: the law's clock up the chain keeps running.
 *
 * Pure rules over an incident's state; the use cases turn their answers into events.
 */
import { ConflictError, ValidationError } from './errors';
import { isForwarding } from './escalation';
import type { EventDraft, IncidentState, OfficeRef } from './incident';
import type { Obligation, ReturnedReport } from './obligation';
import { limitFor, type Policy } from './policy/policy';
import { chainOf, firstOfficeOf } from './regions/regions';
import type { ReportField } from './report-fields';

/** True for a duty to send a corrected report, as against a hand-over up the chain. */
export const isCorrection = (o: Obligation): boolean => o.handover === 'correction';

/** True for the id of a correction duty (`<incident>-correction<n>`), as events name it. */
export const isCorrectionId = (obligationId: string): boolean => /-correction\d+$/.test(obligationId);

/** A correction still owed: not yet answered. A missed one may still be answered, late. */
export const isUnanswered = (o: Obligation): boolean =>
  isCorrection(o) && (o.status === 'pending' || o.status === 'missed');

/** The report an office returns: the latest one it has, and the unit that sent it. */
export interface ReportToReturn {
  readonly reportId: string;
  readonly unit: string;
}

/** Who sent the report to an office: the unit, to the first office; the office below that forwarded it, above. */
export type Sender = { readonly unit: string; readonly office: OfficeRef } | { readonly office: OfficeRef };

const sameOffice = (a: OfficeRef, b: OfficeRef): boolean => a.office === b.office && a.level === b.level;

/**
 * The sender of the report to `office`, or undefined when nobody sent it: it reached the office
 * only because the pipeline escalated past a silent office below.
 */
export const senderOf = (state: IncidentState, office: OfficeRef, report: ReportToReturn): Sender | undefined => {
  const first = firstOfficeOf(chainOf(state.regionCode));
  if (first.code === office.office && first.level === office.level) return { unit: report.unit, office };
  const forwarded = state.obligations.find((o) => isForwarding(o) && sameOffice(o.to, office) && o.metAt);
  return forwarded ? { office: { level: forwarded.level, office: forwarded.office } } : undefined;
};

export interface ReturnRequest {
  /** The office returning the report: it must have it (the use case checks). */
  readonly office: OfficeRef;
  readonly report: ReportToReturn;
  readonly fields: readonly ReportField[];
  readonly note: string;
}

/**
 * The events of a return: the `ReportReturned` record and the correction duty it opens, timed from
 * now by the policy's `correction` limit. Refused while a correction this office asked for is still
 * owed — a report is not returned twice before it is answered — and when nobody sent the report.
 * Nothing else changes: the office's own duties keep their deadlines.
 */
export const returnDrafts = (
  state: IncidentState,
  request: ReturnRequest,
  policy: Policy,
  now: Date,
): readonly EventDraft[] => {
  const { office } = request;
  const owed = state.obligations.find((o) => isUnanswered(o) && o.returned && sameOffice(o.returned.by, office));
  if (owed) {
    throw new ConflictError(
      `the ${office.level} office ${office.office} already returned ${owed.returned?.reportId} (${owed.obligationId}) and its correction is still owed`,
      'correction-owed',
    );
  }
  const sender = senderOf(state, office, request.report);
  if (!sender) {
    throw new ConflictError(
      `incident ${state.incidentId} reached the ${office.level} office ${office.office} by escalation past a silent office: nobody sent it, so there is nobody to return it to`,
      'no-sender',
    );
  }
  const limitMs = limitFor(policy, {
    handover: 'correction',
    region: chainOf(state.regionCode),
    grade: state.grade,
    category: state.category,
  });
  const number = state.obligations.filter(isCorrection).length + 1;
  const returned: ReturnedReport = {
    by: office,
    reportId: request.report.reportId,
    fields: request.fields,
    note: request.note,
  };
  const obligation: Obligation = {
    obligationId: `${state.incidentId}-correction${number}`,
    incidentId: state.incidentId,
    // A unit is no office: its duty is filed under the office it reports to, and names the unit.
    level: sender.office.level,
    office: sender.office.office,
    handover: 'correction',
    to: office,
    openedAt: now.toISOString(),
    dueAt: new Date(now.getTime() + limitMs).toISOString(),
    limitMs,
    status: 'pending',
    ...('unit' in sender ? { unit: sender.unit } : {}),
    returned,
  };
  return [
    {
      type: 'ReportReturned',
      data: {
        ...office,
        obligationId: obligation.obligationId,
        reportId: request.report.reportId,
        to: { ...sender.office, ...('unit' in sender ? { unit: sender.unit } : {}) },
        fields: request.fields,
        note: request.note,
        dueAt: obligation.dueAt,
      },
    },
    { type: 'ObligationOpened', data: { obligation } },
  ];
};

/** Who answers a return: a unit with a corrected report, or an office below with a corrected forward. */
export type Corrector = { readonly unit: string } | { readonly office: OfficeRef };

export interface CorrectionAnswer {
  /** The return answered: the id of its correction duty, as the return named it. */
  readonly correcting: string;
  readonly by: Corrector;
  /** The corrected report, when a unit sends one. */
  readonly reportId?: string;
  readonly note?: string;
}

/**
 * The return a correction answers, or a refusal naming the field `correcting`: no such return on
 * this incident, one owed by someone else, or one already answered.
 */
export const returnAnswered = (state: IncidentState, answer: CorrectionAnswer): Obligation => {
  const duty = state.obligations.find((o) => o.obligationId === answer.correcting && isCorrection(o));
  const refuse = (problem: string) =>
    new ValidationError('the correction names no return it can answer', [{ field: 'correcting', problem }]);
  if (!duty) throw refuse(`${answer.correcting} is not a return of incident ${state.incidentId}`);
  const owes =
    'unit' in answer.by
      ? duty.unit === answer.by.unit
      : duty.unit === undefined && duty.office === answer.by.office.office && duty.level === answer.by.office.level;
  if (!owes) {
    const who =
      'unit' in answer.by
        ? `unit ${answer.by.unit}`
        : `the ${answer.by.office.level} office ${answer.by.office.office}`;
    throw refuse(`${answer.correcting} was not returned to ${who}`);
  }
  if (duty.status === 'met') {
    throw new ConflictError(`${answer.correcting} was already answered at ${duty.metAt}`, 'return-already-answered');
  }
  return duty;
};

/** The event of a correction: the duty met, after its deadline too (recorded as late by exactly how much). */
export const correctionDraft = (state: IncidentState, answer: CorrectionAnswer, now: Date): EventDraft => {
  const duty = returnAnswered(state, answer);
  return {
    type: 'ReportCorrected',
    data: {
      level: duty.level,
      office: duty.office,
      obligationId: duty.obligationId,
      ...(duty.unit !== undefined ? { unit: duty.unit } : {}),
      ...(answer.reportId !== undefined ? { reportId: answer.reportId } : {}),
      dueAt: duty.dueAt,
      correctedAt: now.toISOString(),
      lateByMs: Math.max(0, now.getTime() - Date.parse(duty.dueAt)),
      ...(answer.note ? { note: answer.note } : {}),
    },
  };
};
