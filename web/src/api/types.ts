/**
 * The API's bodies as the console reads and sends them. Requests are the API's own schema types;
 * answers are restated here (their server-side modules use Node) and
 * `test/unit/web-api-types.test.ts` checks each against the type the server answers with.
 */
import type { Grade } from '../../../shared/domain/grade';
import type { Category, Figures, ReportSubmittedData } from '../../../shared/domain/incident';
import type { RegionLevel } from '../../../shared/domain/regions/regions';
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
  readonly receivedBy: { readonly office: string; readonly level: RegionLevel; readonly at: string } | null;
  readonly forwarded: readonly {
    readonly from: { readonly level: RegionLevel; readonly office: string };
    readonly to: { readonly level: RegionLevel; readonly office: string };
    readonly at: string;
    readonly by: 'office' | 'escalation';
  }[];
}

export interface UnitIncidentPage {
  readonly items: readonly UnitIncident[];
  readonly next?: string;
}

/** `GET /v1/incidents/{id}` as a reporting unit reads it. */
export interface IncidentAnswer {
  readonly incident: { readonly incidentId: string; readonly status: 'open' | 'closed'; readonly grade: Grade };
  readonly reports: readonly ReportSubmittedData[];
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

// --- the duty desk ------------------------------------------------------------------------------

export type { BoardRow, DeskDuty } from '../../../shared/domain/board';
export type { IncidentEvent, Obligation };

import type { BoardRow } from '../../../shared/domain/board';
import type { IncidentEvent, IncidentState } from '../../../shared/domain/incident';
import type { Obligation } from '../../../shared/domain/obligation';

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
  >;
  readonly reports: readonly ReportSubmittedData[];
  readonly obligations: readonly Obligation[];
}

/** `GET /v1/incidents/{id}/audit` → the log, read by the incident page's timeline. */
export interface AuditTrailAnswer {
  readonly incidentId: string;
  readonly events: readonly IncidentEvent[];
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

/** `POST /v1/incidents/{id}/grade`. */
export interface AssessGradeAnswer {
  readonly incidentId: string;
  readonly previousGrade: Grade;
  readonly grade: Grade;
  readonly changed: boolean;
  readonly opened: readonly Obligation[];
  readonly waived: readonly Obligation[];
}
