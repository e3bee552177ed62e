/**
 * The offices' side of the chain and the deadline machinery: acknowledging and forwarding a
 * report, reminding before a deadline, marking a missed one and escalating past the silent
 * office, sweeping for deadlines whose timer was lost, and starting timers for new obligations.
 */

import type { Actor } from '../domain/access';
import { ConflictError, ForbiddenError } from '../domain/errors';
import {
  directDutiesOf,
  dutiesNoLongerOwed,
  forwardingDutyOf,
  missedDeadlineEvents,
  receiptsOf,
} from '../domain/escalation';
import type { Grade } from '../domain/grade';
import type { EventDraft, IncidentEvent, IncidentState, OfficeRef } from '../domain/incident';
import type { Obligation } from '../domain/obligation';
import { type Policy, policyFor, reminderAt } from '../domain/policy/policy';
import { NATIONAL } from '../domain/regions/regions';
import { correctionDraft, returnAnswered } from '../domain/review';
import type { Clock } from '../ports/clock';
import type { IncidentStore } from '../ports/incident-store';
import type { TimerInput, TimerScheduler } from '../ports/timers';
import type { AppendEvents } from './append-events';

/** Who acts when nobody did: the deadline timers and the sweeper. */
export const SYSTEM_ACTOR: Actor = { sub: 'system:deadline-timer', role: 'system', region: NATIONAL };

/** The office an actor acts for: an office's token only. */
export const officeOf = (actor: Actor): OfficeRef => {
  if (actor.role !== 'office' || !actor.level) {
    throw new ForbiddenError(`a ${actor.role} cannot act for an office`);
  }
  return { level: actor.level, office: actor.region };
};

/** Refuses (403, recorded) an office that does not have the report: nobody acts on what has not reached them. */
export const refuseUnlessInChain = (state: IncidentState, office: OfficeRef, action: string): void => {
  const holds = receiptsOf(state).some((r) => r.office.code === office.office && r.office.level === office.level);
  if (!holds) {
    throw new ForbiddenError(
      `the ${office.level} office ${office.office} does not have incident ${state.incidentId}, so it cannot ${action} it`,
      { targetRegion: state.regionCode, incidentId: state.incidentId },
    );
  }
};

export interface EscalationDeps {
  readonly incidents: IncidentStore;
  readonly appendEvents: AppendEvents;
  readonly clock: Clock;
  readonly policy: Policy;
}

/** An office records that it has received the report. Acknowledging twice changes nothing. */
export const makeAcknowledge =
  (deps: Pick<EscalationDeps, 'appendEvents'>) => async (actor: Actor, incidentId: string, note?: string) => {
    const office = officeOf(actor);
    const { state } = await deps.appendEvents(incidentId, actor, (current) => {
      refuseUnlessInChain(current, office, 'acknowledge');
      const already = current.acknowledgements.some((a) => a.office === office.office && a.level === office.level);
      return already ? [] : [{ type: 'ReportAcknowledged', data: { ...office, ...(note ? { note } : {}) } }];
    });
    const acknowledgement = state.acknowledgements.find((a) => a.office === office.office && a.level === office.level);
    return { incidentId, acknowledgedAt: acknowledgement?.at, office };
  };

/**
 * An office's new grade for an incident, and the duties a lower grade lifts (other than `meeting`,
 * the ones the same request meets). Opening the duties a higher grade calls for is the append's job.
 */
const gradeChangeDrafts = (
  state: IncidentState,
  office: OfficeRef,
  to: Grade,
  note: string | undefined,
  meeting: ReadonlySet<string>,
): EventDraft[] => {
  const drafts: EventDraft[] = [
    { type: 'GradeAssessed', data: { from: state.grade, to, basis: 'office', ...(note ? { note } : {}) } },
  ];
  for (const lifted of dutiesNoLongerOwed({ ...state, grade: to })) {
    if (meeting.has(lifted.obligationId)) continue;
    drafts.push({
      type: 'ObligationWaived',
      data: {
        level: lifted.level,
        office: lifted.office,
        obligationId: lifted.obligationId,
        reason: `grade lowered from ${state.grade} to ${to} by the ${office.level} office ${office.office}`,
      },
    });
  }
  return drafts;
};

export interface AssessGradeCommand {
  readonly grade: Grade;
  /** Why: recorded with the assessment, as the office's own words. */
  readonly reason: string;
}

