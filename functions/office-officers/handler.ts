/** GET /v1/offices/{code}/officers: an office's responsible persons, roster and who is on duty. */
import { z } from 'zod';
import { apiTablesEnv, makeAccessLog, makeOfficerDirectory, officersEnv } from '../../shared/adapters/dynamodb';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { systemClock } from '../../shared/adapters/system';
import { makeReadOfficers } from '../../shared/application/officers';
import { readEnv } from '../../shared/config/env';

const env = readEnv(apiTablesEnv.extend(officersEnv.shape));
const readOfficers = makeReadOfficers({ directory: makeOfficerDirectory(env), clock: systemClock });

export const handler = apiHandler(
  {
    action: 'GET /v1/offices/{code}/officers',
    input: { path: z.object({ code: z.string().regex(/^\d{6}$/, { error: 'must be a six-digit GB/T 2260 code' }) }) },
    accessLog: makeAccessLog(env),
    clock: systemClock,
  },
  async ({ actor, path }) => json(200, await readOfficers(actor, path.code)),
);
