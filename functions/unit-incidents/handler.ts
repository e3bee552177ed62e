/** GET /v1/units/{unit}/incidents: the incidents a reporting unit reported, newest first (that unit only). */
import { apiTablesEnv, makeIncidentAdapters } from '../../shared/adapters/dynamodb';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { systemClock } from '../../shared/adapters/system';
import { makeListUnitIncidents } from '../../shared/application/unit-reads';
import { readEnv } from '../../shared/config/env';
import { encodeCursor } from '../../shared/schemas/queries';
import { unitIncidentsQuerySchema, unitPathSchema } from '../../shared/schemas/unit-reads';

const { incidents, accessLog } = makeIncidentAdapters(readEnv(apiTablesEnv));
const listUnitIncidents = makeListUnitIncidents({ incidents });

export const handler = apiHandler(
  {
    action: 'GET /v1/units/{unit}/incidents',
    roles: ['reporter'],
    input: { path: unitPathSchema, query: unitIncidentsQuerySchema },
    accessLog,
    clock: systemClock,
  },
  async ({ actor, path, query }) => {
    const { cursor, ...rest } = query;
    const page = await listUnitIncidents(actor, { unit: path.unit, ...rest, ...(cursor ? { after: cursor } : {}) });
    return json(200, { items: page.items, ...(page.after ? { next: encodeCursor(page.after) } : {}) });
  },
);
