/** GET /v1/incidents/{id}: an incident's current state, reports and obligations. */
import { apiTablesEnv, makeIncidentAdapters } from '../../shared/adapters/dynamodb';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { systemClock } from '../../shared/adapters/system';
import { makeGetIncident } from '../../shared/application/read-incidents';
import { readEnv } from '../../shared/config/env';
import { incidentPathSchema } from '../../shared/schemas/queries';

const { incidents, accessLog } = makeIncidentAdapters(readEnv(apiTablesEnv));
const getIncident = makeGetIncident({ incidents });

export const handler = apiHandler(
  { action: 'GET /v1/incidents/{id}', input: { path: incidentPathSchema }, accessLog, clock: systemClock },
  async ({ actor, path }) => json(200, await getIncident(actor, path.id)),
);
