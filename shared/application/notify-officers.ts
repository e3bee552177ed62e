/**
 * Telling the responsible officers: for each event that calls for it, find the people the rules
 * name (the duty roster at the time of the event, the responsible persons by role), hand each a
 * short, actionable message, and record in the incident's log who was told, how and when — or
 * that nobody could be, and why. A redelivered event is not notified twice.
 */
import type { IncidentEvent, IncidentState, NotificationRecipient } from '../domain/incident';
import { addresseesOf, type NotificationKind, type Officer, peopleFor } from '../domain/officers';
import { regionOf } from '../domain/regions/regions';
import type { IncidentStore } from '../ports/incident-store';
import type { NotificationPublisher } from '../ports/notification-publisher';
import type { OfficerDirectory } from '../ports/officer-directory';
import type { AppendEvents } from './append-events';
import { SYSTEM_ACTOR } from './escalation';

const chinaTime = (iso: string): string => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(11, 16);
const place = (code: string): string => {
  try {
    return `${code} ${regionOf(code).name}`;
  } catch {
    return code;
  }
};
const minutes = (ms: number): string => `${Math.max(1, Math.round(ms / 60_000))} min`;

/** The message: what, where, grade, figures, the deadline, and what to do. */
export const messageFor = (kind: NotificationKind, event: IncidentEvent, state: IncidentState): string => {
  const what = `${event.incidentId}: grade ${event.scope.grade} ${state.category} (${state.subtype}) in ${place(state.regionCode)}, ${state.figures.dead} dead, ${state.figures.missing} missing, ${state.figures.injured} injured`;
  const act = `Act: POST /v1/incidents/${event.incidentId}/forward (acknowledge first with /acknowledge).`;
  switch (event.type) {
    case 'ObligationOpened': {
      const o = event.data.obligation;
      return `${what}. Your office must report it to ${place(o.to.office)} by ${chinaTime(o.dueAt)} (China time). ${act}`;
    }
    case 'DeadlineWarned':
      return `Reminder — ${what}. ${minutes(event.data.remainingMs)} left to report it up (due ${chinaTime(event.data.dueAt)}). ${act}`;
    case 'DeadlineMissed':
      return `Deadline missed — ${what}. ${place(event.data.office)} did not report it by ${chinaTime(event.data.dueAt)}; it has been escalated past that office. Late reports are recorded against the responsible persons.`;
    case 'AutoEscalated':
      return `Escalated to you — ${what}. ${place(event.data.from.office)} missed its deadline, so your office now has the report and its own deadline. ${act}`;
    default:
      return `${kind === 'grave-incident' ? 'Grade I/II incident — ' : ''}${what}. Review it: GET /v1/incidents/${event.incidentId}.`;
  }
};

const channelsOf = (officer: Officer): string[] =>
  (['email', 'sms', 'webhook'] as const).filter((channel) => officer.endpoints[channel] !== undefined);

export interface NotifyDeps {
  readonly incidents: IncidentStore;
  readonly directory: OfficerDirectory;
  readonly publisher: NotificationPublisher;
  readonly appendEvents: AppendEvents;
}

/**
 * Notifies everyone an event calls for. A publish that fails is recorded (NotificationFailed, to
 * be retried) and rethrown, so the message comes back and, if it keeps failing, is dead-lettered.
 */
export const makeNotifyOfficers = (deps: NotifyDeps) => async (event: IncidentEvent) => {
  const outcomes: { kind: NotificationKind; outcome: 'sent' | 'skipped' | 'nobody' }[] = [];
  for (const { kind, to } of addresseesOf(event)) {
    const key = `${event.seq}:${kind}`;
    const state = await deps.incidents.getState(event.incidentId);
    if (!state) throw new Error(`incident ${event.incidentId} of a delivered event does not exist`);
    if (state.notified?.includes(key)) {
      outcomes.push({ kind, outcome: 'skipped' });
      continue;
    }
    const at = new Date(event.at);
    const people: { officer: Officer; office: string; role: (typeof to)[number]['role'] }[] = [];
    for (const addressee of to) {
      const directory = await deps.directory.ofOffice(addressee.office);
      for (const officer of peopleFor(addressee, directory, at))
        people.push({ officer, office: addressee.office, role: addressee.role });
    }
    const base = { key, aboutSeq: event.seq, kind };
    if (people.length === 0) {
      await deps.appendEvents(event.incidentId, SYSTEM_ACTOR, (current) =>
        current.notified?.includes(key)
          ? []
          : [
              {
                type: 'NotificationFailed',
                data: {
                  ...base,
                  reason: `no officer on record for ${to.map((a) => `${a.role} of ${a.office}`).join(', ')}`,
                  willRetry: false,
                },
              },
            ],
      );
      outcomes.push({ kind, outcome: 'nobody' });
      continue;
    }

    const text = messageFor(kind, event, state);
    const recipients: NotificationRecipient[] = [];
    try {
      for (const { officer, office, role } of people) {
        const channels = channelsOf(officer);
        const messageId = await deps.publisher.publish({
          kind,
          incidentId: event.incidentId,
          personId: officer.personId,
          office,
          officeLevel: regionOfficeLevel(office),
          role,
          grade: event.scope.grade,
          regions: { province: event.scope.province, city: event.scope.city, county: event.scope.county },
          channels,
          text,
        });
        recipients.push({ office, role, personId: officer.personId, channels, messageId });
      }
    } catch (error) {
      await deps.appendEvents(event.incidentId, SYSTEM_ACTOR, () => [
        { type: 'NotificationFailed', data: { ...base, reason: (error as Error).message, willRetry: true } },
      ]);
      throw error;
    }
    await deps.appendEvents(event.incidentId, SYSTEM_ACTOR, (current) =>
      current.notified?.includes(key) ? [] : [{ type: 'NotificationSent', data: { ...base, recipients } }],
    );
    outcomes.push({ kind, outcome: 'sent' });
  }
  return outcomes;
};

const regionOfficeLevel = (office: string): string => {
  try {
    return regionOf(office).level;
  } catch {
    return 'unknown';
  }
};
