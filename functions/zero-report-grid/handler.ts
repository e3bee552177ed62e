/** GET /v1/duty-periods/{id}/zero-reports: a duty period's units by day, within the caller's jurisdiction. */
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
import { makeReadZeroGrid } from '../../shared/application/duty-desk-reads';
import { readEnv } from '../../shared/config/env';
import { dutyPeriodPathSchema, zeroGridQuerySchema } from '../../shared/schemas/queries';

const env = readEnv(accessLogEnv.extend(zeroReportsEnv.shape).extend(officersEnv.shape));
const readZeroGrid = makeReadZeroGrid({
  store: makeZeroReportStore(env),
  registry: makeUnitRegistry(env),
  clock: systemClock,
});

export const handler = apiHandler(
  {
    action: 'GET /v1/duty-periods/{id}/zero-reports',
    input: { path: dutyPeriodPathSchema, query: zeroGridQuerySchema },
    accessLog: makeAccessLog(env),
    clock: systemClock,
  },
  async ({ actor, path, query }) => json(200, await readZeroGrid(actor, path.id, query)),
);
