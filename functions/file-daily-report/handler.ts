/** POST /v1/daily-reports: a reporting unit files its daily (zero) report for a duty period. */
import {
  accessLogEnv,
  makeAccessLog,
  makeUnitRegistry,
  makeZeroReportStore,
  officersEnv,
  zeroReportsEnv,
} from '../../shared/adapters/dynamodb';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { systemClock } from '../../shared/adapters/system';
import { makeFileDailyReport } from '../../shared/application/file-daily-report';
import { readEnv } from '../../shared/config/env';
import { dailyReportBodySchema } from '../../shared/schemas/zero-reports';

const env = readEnv(accessLogEnv.extend(zeroReportsEnv.shape).extend(officersEnv.shape));
const fileDailyReport = makeFileDailyReport({
  store: makeZeroReportStore(env),
  registry: makeUnitRegistry(env),
  clock: systemClock,
});

export const handler = apiHandler(
  {
    action: 'POST /v1/daily-reports',
    roles: ['reporter'],
    input: { body: dailyReportBodySchema },
    accessLog: makeAccessLog(env),
    clock: systemClock,
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
