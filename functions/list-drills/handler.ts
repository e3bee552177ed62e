/** GET /v1/drills: the drills of a region, or for a reporting unit those that cover it. */
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { makeListDrills } from '../../shared/application/drills';
import { drillsQuerySchema } from '../../shared/schemas/drills';
import { composeDrills } from '../drill-composition';

const { deps, accessLog } = composeDrills();
const listDrills = makeListDrills(deps);

export const handler = apiHandler(
  { action: 'GET /v1/drills', input: { query: drillsQuerySchema }, accessLog, clock: deps.clock },
  async ({ actor, query }) => json(200, await listDrills(actor, query)),
);
