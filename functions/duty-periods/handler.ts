/** GET /v1/duty-periods: the duty periods obliging units in an office's jurisdiction. */
import { accessLogEnv, makeAccessLog, makeZeroReportStore, zeroReportsEnv } from '../../shared/adapters/dynamodb';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { systemClock } from '../../shared/adapters/system';
import { makeListDutyPeriods } from '../../shared/application/duty-desk-reads';
import { readEnv } from '../../shared/config/env';
import { dutyPeriodsQuerySchema } from '../../shared/schemas/queries';

const env = readEnv(accessLogEnv.extend(zeroReportsEnv.shape));
const listDutyPeriods = makeListDutyPeriods({ store: makeZeroReportStore(env) });

export const handler = apiHandler(
  {
    action: 'GET /v1/duty-periods',
    input: { query: dutyPeriodsQuerySchema },
    accessLog: makeAccessLog(env),
    clock: systemClock,
  },
  async ({ actor, query }) => json(200, await listDutyPeriods(actor, query)),
);
