/** GET /v1/drills/{id}/report: a drill's incidents and hand-overs, for the after-action review. */
import { apiTablesEnv, drillsEnv, makeDrillStore, makeIncidentAdapters } from '../../shared/adapters/dynamodb';
import { apiHandler, json, text } from '../../shared/adapters/http/api-handler';
import { drillReportCsv } from '../../shared/adapters/http/drill-csv';
import { loadPolicy, policyEnv } from '../../shared/adapters/policy-source';
import { systemClock } from '../../shared/adapters/system';
import { makeDrillReport } from '../../shared/application/drill-report';
import { readEnv } from '../../shared/config/env';
import { drillPathSchema, drillReportQuerySchema } from '../../shared/schemas/drills';

const env = readEnv(apiTablesEnv.extend(drillsEnv.shape).extend(policyEnv.shape));
const { incidents, accessLog } = makeIncidentAdapters(env);
const drillReport = makeDrillReport({
  drills: makeDrillStore(env),
  incidents,
  clock: systemClock,
  policy: await loadPolicy(env.POLICY),
});

export const handler = apiHandler(
  {
    action: 'GET /v1/drills/{id}/report',
    input: { path: drillPathSchema, query: drillReportQuerySchema },
    accessLog,
    clock: systemClock,
  },
  async ({ actor, path, query }) => {
    const report = await drillReport(actor, path.id);
    if (query.format === 'csv') {
      return text(200, drillReportCsv(report), 'text/csv; charset=utf-8; header=present', {
        'content-disposition': `attachment; filename="drill-${path.id}.csv"`,
      });
    }
    return json(200, report);
  },
);
