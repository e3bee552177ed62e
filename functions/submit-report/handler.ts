/** POST /v1/reports: a grassroots unit submits an initial, follow-up or final report. */
import { apiTablesEnv, drillsEnv, makeDrillStore, makeIncidentAdapters } from '../../shared/adapters/dynamodb';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { loadPolicy, policyEnv } from '../../shared/adapters/policy-source';
import { randomIds, systemClock } from '../../shared/adapters/system';
import { makeSubmitReport } from '../../shared/application/submit-report';
import { readEnv } from '../../shared/config/env';
import { pipelineMetrics } from '../../shared/observability';
import { idempotencyHeaderSchema, makeReportBodySchema } from '../../shared/schemas/report';

const env = readEnv(apiTablesEnv.extend(drillsEnv.shape).extend(policyEnv.shape));
const { incidents, accessLog } = makeIncidentAdapters(env);
const submitReport = makeSubmitReport({
  incidents,
  clock: systemClock,
  ids: randomIds,
  policy: await loadPolicy(env.POLICY),
  drills: makeDrillStore(env),
});

export const handler = apiHandler(
  {
    action: 'POST /v1/reports',
    roles: ['reporter'],
    input: {
      body: makeReportBodySchema(() => systemClock.now().getTime()),
      headers: idempotencyHeaderSchema,
    },
    accessLog,
    clock: systemClock,
  },
  async ({ actor, body, headers }) => {
    const key = headers['idempotency-key'];
    const result = await submitReport({ actor, report: body, ...(key ? { idempotencyKey: key } : {}) });
    pipelineMetrics.reportAccepted(body.kind, result);
    const { response } = result;
    return json(201, response, { location: `/v1/incidents/${response.incidentId}` });
  },
);
