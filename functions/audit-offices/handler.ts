/**
 * GET /v1/audit/offices: how punctually each office of the inspector's jurisdiction kept the
 * deadlines it held, as JSON or as CSV for the inspector's own report.
 */
import { apiTablesEnv, makeIncidentAdapters, makeSummaryStore, summariesEnv } from '../../shared/adapters/dynamodb';
import { apiHandler, json, text } from '../../shared/adapters/http/api-handler';
import { punctualityCsv } from '../../shared/adapters/http/audit-csv';
import { systemClock } from '../../shared/adapters/system';
import { makeOfficePunctuality } from '../../shared/application/audit';
import { readEnv } from '../../shared/config/env';
import { auditOfficesQuerySchema } from '../../shared/schemas/audit';

const env = readEnv(apiTablesEnv.extend(summariesEnv.shape));
const { incidents, accessLog } = makeIncidentAdapters(env);
// The offices' punctuality counters answer for the whole days of the period.
const officePunctuality = makeOfficePunctuality({ incidents, clock: systemClock, summaries: makeSummaryStore(env) });

export const handler = apiHandler(
  {
    action: 'GET /v1/audit/offices',
    roles: ['inspector'],
    input: { query: auditOfficesQuerySchema },
    accessLog,
    clock: systemClock,
  },
  async ({ actor, query }) => {
    const { format, ...rest } = query;
    const table = await officePunctuality(actor, rest);
    if (format === 'csv') {
      return text(200, punctualityCsv(table.offices), 'text/csv; charset=utf-8; header=present', {
        'content-disposition': `attachment; filename="offices-${table.region}.csv"`,
      });
    }
    return json(200, table);
  },
);
