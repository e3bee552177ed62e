/** POST /v1/drills: an emergency office starts a drill for its jurisdiction or part of it. */
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { loadPolicy, policyEnv } from '../../shared/adapters/policy-source';
import { makeStartDrill } from '../../shared/application/drills';
import { readEnv } from '../../shared/config/env';
import { startDrillBodySchema } from '../../shared/schemas/drills';
import { composeDrills } from '../drill-composition';

const { deps, accessLog } = composeDrills();
const startDrill = makeStartDrill({ ...deps, policy: await loadPolicy(readEnv(policyEnv).POLICY) });

export const handler = apiHandler(
  {
    action: 'POST /v1/drills',
    roles: ['office'],
    input: { body: startDrillBodySchema },
    accessLog,
    clock: deps.clock,
  },
  // A retried start answers the drill the first one created.
  async ({ actor, body }) => {
    const { drill } = await startDrill(actor, body);
    return json(201, drill, { location: `/v1/drills/${drill.drillId}/report` });
  },
);
