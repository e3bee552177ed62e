/**
 * Submitting an initial, follow-up or final report: the use case behind `POST /v1/reports`.
 */
import { createHash } from 'node:crypto';
import { type Actor, maySubmitReport } from '../domain/access';
import { canonicalJson, type Json } from '../domain/canonical';
import { type DrillMark, drillCovering, drillProvinceOf, markOf } from '../domain/drills';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors';
import { assessGrade, graver, isGraver } from '../domain/grade';
import { deltaOf, type EventDraft, type Figures, type ReportSubmittedData, ZERO_FIGURES } from '../domain/incident';
import type { Obligation } from '../domain/obligation';
import { limitFor, type Policy, policyFor } from '../domain/policy/policy';
import { chainOf, firstOfficeOf } from '../domain/regions/regions';
import type { ObligationSummary, ReportReceipt } from '../domain/report-receipt';
import { correctionDraft } from '../domain/review';
import type { Clock } from '../ports/clock';
import type { DrillStore } from '../ports/drill-store';
import type { IdGenerator } from '../ports/ids';
import {
  DuplicateRequest,
  type IdempotentAnswer,
  type IncidentChange,
  type IncidentStore,
  VersionConflict,
} from '../ports/incident-store';
import type { ReportBody } from '../schemas/report';
import { applyDrafts } from './append-events';
import { retryOnConflict } from './retry-on-conflict';

export interface SubmitReportDeps {
  readonly incidents: IncidentStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly policy: Policy;
  /** Where the running drills are read; without it no drill covers any region, so an exercise is refused. */
  readonly drills?: Pick<DrillStore, 'inProvince'>;
  /** How often to recompute and retry when concurrent reports to one incident collide. */
  readonly maxAttempts?: number;
}

export interface SubmitReportCommand {
  readonly actor: Actor;
  readonly report: ReportBody;
  /** The client's `Idempotency-Key`, if it sent one. */
  readonly idempotencyKey?: string;
}

export interface SubmitReportResult {
  /** What was recorded and what is now owed, by whom, by when; the edge decides how to send it. */
  readonly response: ReportReceipt;
  /** True when this is the stored answer to an earlier request with the same key. */
  readonly replayed: boolean;
}

type Plan = Omit<IncidentChange, 'answer'> & { readonly receipt: ReportReceipt };

const figuresOf = (report: ReportBody): Figures => ({
  dead: report.casualties.dead,
  injured: report.casualties.injured,
  seriouslyInjured: report.casualties.seriouslyInjured ?? null,
  missing: report.casualties.missing,
  trapped: report.casualties.trapped,
  affectedPeople: report.affectedPeople,
  directLossYuan: report.directLossYuan,
});

const gradeFigures = (figures: Figures) => ({
  dead: figures.dead,
  missing: figures.missing,
  // Without a separate count of the seriously injured, grade on all injured: erring towards the
  // graver grade sends the report higher, which is the safe mistake in an emergency.
  seriouslyInjured: figures.seriouslyInjured ?? figures.injured,
  directLossYuan: figures.directLossYuan,
});

const summarise = (o: Obligation): ObligationSummary => ({
  obligationId: o.obligationId,
  level: o.level,
  office: o.office,
  to: o.to,
  dueAt: o.dueAt,
  status: o.status,
});

const toUtc = (iso: string): string => new Date(iso).toISOString();

/**
 * Accepts a report, appending its events to the incident's hash-chained log in one transaction
 * with the incident's head: nothing is half-written, and concurrent reports to one incident all
 * land with contiguous sequence numbers (a stale head is recomputed and retried).
 *
 * With an idempotency key, a retry gets the first answer back and writes nothing; the same key
 * with a different body is a conflict.
 *
 * @throws ForbiddenError, NotFoundError, ConflictError, ValidationError
 */
