/** GET /v1/incidents/{id}/audit: the event log, with the hash chain recomputed. */
import { apiTablesEnv, makeIncidentAdapters } from '../../shared/adapters/dynamodb';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { systemClock } from '../../shared/adapters/system';
import { makeAuditIncident } from '../../shared/application/read-incidents';
import { readEnv } from '../../shared/config/env';
import { pipelineMetrics } from '../../shared/observability';
import { incidentPathSchema } from '../../shared/schemas/queries';

const { incidents, accessLog } = makeIncidentAdapters(readEnv(apiTablesEnv));
const auditIncident = makeAuditIncident({ incidents });

export const handler = apiHandler(
  { action: 'GET /v1/incidents/{id}/audit', input: { path: incidentPathSchema }, accessLog, clock: systemClock },
  async ({ actor, path }) => {
    const trail = await auditIncident(actor, path.id);
    pipelineMetrics.chainsVerified(trail.verification.intact ? 0 : 1);
    return json(200, trail);
  },
);
