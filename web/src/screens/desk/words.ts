/** The incident's log in plain words, one sentence per event, in the person's language. */
import { type Figures, RESPONSIBLE_ROLES } from '../../../../shared/domain/incident';
import type { Handover } from '../../../../shared/domain/policy/policy';
import { isCorrectionId } from '../../../../shared/domain/review';
import type { IncidentEvent } from '../../api/types';
import { type MessageKey, t } from '../../i18n/i18n';
import { atChinaTime, durationText, gradeName, officeName } from '../../lib/words';
import { fieldName } from '../../report/field-names';
import { handoverName } from './duty';

/** 死亡 3，受伤 2，失踪 1，被困 0: the casualties at a glance, as the unit's own list says them. */
export const figuresText = (figures: Figures): string =>
  t('incidents.figures', {
    dead: figures.dead,
    injured: figures.injured,
    missing: figures.missing,
    trapped: figures.trapped,
  });

/** An officer's role in words, or the code itself for a role the console does not know. */
export const officerRole = (role: string): string =>
  (RESPONSIBLE_ROLES as readonly string[]).includes(role) ? t(`desk.role.${role}` as MessageKey) : role;

/**
 * The hand-over an obligation is for: the last part of its id (`<incident>-<office>-<hand-over>`),
 * or a correction (`<incident>-correction<n>`).
 */
const handoverIn = (obligationId: string): string =>
  handoverName(
    isCorrectionId(obligationId) ? 'correction' : (obligationId.slice(obligationId.lastIndexOf('-') + 1) as Handover),
  );

export const eventWords = (event: IncidentEvent): string => {
  const time = atChinaTime(event.at);
  switch (event.type) {
    case 'ReportSubmitted':
      return t('desk.incident.ev.ReportSubmitted', {
        time,
        kind: t(`kind.${event.data.kind}`),
        unit: event.data.reporter.unit,
      });
    case 'GradeAssessed': {
      const d = event.data;
      const by =
        d.basis === 'office'
          ? t('desk.incident.ev.gradeByOffice', { office: officeName(event.actor.region) })
          : d.basis === 'reported'
            ? t('desk.incident.ev.gradeByReport')
            : t('desk.incident.ev.gradeByFigures');
      const sentence = t('desk.incident.ev.GradeAssessed', {
        time,
        to: gradeName(d.to),
        from: d.from ? gradeName(d.from) : '—',
        by,
      });
      return d.note ? `${sentence}。${t('desk.incident.ev.reason', { note: d.note })}` : sentence;
    }
    case 'ObligationOpened': {
      const o = event.data.obligation;
      return t('desk.incident.ev.ObligationOpened', {
        time,
        office: officeName(o.office),
        handover: handoverName(o.handover),
        due: atChinaTime(o.dueAt),
      });
    }
    case 'UnitReportLate':
      return t('desk.incident.ev.UnitReportLate', { time, late: durationText(event.data.lateByMs) });
    case 'IncidentClosed':
      return t('desk.incident.ev.IncidentClosed', { time });
    case 'ReportAcknowledged':
      return t('desk.incident.ev.ReportAcknowledged', { time, office: officeName(event.data.office) });
    case 'ReportForwarded': {
      const d = event.data;
      return (
        t('desk.incident.ev.ReportForwarded', {
          time,
          office: officeName(d.office),
          handover: handoverIn(d.obligationId),
        }) + (d.lateByMs > 0 ? t('desk.incident.ev.forwardedLate', { late: durationText(d.lateByMs) }) : '')
      );
    }
    case 'DeadlineWarned': {
      const d = event.data;
      return t('desk.incident.ev.DeadlineWarned', {
        time,
        office: officeName(d.office),
        handover: handoverIn(d.obligationId),
        left: durationText(d.remainingMs),
      });
    }
    case 'DeadlineMissed': {
      const d = event.data;
      return t('desk.incident.ev.DeadlineMissed', {
        time,
        office: officeName(d.office),
        handover: handoverIn(d.obligationId),
        late: durationText(d.lateByMs),
      });
    }
    case 'AutoEscalated':
      return t('desk.incident.ev.AutoEscalated', {
        time,
        from: officeName(event.data.from.office),
        to: officeName(event.data.to.office),
      });
    case 'ObligationWaived':
      return t('desk.incident.ev.ObligationWaived', {
        time,
        office: officeName(event.data.office),
        handover: handoverIn(event.data.obligationId),
      });
    case 'DeadlineShortened': {
      const d = event.data;
      return t(d.floored ? 'desk.incident.ev.DeadlineShortenedFloored' : 'desk.incident.ev.DeadlineShortened', {
        time,
        office: officeName(d.office),
        handover: handoverIn(d.obligationId),
        grade: gradeName(d.grade),
        from: atChinaTime(d.from),
        to: atChinaTime(d.to),
      });
    }
    case 'NotificationSent':
      return t('desk.incident.ev.NotificationSent', { time, count: event.data.recipients.length });
    case 'NotificationFailed':
      return t('desk.incident.ev.NotificationFailed', { time, reason: event.data.reason });
    case 'ReportReturned': {
      const d = event.data;
      return t('desk.incident.ev.ReportReturned', {
        time,
        office: officeName(d.office),
        report: d.reportId,
        to: d.to.unit ?? officeName(d.to.office),
        fields: d.fields.map(fieldName).join(t('list.separator')),
        note: d.note,
        due: atChinaTime(d.dueAt),
      });
    }
    case 'ReportCorrected': {
      const d = event.data;
      return (
        t('desk.incident.ev.ReportCorrected', { time, by: d.unit ?? officeName(d.office) }) +
        (d.lateByMs > 0 ? t('desk.incident.ev.correctedLate', { late: durationText(d.lateByMs) }) : '')
      );
    }
    case 'SmsDelivered':
      return t('desk.incident.ev.SmsDelivered', { time, messageId: event.data.providerMessageId });
    case 'SmsDeliveryReported': {
      const d = event.data;
      return d.status === 'delivered'
        ? t('desk.incident.ev.SmsDeliveryReported', { time, messageId: d.providerMessageId })
        : t('desk.incident.ev.SmsDeliveryFailed', { time, messageId: d.providerMessageId, code: d.code });
    }
    case 'InspectionFinding':
      return t('desk.incident.ev.InspectionFinding', {
        time,
        finding: t(`inspect.finding.${event.data.finding}`),
        responsible: event.data.responsible.join(t('list.separator')),
      });
  }
};
