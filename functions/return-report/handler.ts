/** POST /v1/incidents/{id}/return: an office sends the report back to its sender for correction. */
import { apiTablesEnv, makeAccessLog } from '../../shared/adapters/dynamodb';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { incidentRegionIn } from '../../shared/adapters/http/refusal-target';
import { makeReturnReport } from '../../shared/application/return-report';
import { readEnv } from '../../shared/config/env';
import { returnBodySchema } from '../../shared/schemas/forward';
import { incidentPathSchema } from '../../shared/schemas/queries';
import { composeAppendEvents } from '../append-events-composition';

const { incidents, appendEvents, clock, policy } = await composeAppendEvents();
const accessLog = makeAccessLog(readEnv(apiTablesEnv));
const returnReport = makeReturnReport({ incidents, appendEvents, policy });

export const handler = apiHandler(
  {
    action: 'POST /v1/incidents/{id}/return',
    roles: ['office'],
    input: { path: incidentPathSchema, body: returnBodySchema },
    accessLog,
    clock,
    incidentRegion: incidentRegionIn(incidents),
  },
  async ({ actor, path, body }) => json(200, await returnReport(actor, path.id, body)),
);