/**
 * An office that has the report assesses (or changes) its grade, with its reason. A higher grade
 * opens the duties it calls for at once (timed from now) and moves earlier the running deadlines it
 * gives a shorter limit; a lower one waives those it no longer does. The same grade again changes
 * nothing.
 */
export const makeAssessGrade =
  (deps: Pick<EscalationDeps, 'appendEvents'>) =>
  async (actor: Actor, incidentId: string, command: AssessGradeCommand) => {
    const office = officeOf(actor);
    let previous: Grade | undefined;
    const appended = await deps.appendEvents(incidentId, actor, (state) => {
      refuseUnlessInChain(state, office, 'assess the grade of');
      previous = state.grade;
      if (command.grade === state.grade) return [];
      return gradeChangeDrafts(state, office, command.grade, command.reason, new Set());
    });
    const named = (type: 'ObligationWaived' | 'DeadlineShortened') =>
      new Set(appended.events.flatMap((e) => (e.type === type ? [e.data.obligationId] : [])));
    const waived = named('ObligationWaived');
    const shortened = named('DeadlineShortened');
    return {
      incidentId,
      previousGrade: previous ?? appended.state.grade,
      grade: appended.state.grade,
      changed: appended.events.length > 0,
      opened: appended.opened,
      waived: appended.state.obligations.filter((o) => waived.has(o.obligationId)),
      shortened: appended.state.obligations.filter((o) => shortened.has(o.obligationId)),
    };
  };

export interface ForwardCommand {
  /** The office's assessment of the grade, which may raise or lower it. */
  readonly grade?: Grade;
  readonly note?: string;
  /**
   * Meets the office's direct report to the national duty office instead of the hand-over to the
   * next level: `phone` the 30-minute call, `written` the written report (and, for a natural
   * disaster, the direct report to the province and ministry).
   */
  readonly skipLevel?: 'phone' | 'written';
  /**
   * Answers a return instead (docs/domain.md#review-and-return): the id of the correction duty the
   * office above opened when it sent the report back to this office.
   */
  readonly correcting?: string;
}

const SKIP_LEVEL_HANDOVERS = {
  phone: ['skipLevelPhone'],
  written: ['skipLevelWritten', 'naturalDisasterDirect'],
} as const;

/**
 * An office reports up the chain. Only the office holding the duty may (its level and region come
 * from its token). Forwarding meets the duty — after its deadline too, recorded as late by exactly
 * how much — and opens the next office's duty when the grade calls for it.
 */
export const makeForward =
  (deps: Pick<EscalationDeps, 'appendEvents'>) => async (actor: Actor, incidentId: string, command: ForwardCommand) => {
    const office = officeOf(actor);
    let met: readonly Obligation[] = [];
    const appended = await deps.appendEvents(incidentId, actor, (state, now) => {
      refuseUnlessInChain(state, office, 'forward');
      if (command.correcting !== undefined) {
        const answer = {
          correcting: command.correcting,
          by: { office },
          ...(command.note ? { note: command.note } : {}),
        };
        met = [returnAnswered(state, answer)];
        return [correctionDraft(state, answer, now)];
      }
      const duties = command.skipLevel
        ? directDutiesOf(state, office).filter((o) =>
            (SKIP_LEVEL_HANDOVERS[command.skipLevel ?? 'phone'] as readonly string[]).includes(o.handover),
          )
        : [forwardingDutyOf(state, office)].filter((o): o is Obligation => o !== undefined);
      if (duties.length === 0) {
        throw new ConflictError(
          command.skipLevel
            ? `the ${office.level} office ${office.office} owes no ${command.skipLevel} report to the national duty office for ${incidentId}`
            : `the ${office.level} office ${office.office} has no report of ${incidentId} left to forward`,
          'nothing-to-forward',
        );
      }
      met = duties;
      const drafts: EventDraft[] =
        command.grade && command.grade !== state.grade
          ? gradeChangeDrafts(state, office, command.grade, command.note, new Set(duties.map((d) => d.obligationId)))
          : [];
      for (const duty of duties) {
        drafts.push({
          type: 'ReportForwarded',
          data: {
            ...office,
            obligationId: duty.obligationId,
            to: duty.to,
            dueAt: duty.dueAt,
            forwardedAt: now.toISOString(),
            lateByMs: Math.max(0, now.getTime() - Date.parse(duty.dueAt)),
            ...(command.note ? { note: command.note } : {}),
          },
        });
      }
      return drafts;
    });
    const metIds = new Set(met.map((o) => o.obligationId));
    return {
      incidentId,
      grade: appended.state.grade,
      met: appended.state.obligations.filter((o) => metIds.has(o.obligationId)),
      opened: appended.opened,
    };
  };

