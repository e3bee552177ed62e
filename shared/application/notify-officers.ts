/**
 * Telling the responsible officers: for each event that calls for it, find the people the rules
 * name (the duty roster at the time of the event, the responsible persons by role), hand each a
 * short, actionable message, and record in the incident's log who was told, how and when — or,
 * for each office and role with nobody on record, that nobody could be. A redelivered event
 * tells nobody twice.
 *
 * What is settled is kept as keys in the incident's state (`notified`):
 * - `<seq>:<kind>`: the whole notification, sent (NotificationSent);
 * - `<seq>:<kind>:<personId>`: one person told before a publish failed (NotificationSent);
 * - `<seq>:<kind>:<office>/<role>`: an addressee with nobody on record (NotificationFailed).
 */
import { chinaClockOf } from '../domain/china-time';
import { toldAs } from '../domain/exercise';
import type { EventDraft, IncidentEvent, IncidentState } from '../domain/incident';
import {
  type Addressee,
  addresseesOf,
  NOTIFICATION_TITLES,
  type NotificationKind,
  peopleFor,
  place,
} from '../domain/officers';
import { isCorrectionId } from '../domain/review';
import type { IncidentStore } from '../ports/incident-store';
import type { NotificationPublisher } from '../ports/notification-publisher';
import type { OfficerDirectory } from '../ports/officer-directory';
import type { QueuedMessage, Redelivery } from '../ports/redelivery';
import type { AppendEvents, Decide } from './append-events';
import { SYSTEM_ACTOR } from './escalation';
import { type PersonToTell, tellOfficers } from './tell-officers';

const minutes = (ms: number): string => `${Math.max(1, Math.round(ms / 60_000))} min`;

/** The message: what, where, grade, figures, the deadline, and what to do. */
export const messageFor = (kind: NotificationKind, event: IncidentEvent, state: IncidentState): string => {
  const what = `${event.incidentId}: grade ${event.scope.grade} ${state.category} (${state.subtype}) in ${place(state.regionCode)}, ${state.figures.dead} dead, ${state.figures.missing} missing, ${state.figures.injured} injured`;
  const act = `Act: POST /v1/incidents/${event.incidentId}/forward (acknowledge first with /acknowledge).`;
  switch (event.type) {
    case 'ObligationOpened': {
      const o = event.data.obligation;
      if (o.returned) {
        return `Report returned — ${what}. ${place(o.returned.by.office)} returned ${o.returned.reportId} for correction (${o.returned.fields.join(', ')}): ${o.returned.note}. Send the corrected report by ${chinaClockOf(o.dueAt)} (China time): POST /v1/incidents/${event.incidentId}/forward with "correcting": "${o.obligationId}".`;
      }
      return `${what}. Your office must report it to ${place(o.to.office)} by ${chinaClockOf(o.dueAt)} (China time). ${act}`;
    }
    case 'DeadlineWarned':
      return `Reminder — ${what}. ${minutes(event.data.remainingMs)} left to report it up (due ${chinaClockOf(event.data.dueAt)}). ${act}`;
    case 'DeadlineMissed':
      if (isCorrectionId(event.data.obligationId)) {
        return `Correction missed — ${what}. ${event.data.unit ? `Unit ${event.data.unit}` : place(event.data.office)} did not send the corrected report by ${chinaClockOf(event.data.dueAt)}; it is recorded as a missed report.`;
      }
      return `Deadline missed — ${what}. ${place(event.data.office)} did not report it by ${chinaClockOf(event.data.dueAt)}; it has been escalated past that office. Late reports are recorded against the responsible persons.`;
    case 'DeadlineShortened':
      return `Deadline moved earlier — ${what}. Grade ${event.data.grade} allows less time: report it up by ${chinaClockOf(event.data.to)} (China time), not ${chinaClockOf(event.data.from)}. ${act}`;
    case 'AutoEscalated':
      return `Escalated to you — ${what}. ${place(event.data.from.office)} missed its deadline, so your office now has the report and its own deadline. ${act}`;
    default:
      return `${kind === 'grave-incident' ? 'Grade I/II incident — ' : ''}${what}. Review it: GET /v1/incidents/${event.incidentId}.`;
  }
};

