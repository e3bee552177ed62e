import type { NotificationKind, OfficerRole } from '../domain/officers';

/** One message to one officer, with what the delivery subscriptions filter on. */
export interface OfficerNotification {
  readonly kind: NotificationKind;
  readonly incidentId: string;
  readonly personId: string;
  readonly office: string;
  readonly officeLevel: string;
  readonly role: OfficerRole;
  readonly grade: string;
  readonly regions: { readonly province: string; readonly city: string | null; readonly county: string | null };
  readonly channels: readonly string[];
  readonly text: string;
}

/** Hands notifications to the delivery service (the officer-notifications topic). */
export interface NotificationPublisher {
  /** @returns the delivery service's message id */
  publish(notification: OfficerNotification): Promise<string>;
}
