/**
 * The API's bodies as the console reads and sends them. Requests are the API's own schema types;
 * answers are restated here (their server-side modules use Node) and
 * `test/unit/web-api-types.test.ts` checks each against the type the server answers with.
 */
import type { Grade } from '../../../shared/domain/grade';
import type { Category, Figures, ReportSubmittedData } from '../../../shared/domain/incident';
import type { RegionLevel } from '../../../shared/domain/regions/regions';
import type { ReportField } from '../../../shared/domain/report-fields';
import type { ReportBodyInput } from '../../../shared/schemas/report';

export type { Category, Figures, Grade, RegionLevel, ReportBodyInput, ReportSubmittedData };

export interface FieldProblem {
  readonly field: string;
  readonly problem: string;
}

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: readonly FieldProblem[] };
}

/** `POST /v1/reports` → 201. */
export interface SubmitReportAnswer {
  readonly incidentId: string;
  readonly reportId: string;
  readonly seq: number;
  readonly grade: Grade;
  readonly status: 'open' | 'closed';
  readonly obligations: readonly {
    readonly level: RegionLevel;
    readonly office: string;
    readonly to: { readonly level: RegionLevel; readonly office: string };
    readonly dueAt: string;
    readonly status: 'pending' | 'met' | 'missed' | 'waived';
  }[];
  readonly lateReport?: { readonly limitMs: number; readonly lateByMs: number };
}

/** An incident as its reporting unit sees it (`GET /v1/units/{unit}/incidents`). */
export interface UnitIncident {
  readonly incidentId: string;
  readonly status: 'open' | 'closed';
  readonly category: Category;
  readonly subtype: string;
  readonly grade: Grade;
  readonly regionCode: string;
  readonly occurredAt: string;
  readonly learnedAt: string;
  readonly receivedAt: string;
  readonly updatedAt: string;
  readonly reportCount: number;
  readonly figures: Figures;
  readonly unitLate: boolean;
  /** Present when the incident is an exercise. */
  readonly drillId?: string;
  readonly receivedBy: { readonly office: string; readonly level: RegionLevel; readonly at: string } | null;
  readonly forwarded: readonly {
    readonly from: { readonly level: RegionLevel; readonly office: string };
    readonly to: { readonly level: RegionLevel; readonly office: string };
    readonly at: string;
    readonly by: 'office' | 'escalation';
  }[];
  /** Reports an office returned to this unit for correction, oldest first. */
  readonly returns: readonly UnitReturn[];
}

/** A report an office returned to the unit: what to correct, why, and by when. */
export interface UnitReturn {
  readonly returnId: string;
  readonly by: { readonly level: RegionLevel; readonly office: string };
  readonly reportId: string;
  readonly fields: readonly ReportField[];
  readonly note: string;
  readonly returnedAt: string;
  readonly dueAt: string;
  readonly status: 'pending' | 'met' | 'missed' | 'waived';
  readonly correctedAt: string | null;
}

export interface UnitIncidentPage {
  readonly items: readonly UnitIncident[];
  readonly next?: string;
}

/** `GET /v1/incidents/{id}` as a reporting unit reads it. */
export interface IncidentAnswer {
  readonly incident: { readonly incidentId: string; readonly status: 'open' | 'closed'; readonly grade: Grade };
  readonly reports: readonly ReportSubmittedData[];
  /** Every duty on the incident, a correction the unit owes among them (with what was returned and why). */
  readonly obligations: readonly Obligation[];
}

/** `GET /v1/units/{unit}/daily-reports` → the duty periods owing a report today. */
export interface UnitDailyReports {
  readonly date: string;
  readonly registered: boolean;
  readonly duties: readonly {
    readonly periodId: string;
    readonly region: string;
    readonly reason: string;
    readonly date: string;
    readonly cutoffAt: string;
    readonly opensAt: string;
    readonly filed: { readonly filedAt: string; readonly late: boolean } | null;
    readonly missed: boolean;
  }[];
}

/** `POST /v1/daily-reports` body. */
export interface DailyReportInput {
  readonly periodId: string;
  readonly date: string;
  readonly nothingToReport?: boolean;
  readonly summary?: string;
}