/** The SMS form of the message, at most 140 characters: what, where, grade and the deadline. */
export const briefFor = (kind: NotificationKind, event: IncidentEvent, state: IncidentState): string => {
  const what = `${NOTIFICATION_TITLES[kind]}: ${event.incidentId}, grade ${event.scope.grade} ${state.category}, ${place(state.regionCode)}.`;
  switch (event.type) {
    case 'ObligationOpened': {
      const o = event.data.obligation;
      if (o.returned) return `${what} Send the correction by ${chinaClockOf(o.dueAt)} China time.`;
      return `${what} Report it to ${o.to.office} by ${chinaClockOf(o.dueAt)} China time.`;
    }
    case 'DeadlineWarned':
      return `${what} Report it up by ${chinaClockOf(event.data.dueAt)} China time (${minutes(event.data.remainingMs)} left).`;
    case 'DeadlineMissed':
      if (isCorrectionId(event.data.obligationId)) {
        return `${what} ${event.data.unit ?? event.data.office} sent no correction by ${chinaClockOf(event.data.dueAt)} China time.`;
      }
      return `${what} ${event.data.office} missed ${chinaClockOf(event.data.dueAt)} China time; escalated.`;
    case 'DeadlineShortened':
      return `${what} Now due ${chinaClockOf(event.data.to)} China time (was ${chinaClockOf(event.data.from)}).`;
    case 'AutoEscalated':
      return `${what} ${event.data.from.office} missed its deadline; your office has it now.`;
    default:
      return `${what} ${state.figures.dead} dead, ${state.figures.missing} missing.`;
  }
};

export interface NotifyDeps {
  readonly incidents: IncidentStore;
  readonly directory: OfficerDirectory;
  readonly publisher: NotificationPublisher;
  readonly appendEvents: AppendEvents;
}

export interface NotifyOptions {
  /**
   * This delivery is the last the queue makes before it parks the event in its dead-letter queue:
   * a failed publish is recorded as not to be retried.
   */
  readonly lastAttempt?: boolean;
}

/** What became of one notification an event called for. */
export interface NotifyOutcome {
  readonly kind: NotificationKind;
  /** `sent`: someone was told now; `nobody`: nobody is on record for any addressee left; `skipped`: dealt with before. */
  readonly outcome: 'sent' | 'skipped' | 'nobody';
  /** The addressees with nobody on record, recorded as NotificationFailed. */
  readonly unreached?: readonly Addressee[];
}

const personKey = (key: string, personId: string): string => `${key}:${personId}`;
const addresseeKey = (key: string, a: Addressee): string => `${key}:${a.office}/${a.role}`;

/**
 * Notifies everyone an event calls for, each person once. Each addressee (an office and a role)
 * with nobody on record gets its own NotificationFailed, beside the NotificationSent for the
 * others. A publish that fails records the people told before it (one NotificationSent each) and
 * the failure, then rethrows, so the queue delivers the event again and the retry tells only
 * those not yet told; on the last attempt the failure is recorded as final.
 *
 * The event's records are appended in one write (all its notifications together, should it call
 * for several), each decided on the freshest head, so nothing told is recorded twice and nothing
 * left out. When nobody was told (nobody on record, or everyone told before), that write starts
 * from the head read to decide whom to tell: its version is the write's condition, so a head that
 * moved meanwhile is read again. Once someone was told it is read afresh, since each SMS sent is
 * recorded on the same head: the head read before telling is then most likely stale, and a refused
 * transaction costs more than a read.
 */
