/** GET /v1/units/{unit}/daily-reports: the zero reports a reporting unit owes on a day, and whether each is filed. */
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
import { makeUnitDailyReports } from '../../shared/application/unit-reads';
import { readEnv } from '../../shared/config/env';
import { unitDailyReportsQuerySchema, unitPathSchema } from '../../shared/schemas/unit-reads';

const env = readEnv(accessLogEnv.extend(zeroReportsEnv.shape).extend(officersEnv.shape));
const unitDailyReports = makeUnitDailyReports({
  store: makeZeroReportStore(env),
  registry: makeUnitRegistry(env),
  clock: systemClock,
});

export const handler = apiHandler(
  {
    action: 'GET /v1/units/{unit}/daily-reports',
    roles: ['reporter'],
    input: { path: unitPathSchema, query: unitDailyReportsQuerySchema },
    accessLog: makeAccessLog(env),
    clock: systemClock,
  },
  async ({ actor, path, query }) =>
    json(200, await unitDailyReports(actor, { unit: path.unit, ...(query.date ? { date: query.date } : {}) })),
);
