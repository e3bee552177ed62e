/** GET /v1/incidents: a region's incidents, newest first, a page at a time. */
import { apiTablesEnv, makeIncidentAdapters } from '../../shared/adapters/dynamodb';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { systemClock } from '../../shared/adapters/system';
import { makeListIncidents } from '../../shared/application/read-incidents';
import { readEnv } from '../../shared/config/env';
import { encodeCursor, listIncidentsQuerySchema } from '../../shared/schemas/queries';

const { incidents, accessLog } = makeIncidentAdapters(readEnv(apiTablesEnv));
const listIncidents = makeListIncidents({ incidents });

export const handler = apiHandler(
  { action: 'GET /v1/incidents', input: { query: listIncidentsQuerySchema }, accessLog, clock: systemClock },
  async ({ actor, query }) => {
    const { cursor, ...rest } = query;
    const page = await listIncidents(actor, { ...rest, ...(cursor ? { after: cursor } : {}) });
    return json(200, { items: page.items, ...(page.after ? { next: encodeCursor(page.after) } : {}) });
  },
);
