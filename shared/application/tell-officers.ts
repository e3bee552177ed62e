/**
 * Telling officers, one person at a time, and recording who was told. An incident's notifications
 * and a missed zero report's both hand each person a message in turn; a publish that fails part-way
 * must leave on record everyone told before it, so that the retry tells only the others.
 */
import type { NotificationRecipient } from '../domain/incident';
import { channelsOf, type Officer, type OfficerRole } from '../domain/officers';
import { regionOf } from '../domain/regions/regions';
import type { NotificationPublisher, OfficerNotification } from '../ports/notification-publisher';

/** Someone to tell, and as whom: the office and role a rule named them for. */
export interface PersonToTell {
  readonly officer: Officer;
  readonly office: string;
  readonly role: OfficerRole;
}

/** What the message of every person told in one telling has in common. */
export type CommonMessage = Omit<OfficerNotification, 'personId' | 'office' | 'officeLevel' | 'role' | 'channels'>;

/** How the caller's log records a telling: its own events, in its own log. */
export interface TellingRecord {
  /** Everyone was told; `told` is those told now (none when all had been told before). */
  readonly allTold: (told: readonly NotificationRecipient[]) => Promise<void>;
  /** A publish failed; `told` is those told before it, who must not be told again. */
  readonly failed: (told: readonly NotificationRecipient[], reason: string) => Promise<void>;
}

/** What came of one telling, once recorded. */
export type Telling =
  | { readonly outcome: 'told'; readonly told: readonly NotificationRecipient[] }
  | { readonly outcome: 'failed'; readonly told: readonly NotificationRecipient[]; readonly error: unknown };

/** The level of the office's region, for the subscriptions to filter on; `unknown` for an office not in the division data (the national office). */
const officeLevelOf = (office: string): string => {
  try {
    return regionOf(office).level;
  } catch {
    return 'unknown';
  }
};

/**
 * Hands `message` to each of `people` in turn, then has `record` write down the outcome: everyone
 * told, or, at the first publish that fails, those told before it with the failure's reason. The
 * failure is answered, not thrown, once recorded: the caller decides whether it is retried.
 */
export const tellOfficers = async (
  publisher: NotificationPublisher,
  telling: {
    readonly people: readonly PersonToTell[];
    readonly message: CommonMessage;
    readonly record: TellingRecord;
  },
): Promise<Telling> => {
  const told: NotificationRecipient[] = [];
  try {
    for (const { officer, office, role } of telling.people) {
      const channels = channelsOf(officer);
      const messageId = await publisher.publish({
        ...telling.message,
        personId: officer.personId,
        office,
        officeLevel: officeLevelOf(office),
        role,
        channels,
      });
      told.push({ office, role, personId: officer.personId, channels, messageId });
    }
  } catch (error) {
    await telling.record.failed(told, (error as Error).message);
    return { outcome: 'failed', told, error };
  }
  await telling.record.allTold(told);
  return { outcome: 'told', told };
};