export const makeSubmitReport = (deps: SubmitReportDeps) => {
  const maxAttempts = deps.maxAttempts ?? 40;

  const reportData = (
    report: ReportBody,
    fields: {
      reportId: string;
      reportNumber: number;
      office: string;
      receivedAt: string;
      previous: Figures;
      drill?: DrillMark | undefined;
    },
  ): ReportSubmittedData => {
    const figures = figuresOf(report);
    return {
      reportId: fields.reportId,
      kind: report.kind,
      reportNumber: fields.reportNumber,
      office: fields.office,
      reporter: report.reporter,
      ...(report.concernedUnit !== undefined ? { concernedUnit: report.concernedUnit } : {}),
      occurredAt: toUtc(report.occurredAt),
      learnedAt: toUtc(report.learnedAt),
      receivedAt: fields.receivedAt,
      regionCode: report.regionCode,
      location: report.location,
      category: report.category,
      subtype: report.subtype,
      proposedGrade: report.grade ?? null,
      assessedGrade: assessGrade(gradeFigures(figures)),
      figures,
      delta: deltaOf(fields.previous, figures),
      summary: report.summary,
      measuresTaken: report.measuresTaken,
      unknowns: report.unknowns,
      // Only when there are any, so a report without attachments hashes as it always has.
      ...(report.attachments && report.attachments.length > 0
        ? {
            attachments: report.attachments.map((a) => ({ ...a, ...(a.takenAt ? { takenAt: toUtc(a.takenAt) } : {}) })),
          }
        : {}),
      ...(report.correcting !== undefined ? { correcting: report.correcting } : {}),
      ...(fields.drill ? { drill: fields.drill } : {}),
    };
  };

  /**
   * The drill an exercise belongs to: the running drill that covers the region now. An exercise
   * outside every drill is refused, naming the field, rather than recorded as real or dropped.
   */
  const drillOfExercise = async (report: ReportBody, at: Date): Promise<DrillMark | undefined> => {
    if (report.exercise !== true) return undefined;
    const drills = (await deps.drills?.inProvince(drillProvinceOf(report.regionCode))) ?? [];
    const drill = drillCovering(drills, report.regionCode, at);
    if (!drill) {
      throw new ValidationError(`no drill covers ${report.regionCode} now`, [
        {
          field: 'exercise',
          problem: `no running drill covers ${report.regionCode}; an exercise is reported only inside one (leave it out for a real report)`,
        },
      ]);
    }
    return markOf(drill);
  };

  const planInitial = (actor: Actor, report: ReportBody, received: Date, drill: DrillMark | undefined): Plan => {
    const chain = chainOf(report.regionCode);
    const receivedAt = received.toISOString();
    const incidentId = deps.ids.incidentId(received);
    const office = firstOfficeOf(chain);
    const reportId = `${incidentId}-R1`;
    const data = reportData(report, {
      reportId,
      reportNumber: 1,
      office: office.code,
      receivedAt,
      previous: ZERO_FIGURES,
      drill,
    });
    const drafts: EventDraft[] = [{ type: 'ReportSubmitted', data }];

    const grade = data.proposedGrade ? graver(data.proposedGrade, data.assessedGrade) : data.assessedGrade;
    if (data.proposedGrade && isGraver(data.assessedGrade, data.proposedGrade)) {
      // The figures outrank the grade the unit proposed: never let a low proposal keep a grave
      // incident from the levels it must reach.
      drafts.push({
        type: 'GradeAssessed',
        data: { from: data.proposedGrade, to: data.assessedGrade, basis: 'assessed', reportId },
      });
    }

    const limitMs = limitFor(policyFor(deps.policy, drill), {
      handover: 'unitToCounty',
      region: chain,
      grade,
      category: report.category,
    });
    const tookMs = received.getTime() - Date.parse(report.learnedAt);
    const lateReport = tookMs > limitMs ? { limitMs, lateByMs: tookMs - limitMs } : undefined;
    if (lateReport) {
      drafts.push({
        type: 'UnitReportLate',
        data: {
          reportId,
          unit: report.reporter.unit,
          office: office.code,
          learnedAt: data.learnedAt,
          receivedAt,
          ...lateReport,
        },
      });
    }

    // The first office's duties (forwarding, and direct reports for the gravest) are opened here.
    const { state, events } = applyDrafts(undefined, drafts, {
      incidentId,
      actor,
      now: received,
      policy: deps.policy,
      regionCode: report.regionCode,
    });
    return {
      incidentId,
      expectedVersion: null,
      state,
      events,
      receipt: {
        incidentId,
        reportId,
        seq: 1,
        grade: state.grade,
        gradeBasis: state.gradeBasis,
        status: state.status,
        obligations: state.obligations.map(summarise),
        ...(lateReport ? { lateReport } : {}),
        ...(drill ? { drillId: drill.drillId } : {}),
      },
    };
  };

  const planFollowUp = async (actor: Actor, report: ReportBody, incidentId: string): Promise<Plan> => {
    const current = await deps.incidents.getState(incidentId);
    if (!current) throw new NotFoundError(`incident ${incidentId} does not exist`);
    if (current.regionCode !== report.regionCode) {
      throw new ForbiddenError(`incident ${incidentId} belongs to ${current.regionCode}, not ${report.regionCode}`, {
        targetRegion: current.regionCode,
        incidentId,
      });
    }
    // A correction answers a return, which may be of the final report: it is taken after the close.
    if (current.status === 'closed' && report.correcting === undefined) {
      throw new ConflictError(
        `incident ${incidentId} was closed by its final report; send corrections to the office`,
        'incident-closed',
      );
    }
    if (report.exercise === true && !current.drill) {
      throw new ValidationError(`incident ${incidentId} is a real incident, not an exercise`, [
        { field: 'exercise', problem: `incident ${incidentId} is real: its reports are real (leave exercise out)` },
      ]);
    }
    if (report.exercise === false && current.drill) {
      throw new ValidationError(`incident ${incidentId} is an exercise of drill ${current.drill.drillId}`, [
        { field: 'exercise', problem: `incident ${incidentId} is an exercise for its whole life` },
      ]);
    }
    if (current.category !== report.category) {
      throw new ValidationError('the category of an incident cannot change', [
        { field: 'category', problem: `must stay ${current.category}, as first reported` },
      ]);
    }

    const chain = chainOf(current.regionCode);
    const received = deps.clock.now();
    const receivedAt = received.toISOString();
    const reportNumber = current.reportCount + 1;
    const reportId = `${incidentId}-R${reportNumber}`;
    const data = reportData(report, {
      reportId,
      reportNumber,
      office: firstOfficeOf(chain).code,
      receivedAt,
      previous: current.figures,
    });
    const drafts: EventDraft[] = [{ type: 'ReportSubmitted', data }];
    if (report.correcting !== undefined) {
      const answer = { correcting: report.correcting, by: { unit: report.reporter.unit }, reportId };
      drafts.push(correctionDraft(current, answer, received));
    }

    // A follow-up can raise the grade (figures crossing a threshold, or the unit's proposal), never
    // lower it: lowering is an office's assessment.
    const candidate = data.proposedGrade ? graver(data.proposedGrade, data.assessedGrade) : data.assessedGrade;
    if (isGraver(candidate, current.grade)) {
      const basis =
        isGraver(data.assessedGrade, data.proposedGrade ?? 'IV') || !data.proposedGrade ? 'assessed' : 'reported';
      drafts.push({ type: 'GradeAssessed', data: { from: current.grade, to: candidate, basis, reportId } });
    }
    if (report.kind === 'final' && current.status === 'open')
      drafts.push({ type: 'IncidentClosed', data: { reportId } });

    // A raised grade may call for duties further up the chain: applyDrafts opens them.
    const { state, events } = applyDrafts(current, drafts, {
      incidentId,
      actor,
      now: received,
      policy: deps.policy,
      regionCode: current.regionCode,
    });
    return {
      incidentId,
      expectedVersion: current.version,
      state,
      events,
      receipt: {
        incidentId,
        reportId,
        seq: events[0]?.seq ?? current.version + 1,
        grade: state.grade,
        gradeBasis: state.gradeBasis,
        status: state.status,
        obligations: state.obligations.map(summarise),
        ...(current.drill ? { drillId: current.drill.drillId } : {}),
      },
    };
  };

  const replay = (stored: IdempotentAnswer, requestHash: string): SubmitReportResult => {
    if (stored.requestHash !== requestHash) {
      throw new ConflictError(
        'this Idempotency-Key was already used for a different request; use a new key for a new report',
        'idempotency-key-reused',
      );
    }
    return { response: stored.receipt, replayed: true };
  };

  return async (command: SubmitReportCommand): Promise<SubmitReportResult> => {
    const { actor, report } = command;
    const decision = maySubmitReport(actor, report.regionCode, report.reporter.unit);
    if (!decision.allowed) {
      throw new ForbiddenError(decision.reason, {
        targetRegion: report.regionCode,
        ...(report.incidentId ? { incidentId: report.incidentId } : {}),
      });
    }

    const key = command.idempotencyKey ? `report#${actor.sub}#${command.idempotencyKey}` : undefined;
    const requestHash = createHash('sha256')
      .update(canonicalJson(report as unknown as Json))
      .digest('hex');
    if (key) {
      const stored = await deps.incidents.findAnswer(key);
      if (stored) return replay(stored, requestHash);
    }

    // The incident the last attempt planned for, to name in the answer if every attempt collided.
    let incidentId: string | undefined;
    return retryOnConflict(
      async () => {
        const received = deps.clock.now();
        const plan =
          report.kind === 'initial' || report.incidentId === undefined
            ? planInitial(actor, report, received, await drillOfExercise(report, received))
            : await planFollowUp(actor, report, report.incidentId);
        incidentId = plan.incidentId;
        const { receipt, ...change } = plan;
        try {
          await deps.incidents.append({ ...change, ...(key ? { answer: { key, requestHash, receipt } } : {}) });
          return { response: receipt, replayed: false };
        } catch (error) {
          if (error instanceof DuplicateRequest && key) {
            const stored = await deps.incidents.findAnswer(key);
            if (stored) return replay(stored, requestHash);
            // The winner's record has just expired: nothing to replay, so try again as new.
          }
          throw error;
        }
      },
      {
        attempts: maxAttempts,
        // A duplicate whose winner's record has expired is tried again as new, like a stale head.
        isConflict: (error) =>
          error instanceof VersionConflict || (error instanceof DuplicateRequest && key !== undefined),
        giveUp: () =>
          new ConflictError(`incident ${incidentId} is receiving many reports at once; send this one again`, 'busy'),
      },
    );
  };
};

export type SubmitReport = ReturnType<typeof makeSubmitReport>;
