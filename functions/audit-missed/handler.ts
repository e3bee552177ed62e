/**
 * GET /v1/audit/missed: duties of the inspector's jurisdiction never met — hand-overs the pipeline
 * escalated past, zero reports not filed by the cut-off — with who answered for each, as JSON or
 * as CSV for the inspector's own report.
 */
import {
  apiTablesEnv,
  makeIncidentAdapters,
  makeMissedZeroReports,
  makeOfficerDirectory,
  officersEnv,
  zeroReportsEnv,
} from '../../shared/adapters/dynamodb';
import { apiHandler, json, text } from '../../shared/adapters/http/api-handler';
import { auditRowsCsv } from '../../shared/adapters/http/audit-csv';
import { systemClock } from '../../shared/adapters/system';
import { makeListMissed } from '../../shared/application/audit';
import { readEnv } from '../../shared/config/env';
import { auditMissedQuerySchema, encodeAuditCursor, NEXT_CURSOR_HEADER } from '../../shared/schemas/audit';

const env = readEnv(apiTablesEnv.extend(officersEnv.shape).extend(zeroReportsEnv.shape));
const { incidents, accessLog } = makeIncidentAdapters(env);
const listMissed = makeListMissed({
  incidents,
  directory: makeOfficerDirectory(env),
  missedZeroReports: makeMissedZeroReports(env),
  clock: systemClock,
});

export const handler = apiHandler(
  {
    action: 'GET /v1/audit/missed',
    roles: ['inspector'],
    input: { query: auditMissedQuerySchema },
    accessLog,
    clock: systemClock,
  },
  async ({ actor, query }) => {
    const { format, ...rest } = query;
    const { rows, next, ...period } = await listMissed(actor, rest);
    const cursor = next ? encodeAuditCursor(next) : undefined;
    if (format === 'csv') {
      return text(200, auditRowsCsv(rows), 'text/csv; charset=utf-8; header=present', {
        'content-disposition': `attachment; filename="missed-${period.region}.csv"`,
        ...(cursor ? { [NEXT_CURSOR_HEADER]: cursor } : {}),
      });
    }
    return json(200, { ...period, items: rows, ...(cursor ? { next: cursor } : {}) });
  },
);
