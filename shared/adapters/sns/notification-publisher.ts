/**
 * Officer notifications on the officer-notifications topic. The message attributes are what each
 * officer's subscription filters on — above all `personId` — so an officer receives only what is
 * theirs; region codes at each level, office level, role, kind and grade let offices subscribe
 * archives or dashboards by any of them.
 *
 * Each protocol gets the body its reader can use (`MessageStructure: 'json'`): an email the
 * message with a subject, an SMS its essentials, a webhook and a queue the notification as JSON.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { NOTIFICATION_TITLES, type OfficerRole, place } from '../../domain/officers';
import type { NotificationPublisher, OfficerNotification } from '../../ports/notification-publisher';

const attribute = (value: string) => ({ DataType: 'String', StringValue: value });

export const notificationAttributes = (n: OfficerNotification) => ({
  kind: attribute(n.kind),
  incidentId: attribute(n.incidentId),
  personId: attribute(n.personId),
  office: attribute(n.office),
  officeLevel: attribute(n.officeLevel),
  role: attribute(n.role),
  grade: attribute(n.grade),
  province: attribute(n.regions.province),
  ...(n.regions.city ? { city: attribute(n.regions.city) } : {}),
  ...(n.regions.county ? { county: attribute(n.regions.county) } : {}),
});

/** The longest SMS body sent, in characters. */
export const SMS_LIMIT = 140;

const shorten = (text: string, limit: number): string => {
  const characters = [...text];
  return characters.length <= limit ? text : `${characters.slice(0, limit - 1).join('')}…`;
};

/**
 * The email subject: what it is, which incident, which grade. SNS takes only printable ASCII
 * under 100 characters here, so anything else (a place name) stays in the body.
 */
export const subjectOf = (n: OfficerNotification): string =>
  `${NOTIFICATION_TITLES[n.kind]}: ${n.incidentId}${n.grade === 'none' ? '' : ` (grade ${n.grade})`}`
    .replace(/[^\x20-\x7E]/g, '')
    .slice(0, 99);

const ROLE_NAMES: Readonly<Record<OfficerRole, string>> = {
  'first-responsible': 'first responsible person',
  'directly-responsible': 'directly responsible person',
  'duty-officer': 'duty officer',
};

/** The email body: the message, and why this officer is the one reading it. */
export const emailBodyOf = (n: OfficerNotification): string =>
  `${n.text}\n\nYou receive this as the ${ROLE_NAMES[n.role]} of ${place(n.office)}.`;

/** The SMS body: the sender's brief, or the message cut to fit. */
export const smsBodyOf = (n: OfficerNotification): string => shorten(n.brief ?? n.text, SMS_LIMIT);

/**
 * The per-protocol message (`MessageStructure: 'json'`): the notification as JSON for machines
 * (`default`, `https`, `sqs`), the text for people (`email`, `sms`). Only protocol keys: SNS
 * documents no others. (fauxqs hands a queue the whole structure; the local twin picks the `sqs`
 * body itself, as SNS would.)
 */
export const messageOf = (n: OfficerNotification): string => {
  const json = JSON.stringify(n);
  return JSON.stringify({ default: json, https: json, sqs: json, email: emailBodyOf(n), sms: smsBodyOf(n) });
};

export const makeSnsNotificationPublisher = (config: {
  readonly client: SNSClient;
  readonly topicArn: string;
}): NotificationPublisher => ({
  async publish(notification) {
    const result = await config.client.send(
      new PublishCommand({
        TopicArn: config.topicArn,
        Subject: subjectOf(notification),
        MessageStructure: 'json',
        Message: messageOf(notification),
        MessageAttributes: notificationAttributes(notification),
      }),
    );
    if (!result.MessageId) throw new Error('SNS returned no message id');
    return result.MessageId;
  },
});
