/**
 * Delivering officers' notifications by SMS through a provider that delivers in mainland China,
 * where SNS sends no SMS. The worker hears every message of the officer-notifications topic (the
 * same messages, with the same filter attributes, that email and webhook subscriptions get), sends
 * the ones for an officer with a phone, and records the provider's message id and receipt in the
 * incident's log, once per queue message: a retry after the log has it sends nothing again.
 */
import { isToldAsExercise } from '../domain/exercise';
import { type DirectoryHistory, type NotificationKind, versionAt } from '../domain/officers';
import type { Clock } from '../ports/clock';
import type { IncidentStore } from '../ports/incident-store';
import type { OfficerNotification } from '../ports/notification-publisher';
import type { OfficerDirectory } from '../ports/officer-directory';
import type { SmsReceipt, SmsSender } from '../ports/sms-sender';
import type { AppendEvents } from './append-events';
import { SYSTEM_ACTOR } from './escalation';
import { incidentSmsContext } from './record-sms-reports';

/** What the notification is, in the words of the approved template's first parameter. */
export const SMS_KIND_WORDS: Readonly<Record<NotificationKind, string>> = {
  'report-arrived': '新报告待处理',
  'deadline-reminder': '报告期限提醒',
  'deadline-missed': '报告期限已过',
  'auto-escalated': '事件已越级上报',
  'deadline-shortened': '报告期限提前',
  'grave-incident': '特别重大/重大事件',
  'zero-report-missed': '零报告未报',
  'report-returned': '报告被退回待更正',
};

export interface DeliverSmsDeps {
  readonly directory: OfficerDirectory;
  readonly sender: SmsSender;
  readonly incidents: IncidentStore;
  readonly appendEvents: AppendEvents;
  readonly clock: Clock;
  /** The approved template: `{1}：{2}，{3}级。请及时处理。` — what, which incident or unit, grade. */
  readonly templateId: string;
}

export type SmsOutcome =
  | { readonly outcome: 'not-by-sms' }
  | { readonly outcome: 'no-phone' }
  | { readonly outcome: 'already-sent' }
  | { readonly outcome: 'sent'; readonly receipt: SmsReceipt; readonly recorded: boolean };

/** The officer's phone as the directory holds it now (the notification names who, not how). */
const phoneOf = (history: DirectoryHistory, personId: string, now: Date): string | undefined =>
  versionAt(history, now)?.officers.find((officer) => officer.personId === personId)?.endpoints.sms;

/**
 * The template's parameters for a notification: what, which incident, which grade. The template
 * rewords the message, so an exercise's mark goes into its first parameter: 【演练】 before the what.
 */
export const smsParams = (n: OfficerNotification): string[] => [
  isToldAsExercise(n.text) ? `【演练】${SMS_KIND_WORDS[n.kind]}` : SMS_KIND_WORDS[n.kind],
  n.incidentId,
  n.grade === 'none' ? '未定' : n.grade,
];

/**
 * Sends `notification` to its officer's phone, keyed by `deliveryKey` (the queue message's id).
 * A provider refusal is thrown, so the queue tries the message again and, after its last attempt,
 * parks it in the dead-letter queue. A missed zero report has no incident log: its SMS is sent and
 * its receipt returned for the worker's log, with `recorded: false`.
 */
export const makeDeliverSms =
  (deps: DeliverSmsDeps) =>
  async (notification: OfficerNotification, deliveryKey: string): Promise<SmsOutcome> => {
    if (!notification.channels.includes('sms')) return { outcome: 'not-by-sms' };
    const key = `sms:${deliveryKey}`;
    const inIncidentLog = notification.kind !== 'zero-report-missed';
    if (inIncidentLog) {
      const state = await deps.incidents.getState(notification.incidentId);
      if (state?.notified?.includes(key)) return { outcome: 'already-sent' };
    }
    const phone = phoneOf(await deps.directory.ofOffice(notification.office), notification.personId, deps.clock.now());
    if (!phone) return { outcome: 'no-phone' };

    const receipt = await deps.sender.send({
      phone,
      templateId: deps.templateId,
      params: smsParams(notification),
      // The delivery report comes back with it, to be recorded where the sending is.
      ...(inIncidentLog ? { context: incidentSmsContext(notification.incidentId) } : {}),
    });
    if (!inIncidentLog) return { outcome: 'sent', receipt, recorded: false };
    await deps.appendEvents(notification.incidentId, SYSTEM_ACTOR, (current) =>
      current.notified?.includes(key)
        ? []
        : [
            {
              type: 'SmsDelivered',
              data: {
                key,
                kind: notification.kind,
                personId: notification.personId,
                office: notification.office,
                role: notification.role,
                provider: receipt.provider,
                providerMessageId: receipt.messageId,
                receipt: { code: receipt.code, description: receipt.description },
              },
            },
          ],
    );
    return { outcome: 'sent', receipt, recorded: true };
  };