export type DeadlineOutcome =
  | { readonly outcome: 'met' | 'already-missed' | 'waived' | 'unknown' }
  | {
      readonly outcome: 'not-due';
      readonly dueAt: string;
      /** When to check again: just after the deadline, since a forward at `dueAt` itself is on time. */
      readonly checkAgainAt: string;
    }
  | { readonly outcome: 'missed'; readonly lateByMs: number; readonly escalatedTo?: OfficeRef };

/**
 * The timer's check at the deadline (and the sweeper's): if the obligation is still unmet, record
 * DeadlineMissed and escalate past the silent office. Running it again changes nothing.
 */
export const makeCheckDeadline =
  (deps: Pick<EscalationDeps, 'appendEvents'>) =>
  async (timer: Pick<TimerInput, 'incidentId' | 'obligationId'>): Promise<DeadlineOutcome> => {
    let outcome: DeadlineOutcome = { outcome: 'unknown' };
    await deps.appendEvents(timer.incidentId, SYSTEM_ACTOR, (state, now) => {
      const obligation = state.obligations.find((o) => o.obligationId === timer.obligationId);
      if (!obligation) {
        outcome = { outcome: 'unknown' };
        return [];
      }
      if (obligation.status === 'met') {
        outcome = { outcome: 'met' };
        return [];
      }
      if (obligation.status === 'missed') {
        outcome = { outcome: 'already-missed' };
        return [];
      }
      if (obligation.status === 'waived') {
        outcome = { outcome: 'waived' };
        return [];
      }
      // "Within two hours" includes the last instant: only after `dueAt` is the duty missed,
      // the same boundary at which a forward stops counting as on time.
      const due = Date.parse(obligation.dueAt);
      if (now.getTime() <= due) {
        outcome = { outcome: 'not-due', dueAt: obligation.dueAt, checkAgainAt: new Date(due + 1).toISOString() };
        return [];
      }
      const drafts = missedDeadlineEvents(state, obligation, now);
      const escalated = drafts.find((d) => d.type === 'AutoEscalated');
      outcome = {
        outcome: 'missed',
        lateByMs: now.getTime() - Date.parse(obligation.dueAt),
        ...(escalated?.type === 'AutoEscalated' ? { escalatedTo: escalated.data.to } : {}),
      };
      return drafts;
    });
    return outcome;
  };

/**
 * The reminder before a deadline: once, and only while the obligation is still open and not yet
 * due — and only from the timer of the deadline in force: a timer started for a deadline a raised
 * grade has since moved (its `dueAt` no longer the obligation's) leaves the reminder to the newer one.
 */
export const makeRemind =
  (deps: Pick<EscalationDeps, 'appendEvents'>) =>
  async (
    timer: Pick<TimerInput, 'incidentId' | 'obligationId'> & { readonly dueAt?: string | undefined },
  ): Promise<{ readonly outcome: 'warned' | 'skipped' }> => {
    const { events } = await deps.appendEvents(timer.incidentId, SYSTEM_ACTOR, (state, now) => {
      const o = state.obligations.find((x) => x.obligationId === timer.obligationId);
      if (o?.status !== 'pending' || o.warnedAt || now.getTime() >= Date.parse(o.dueAt)) return [];
      if (timer.dueAt !== undefined && Date.parse(timer.dueAt) !== Date.parse(o.dueAt)) return [];
      return [
        {
          type: 'DeadlineWarned',
          data: {
            level: o.level,
            office: o.office,
            obligationId: o.obligationId,
            dueAt: o.dueAt,
            remainingMs: Date.parse(o.dueAt) - now.getTime(),
          },
        },
      ];
    });
    return { outcome: events.length > 0 ? 'warned' : 'skipped' };
  };

/**
 * The timer input for an obligation under a policy: its deadline, and its reminder if any — for a
 * deadline a raised grade moved earlier, the same point of the shortened window.
 */
