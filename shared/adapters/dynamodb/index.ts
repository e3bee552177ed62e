/** The DynamoDB adapters a handler needs, wired from the table names in its environment. */
import * as z from 'zod';
import { makeDynamoAccessDeniedChains, makeDynamoAccessLog } from './access-log';
import { makeDocumentClient } from './document-client';
import { makeDynamoDrillStore } from './drill-store';
import { makeDynamoIncidentStore } from './incident-store';
import { makeDynamoMissedZeroReports } from './missed-zero-reports';
import { makeDynamoOfficerDirectory } from './officer-directory';
import { makeDynamoSummaryStore } from './summary-store';
import { makeDynamoUnitRegistry } from './unit-registry';
import { makeDynamoZeroReportAuditChains } from './zero-report-audit-chains';
import { makeDynamoZeroReportStore } from './zero-report-store';

export const incidentTablesEnv = z.object({
  INCIDENTS_TABLE: z.string().min(1),
  /** Only the functions that accept idempotent requests are given it. */
  IDEMPOTENCY_TABLE: z.string().min(1).optional(),
  /** Only the functions behind the API, which record refusals, are given it. */
  ACCESS_LOG_TABLE: z.string().min(1).optional(),
});

type TablesEnv = z.output<typeof incidentTablesEnv>;

/** For API handlers: the access log is required, since every refusal must be recorded. */
export const apiTablesEnv = incidentTablesEnv.extend({ ACCESS_LOG_TABLE: z.string().min(1) });

const client = (() => {
  let built: ReturnType<typeof makeDocumentClient> | undefined;
  return () => {
    built ??= makeDocumentClient();
    return built;
  };
})();

export const makeIncidentStore = (env: TablesEnv) =>
  makeDynamoIncidentStore({
    client: client(),
    incidentsTable: env.INCIDENTS_TABLE,
    ...(env.IDEMPOTENCY_TABLE ? { idempotencyTable: env.IDEMPOTENCY_TABLE } : {}),
  });

/** The access log alone, for API functions that read no incident (the duty-period routes, the refusals list). */
export const accessLogEnv = z.object({ ACCESS_LOG_TABLE: z.string().min(1) });

export const makeAccessLog = (env: z.output<typeof accessLogEnv>) =>
  makeDynamoAccessLog({ client: client(), table: env.ACCESS_LOG_TABLE });

/** The daily hash chains of refused requests, for verification. */
export const makeAccessDeniedChains = (env: z.output<typeof accessLogEnv>) =>
  makeDynamoAccessDeniedChains({ client: client(), table: env.ACCESS_LOG_TABLE });

/** The incident store and the access log, for API handlers. */
export const makeIncidentAdapters = (env: z.output<typeof apiTablesEnv>) => ({
  incidents: makeIncidentStore(env),
  accessLog: makeAccessLog(env),
});

export const summariesEnv = z.object({ SUMMARIES_TABLE: z.string().min(1) });

export const makeSummaryStore = (env: z.output<typeof summariesEnv>) =>
  makeDynamoSummaryStore({ client: client(), table: env.SUMMARIES_TABLE });

export const officersEnv = z.object({ OFFICERS_TABLE: z.string().min(1) });

export const makeOfficerDirectory = (env: z.output<typeof officersEnv>) =>
  makeDynamoOfficerDirectory({ client: client(), table: env.OFFICERS_TABLE });

export const drillsEnv = z.object({ DRILLS_TABLE: z.string().min(1) });

/** The drills started on the live system. */
export const makeDrillStore = (env: z.output<typeof drillsEnv>) =>
  makeDynamoDrillStore({ client: client(), table: env.DRILLS_TABLE });

export const zeroReportsEnv = z.object({ ZERO_REPORTS_TABLE: z.string().min(1) });

/** Duty periods and zero-report logs, as the zero-report use cases keep them. */
export const makeZeroReportStore = (env: z.output<typeof zeroReportsEnv>) =>
  makeDynamoZeroReportStore({ client: client(), table: env.ZERO_REPORTS_TABLE });

/** The zero reports missed, for the inspectors' missed list. */
export const makeMissedZeroReports = (env: z.output<typeof zeroReportsEnv>) =>
  makeDynamoMissedZeroReports({ client: client(), table: env.ZERO_REPORTS_TABLE });

/** Every unit's zero-report log of a region, for verification. */
export const makeZeroReportAuditChains = (env: z.output<typeof zeroReportsEnv>) =>
  makeDynamoZeroReportAuditChains({ client: client(), table: env.ZERO_REPORTS_TABLE });

/** The registry of reporting units, kept in the Officers table. */
export const makeUnitRegistry = (env: z.output<typeof officersEnv>) =>
  makeDynamoUnitRegistry({ client: client(), table: env.OFFICERS_TABLE });
