/** POST /v1/duty-periods: an emergency office activates a duty period (zero reports) for its jurisdiction. */
import { accessLogEnv, makeAccessLog, makeZeroReportStore, zeroReportsEnv } from '../../shared/adapters/dynamodb';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { systemClock } from '../../shared/adapters/system';
import { makeActivateDutyPeriod } from '../../shared/application/activate-duty-period';
import { readEnv } from '../../shared/config/env';
import { makeDutyPeriodBodySchema } from '../../shared/schemas/zero-reports';

const env = readEnv(accessLogEnv.extend(zeroReportsEnv.shape));
const activate = makeActivateDutyPeriod({ store: makeZeroReportStore(env), clock: systemClock });

export const handler = apiHandler(
  {
    action: 'POST /v1/duty-periods',
    roles: ['office'],
    input: { body: makeDutyPeriodBodySchema(() => systemClock.now().getTime()) },
    accessLog: makeAccessLog(env),
    clock: systemClock,
  },
  // A retried activation answers the period the first one created, exactly as it did then.
  async ({ actor, body }) => json(201, (await activate(actor, body)).period),
);
