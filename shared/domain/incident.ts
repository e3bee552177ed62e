/**
 * An incident and its event log. The log is the record; the incident's current state is a
 * projection of it ({@link project}), so the head item stored beside the log can always be
 * rebuilt from the events and checked against them.
 */
import type { Actor } from './access';
import type { Attachment } from './attachments';
import type { Grade } from './grade';
import type { Obligation } from './obligation';
import type { RegionLevel } from './regions/regions';
import type { ReportField } from './report-fields';

/** The four categories of public emergency (Emergency Response Law, Art. 2). */
export const CATEGORIES = ['natural-disaster', 'accident', 'public-health', 'social-security'] as const;
export type Category = (typeof CATEGORIES)[number];

export const REPORT_KINDS = ['initial', 'follow-up', 'final'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** The figures every report carries in full (not as increments). */
export interface Figures {
  readonly dead: number;
  readonly injured: number;
  /** Seriously injured, where known; Decree 493 grades on this, not on all injured. */
  readonly seriouslyInjured: number | null;
  /** Counted apart from the dead, always. */
  readonly missing: number;
  readonly trapped: number;
  readonly affectedPeople: number;
  readonly directLossYuan: number;
}

export const FIGURE_KEYS = [
  'dead',
  'injured',
  'seriouslyInjured',
  'missing',
  'trapped',
  'affectedPeople',
  'directLossYuan',
] as const satisfies readonly (keyof Figures)[];

export const ZERO_FIGURES: Figures = {
  dead: 0,
  injured: 0,
  seriouslyInjured: null,
  missing: 0,
  trapped: 0,
  affectedPeople: 0,
  directLossYuan: 0,
};

/** The change from one report's figures to the next, which roll-ups add up. */
export type FigureDelta = { readonly [K in keyof Figures]: number };

export const deltaOf = (previous: Figures, current: Figures): FigureDelta => {
  const delta = {} as Record<keyof Figures, number>;
  for (const key of FIGURE_KEYS) delta[key] = (current[key] ?? 0) - (previous[key] ?? 0);
  return delta;
};

/**
 * What makes an incident an exercise (docs/domain.md#drills): the drill it belongs to and the
 * policy whose timings its deadlines follow. Recorded in its first report and on the scope of every
 * event, so the hash chain vouches for it and no consumer needs the head to tell an exercise from a
 * real report.
 */
export interface DrillMark {
  readonly drillId: string;
  /** The name of the policy the drill's incidents follow. */
  readonly policy: string;
}

/** How the grade in force was arrived at. */
export type GradeBasis = 'reported' | 'assessed' | 'office';

export interface ReportSubmittedData {
  readonly reportId: string;
  readonly kind: ReportKind;
  /** 1 for the initial report, then 2, 3, … */
  readonly reportNumber: number;
  /** The office that received the report: the first office of the incident's chain. */
  readonly office: string;
  readonly reporter: { readonly name: string; readonly phone: string; readonly unit: string };
  /**
   * The unit where the incident happened, when the report names one other than the reporting
   * unit: a first report from another unit is a candidate for concealment by this one.
   */
  readonly concernedUnit?: string;
  readonly occurredAt: string;
  readonly learnedAt: string;
  readonly receivedAt: string;
  readonly regionCode: string;
  readonly location: { readonly address: string; readonly lat?: number; readonly lon?: number };
  readonly category: Category;
  readonly subtype: string;
  /** The grade the reporter proposed, if any. */
  readonly proposedGrade: Grade | null;
  /** What the figures reach under Decree 493. */
  readonly assessedGrade: Grade;
  readonly figures: Figures;
  readonly delta: FigureDelta;
  readonly summary: string;
  readonly measuresTaken: string;
  readonly unknowns: string;
  /** The photos and documents the report names, when it names any (`domain/attachments.ts`). */
  readonly attachments?: readonly Attachment[];
  /** On an exercise's first report: the drill it belongs to (docs/domain.md#drills). */
  readonly drill?: DrillMark;
  /** The return this report answers, when it is a correction (docs/domain.md#review-and-return). */
  readonly correcting?: string;
}

export interface GradeAssessedData {
  readonly from: Grade | null;
  readonly to: Grade;
  readonly basis: GradeBasis;
  /** The report whose figures or proposal moved the grade, if one did. */
  readonly reportId?: string;
  readonly note?: string;
}

export interface ObligationOpenedData {
  readonly obligation: Obligation;
}

export interface UnitReportLateData {
  readonly reportId: string;
  readonly unit: string;
  readonly office: string;
  readonly learnedAt: string;
  readonly receivedAt: string;
  readonly limitMs: number;
  readonly lateByMs: number;
}

export interface IncidentClosedData {
  readonly reportId: string;
}

/** An office's place in the chain, as events name it. */
export interface OfficeRef {
  readonly level: RegionLevel;
  readonly office: string;
}

export interface ReportAcknowledgedData extends OfficeRef {
  readonly note?: string;
}

export interface ReportForwardedData extends OfficeRef {
  readonly obligationId: string;
  readonly to: OfficeRef;
  readonly dueAt: string;
  readonly forwardedAt: string;
  /** 0 when on time; otherwise exactly how late. */
  readonly lateByMs: number;
  readonly note?: string;
}

export interface DeadlineWarnedData extends OfficeRef {
  readonly obligationId: string;
  readonly dueAt: string;
  readonly remainingMs: number;
}

/** Who answers for an office's lateness (docs/domain.md#responsible-persons-and-the-duty-roster). */
export const RESPONSIBLE_ROLES = ['first-responsible', 'directly-responsible', 'duty-officer'] as const;

export interface DeadlineMissedData extends OfficeRef {
  readonly obligationId: string;
  readonly dueAt: string;
  /** How late the office was when the miss was recorded. */
  readonly lateByMs: number;
  readonly responsible: { readonly office: string; readonly roles: readonly (typeof RESPONSIBLE_ROLES)[number][] };
  /** For a correction a grassroots unit never sent: the unit, which answers for it (no office leader does). */
  readonly unit?: string;
}

export interface ObligationWaivedData extends OfficeRef {
  readonly obligationId: string;
  /** Why the duty no longer applies, e.g. `grade lowered from II to III`. */
  readonly reason: string;
}

/**
 * A running duty's deadline moved earlier because a new grade calls for a shorter limit
 * (docs/domain.md#windows-that-follow-the-grade). Never later: a longer limit keeps the window.
 */
export interface DeadlineShortenedData extends OfficeRef {
  readonly obligationId: string;
  /** When the duty opened: the window still starts there, so the timer can place its reminder. */
  readonly openedAt: string;
  /** The deadline before, and the one now in force. */
  readonly from: string;
  readonly to: string;
  /** The grade that calls for the shorter limit. */
  readonly grade: Grade;
  /** The limit the new grade sets for the hand-over, counted from when the duty opened. */
  readonly limitMs: number;
  /** The rule behind that limit: the jurisdiction's override note, or the legal source. */
  readonly rule: string;
  /**
   * True when that limit had already run out, or would leave less than the policy's minimum
   * notice: the deadline is then now plus that minimum, not earlier.
   */
  readonly floored: boolean;
}

/**
 * An office sent the report back to its sender for correction (审核退回;
 * docs/domain.md#review-and-return). The correction duty it opens follows as `ObligationOpened`.
 */
export interface ReportReturnedData extends OfficeRef {
  /** The correction duty the return opens: also the id the correction names (`correcting`). */
  readonly obligationId: string;
  readonly reportId: string;
  /** The sender, who owes the corrected report: a grassroots unit, or the office below that forwarded it. */
  readonly to: OfficeRef & { readonly unit?: string };
  readonly fields: readonly ReportField[];
  readonly note: string;
  readonly dueAt: string;
}

/** The sender answered a return: a unit with a corrected report, an office with a corrected forward. */
export interface ReportCorrectedData extends OfficeRef {
  readonly obligationId: string;
  readonly unit?: string;
  /** The corrected report, when a unit sent one. */
  readonly reportId?: string;
  readonly dueAt: string;
  readonly correctedAt: string;
  /** 0 when on time; otherwise exactly how late. */
  readonly lateByMs: number;
  readonly note?: string;
}

/** One person told, on one channel. */
export interface NotificationRecipient {
  readonly office: string;
  readonly role: string;
  readonly personId: string;
  readonly channels: readonly string[];
  /** The SNS message id, the proof of hand-over to the delivery service. */
  readonly messageId: string;
}

export interface NotificationSentData {
  /** `<seq of the event notified about>:<kind>`: what was notified, once. */
  readonly key: string;
  readonly aboutSeq: number;
  readonly kind: string;
  readonly recipients: readonly NotificationRecipient[];
}

export interface NotificationFailedData {
  readonly key: string;
  readonly aboutSeq: number;
  readonly kind: string;
  readonly reason: string;
  /** Whether the notification path will try again (a failed publish) or cannot (nobody on record). */
  readonly willRetry: boolean;
}

/**
 * An officer's notification sent as an SMS through the provider that delivers in mainland China
 * (the SNS message id in {@link NotificationSentData} proves the hand-over; this, the provider's).
 */
export interface SmsDeliveredData {
  /** `sms:<queue message id>`: the one delivery of that notification's message, sent once. */
  readonly key: string;
  readonly kind: string;
  readonly personId: string;
  readonly office: string;
  readonly role: string;
  /** Which provider sent it, e.g. `tencent-cloud`. */
  readonly provider: string;
  /** The provider's id for the message, to match its delivery report. */
  readonly providerMessageId: string;
  /** The provider's receipt: its status code and description for the sending. */
  readonly receipt: { readonly code: string; readonly description: string };
}

/**
 * The provider's delivery report for an SMS recorded as {@link SmsDeliveredData}: whether the
 * handset received it, as the provider learnt from the network, some time after the sending.
 */
export interface SmsDeliveryReportedData {
  /** `sms-report:<provider message id>`: one report per message, however often it is pulled. */
  readonly key: string;
  /** Which provider reported it, e.g. `tencent-cloud`. */
  readonly provider: string;
  /** The provider's id for the message, as in the `SmsDelivered` it reports on. */
  readonly providerMessageId: string;
  readonly status: 'delivered' | 'failed';
  /** When the provider says the handset received it, or the network gave up. */
  readonly reportedAt: string;
  /** The provider's own code and words for it (Tencent Cloud: `DELIVRD`, or the carrier's error). */
  readonly code: string;
  readonly description: string;
}

export interface AutoEscalatedData {
  readonly obligationId: string;
  /** The silent office. */
  readonly from: OfficeRef;
  /** The office that now has the report, as if it had been forwarded. */
  readonly to: OfficeRef;
}

/** The two failures only an inspector can establish (docs/domain.md#the-four-failures). */
export const FINDING_KINDS = ['false-report', 'concealed-report'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** An inspector's finding: recorded in the incident's log like everything else, and as lasting. */
export interface InspectionFindingData {
  readonly findingId: string;
  readonly finding: FindingKind;
  /** What the finding rests on: the evidence, in the inspector's words. */
  readonly basis: string;
  /** The reports it concerns (all of the incident's when empty). */
  readonly reportIds: readonly string[];
  /** Whom it holds responsible: units and/or offices, as the inspector names them. */
  readonly responsible: readonly string[];
}

/**
 * Where and what the incident is as of an event: recorded on every event so that consumers
 * (roll-ups, notifications, routing filters) never need to read the head, and see the grade the
 * incident had at that point in the log even when deliveries arrive out of order.
 */
export interface EventScope {
  readonly regionCode: string;
  readonly county: string | null;
  readonly city: string | null;
  readonly province: string;
  readonly category: Category;
  /** The grade after this event. */
  readonly grade: Grade;
  /** On every event of an exercise: its drill, so no consumer counts it as real. */
  readonly drill?: DrillMark;
}

interface EventShape<T extends string, D> {
  readonly v: 1;
  readonly incidentId: string;
  readonly seq: number;
  readonly type: T;
  readonly at: string;
  readonly actor: Actor;
  readonly scope: EventScope;
  readonly data: D;
}

export type IncidentEventBody =
  | EventShape<'ReportSubmitted', ReportSubmittedData>
  | EventShape<'GradeAssessed', GradeAssessedData>
  | EventShape<'ObligationOpened', ObligationOpenedData>
  | EventShape<'UnitReportLate', UnitReportLateData>
  | EventShape<'IncidentClosed', IncidentClosedData>
  | EventShape<'ReportAcknowledged', ReportAcknowledgedData>
  | EventShape<'ReportForwarded', ReportForwardedData>
  | EventShape<'DeadlineWarned', DeadlineWarnedData>
  | EventShape<'DeadlineMissed', DeadlineMissedData>
  | EventShape<'AutoEscalated', AutoEscalatedData>
  | EventShape<'ObligationWaived', ObligationWaivedData>
  | EventShape<'DeadlineShortened', DeadlineShortenedData>
  | EventShape<'ReportReturned', ReportReturnedData>
  | EventShape<'ReportCorrected', ReportCorrectedData>
  | EventShape<'NotificationSent', NotificationSentData>
  | EventShape<'NotificationFailed', NotificationFailedData>
  | EventShape<'SmsDelivered', SmsDeliveredData>
  | EventShape<'SmsDeliveryReported', SmsDeliveryReportedData>
  | EventShape<'InspectionFinding', InspectionFindingData>;

/** An event before it is numbered, timed, scoped and sealed: its type and data. */
export type EventDraft = {
  [T in IncidentEventBody['type']]: {
    readonly type: T;
    readonly data: Extract<IncidentEventBody, { type: T }>['data'];
  };
}[IncidentEventBody['type']];

/** An event as stored: sealed into the chain. */
export type IncidentEvent = IncidentEventBody & { readonly prevHash: string; readonly hash: string };

/** The incident's current state: a projection of its events. */
export interface IncidentState {
  readonly incidentId: string;
  /** Sequence number of the last event; the append condition. */
  readonly version: number;
  readonly lastHash: string;
  readonly status: 'open' | 'closed';
  readonly category: Category;
  readonly subtype: string;
  readonly grade: Grade;
  readonly gradeBasis: GradeBasis;
  readonly regionCode: string;
  readonly countyCode: string | null;
  readonly cityCode: string | null;
  readonly provinceCode: string;
  readonly occurredAt: string;
  readonly learnedAt: string;
  /** When the first report was received. */
  readonly receivedAt: string;
  readonly updatedAt: string;
  readonly firstUnit: string;
  readonly reportCount: number;
  readonly figures: Figures;
  readonly obligations: readonly Obligation[];
  readonly unitLate: boolean;
  /** Offices that have acknowledged receipt, and when. */
  readonly acknowledgements: readonly (OfficeRef & { readonly at: string })[];
  /**
   * Keys (`<seq>:<kind>`) of the notifications already dealt with — sent, or found impossible
   * (nobody on record) — so a redelivered event is neither sent nor recorded twice.
   */
  readonly notified?: readonly string[];
  /** Inspectors' findings of false or concealed reporting on this incident. */
  readonly findings?: readonly { readonly findingId: string; readonly finding: FindingKind; readonly at: string }[];
  /** An exercise's drill, from its first report: it stays an exercise for its whole life. */
  readonly drill?: DrillMark;
}

/**
 * Folds events into the incident's state. `chain` supplies the region codes the first report's
 * region resolves to, which the log records only as the region code itself.
 */
export const project = (
  previous: IncidentState | undefined,
  event: IncidentEvent,
  chain: { county: string | null; city: string | null; province: string },
): IncidentState => {
  const base = { version: event.seq, lastHash: event.hash, updatedAt: event.at };
  switch (event.type) {
    case 'ReportSubmitted': {
      const d = event.data;
      if (!previous) {
        return {
          ...base,
          incidentId: event.incidentId,
          status: 'open',
          category: d.category,
          subtype: d.subtype,
          grade: d.proposedGrade ?? d.assessedGrade,
          gradeBasis: d.proposedGrade ? 'reported' : 'assessed',
          regionCode: d.regionCode,
          countyCode: chain.county,
          cityCode: chain.city,
          provinceCode: chain.province,
          occurredAt: d.occurredAt,
          learnedAt: d.learnedAt,
          receivedAt: d.receivedAt,
          firstUnit: d.reporter.unit,
          reportCount: 1,
          figures: d.figures,
          obligations: [],
          unitLate: false,
          acknowledgements: [],
          ...(d.drill ? { drill: d.drill } : {}),
        };
      }
      return {
        ...previous,
        ...base,
        subtype: d.subtype,
        occurredAt: d.occurredAt,
        learnedAt: d.learnedAt,
        reportCount: previous.reportCount + 1,
        figures: d.figures,
      };
    }
    case 'GradeAssessed':
      return { ...requireState(previous, event), ...base, grade: event.data.to, gradeBasis: event.data.basis };
    case 'ObligationOpened': {
      const state = requireState(previous, event);
      return { ...state, ...base, obligations: [...state.obligations, event.data.obligation] };
    }
    case 'UnitReportLate':
      return { ...requireState(previous, event), ...base, unitLate: true };
    case 'IncidentClosed':
      return { ...requireState(previous, event), ...base, status: 'closed' };
    case 'ReportAcknowledged': {
      const state = requireState(previous, event);
      const { level, office } = event.data;
      return { ...state, ...base, acknowledgements: [...state.acknowledgements, { level, office, at: event.at }] };
    }
    case 'ReportForwarded':
      return updateObligation(previous, event, event.data.obligationId, {
        status: 'met',
        metAt: event.data.forwardedAt,
        lateByMs: event.data.lateByMs,
      });
    case 'DeadlineWarned':
      return updateObligation(previous, event, event.data.obligationId, { warnedAt: event.at });
    case 'DeadlineMissed':
      return updateObligation(previous, event, event.data.obligationId, { status: 'missed', missedAt: event.at });
    case 'AutoEscalated':
      return updateObligation(previous, event, event.data.obligationId, { escalatedAt: event.at });
    case 'ObligationWaived':
      return updateObligation(previous, event, event.data.obligationId, { status: 'waived', waivedAt: event.at });
    case 'DeadlineShortened': {
      // The window is what the office now has: from when the duty opened to the new deadline.
      const d = event.data;
      const earlier = requireState(previous, event).obligations.find((o) => o.obligationId === d.obligationId);
      return updateObligation(previous, event, d.obligationId, {
        dueAt: d.to,
        limitMs: Date.parse(d.to) - Date.parse(d.openedAt),
        shortenedFrom: earlier?.shortenedFrom ?? d.from,
      });
    }
    case 'ReportReturned':
      // The return is the record; the duty it opens is the ObligationOpened that follows it.
      return { ...requireState(previous, event), ...base };
    case 'ReportCorrected':
      return updateObligation(previous, event, event.data.obligationId, {
        status: 'met',
        metAt: event.data.correctedAt,
        lateByMs: event.data.lateByMs,
      });
    case 'NotificationSent': {
      const state = requireState(previous, event);
      return { ...state, ...base, notified: [...(state.notified ?? []), event.data.key] };
    }
    case 'SmsDelivered':
    case 'SmsDeliveryReported': {
      const state = requireState(previous, event);
      return { ...state, ...base, notified: [...(state.notified ?? []), event.data.key] };
    }
    case 'InspectionFinding': {
      const state = requireState(previous, event);
      const { findingId, finding } = event.data;
      return { ...state, ...base, findings: [...(state.findings ?? []), { findingId, finding, at: event.at }] };
    }
    case 'NotificationFailed': {
      const state = requireState(previous, event);
      // A failed publish will be tried again; a notification nobody can receive is settled.
      return event.data.willRetry
        ? { ...state, ...base }
        : { ...state, ...base, notified: [...(state.notified ?? []), event.data.key] };
    }
  }
};

const updateObligation = (
  previous: IncidentState | undefined,
  event: IncidentEvent,
  obligationId: string,
  change: Partial<Obligation>,
): IncidentState => {
  const state = requireState(previous, event);
  if (!state.obligations.some((o) => o.obligationId === obligationId)) {
    throw new Error(
      `event ${event.seq} (${event.type}) of ${event.incidentId} names unknown obligation ${obligationId}`,
    );
  }
  return {
    ...state,
    version: event.seq,
    lastHash: event.hash,
    updatedAt: event.at,
    obligations: state.obligations.map((o) => (o.obligationId === obligationId ? { ...o, ...change } : o)),
  };
};

const requireState = (state: IncidentState | undefined, event: IncidentEvent): IncidentState => {
  if (!state) throw new Error(`event ${event.seq} (${event.type}) of ${event.incidentId} has no report before it`);
  return state;
};
