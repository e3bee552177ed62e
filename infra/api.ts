/**
 * The HTTP API's routes and the functions behind them, read by the CDK stateless stack (one
 * Lambda per function, one route per entry) and by the local HTTP server (which imports the same
 * handler files). Adding a route here adds it in both runtimes.
 */
import type { BucketAccess, GeneratedFiles, TableAccess } from './constructs/pipeline-function';
import type { AuditTrailTable, BucketName, TableName, TopicName } from './resources';

/**
 * What a function may do on each table. An audit trail can only be read or appended to: the type
 * refuses `readWrite` on it, so no function can be given a grant that deletes or edits evidence.
 */
export type TableGrants = {
  readonly [T in TableName]?: T extends AuditTrailTable ? Exclude<TableAccess, 'readWrite'> : TableAccess;
};

export interface FunctionDef {
  /** Construct id on AWS. */
  readonly id: string;
  /** Handler file, relative to the repository root; it must export `handler`. */
  readonly entry: string;
  readonly tables?: TableGrants;
  readonly publishes?: readonly TopicName[];
  readonly buckets?: { readonly [B in BucketName]?: BucketAccess };
  /**
   * Files the handler reads from its own folder, generated at bundling time on AWS and by the local
   * runtime before it loads the handler (`infra/tools/generated-files.ts`).
   */
  readonly generatedFiles?: GeneratedFiles;
}

export interface RouteDef {
  readonly method: 'GET' | 'POST';
  /** API Gateway route path, e.g. `/v1/incidents/{id}`. */
  readonly path: string;
  readonly fn: ApiFunctionName;
  /** Whether the JWT authorizer guards the route. */
  readonly auth: boolean;
}

/**
 * The API stage's throttling: a token bucket of `burstLimit` requests refilled at `rateLimit` a
 * second, shared by every caller. The CDK stage and the local HTTP server both take it from here.
 */
export interface ApiThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

// A ceiling against a runaway client, far above what reporting units and offices send even during
// a large disaster; raise it with evidence, not by guess.
export const apiThrottle: ApiThrottle = { rateLimit: 100, burstLimit: 200 };

// Every authenticated route records its refusals in the access log.
const readsIncidents = { incidents: 'read', accessLog: 'append' } as const;

