/** GET /v1/audit/access-denied: refused requests in the inspector's jurisdiction. */
import { accessLogEnv, makeAccessLog } from '../../shared/adapters/dynamodb';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { systemClock } from '../../shared/adapters/system';
import { makeListAccessDenied } from '../../shared/application/list-access-denied';
import { readEnv } from '../../shared/config/env';
import { accessDeniedQuerySchema, encodeCursor } from '../../shared/schemas/queries';

const accessLog = makeAccessLog(readEnv(accessLogEnv));
const listAccessDenied = makeListAccessDenied({ accessLog });

export const handler = apiHandler(
  {
    action: 'GET /v1/audit/access-denied',
    roles: ['inspector'],
    input: { query: accessDeniedQuerySchema },
    accessLog,
    clock: systemClock,
  },
  async ({ actor, query }) => {
    const { cursor, ...rest } = query;
    const page = await listAccessDenied(actor, { ...rest, ...(cursor ? { after: cursor } : {}) });
    return json(200, { items: page.items, ...(page.after ? { next: encodeCursor(page.after) } : {}) });
  },
);
