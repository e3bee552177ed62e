/**
 * One console line per appended event, so a person running `npm start` (a drill, above all) sees
 * the chain move: report, reminder, missed deadline, escalation, forward.
 */
import type { IncidentEvent } from '../../shared/domain/incident';
import { regionOf } from '../../shared/domain/regions/regions';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const office = (ref: { level: string; office: string }): string => {
  const name = (() => {
    try {
      return regionOf(ref.office).name;
    } catch {
      return '';
    }
  })();
  return `${ref.level} ${ref.office}${name ? ` ${name}` : ''}`;
};
const clock = (iso: string): string => new Date(iso).toISOString().slice(11, 19);

export const describeEvent = (event: IncidentEvent): string => {
  const head = `${event.incidentId} #${event.seq} ${event.type}`;
  switch (event.type) {
    case 'ReportSubmitted':
      return `${head}: ${event.data.kind} report from unit ${event.data.reporter.unit} in ${event.data.regionCode}, grade ${event.scope.grade}, ${event.data.figures.dead} dead, ${event.data.figures.missing} missing`;
    case 'UnitReportLate':
      return `${head}: unit ${event.data.unit} reported ${seconds(event.data.lateByMs)} after its limit`;
    case 'GradeAssessed':
      return `${head}: grade ${event.data.from ?? '-'} → ${event.data.to} (${event.data.basis})`;
    case 'ObligationOpened': {
      const o = event.data.obligation;
      return `${head}: ${office(o)} must report to ${office(o.to)} by ${clock(o.dueAt)} (${o.handover})`;
    }
    case 'ReportAcknowledged':
      return `${head}: ${office(event.data)} has it`;
    case 'ReportForwarded':
      return `${head}: ${office(event.data)} reported to ${office(event.data.to)}${event.data.lateByMs > 0 ? `, ${seconds(event.data.lateByMs)} late` : ' on time'}`;
    case 'DeadlineWarned':
      return `${head}: reminder to ${office(event.data)}, ${seconds(event.data.remainingMs)} left`;
    case 'DeadlineMissed':
      return `${head}: ${office(event.data)} missed its deadline (${clock(event.data.dueAt)}) by ${seconds(event.data.lateByMs)}`;
    case 'AutoEscalated':
      return `${head}: escalated past ${office(event.data.from)} to ${office(event.data.to)}`;
    case 'IncidentClosed':
      return `${head}: closed by the final report`;
    case 'NotificationSent':
      return `${head}: told ${event.data.recipients.map((r) => `${r.personId} (${r.role}, ${r.office})`).join(', ')} — ${event.data.kind}`;
    case 'NotificationFailed':
      return `${head}: could not notify (${event.data.kind}): ${event.data.reason}${event.data.willRetry ? '; will retry' : ''}`;
    case 'SmsDelivered':
      return `${head}: SMS to ${event.data.personId} (${event.data.role}, ${event.data.office}) sent by ${event.data.provider} as ${event.data.providerMessageId}: ${event.data.receipt.code} — ${event.data.kind}`;
    case 'SmsDeliveryReported':
      return `${head}: SMS ${event.data.providerMessageId} ${event.data.status === 'delivered' ? 'delivered' : 'not delivered'} (${event.data.provider}: ${event.data.code} ${event.data.description})`;
    case 'ObligationWaived':
      return `${head}: ${office(event.data)} no longer owes ${event.data.obligationId.split('-').at(-1)}: ${event.data.reason}`;
    case 'DeadlineShortened':
      return `${head}: ${office(event.data)}'s deadline moved from ${clock(event.data.from)} to ${clock(event.data.to)} (grade ${event.data.grade}${event.data.floored ? ', minimum notice' : ''})`;
    case 'ReportReturned': {
      const to = event.data.to.unit ? `unit ${event.data.to.unit}` : office(event.data.to);
      return `${head}: ${office(event.data)} returned ${event.data.reportId} to ${to} (${event.data.fields.join(', ')}), corrected report due ${clock(event.data.dueAt)}`;
    }
    case 'ReportCorrected':
      return `${head}: ${event.data.unit ? `unit ${event.data.unit}` : office(event.data)} answered ${event.data.obligationId}${event.data.lateByMs > 0 ? `, ${seconds(event.data.lateByMs)} late` : ' on time'}`;
    case 'InspectionFinding':
      return `${head}: inspector ${event.actor.sub} found a ${event.data.finding} (${event.data.findingId})`;
  }
};