/** A region's figures in a roll-up; incidents by category, then grade, only where non-zero. */
export interface SummaryFigures {
  readonly incidents: number;
  readonly open: number;
  readonly closed: number;
  readonly dead: number;
  readonly injured: number;
  readonly missing: number;
  readonly affectedPeople: number;
  readonly directLossYuan: number;
  readonly lateReports: number;
  readonly missedReports: number;
  readonly byCategoryGrade: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** `GET /v1/summaries/{region}`: totals, day by day, and each child region with anything to count. */
export interface Summary {
  readonly region: string;
  readonly name: string;
  readonly level: RegionLevel;
  readonly from?: string;
  readonly to?: string;
  readonly totals: SummaryFigures;
  readonly days: readonly (SummaryFigures & { readonly day: string })[];
  readonly children: readonly (SummaryFigures & {
    readonly region: string;
    readonly name: string;
    readonly level: RegionLevel;
  })[];
}

/** `GET /v1/offices/{code}/officers`. */
export interface OfficeOfficers {
  readonly office: string;
  readonly officers: readonly {
    readonly office: string;
    readonly personId: string;
    readonly name: string;
    readonly roles: readonly ('first-responsible' | 'directly-responsible' | 'duty-officer')[];
    readonly endpoints: { readonly email?: string; readonly sms?: string; readonly webhook?: string };
  }[];
  readonly roster: readonly {
    readonly office: string;
    readonly personId: string;
    readonly from: string;
    readonly to: string;
  }[];
  readonly onDutyNow: readonly string[];
  /** When the version shown took effect; null if nothing is on record yet. */
  readonly since: string | null;
}

export interface OwedDay {
  readonly date: string;
  readonly cutoffAt: string;
}

/** A duty period, as activated (`POST /v1/duty-periods`) and listed (`GET /v1/duty-periods`). */
export interface DutyPeriod {
  readonly periodId: string;
  readonly region: string;
  readonly firstDate: string;
  readonly lastDate: string;
  readonly cutoffHour: number;
  readonly reason: string;
  readonly activatedAt: string;
  readonly activatedBy: { readonly sub: string; readonly region: string };
  readonly days: readonly OwedDay[];
}

export interface DutyPeriodList {
  readonly region: string;
  readonly items: readonly DutyPeriod[];
}

export type ZeroCellState = 'filed' | 'late' | 'missed' | 'not-due' | 'not-registered';

/** `GET /v1/duty-periods/{id}/zero-reports`. */
export interface ZeroGrid {
  readonly periodId: string;
  readonly region: string;
  readonly period: DutyPeriod;
  readonly asOf: string;
  readonly days: readonly OwedDay[];
  readonly nextCutoffAt: string | null;
  readonly units: readonly {
    readonly unitId: string;
    readonly name: string;
    readonly county: string;
    readonly cells: readonly { readonly date: string; readonly state: ZeroCellState; readonly filedAt?: string }[];
  }[];
  readonly skipped: readonly string[];
}

/** `POST /v1/duty-periods` body. */
export interface DutyPeriodInput {
  readonly region: string;
  readonly firstDate: string;
  readonly lastDate: string;
  readonly cutoffHour: number;
  readonly reason: string;
}

// --- the duty desk ------------------------------------------------------------------------------

export type { BoardRow, DeskDuty } from '../../../shared/domain/board';
export type { IncidentEvent, Obligation };

import type { BoardRow } from '../../../shared/domain/board';
import type { ChainVerdict } from '../../../shared/domain/chain-rules';
import type { IncidentEvent, IncidentState } from '../../../shared/domain/incident';
import type { Obligation } from '../../../shared/domain/obligation';
import type { Handover } from '../../../shared/domain/policy/policy';
import type { Role } from '../auth/session';

export interface OfficeRef {
  readonly level: RegionLevel;
  readonly office: string;
}

/** `GET /v1/desk/board` → the office's board, or what changed on it since `since`. */
export interface BoardAnswer {
  readonly office: OfficeRef;
  readonly asOf: string;
  readonly pollSince: string;
  readonly changes: boolean;
  readonly items: readonly BoardRow[];
  readonly total?: number;
  readonly removed: readonly string[];
}

/** `GET /v1/incidents/{id}` as an office reads it. */
export interface OfficeIncidentAnswer {
  readonly incident: Pick<
    IncidentState,
    | 'incidentId'
    | 'status'
    | 'grade'
    | 'gradeBasis'
    | 'category'
    | 'subtype'
    | 'regionCode'
    | 'occurredAt'
    | 'learnedAt'
    | 'receivedAt'
    | 'firstUnit'
    | 'figures'
    | 'acknowledgements'
    | 'drill'
  >;
  readonly reports: readonly ReportSubmittedData[];
  readonly obligations: readonly Obligation[];
}

/** `GET /v1/incidents/{id}/audit` → the log, read by the incident page's timeline. */
export interface AuditTrailAnswer {
  readonly incidentId: string;
  readonly events: readonly IncidentEvent[];
  /** The chain as the server recomputed it against the head. */
  readonly verification: ChainVerdict;
}

// The inspectors' answers (restated from `shared/schemas/audit.ts` and `responses.ts`, which the
// type-checker holds them to in test/unit/web-api-types.test.ts).

interface Person {
  readonly personId: string;
  readonly name: string;
}

/** A row of `GET /v1/audit/late` or `/v1/audit/missed`. */
export interface AuditRow {
  readonly kind: Handover | 'unit-report' | 'zero-report' | 'required-element';
  readonly incident: {
    readonly id: string;
    readonly region: string;
    readonly category: Category;
    readonly grade: Grade;
  } | null;
  readonly office: { readonly level: RegionLevel; readonly code: string; readonly name: string };
  readonly unit: { readonly id: string; readonly name: string | null } | null;
  readonly obligationId: string | null;
  readonly zeroReport: { readonly periodId: string; readonly date: string } | null;
  readonly finalReport: {
    readonly reportId: string;
    readonly receivedAt: string;
    readonly missingElements: readonly string[];
  } | null;
  readonly deadline: string;
  readonly metAt: string | null;
  readonly missedAt: string | null;
  readonly lateByMs: number | null;
  readonly lateBy: string | null;
  readonly autoEscalated: boolean;
  readonly firstResponsible: readonly Person[];
  readonly directlyResponsible: readonly Person[];
  readonly onDutyAtDeadline: readonly Person[];
}

/** `GET /v1/audit/late` and `/v1/audit/missed`. */
export interface AuditPage {
  readonly region: string;
  readonly from: string;
  readonly to: string;
  readonly items: readonly AuditRow[];
  readonly next?: string | undefined;
}

/** `GET /v1/audit/offices`. */
export interface PunctualityTable {
  readonly region: string;
  readonly from: string;
  readonly to: string;
  readonly offices: readonly {
    readonly office: AuditRow['office'];
    readonly held: number;
    readonly metOnTime: number;
    readonly metLate: number;
    readonly missed: number;
    readonly pending: number;
    readonly waived: number;
    readonly onTimeRate: number | null;
    readonly medianDelayMs: number | null;
    readonly p90DelayMs: number | null;
  }[];
}

export type FindingKind = 'false-report' | 'concealed-report';

export interface FindingRef {
  readonly findingId: string;
  readonly finding: FindingKind;
  readonly at: string;
}

/** `GET /v1/audit/candidates`. */
export interface CandidatesPage {
  readonly examined: number;
  readonly items: readonly {
    readonly incidentId: string;
    readonly regionCode: string;
    readonly receivedAt: string;
    readonly status: 'open' | 'closed';
    readonly grade: Grade;
    readonly findings: readonly FindingRef[];
    readonly candidates: readonly {
      readonly reason: string;
      readonly suggests: FindingKind;
      readonly reportIds: readonly string[];
      readonly explanation: string;
    }[];
  }[];
  readonly next?: string | undefined;
}

/** A refused request, as `GET /v1/audit/access-denied` lists it. */
export interface AccessDenied {
  readonly id: string;
  readonly at: string;
  readonly actor: { readonly sub: string; readonly role: Role | 'system'; readonly region: string };
  readonly action: string;
  readonly incidentId?: string | undefined;
  readonly reason: string;
}

/** `GET /v1/audit/access-denied`. */
export interface AccessDeniedPage {
  readonly items: readonly AccessDenied[];
  readonly next?: string | undefined;
}

/** `GET /v1/audit/verify`. */
export interface VerifyPage {
  readonly region: string;
  readonly complete: boolean;
  readonly counts: {
    readonly chains: number;
    readonly events: number;
    readonly intact: number;
    readonly broken: number;
  };
  readonly broken: readonly {
    readonly kind: 'incident' | 'zero-report' | 'access-denied';
    readonly id: string;
    readonly region: string;
    readonly seq: number;
    readonly reason: string;
    readonly detail: string;
  }[];
  readonly next?: string | undefined;
}

/** `POST /v1/incidents/{id}/findings`. */
export interface RecordedFinding {
  readonly findingId: string;
  readonly finding: FindingKind;
  readonly seq: number;
  readonly recordedAt: string;
}

/** `POST /v1/incidents/{id}/acknowledge`. */
export interface AcknowledgeAnswer {
  readonly incidentId: string;
  readonly acknowledgedAt?: string | undefined;
}

/** `POST /v1/incidents/{id}/forward`. */
export interface ForwardAnswer {
  readonly incidentId: string;
  readonly grade: Grade;
  readonly met: readonly Obligation[];
  readonly opened: readonly Obligation[];
}

/** `POST /v1/incidents/{id}/return`. */
export interface ReturnAnswer {
  readonly incidentId: string;
  readonly correction: Obligation;
  readonly stillOwed: Obligation | null;
}

/** `POST /v1/incidents/{id}/grade`. */
export interface AssessGradeAnswer {
  readonly incidentId: string;
  readonly previousGrade: Grade;
  readonly grade: Grade;
  readonly changed: boolean;
  readonly opened: readonly Obligation[];
  readonly waived: readonly Obligation[];
}

/** A presigned request to make as given (`method`, `url`, `headers`), before `expiresAt`. */
export interface PresignedRequest {
  readonly method: 'PUT' | 'GET';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly expiresAt: string;
}

/** `GET /v1/incidents/{id}/attachments` → 200. */
export interface IncidentAttachmentsAnswer {
  readonly incidentId: string;
  readonly items: readonly {
    readonly sha256: string;
    readonly bytes: number;
    readonly contentType: string;
    readonly caption: string;
    readonly takenAt?: string;
    readonly reportId: string;
    readonly unit: string;
    readonly key: string;
    readonly status: 'arrived' | 'missing' | 'mismatched';
    readonly storedAt?: string;
    readonly read?: PresignedRequest;
  }[];
}

/** A drill, as started, listed and ended (`/v1/drills`). */
export interface Drill {
  readonly drillId: string;
  readonly title: string;
  readonly region: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly policy: string;
  readonly startedAt: string;
  readonly startedBy: { readonly sub: string; readonly region: string };
  readonly endedEarly?: { readonly at: string; readonly by: { readonly sub: string }; readonly reason?: string };
  readonly status: 'scheduled' | 'running' | 'ended';
}

export interface DrillList {
  readonly region: string;
  readonly drills: readonly Drill[];
}

/** `POST /v1/drills` body. */
export interface DrillInput {
  readonly title: string;
  readonly region: string;
  readonly duration: string;
}

export type DrillOutcome = 'on-time' | 'late' | 'missed' | 'pending' | 'waived';

/** One hand-over of a drill incident, as the drill report gives it. */
export interface DrillHandover {
  readonly handover: string;
  readonly from: { readonly level: RegionLevel | 'unit'; readonly code: string };
  readonly to: { readonly level: RegionLevel; readonly code: string };
  readonly openedAt: string;
  readonly dueAt: string;
  readonly doneAt: string | null;
  readonly tookMs: number | null;
  readonly outcome: DrillOutcome;
  readonly escalatedAt?: string;
  readonly told: readonly {
    readonly kind: string;
    readonly at: string;
    readonly office: string;
    readonly role: string;
    readonly personId: string;
  }[];
  readonly untold: number;
}

/** `GET /v1/drills/{id}/report`. */
export interface DrillReport {
  readonly drill: Drill;
  readonly incidents: readonly {
    readonly incidentId: string;
    readonly regionCode: string;
    readonly category: Category;
    readonly subtype: string;
    readonly grade: Grade;
    readonly status: 'open' | 'closed';
    readonly unit: string;
    readonly receivedAt: string;
    readonly handovers: readonly DrillHandover[];
  }[];
  readonly totals: Readonly<
    Record<'incidents' | 'handovers' | 'onTime' | 'late' | 'missed' | 'pending' | 'waived', number>
  >;
}
