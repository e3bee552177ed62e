/** The inspectors' late, missed and punctuality views as CSV files: their rows, flattened. */
import type { OfficePunctuality } from '../../domain/audit/punctuality';
import type { AuditRow, Person } from '../../domain/audit/rows';
import { toCsv } from './csv';

const people = (list: readonly Person[]): string => list.map((p) => `${p.name} (${p.personId})`).join('; ');

/** The CSV columns of the late and missed lists: the JSON row, flattened. */
export const AUDIT_ROW_COLUMNS = [
  'kind',
  'incidentId',
  'incidentRegion',
  'category',
  'grade',
  'officeLevel',
  'officeCode',
  'officeName',
  'unitId',
  'unitName',
  'obligationId',
  'dutyPeriodId',
  'zeroReportDate',
  'finalReportId',
  'finalReportReceivedAt',
  'missingElements',
  'deadline',
  'deadlineShortenedFrom',
  'metAt',
  'missedAt',
  'lateByMs',
  'lateBy',
  'autoEscalated',
  'firstResponsible',
  'directlyResponsible',
  'onDutyAtDeadline',
  'personsAt',
  'directorySince',
] as const;

/**
 * The late or missed rows as CSV; people are `name (personId)` and missing elements their names,
 * several separated by `; `. The persons are those of `personsAt` (the deadline), as the directory
 * version of `directorySince` named them.
 */
export const auditRowsCsv = (rows: readonly AuditRow[]): string =>
  toCsv(
    AUDIT_ROW_COLUMNS,
    rows.map((row) => [
      row.kind,
      row.incident?.id ?? null,
      row.incident?.region ?? null,
      row.incident?.category ?? null,
      row.incident?.grade ?? null,
      row.office.level,
      row.office.code,
      row.office.name,
      row.unit?.id ?? null,
      row.unit?.name ?? null,
      row.obligationId,
      row.zeroReport?.periodId ?? null,
      row.zeroReport?.date ?? null,
      row.finalReport?.reportId ?? null,
      row.finalReport?.receivedAt ?? null,
      row.finalReport ? row.finalReport.missingElements.join('; ') : null,
      row.deadline,
      row.deadlineShortenedFrom,
      row.metAt,
      row.missedAt,
      row.lateByMs,
      row.lateBy,
      row.autoEscalated,
      people(row.firstResponsible),
      people(row.directlyResponsible),
      people(row.onDutyAtDeadline),
      row.personsAt,
      row.directorySince,
    ]),
  );

export const PUNCTUALITY_COLUMNS = [
  'officeLevel',
  'officeCode',
  'officeName',
  'held',
  'metOnTime',
  'metLate',
  'missed',
  'pending',
  'waived',
  'onTimeRate',
  'medianDelayMs',
  'p90DelayMs',
] as const;

export const punctualityCsv = (offices: readonly OfficePunctuality[]): string =>
  toCsv(
    PUNCTUALITY_COLUMNS,
    offices.map((o) => [
      o.office.level,
      o.office.code,
      o.office.name,
      o.held,
      o.metOnTime,
      o.metLate,
      o.missed,
      o.pending,
      o.waived,
      o.onTimeRate,
      o.medianDelayMs,
      o.p90DelayMs,
    ]),
  );
