/** A drill's report as a CSV file, one row per hand-over, for the after-action review's own record. */
import type { DrillReport } from '../../domain/drill-report';
import { toCsv } from './csv';

export const DRILL_REPORT_COLUMNS = [
  'drillId',
  'drillTitle',
  'incidentId',
  'incidentRegion',
  'category',
  'grade',
  'unit',
  'handover',
  'fromLevel',
  'fromCode',
  'toLevel',
  'toCode',
  'openedAt',
  'dueAt',
  'doneAt',
  'tookMs',
  'outcome',
  'escalatedAt',
  'told',
  'untold',
] as const;

/** Every hand-over of every drill incident; the persons told are `office role personId`, several separated by `; `. */
export const drillReportCsv = (report: DrillReport): string =>
  toCsv(
    DRILL_REPORT_COLUMNS,
    report.incidents.flatMap((incident) =>
      incident.handovers.map((h) => [
        report.drill.drillId,
        report.drill.title,
        incident.incidentId,
        incident.regionCode,
        incident.category,
        incident.grade,
        incident.unit,
        h.handover,
        h.from.level,
        h.from.code,
        h.to.level,
        h.to.code,
        h.openedAt,
        h.dueAt,
        h.doneAt,
        h.tookMs,
        h.outcome,
        h.escalatedAt ?? null,
        h.told.map((t) => `${t.office} ${t.role} ${t.personId}`).join('; '),
        h.untold,
      ]),
    ),
  );
