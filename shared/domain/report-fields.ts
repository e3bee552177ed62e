/**
 * The fields of a report an office can name for correction: the report body's own names
 * (`shared/schemas/report.ts`, which a test holds to this list), nested ones by their path.
 */
export const REPORT_FIELDS = [
  'category',
  'subtype',
  'grade',
  'occurredAt',
  'learnedAt',
  'regionCode',
  'location.address',
  'location.lat',
  'location.lon',
  'casualties.dead',
  'casualties.injured',
  'casualties.seriouslyInjured',
  'casualties.missing',
  'casualties.trapped',
  'affectedPeople',
  'directLossYuan',
  'summary',
  'measuresTaken',
  'unknowns',
  'reporter.name',
  'reporter.phone',
  'reporter.unit',
  'concernedUnit',
  // The photos and documents: an office may ask for them, or for others.
  'attachments',
] as const;
export type ReportField = (typeof REPORT_FIELDS)[number];
