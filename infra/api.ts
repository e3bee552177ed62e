/**
 * The HTTP API's routes and the functions behind them, read by the CDK stateless stack (one
 * Lambda per function, one route per entry) and by the local HTTP server (which imports the same
 * handler files). Adding a route here adds it in both runtimes.
 */
import type { TableName, TopicName } from './resources';

export interface FunctionDef {
  /** Construct id on AWS. */
  readonly id: string;
  /** Handler file, relative to the repository root; it must export `handler`. */
  readonly entry: string;
  readonly tables?: Readonly<Partial<Record<TableName, 'read' | 'readWrite'>>>;
  readonly publishes?: readonly TopicName[];
}

export interface RouteDef {
  readonly method: 'GET' | 'POST';
  /** API Gateway route path, e.g. `/v1/incidents/{id}`. */
  readonly path: string;
  readonly fn: ApiFunctionName;
  /** Whether the JWT authorizer guards the route. */
  readonly auth: boolean;
}

// Every authenticated route records its refusals in the access log.
const readsIncidents = { incidents: 'read', accessLog: 'readWrite' } as const;

export const apiFunctions = {
  health: { id: 'HealthFunction', entry: 'functions/health/handler.ts' },
  openapi: { id: 'OpenApiFunction', entry: 'functions/openapi/handler.ts' },
  submitReport: {
    id: 'SubmitReportFunction',
    entry: 'functions/submit-report/handler.ts',
    tables: { incidents: 'readWrite', idempotency: 'readWrite', accessLog: 'readWrite' },
  },
  getIncident: { id: 'GetIncidentFunction', entry: 'functions/get-incident/handler.ts', tables: readsIncidents },
  listIncidents: { id: 'ListIncidentsFunction', entry: 'functions/list-incidents/handler.ts', tables: readsIncidents },
  incidentAudit: { id: 'IncidentAuditFunction', entry: 'functions/incident-audit/handler.ts', tables: readsIncidents },
  accessDenied: { id: 'AccessDeniedFunction', entry: 'functions/access-denied/handler.ts', tables: readsIncidents },
  forward: {
    id: 'ForwardFunction',
    entry: 'functions/forward/handler.ts',
    tables: { incidents: 'readWrite', accessLog: 'readWrite' },
  },
  getSummary: {
    id: 'GetSummaryFunction',
    entry: 'functions/get-summary/handler.ts',
    tables: { summaries: 'read', accessLog: 'readWrite' },
  },
  officeOfficers: {
    id: 'OfficeOfficersFunction',
    entry: 'functions/office-officers/handler.ts',
    tables: { officers: 'read', accessLog: 'readWrite' },
  },
  acknowledge: {
    id: 'AcknowledgeFunction',
    entry: 'functions/acknowledge/handler.ts',
    tables: { incidents: 'readWrite', accessLog: 'readWrite' },
  },
} as const satisfies Record<string, FunctionDef>;

export type ApiFunctionName = keyof typeof apiFunctions;

export const routes: readonly RouteDef[] = [
  { method: 'GET', path: '/health', fn: 'health', auth: false },
  { method: 'GET', path: '/v1/openapi.json', fn: 'openapi', auth: false },
  { method: 'POST', path: '/v1/reports', fn: 'submitReport', auth: true },
  { method: 'GET', path: '/v1/incidents', fn: 'listIncidents', auth: true },
  { method: 'GET', path: '/v1/incidents/{id}', fn: 'getIncident', auth: true },
  { method: 'GET', path: '/v1/incidents/{id}/audit', fn: 'incidentAudit', auth: true },
  { method: 'GET', path: '/v1/audit/access-denied', fn: 'accessDenied', auth: true },
  { method: 'POST', path: '/v1/incidents/{id}/acknowledge', fn: 'acknowledge', auth: true },
  { method: 'POST', path: '/v1/incidents/{id}/forward', fn: 'forward', auth: true },
  { method: 'GET', path: '/v1/summaries/{region}', fn: 'getSummary', auth: true },
  { method: 'GET', path: '/v1/offices/{code}/officers', fn: 'officeOfficers', auth: true },
];