export const makeNotifyOfficers =
  (deps: NotifyDeps) =>
  async (event: IncidentEvent, options: NotifyOptions = {}): Promise<NotifyOutcome[]> => {
    const wanted = addresseesOf(event);
    if (wanted.length === 0) return [];
    const state = await deps.incidents.getState(event.incidentId);
    if (!state) throw new Error(`incident ${event.incidentId} of a delivered event does not exist`);
    const settled = new Set(state.notified ?? []);
    const offices = new Map<string, ReturnType<OfficerDirectory['ofOffice']>>();
    const directoryOf = (office: string) => {
      const found = offices.get(office) ?? deps.directory.ofOffice(office);
      offices.set(office, found);
      return found;
    };

    const outcomes: NotifyOutcome[] = [];
    /** What each notification told is recorded as, decided on the head the append starts from. */
    const records: Decide[] = [];
    /** The first publish that failed, rethrown once everything before it is recorded. */
    let failure: { readonly error: unknown } | undefined;
    let toldNow = 0;
    for (const { kind, to } of wanted) {
      const key = `${event.seq}:${kind}`;
      if (settled.has(key)) {
        outcomes.push({ kind, outcome: 'skipped' });
        continue;
      }

      // The people on duty when the event happened, however late it is delivered.
      const at = new Date(event.at);
      const people: PersonToTell[] = [];
      const unreached: Addressee[] = [];
      for (const addressee of to) {
        if (settled.has(addresseeKey(key, addressee))) continue;
        const found = peopleFor(addressee, await directoryOf(addressee.office), at);
        if (found.length === 0) unreached.push(addressee);
        for (const officer of found) {
          // Someone both rules name (a leader who is also on duty) is told once.
          if (people.some((p) => p.officer.personId === officer.personId)) continue;
          people.push({ officer, office: addressee.office, role: addressee.role });
        }
      }
      const pending = people.filter((p) => !settled.has(personKey(key, p.officer.personId)));
      if (pending.length === 0 && unreached.length === 0) {
        outcomes.push({ kind, outcome: 'skipped' });
        continue;
      }

      const base = { aboutSeq: event.seq, kind };
      const nobodyEvents = (done: ReadonlySet<string>): EventDraft[] =>
        unreached
          .filter((a) => !done.has(addresseeKey(key, a)))
          .map((a) => ({
            type: 'NotificationFailed',
            data: {
              ...base,
              key: addresseeKey(key, a),
              reason: `no officer on record for ${a.role} of ${a.office}`,
              willRetry: false,
            },
          }));

      const telling = await tellOfficers(deps.publisher, {
        people: pending,
        message: {
          kind,
          incidentId: event.incidentId,
          grade: event.scope.grade,
          regions: { province: event.scope.province, city: event.scope.city, county: event.scope.county },
          text: toldAs(event.scope, messageFor(kind, event, state)),
          brief: toldAs(event.scope, briefFor(kind, event, state)),
        },
        // Gathered here, appended below: one write for the event.
        record: {
          failed: async (told, reason) => {
            records.push((current) => {
              const done = new Set(current.notified ?? []);
              if (done.has(key)) return [];
              return [
                ...told
                  .filter((r) => !done.has(personKey(key, r.personId)))
                  .map(
                    (r): EventDraft => ({
                      type: 'NotificationSent',
                      data: { ...base, key: personKey(key, r.personId), recipients: [r] },
                    }),
                  ),
                ...nobodyEvents(done),
                options.lastAttempt
                  ? {
                      type: 'NotificationFailed',
                      // Its own key, so that the notification itself stays open: an operator who
                      // redrives the event from the dead-letter queue gets it sent to those not yet told.
                      data: {
                        ...base,
                        key: `${key}:dead-lettered`,
                        reason: `${reason}; no attempt is left: the event is parked in the notification dead-letter queue`,
                        willRetry: false,
                      },
                    }
                  : { type: 'NotificationFailed', data: { ...base, key, reason, willRetry: true } },
              ];
            });
          },
          allTold: async (told) => {
            records.push((current) => {
              const done = new Set(current.notified ?? []);
              if (done.has(key)) return [];
              return [
                ...(told.length > 0
                  ? [{ type: 'NotificationSent', data: { ...base, key, recipients: told } } as const]
                  : []),
                ...nobodyEvents(done),
              ];
            });
          },
        },
      });
      toldNow += telling.told.length;
      if (telling.outcome === 'failed') {
        // Nobody else is told before the failure is on record; the retry tells the rest.
        failure = { error: telling.error };
        break;
      }
      outcomes.push({
        kind,
        outcome: telling.told.length > 0 ? 'sent' : 'nobody',
        ...(unreached.length > 0 ? { unreached } : {}),
      });
    }
    if (records.length > 0) {
      await deps.appendEvents(
        event.incidentId,
        SYSTEM_ACTOR,
        (current, now) => records.flatMap((decide) => decide(current, now)),
        toldNow === 0 ? { from: state } : {},
      );
    }
    // Thrown once recorded, so that the queue delivers the event again (or parks it, after the last attempt).
    if (failure) throw failure.error;
    return outcomes;
  };

