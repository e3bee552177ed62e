/** POST /v1/incidents/{id}/grade: an office that has the report assesses or changes its grade, with a reason. */
import { apiTablesEnv, makeAccessLog } from '../../shared/adapters/dynamodb';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { incidentRegionIn } from '../../shared/adapters/http/refusal-target';
import { makeAssessGrade } from '../../shared/application/escalation';
import { readEnv } from '../../shared/config/env';
import { assessGradeBodySchema } from '../../shared/schemas/desk';
import { incidentPathSchema } from '../../shared/schemas/queries';
import { composeAppendEvents } from '../append-events-composition';

const { incidents, appendEvents, clock } = await composeAppendEvents();
const accessLog = makeAccessLog(readEnv(apiTablesEnv));
const assessGrade = makeAssessGrade({ appendEvents });

export const handler = apiHandler(
  {
    action: 'POST /v1/incidents/{id}/grade',
    roles: ['office'],
    input: { path: incidentPathSchema, body: assessGradeBodySchema },
    accessLog,
    clock,
    incidentRegion: incidentRegionIn(incidents),
  },
  async ({ actor, path, body }) => json(200, await assessGrade(actor, path.id, body)),
);
