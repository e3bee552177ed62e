/** POST /v1/incidents/{id}/findings: an inspector records a false- or concealed-report finding. */
import { apiTablesEnv, makeAccessLog } from '../../shared/adapters/dynamodb';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { incidentRegionIn } from '../../shared/adapters/http/refusal-target';
import { makeRecordFinding } from '../../shared/application/findings';
import { readEnv } from '../../shared/config/env';
import { findingBodySchema } from '../../shared/schemas/findings';
import { incidentPathSchema } from '../../shared/schemas/queries';
import { idempotencyHeaderSchema } from '../../shared/schemas/report';
import { composeAppendEvents } from '../append-events-composition';

const { incidents, appendEvents, clock } = await composeAppendEvents();
const accessLog = makeAccessLog(readEnv(apiTablesEnv));
const recordFinding = makeRecordFinding({ incidents, appendEvents });

export const handler = apiHandler(
  {
    action: 'POST /v1/incidents/{id}/findings',
    roles: ['inspector'],
    input: { path: incidentPathSchema, body: findingBodySchema, headers: idempotencyHeaderSchema },
    accessLog,
    clock,
    incidentRegion: incidentRegionIn(incidents),
  },
  async ({ actor, path, body, headers }) => {
    const key = headers['idempotency-key'];
    const { finding } = await recordFinding({
      actor,
      incidentId: path.id,
      finding: body,
      ...(key ? { idempotencyKey: key } : {}),
    });
    return json(201, finding, { location: `/v1/incidents/${path.id}/audit` });
  },
);
