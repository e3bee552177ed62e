/**
 * The web console restates the API's answers in `web/src/api/types.ts` (the server's modules use
 * Node, which the browser bundle cannot import). These checks run in the type-checker: if an answer
 * the server sends stops fitting what the console reads, `npm run typecheck` fails.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type * as z from 'zod';
import type { makeListAttachments } from '../../shared/application/attachments';
import type { BoardView } from '../../shared/application/desk-board';
import type { makeDrillReport } from '../../shared/application/drill-report';
import type { makeEndDrill, makeListDrills, makeStartDrill } from '../../shared/application/drills';
import type { makeListDutyPeriods, makeReadZeroGrid } from '../../shared/application/duty-desk-reads';
import type { makeAcknowledge, makeAssessGrade, makeForward } from '../../shared/application/escalation';
import type { makeReadOfficers } from '../../shared/application/officers';
import type { AuditTrail, IncidentView } from '../../shared/application/read-incidents';
import type { makeReturnReport } from '../../shared/application/return-report';
import type { makeReadSummary } from '../../shared/application/roll-up';
import type { UnitDailyReports as ServerDailyReports, UnitIncidentView } from '../../shared/application/unit-reads';
import type { ReportReceipt as SubmitReportResponse } from '../../shared/domain/report-receipt';
import type { auditPageSchema, punctualityTableSchema } from '../../shared/schemas/audit';
import type { startDrillBodySchema } from '../../shared/schemas/drills';
import type { ReportBodyInput } from '../../shared/schemas/report';
import type {
  accessDeniedPageSchema,
  candidatesPageSchema,
  recordedFindingSchema,
  verifyResponseSchema,
} from '../../shared/schemas/responses';
import type { dailyReportBodySchema, makeDutyPeriodBodySchema } from '../../shared/schemas/zero-reports';
import type {
  AccessDeniedPage,
  AcknowledgeAnswer,
  AssessGradeAnswer,
  AuditPage,
  AuditTrailAnswer,
  BoardAnswer,
  CandidatesPage,
  DailyReportInput,
  Drill,
  DrillInput,
  DrillList,
  DrillReport,
  DutyPeriodInput,
  DutyPeriodList,
  ForwardAnswer,
  IncidentAttachmentsAnswer,
  OfficeIncidentAnswer,
  OfficeOfficers,
  PunctualityTable,
  RecordedFinding,
  ReturnAnswer,
  SubmitReportAnswer,
  Summary,
  UnitDailyReports,
  UnitIncident,
  VerifyPage,
  ReportBodyInput as WebReportBody,
  ZeroGrid,
} from '../../web/src/api/types';

/** What a use case maker's use case resolves to. */
type Result<M extends (...deps: never[]) => (...args: never[]) => Promise<unknown>> = Awaited<
  ReturnType<ReturnType<M>>
>;

describe('the web console’s API types', () => {
  it('read what POST /v1/reports answers', () => {
    expectTypeOf<SubmitReportResponse>().toExtend<SubmitReportAnswer>();
  });

  it('read what the unit’s own reads answer', () => {
    expectTypeOf<UnitIncidentView>().toExtend<UnitIncident>();
    expectTypeOf<ServerDailyReports>().toExtend<UnitDailyReports>();
  });

  it('read what the duty desk’s reads answer', () => {
    expectTypeOf<Result<typeof makeReadSummary>>().toExtend<Summary>();
    expectTypeOf<Result<typeof makeReadOfficers>>().toExtend<OfficeOfficers>();
    expectTypeOf<Result<typeof makeListDutyPeriods>>().toExtend<DutyPeriodList>();
    expectTypeOf<Result<typeof makeReadZeroGrid>>().toExtend<ZeroGrid>();
  });

  it('read what the attachment list answers', () => {
    expectTypeOf<Result<typeof makeListAttachments>>().toExtend<IncidentAttachmentsAnswer>();
  });

  it('read what the drill routes answer', () => {
    expectTypeOf<Result<typeof makeStartDrill>['drill']>().toExtend<Drill>();
    expectTypeOf<Result<typeof makeListDrills>>().toExtend<DrillList>();
    expectTypeOf<Result<typeof makeEndDrill>>().toExtend<Drill>();
    expectTypeOf<Result<typeof makeDrillReport>>().toExtend<DrillReport>();
  });

  it('read what the duty desk’s routes answer', () => {
    expectTypeOf<BoardView>().toExtend<BoardAnswer>();
    expectTypeOf<IncidentView>().toExtend<OfficeIncidentAnswer>();
    expectTypeOf<AuditTrail>().toExtend<AuditTrailAnswer>();
    expectTypeOf<Result<typeof makeAcknowledge>>().toExtend<AcknowledgeAnswer>();
    expectTypeOf<Result<typeof makeForward>>().toExtend<ForwardAnswer>();
    expectTypeOf<Result<typeof makeReturnReport>>().toExtend<ReturnAnswer>();
    expectTypeOf<Result<typeof makeAssessGrade>>().toExtend<AssessGradeAnswer>();
  });

  it('read what the inspectors’ routes answer', () => {
    expectTypeOf<z.output<typeof auditPageSchema>>().toExtend<AuditPage>();
    expectTypeOf<z.output<typeof punctualityTableSchema>>().toExtend<PunctualityTable>();
    expectTypeOf<z.output<typeof candidatesPageSchema>>().toExtend<CandidatesPage>();
    expectTypeOf<z.output<typeof verifyResponseSchema>>().toExtend<VerifyPage>();
    expectTypeOf<z.output<typeof accessDeniedPageSchema>>().toExtend<AccessDeniedPage>();
    expectTypeOf<z.output<typeof recordedFindingSchema>>().toExtend<RecordedFinding>();
  });

  it('send the API’s own request bodies', () => {
    expectTypeOf<WebReportBody>().toEqualTypeOf<ReportBodyInput>();
    expectTypeOf<DailyReportInput>().toExtend<z.input<typeof dailyReportBodySchema>>();
    expectTypeOf<DutyPeriodInput>().toExtend<z.input<ReturnType<typeof makeDutyPeriodBodySchema>>>();
    expectTypeOf<DrillInput>().toExtend<z.input<typeof startDrillBodySchema>>();
  });
});