export const apiFunctions = {
  health: { id: 'HealthFunction', entry: 'functions/health/handler.ts' },
  // The document is generated from the schemas when bundling, not built by the function.
  openapi: {
    id: 'OpenApiFunction',
    entry: 'functions/openapi/handler.ts',
    generatedFiles: { 'openapi.json': 'infra/tools/openapi-document.ts' },
  },
  submitReport: {
    id: 'SubmitReportFunction',
    entry: 'functions/submit-report/handler.ts',
    // The drills, to know whether an exercise is reported inside one.
    tables: { incidents: 'append', idempotency: 'readWrite', drills: 'read', accessLog: 'append' },
  },
  getIncident: { id: 'GetIncidentFunction', entry: 'functions/get-incident/handler.ts', tables: readsIncidents },
  listIncidents: { id: 'ListIncidentsFunction', entry: 'functions/list-incidents/handler.ts', tables: readsIncidents },
  incidentAudit: { id: 'IncidentAuditFunction', entry: 'functions/incident-audit/handler.ts', tables: readsIncidents },
  // Refusals are the access log's own items: the list reads no incident.
  accessDenied: {
    id: 'AccessDeniedFunction',
    entry: 'functions/access-denied/handler.ts',
    tables: { accessLog: 'append' },
  },
  forward: {
    id: 'ForwardFunction',
    entry: 'functions/forward/handler.ts',
    tables: { incidents: 'append', accessLog: 'append' },
  },
  getSummary: {
    id: 'GetSummaryFunction',
    entry: 'functions/get-summary/handler.ts',
    tables: { summaries: 'read', accessLog: 'append' },
  },
  officeOfficers: {
    id: 'OfficeOfficersFunction',
    entry: 'functions/office-officers/handler.ts',
    tables: { officers: 'read', accessLog: 'append' },
  },
  acknowledge: {
    id: 'AcknowledgeFunction',
    entry: 'functions/acknowledge/handler.ts',
    tables: { incidents: 'append', accessLog: 'append' },
  },
  // Review and return: the log is read for who sent the latest report, then appended to.
  returnReport: {
    id: 'ReturnReportFunction',
    entry: 'functions/return-report/handler.ts',
    tables: { incidents: 'append', accessLog: 'append' },
  },
  // The duty desk: an office's live board (polled for changes) and its grade assessment.
  deskBoard: { id: 'DeskBoardFunction', entry: 'functions/desk-board/handler.ts', tables: readsIncidents },
  assessGrade: {
    id: 'AssessGradeFunction',
    entry: 'functions/assess-grade/handler.ts',
    tables: { incidents: 'append', accessLog: 'append' },
  },
  // Inspectors' accountability views: read-only on everything they audit.
  auditLate: {
    id: 'AuditLateFunction',
    entry: 'functions/audit-late/handler.ts',
    tables: { incidents: 'read', officers: 'read', accessLog: 'append' },
  },
  auditMissed: {
    id: 'AuditMissedFunction',
    entry: 'functions/audit-missed/handler.ts',
    tables: { incidents: 'read', officers: 'read', zeroReports: 'read', accessLog: 'append' },
  },
  auditOffices: {
    id: 'AuditOfficesFunction',
    entry: 'functions/audit-offices/handler.ts',
    tables: { incidents: 'read', summaries: 'read', accessLog: 'append' },
  },
  auditCandidates: {
    id: 'AuditCandidatesFunction',
    entry: 'functions/audit-candidates/handler.ts',
    tables: { incidents: 'read', accessLog: 'append' },
  },
  verifyAudit: {
    id: 'VerifyAuditFunction',
    entry: 'functions/verify-audit/handler.ts',
    tables: { incidents: 'read', zeroReports: 'read', accessLog: 'append' },
    buckets: { attachments: 'read' },
  },
  // An evidence pack: the logs, heads and duties of the incidents, with the persons on record.
  auditEvidence: {
    id: 'AuditEvidenceFunction',
    entry: 'functions/audit-evidence/handler.ts',
    tables: { incidents: 'read', officers: 'read', accessLog: 'append' },
    buckets: { attachments: 'read' },
  },
  // The one thing an inspector writes: a finding, appended to the incident's log.
  recordFinding: {
    id: 'RecordFindingFunction',
    entry: 'functions/record-finding/handler.ts',
    tables: { incidents: 'append', accessLog: 'append' },
  },
  activateDutyPeriod: {
    id: 'ActivateDutyPeriodFunction',
    entry: 'functions/activate-duty-period/handler.ts',
    tables: { zeroReports: 'append', accessLog: 'append' },
  },
  fileDailyReport: {
    id: 'FileDailyReportFunction',
    entry: 'functions/file-daily-report/handler.ts',
    tables: { zeroReports: 'append', officers: 'read', accessLog: 'append' },
  },
  // The duty desk's reads of zero reports (the unit registry lives in the officers table).
  dutyPeriods: {
    id: 'DutyPeriodsFunction',
    entry: 'functions/duty-periods/handler.ts',
    tables: { zeroReports: 'read', accessLog: 'append' },
  },
  zeroReportGrid: {
    id: 'ZeroReportGridFunction',
    entry: 'functions/zero-report-grid/handler.ts',
    tables: { zeroReports: 'read', officers: 'read', accessLog: 'append' },
  },
  // A reporting unit's own reads (the web console's "my incidents" and today's zero report).
  unitIncidents: { id: 'UnitIncidentsFunction', entry: 'functions/unit-incidents/handler.ts', tables: readsIncidents },
  // Attachments: the unit's presigned upload (signed by this function's role, hence `upload`), and
  // what arrived with short-lived links to read it.
  requestUpload: {
    id: 'RequestUploadFunction',
    entry: 'functions/request-upload/handler.ts',
    tables: readsIncidents,
    buckets: { attachments: 'upload' },
  },
  incidentAttachments: {
    id: 'IncidentAttachmentsFunction',
    entry: 'functions/incident-attachments/handler.ts',
    tables: readsIncidents,
    buckets: { attachments: 'read' },
  },
  unitDailyReports: {
    id: 'UnitDailyReportsFunction',
    entry: 'functions/unit-daily-reports/handler.ts',
    tables: { zeroReports: 'read', officers: 'read', accessLog: 'append' },
  },
  // Drills on the live system: an office starts and ends them; their report reads the incidents.
  startDrill: {
    id: 'StartDrillFunction',
    entry: 'functions/start-drill/handler.ts',
    tables: { drills: 'readWrite', accessLog: 'append' },
  },
  listDrills: {
    id: 'ListDrillsFunction',
    entry: 'functions/list-drills/handler.ts',
    tables: { drills: 'read', accessLog: 'append' },
  },
  endDrill: {
    id: 'EndDrillFunction',
    entry: 'functions/end-drill/handler.ts',
    tables: { drills: 'readWrite', accessLog: 'append' },
  },
  drillReport: {
    id: 'DrillReportFunction',
    entry: 'functions/drill-report/handler.ts',
    tables: { drills: 'read', incidents: 'read', accessLog: 'append' },
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
  { method: 'POST', path: '/v1/incidents/{id}/attachments', fn: 'requestUpload', auth: true },
  { method: 'GET', path: '/v1/incidents/{id}/attachments', fn: 'incidentAttachments', auth: true },
  { method: 'GET', path: '/v1/audit/access-denied', fn: 'accessDenied', auth: true },
  { method: 'POST', path: '/v1/incidents/{id}/acknowledge', fn: 'acknowledge', auth: true },
  { method: 'POST', path: '/v1/incidents/{id}/forward', fn: 'forward', auth: true },
  { method: 'POST', path: '/v1/incidents/{id}/return', fn: 'returnReport', auth: true },
  { method: 'POST', path: '/v1/incidents/{id}/grade', fn: 'assessGrade', auth: true },
  { method: 'GET', path: '/v1/desk/board', fn: 'deskBoard', auth: true },
  { method: 'GET', path: '/v1/summaries/{region}', fn: 'getSummary', auth: true },
  { method: 'GET', path: '/v1/offices/{code}/officers', fn: 'officeOfficers', auth: true },
  { method: 'GET', path: '/v1/audit/late', fn: 'auditLate', auth: true },
  { method: 'GET', path: '/v1/audit/missed', fn: 'auditMissed', auth: true },
  { method: 'GET', path: '/v1/audit/offices', fn: 'auditOffices', auth: true },
  { method: 'GET', path: '/v1/audit/candidates', fn: 'auditCandidates', auth: true },
  { method: 'GET', path: '/v1/audit/verify', fn: 'verifyAudit', auth: true },
  { method: 'GET', path: '/v1/audit/evidence', fn: 'auditEvidence', auth: true },
  { method: 'POST', path: '/v1/incidents/{id}/findings', fn: 'recordFinding', auth: true },
  { method: 'POST', path: '/v1/duty-periods', fn: 'activateDutyPeriod', auth: true },
  { method: 'GET', path: '/v1/duty-periods', fn: 'dutyPeriods', auth: true },
  { method: 'GET', path: '/v1/duty-periods/{id}/zero-reports', fn: 'zeroReportGrid', auth: true },
  { method: 'POST', path: '/v1/daily-reports', fn: 'fileDailyReport', auth: true },
  { method: 'GET', path: '/v1/units/{unit}/incidents', fn: 'unitIncidents', auth: true },
  { method: 'GET', path: '/v1/units/{unit}/daily-reports', fn: 'unitDailyReports', auth: true },
  { method: 'POST', path: '/v1/drills', fn: 'startDrill', auth: true },
  { method: 'GET', path: '/v1/drills', fn: 'listDrills', auth: true },
  { method: 'POST', path: '/v1/drills/{id}/end', fn: 'endDrill', auth: true },
  { method: 'GET', path: '/v1/drills/{id}/report', fn: 'drillReport', auth: true },
];
