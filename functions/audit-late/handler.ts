/**
 * GET /v1/audit/late: duties of the inspector's jurisdiction met after their deadline, with who
 * answered for each, as JSON or as CSV for the inspector's own report.
 */
import { apiTablesEnv, makeIncidentAdapters, makeOfficerDirectory, officersEnv } from '../../shared/adapters/dynamodb';
import { apiHandler, json, text } from '../../shared/adapters/http/api-handler';
import { auditRowsCsv } from '../../shared/adapters/http/audit-csv';
import { systemClock } from '../../shared/adapters/system';
import { makeListLate } from '../../shared/application/audit';
import { readEnv } from '../../shared/config/env';
import { auditLateQuerySchema, encodeAuditCursor, NEXT_CURSOR_HEADER } from '../../shared/schemas/audit';

const env = readEnv(apiTablesEnv.extend(officersEnv.shape));
const { incidents, accessLog } = makeIncidentAdapters(env);
const listLate = makeListLate({ incidents, directory: makeOfficerDirectory(env), clock: systemClock });

export const handler = apiHandler(
  {
    action: 'GET /v1/audit/late',
    roles: ['inspector'],
    input: { query: auditLateQuerySchema },
    accessLog,
    clock: systemClock,
  },
  async ({ actor, query }) => {
    const { format, ...rest } = query;
    const { rows, next, ...period } = await listLate(actor, rest);
    const cursor = next ? encodeAuditCursor(next) : undefined;
    if (format === 'csv') {
      return text(200, auditRowsCsv(rows), 'text/csv; charset=utf-8; header=present', {
        'content-disposition': `attachment; filename="late-${period.region}.csv"`,
        ...(cursor ? { [NEXT_CURSOR_HEADER]: cursor } : {}),
      });
    }
    return json(200, { ...period, items: rows, ...(cursor ? { next: cursor } : {}) });
  },
);
