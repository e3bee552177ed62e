/** The DynamoDB adapters a handler needs, wired from the table names in its environment. */
import { z } from 'zod';
import { makeDynamoAccessLog } from './access-log';
import { makeDocumentClient } from './document-client';
import { makeDynamoIncidentStore } from './incident-store';

export const incidentTablesEnv = z.object({
  INCIDENTS_TABLE: z.string().min(1),
  ACCESS_LOG_TABLE: z.string().min(1),
  /** Only the functions that accept idempotent requests are given it. */
  IDEMPOTENCY_TABLE: z.string().min(1).optional(),
});

export const makeIncidentAdapters = (env: z.output<typeof incidentTablesEnv>) => {
  const client = makeDocumentClient();
  return {
    incidents: makeDynamoIncidentStore({
      client,
      incidentsTable: env.INCIDENTS_TABLE,
      ...(env.IDEMPOTENCY_TABLE ? { idempotencyTable: env.IDEMPOTENCY_TABLE } : {}),
    }),
    accessLog: makeDynamoAccessLog({ client, table: env.ACCESS_LOG_TABLE }),
  };
};