export type NotifyOfficers = ReturnType<typeof makeNotifyOfficers>;

/** The first retry waits this long; each later one twice as long as the one before. */
export const FIRST_RETRY_SECONDS = 30;
/** SQS keeps a message hidden for at most 12 hours. */
const LONGEST_RETRY_SECONDS = 12 * 3600;

/** How long a message that failed on its `receiveCount`-th delivery waits: 30 s, 60 s, 120 s, 240 s … */
export const retryDelaySeconds = (receiveCount: number): number =>
  Math.min(LONGEST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** Math.max(0, Math.min(receiveCount - 1, 20)));

/** One event as the notification queue delivered it. */
export interface QueuedEvent {
  readonly event: IncidentEvent;
  readonly message: QueuedMessage;
}

/**
 * Notifies one queued event. If it fails, the next delivery is put off by {@link retryDelaySeconds}
 * and the error rethrown, so the queue delivers it again; on the delivery the queue's redrive
 * policy makes the last, a failed publish is recorded as final before the event is dead-lettered.
 * `warn` hears of what could not be done about the retry, which then comes at the queue's own pace.
 */
export const makeNotifyQueuedEvent = (deps: {
  readonly notify: NotifyOfficers;
  readonly redelivery: Redelivery;
  readonly warn: (message: string, details: Record<string, unknown>) => void;
}) => {
  // A queue's redrive policy does not change while a function instance lives; a failed lookup is
  // tried again with the next message.
  const known = new Map<string, number | undefined>();
  const maxReceivesOf = async (queueArn: string): Promise<number | undefined> => {
    if (known.has(queueArn)) return known.get(queueArn);
    try {
      const max = await deps.redelivery.maxReceives(queueArn);
      if (max === undefined)
        deps.warn('the queue has no redrive policy: no attempt is known to be the last', { queueArn });
      known.set(queueArn, max);
      return max;
    } catch (error) {
      deps.warn('could not read the queue’s redrive policy: no attempt is known to be the last', {
        queueArn,
        error: (error as Error).message,
      });
      return undefined;
    }
  };

  return async ({ event, message }: QueuedEvent): Promise<NotifyOutcome[]> => {
    const maxReceives = await maxReceivesOf(message.queueArn);
    const lastAttempt = maxReceives !== undefined && message.receiveCount >= maxReceives;
    try {
      return await deps.notify(event, { lastAttempt });
    } catch (error) {
      if (!lastAttempt) {
        const seconds = retryDelaySeconds(message.receiveCount);
        try {
          await deps.redelivery.delay(message, seconds);
        } catch (delayError) {
          deps.warn('could not put off the next delivery: it comes after the queue’s visibility timeout', {
            queueArn: message.queueArn,
            seconds,
            error: (delayError as Error).message,
          });
        }
      }
      throw error;
    }
  };
};
