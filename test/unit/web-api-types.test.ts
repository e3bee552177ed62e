/**
 * The web console restates the API's answers in `web/src/api/types.ts` (the server's modules use
 * Node, which the browser bundle cannot import). These checks run in the type-checker: if an answer
 * the server sends stops fitting what the console reads, `npm run typecheck` fails.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { BoardView } from '../../shared/application/desk-board';
import type { makeAcknowledge, makeAssessGrade, makeForward } from '../../shared/application/escalation';
import type { AuditTrail, IncidentView } from '../../shared/application/read-incidents';
import type { UnitDailyReports as ServerDailyReports, UnitIncidentView } from '../../shared/application/unit-reads';
import type { ReportReceipt as SubmitReportResponse } from '../../shared/domain/report-receipt';
import type { ReportBodyInput } from '../../shared/schemas/report';
import type { dailyReportBodySchema } from '../../shared/schemas/zero-reports';
import type {
  AcknowledgeAnswer,
  AssessGradeAnswer,
  AuditTrailAnswer,
  BoardAnswer,
  DailyReportInput,
  ForwardAnswer,
  OfficeIncidentAnswer,
  SubmitReportAnswer,
  UnitDailyReports,
  UnitIncident,
  ReportBodyInput as WebReportBody,
} from '../../web/src/api/types';

type Result<F extends (...args: never[]) => (...args: never[]) => Promise<unknown>> = Awaited<
  ReturnType<ReturnType<F>>
>;

describe('the web console’s API types', () => {
  it('read what POST /v1/reports answers', () => {
    expectTypeOf<SubmitReportResponse>().toExtend<SubmitReportAnswer>();
  });

  it('read what the unit’s own reads answer', () => {
    expectTypeOf<UnitIncidentView>().toExtend<UnitIncident>();
    expectTypeOf<ServerDailyReports>().toExtend<UnitDailyReports>();
  });

  it('read what the duty desk’s routes answer', () => {
    expectTypeOf<BoardView>().toExtend<BoardAnswer>();
    expectTypeOf<IncidentView>().toExtend<OfficeIncidentAnswer>();
    expectTypeOf<Pick<AuditTrail, 'incidentId' | 'events'>>().toExtend<AuditTrailAnswer>();
    expectTypeOf<Result<typeof makeAcknowledge>>().toExtend<AcknowledgeAnswer>();
    expectTypeOf<Result<typeof makeForward>>().toExtend<ForwardAnswer>();
    expectTypeOf<Result<typeof makeAssessGrade>>().toExtend<AssessGradeAnswer>();
  });

  it('send the API’s own request bodies', () => {
    expectTypeOf<WebReportBody>().toEqualTypeOf<ReportBodyInput>();
    expectTypeOf<DailyReportInput>().toExtend<z.input<typeof dailyReportBodySchema>>();
  });
});
