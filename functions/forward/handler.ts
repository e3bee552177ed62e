/** POST /v1/incidents/{id}/forward: an office reports the incident up the chain. */
import { apiTablesEnv, makeAccessLog } from '../../shared/adapters/dynamodb';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { incidentRegionIn } from '../../shared/adapters/http/refusal-target';
import { makeForward } from '../../shared/application/escalation';
import { readEnv } from '../../shared/config/env';
import { forwardBodySchema } from '../../shared/schemas/forward';
import { incidentPathSchema } from '../../shared/schemas/queries';
import { composeAppendEvents } from '../append-events-composition';

const { incidents, appendEvents, clock } = await composeAppendEvents();
const accessLog = makeAccessLog(readEnv(apiTablesEnv));
const forward = makeForward({ appendEvents });

export const handler = apiHandler(
  {
    action: 'POST /v1/incidents/{id}/forward',
    roles: ['office'],
    input: { path: incidentPathSchema, body: forwardBodySchema },
    accessLog,
    clock,
    incidentRegion: incidentRegionIn(incidents),
  },
  async ({ actor, path, body }) => json(200, await forward(actor, path.id, body)),
);
