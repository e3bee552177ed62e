/** POST /v1/daily-reports: a reporting unit files its daily (zero) report for a duty period. */
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { makeFileDailyReport } from '../../shared/application/file-daily-report';
import { dailyReportBodySchema } from '../../shared/schemas/zero-reports';
import { composeUnitDuties } from '../unit-duty-composition';

const { deps, accessLog } = composeUnitDuties();
const fileDailyReport = makeFileDailyReport(deps);

export const handler = apiHandler(
  {
    action: 'POST /v1/daily-reports',
    roles: ['reporter'],
    input: { body: dailyReportBodySchema },
    accessLog,
    clock: deps.clock,
  },
  async ({ actor, body }) =>
    json(
      201,
      await fileDailyReport(actor, {
        periodId: body.periodId,
        date: body.date,
        nothingToReport: body.nothingToReport === true,
        ...(body.summary !== undefined ? { summary: body.summary } : {}),
        incidentIds: body.incidentIds ?? [],
      }),
    ),
);
