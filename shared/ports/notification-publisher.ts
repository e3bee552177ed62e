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
  /** The message in full, as an email or a webhook reader gets it. */
  readonly text: string;
  /**
   * The essentials for an SMS, at most 140 characters: what, where, grade, deadline. Without it
   * the publisher shortens `text`.
   */
  readonly brief?: string;
}

/** Hands notifications to the delivery service (the officer-notifications topic). */
export interface NotificationPublisher {
  /** @returns the delivery service's message id */
  publish(notification: OfficerNotification): Promise<string>;
}
