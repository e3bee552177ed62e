/** GET /v1/units/{unit}/daily-reports: the zero reports a reporting unit owes on a day, and whether each is filed. */
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { makeUnitDailyReports } from '../../shared/application/unit-reads';
import { unitDailyReportsQuerySchema, unitPathSchema } from '../../shared/schemas/unit-reads';
import { composeUnitDuties } from '../unit-duty-composition';

const { deps, accessLog } = composeUnitDuties();
const unitDailyReports = makeUnitDailyReports(deps);

export const handler = apiHandler(
  {
    action: 'GET /v1/units/{unit}/daily-reports',
    roles: ['reporter'],
    input: { path: unitPathSchema, query: unitDailyReportsQuerySchema },
    accessLog,
    clock: deps.clock,
  },
  async ({ actor, path, query }) =>
    json(200, await unitDailyReports(actor, { unit: path.unit, ...(query.date ? { date: query.date } : {}) })),
);
