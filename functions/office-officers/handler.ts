/** GET /v1/offices/{code}/officers: an office's responsible persons, roster and who is on duty. */
import { accessLogEnv, makeAccessLog, makeOfficerDirectory, officersEnv } from '../../shared/adapters/dynamodb';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { systemClock } from '../../shared/adapters/system';
import { makeReadOfficers } from '../../shared/application/officers';
import { readEnv } from '../../shared/config/env';
import { officePathSchema } from '../../shared/schemas/queries';

const env = readEnv(accessLogEnv.extend(officersEnv.shape));
const readOfficers = makeReadOfficers({ directory: makeOfficerDirectory(env), clock: systemClock });

export const handler = apiHandler(
  {
    action: 'GET /v1/offices/{code}/officers',
    input: { path: officePathSchema },
    accessLog: makeAccessLog(env),
    clock: systemClock,
  },
  async ({ actor, path }) => json(200, await readOfficers(actor, path.code)),
);
