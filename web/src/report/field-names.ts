/** A report's field, as an office names it for correction, in the words of the report form's own labels. */
import type { ReportField } from '../../../shared/domain/report-fields';
import { type MessageKey, t } from '../i18n/i18n';

const LABELS: Readonly<Record<ReportField, MessageKey>> = {
  category: 'form.category',
  subtype: 'form.subtype',
  grade: 'form.proposedGrade',
  occurredAt: 'form.occurredAt',
  learnedAt: 'form.learnedAt',
  regionCode: 'form.region',
  'location.address': 'form.address',
  'location.lat': 'form.lat',
  'location.lon': 'form.lon',
  'casualties.dead': 'form.dead',
  'casualties.injured': 'form.injured',
  'casualties.seriouslyInjured': 'element.seriouslyInjured',
  'casualties.missing': 'form.missing',
  'casualties.trapped': 'form.trapped',
  affectedPeople: 'form.affectedPeople',
  directLossYuan: 'form.directLossYuan',
  summary: 'form.summary',
  measuresTaken: 'form.measuresTaken',
  unknowns: 'form.unknowns',
  'reporter.name': 'form.reporterName',
  'reporter.phone': 'form.reporterPhone',
  'reporter.unit': 'form.reporterUnit',
  concernedUnit: 'form.concernedUnit',
  attachments: 'photos.legend',
};

export const fieldName = (field: ReportField): string => t(LABELS[field]);
