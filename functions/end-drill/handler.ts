/** POST /v1/drills/{id}/end: an office ends a drill before its time. */
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { makeEndDrill } from '../../shared/application/drills';
import { drillPathSchema, endDrillBodySchema } from '../../shared/schemas/drills';
import { composeDrills } from '../drill-composition';

const { deps, accessLog } = composeDrills();
const endDrill = makeEndDrill(deps);

export const handler = apiHandler(
  {
    action: 'POST /v1/drills/{id}/end',
    roles: ['office'],
    input: { path: drillPathSchema, body: endDrillBodySchema },
    accessLog,
    clock: deps.clock,
  },
  async ({ actor, path, body }) => json(200, await endDrill(actor, path.id, body.reason)),
);
