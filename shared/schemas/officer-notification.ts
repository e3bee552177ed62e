/**
 * An officer notification as a queue subscribed to the officer-notifications topic receives it
 * (the JSON body the publisher gives queues: `shared/adapters/sns/notification-publisher.ts`).
 * Only what the SMS worker reads is checked; the rest passes through.
 */
import * as z from 'zod';
import { NOTIFICATION_TITLES, type NotificationKind, OFFICER_ROLES } from '../domain/officers';

/** Every kind of notification, as the domain titles them. */
const NOTIFICATION_KINDS = Object.keys(NOTIFICATION_TITLES) as [NotificationKind, ...NotificationKind[]];

export const officerNotificationSchema = z.looseObject({
  kind: z.enum(NOTIFICATION_KINDS),
  incidentId: z.string().min(1),
  personId: z.string().min(1),
  office: z.string().min(1),
  officeLevel: z.string(),
  role: z.enum(OFFICER_ROLES),
  grade: z.string().min(1),
  regions: z.object({ province: z.string(), city: z.string().nullable(), county: z.string().nullable() }),
  channels: z.array(z.string()),
  text: z.string(),
  brief: z.string().optional(),
});
