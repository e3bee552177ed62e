/**
 * The names of the events in an incident's log. The log is the audit trail; everything else
 * (current state, roll-ups, timers, notifications) is a projection of it, so these names are also
 * what the fan-out routes on.
 */
export const EVENT_TYPES = [
  'ReportSubmitted',
  'UnitReportLate',
  'GradeAssessed',
  'ObligationOpened',
  'ReportAcknowledged',
  'ReportForwarded',
  'DeadlineWarned',
  'DeadlineMissed',
  'AutoEscalated',
  'ObligationWaived',
  'DeadlineShortened',
  'ReportReturned',
  'ReportCorrected',
  'IncidentClosed',
  'NotificationSent',
  'NotificationFailed',
  'SmsDelivered',
  'SmsDeliveryReported',
  'InspectionFinding',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
