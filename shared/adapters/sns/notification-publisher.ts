/**
 * Officer notifications on the officer-notifications topic. The message attributes are what each
 * officer's subscription filters on — above all `personId` — so an officer receives only what is
 * theirs; region codes at each level, office level, role, kind and grade let offices subscribe
 * archives or dashboards by any of them.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
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

export const makeSnsNotificationPublisher = (config: {
  readonly client: SNSClient;
  readonly topicArn: string;
}): NotificationPublisher => ({
  async publish(notification) {
    const result = await config.client.send(
      new PublishCommand({
        TopicArn: config.topicArn,
        Subject: `[${notification.grade}] ${notification.kind} ${notification.incidentId}`.slice(0, 99),
        Message: JSON.stringify(notification),
        MessageAttributes: notificationAttributes(notification),
      }),
    );
    if (!result.MessageId) throw new Error('SNS returned no message id');
    return result.MessageId;
  },
});
