/** GET /v1/desk/board: the office's live board, or what changed on it since the last poll. */
import { apiTablesEnv, makeIncidentAdapters } from '../../shared/adapters/dynamodb';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { loadPolicy, policyEnv } from '../../shared/adapters/policy-source';
import { systemClock } from '../../shared/adapters/system';
import { makeReadBoard } from '../../shared/application/desk-board';
import { readEnv } from '../../shared/config/env';
import { boardQuerySchema } from '../../shared/schemas/desk';

const env = readEnv(apiTablesEnv.extend(policyEnv.shape));
const { incidents, accessLog } = makeIncidentAdapters(env);
const readBoard = makeReadBoard({ incidents, clock: systemClock, policy: await loadPolicy(env.POLICY) });

export const handler = apiHandler(
  {
    action: 'GET /v1/desk/board',
    roles: ['office'],
    input: { query: boardQuerySchema },
    accessLog,
    clock: systemClock,
  },
  async ({ actor, query }) => json(200, await readBoard(actor, query)),
);