export const timerFor = (
  obligation: Pick<Obligation, 'incidentId' | 'obligationId' | 'openedAt' | 'dueAt' | 'shortenedFrom'>,
  policy: Policy,
): TimerInput => {
  const remind = reminderAt(policy, new Date(obligation.openedAt), new Date(obligation.dueAt));
  return {
    incidentId: obligation.incidentId,
    obligationId: obligation.obligationId,
    dueAt: obligation.dueAt,
    ...(remind ? { remindAt: remind.toISOString() } : {}),
    ...(obligation.shortenedFrom ? { shortenedFrom: obligation.shortenedFrom } : {}),
  };
};

/** Starts a timer for every obligation the events open, and for every deadline they move. Starting one twice is harmless. */
export const makeStartTimers =
  (deps: { readonly scheduler: TimerScheduler; readonly policy: Policy }) =>
  async (events: readonly IncidentEvent[]): Promise<number> => {
    const timers = events.flatMap((e) => {
      // An exercise's reminders fall where its drill's policy puts them.
      const policy = policyFor(deps.policy, e.scope.drill);
      if (e.type === 'ObligationOpened') return [timerFor(e.data.obligation, policy)];
      if (e.type === 'DeadlineShortened') {
        const { obligationId, openedAt, from, to } = e.data;
        return [timerFor({ incidentId: e.incidentId, obligationId, openedAt, dueAt: to, shortenedFrom: from }, policy)];
      }
      return [];
    });
    for (const timer of timers) await deps.scheduler.start(timer);
    return timers.length;
  };

/**
 * How long after a deadline its timer has to record the miss before the sweeper, finding it still
 * unrecorded, counts the timer as lost. A timer checks just after the deadline and normally records
 * within a second or two; a sweep that runs in that moment records the miss first, and that race is
 * not a lost timer. A lost timer whose deadline the next sweep reaches within this grace is
 * recorded all the same, but not counted (on AWS, with a sweep a minute, one in six).
 */
export const TIMER_GRACE_MS = 10_000;

/** What a sweep did. */
export interface SweepResult {
  /** Pending obligations past their deadline that it checked. */
  readonly checked: number;
  /** Of those, the misses it recorded: their timers had not. */
  readonly missed: number;
  /** The escalations past a silent office those misses brought. */
  readonly escalated: number;
  /** Misses it recorded more than {@link TIMER_GRACE_MS} after the deadline: timers lost, or failing. */
  readonly lostTimers: number;
}

/**
 * The safety net under the timers: every pending obligation past its deadline is checked as its
 * timer would have checked it, so no deadline passes unflagged even if a timer is lost.
 */
export const makeSweepDeadlines =
  (
    deps: Pick<EscalationDeps, 'incidents' | 'clock'> & {
      readonly checkDeadline: ReturnType<typeof makeCheckDeadline>;
    },
  ) =>
  async (): Promise<SweepResult> => {
    const now = deps.clock.now();
    const incidents = await deps.incidents.withPendingObligations({ dueBy: now.toISOString() });
    let checked = 0;
    let missed = 0;
    let escalated = 0;
    let lostTimers = 0;
    for (const state of incidents) {
      for (const o of state.obligations) {
        if (o.status !== 'pending' || Date.parse(o.dueAt) > now.getTime()) continue;
        checked += 1;
        const result = await deps.checkDeadline({ incidentId: state.incidentId, obligationId: o.obligationId });
        if (result.outcome !== 'missed') continue;
        missed += 1;
        if (result.escalatedTo) escalated += 1;
        if (result.lateByMs > TIMER_GRACE_MS) lostTimers += 1;
      }
    }
    return { checked, missed, escalated, lostTimers };
  };

/** Re-arms a timer for every pending obligation (the local runtime does this when it starts). */
export const makeRearmTimers =
  (deps: { readonly incidents: IncidentStore; readonly scheduler: TimerScheduler; readonly policy: Policy }) =>
  async (): Promise<number> => {
    let armed = 0;
    for (const state of await deps.incidents.withPendingObligations({})) {
      for (const o of state.obligations) {
        if (o.status !== 'pending') continue;
        await deps.scheduler.start(timerFor(o, policyFor(deps.policy, state.drill)));
        armed += 1;
      }
    }
    return armed;
  };
