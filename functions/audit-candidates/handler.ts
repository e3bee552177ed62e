/** GET /v1/audit/candidates: incidents of the inspector's jurisdiction worth inspecting, and why. */
import { apiTablesEnv, makeIncidentAdapters } from '../../shared/adapters/dynamodb';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { systemClock } from '../../shared/adapters/system';
import { makeListCandidates } from '../../shared/application/candidates';
import { readEnv } from '../../shared/config/env';
import { candidatesQuerySchema } from '../../shared/schemas/inspection-queries';
import { encodeCursor } from '../../shared/schemas/queries';

const { incidents, accessLog } = makeIncidentAdapters(readEnv(apiTablesEnv));
const listCandidates = makeListCandidates({ incidents });

export const handler = apiHandler(
  {
    action: 'GET /v1/audit/candidates',
    roles: ['inspector'],
    input: { query: candidatesQuerySchema },
    accessLog,
    clock: systemClock,
  },
  async ({ actor, query }) => {
    const { cursor, ...rest } = query;
    const { after, ...page } = await listCandidates(actor, { ...rest, ...(cursor ? { after: cursor } : {}) });
    return json(200, { ...page, ...(after ? { next: encodeCursor(after) } : {}) });
  },
);
