/** POST /v1/incidents/{id}/acknowledge: an office records that it has the report. */
import { apiTablesEnv, makeAccessLog } from '../../shared/adapters/dynamodb';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { incidentRegionIn } from '../../shared/adapters/http/refusal-target';
import { makeAcknowledge } from '../../shared/application/escalation';
import { readEnv } from '../../shared/config/env';
import { acknowledgeBodySchema } from '../../shared/schemas/forward';
import { incidentPathSchema } from '../../shared/schemas/queries';
import { composeAppendEvents } from '../append-events-composition';

const { incidents, appendEvents, clock } = await composeAppendEvents();
const accessLog = makeAccessLog(readEnv(apiTablesEnv));
const acknowledge = makeAcknowledge({ appendEvents });

export const handler = apiHandler(
  {
    action: 'POST /v1/incidents/{id}/acknowledge',
    roles: ['office'],
    input: { path: incidentPathSchema, body: acknowledgeBodySchema },
    accessLog,
    clock,
    incidentRegion: incidentRegionIn(incidents),
  },
  async ({ actor, path, body }) => json(200, await acknowledge(actor, path.id, body.note)),
);
