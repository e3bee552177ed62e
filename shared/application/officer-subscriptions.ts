/**
 * The officers' delivery subscriptions, derived from the directory: one per registered endpoint
 * (an email address, a phone number, a webhook), filtered on the person ids of the officers who
 * registered it. Syncing adds what is missing, replaces a subscription whose filter no longer names
 * the right people, and removes endpoints nobody in the directory uses any more. Given a dead-letter
 * queue, it also makes every officer's subscription park there what SNS gives up delivering.
 */
import type { Officer } from '../domain/officers';
import type {
  DeadLetteringSubscriptionRegistry,
  OfficerSubscription,
  SubscriptionRegistry,
} from '../ports/officer-subscriptions';

const PROTOCOL = { email: 'email', sms: 'sms', webhook: 'https' } as const;

const endpointOf = (s: Pick<OfficerSubscription, 'protocol' | 'endpoint'>): string => `${s.protocol}|${s.endpoint}`;

const sortedUnique = (people: Iterable<string>): string[] => [...new Set(people)].sort();

const samePeople = (a: readonly string[], b: readonly string[]): boolean => {
  const left = sortedUnique(a);
  const right = sortedUnique(b);
  return left.length === right.length && left.every((person, i) => person === right[i]);
};

/**
 * The subscriptions the directory calls for, one per endpoint. An endpoint several officers
 * registered (a duty room's shared phone) is one subscription filtered on all of them: SNS keeps a
 * single subscription per endpoint of a topic and refuses a second one with another filter.
 */
export const subscriptionsFor = (
  officers: readonly Officer[],
  options: { readonly smsBySns?: boolean } = {},
): readonly OfficerSubscription[] => {
  const byEndpoint = new Map<
    string,
    { protocol: OfficerSubscription['protocol']; endpoint: string; people: string[] }
  >();
  for (const officer of officers) {
    for (const channel of Object.keys(PROTOCOL) as (keyof typeof PROTOCOL)[]) {
      const endpoint = officer.endpoints[channel];
      if (!endpoint || (channel === 'sms' && options.smsBySns === false)) continue;
      const protocol = PROTOCOL[channel];
      const key = endpointOf({ protocol, endpoint });
      const found = byEndpoint.get(key);
      if (found) found.people.push(officer.personId);
      else byEndpoint.set(key, { protocol, endpoint, people: [officer.personId] });
    }
  }
  return [...byEndpoint.values()].map(({ protocol, endpoint, people }) => ({
    protocol,
    endpoint,
    filterPolicy: { personId: sortedUnique(people) },
  }));
};

/**
 * One subscription a sync removed, added (a changed filter is one of each) or updated in place (its
 * dead-letter target set), as it is after the change.
 */
export interface SubscriptionChange {
  readonly change: 'added' | 'updated' | 'removed';
  readonly subscription: OfficerSubscription;
}

/**
 * What a sync works with. Given a dead-letter target, it subscribes every officer with it, and
 * points each officer's subscription on the topic that lacks it (or names another queue) at it in
 * place. Without one — the local runtime, whose fauxqs keeps no dead-letter queue for officers — it
 * subscribes without a target and leaves existing subscriptions' targets as they are.
 */
export type SyncDependencies = {
  /**
   * Whether SNS sends the officers' SMS through `sms` subscriptions. False where the SMS worker
   * sends them through a provider (the China regions, where SNS sends no SMS): no phone is
   * subscribed, and a sync removes the phones subscribed before. @default true
   */
  readonly smsBySns?: boolean;
} & (
  | { readonly registry: SubscriptionRegistry; readonly deadLetterTarget?: undefined }
  | { readonly registry: DeadLetteringSubscriptionRegistry; readonly deadLetterTarget: string }
);

export interface SyncOptions {
  /**
   * The people this sync decides about, when the officers given are only part of the directory
   * (an import replaces only the offices its file names). Endpoints that neither the officers
   * given use nor any of these people is subscribed on are left alone, and people outside it stay
   * on the endpoints they share with people in it. Absent: the officers given are the whole
   * directory, and every officer's subscription on the topic is theirs to decide.
   */
  readonly onlyFor?: Iterable<string>;
  /** Told of each change once it is made, for the operator's record. */
  readonly onChange?: (change: SubscriptionChange) => void;
}

/** Counts of a sync: subscriptions added, left as they were, removed, and updated in place. */
export interface SyncResult {
  readonly added: number;
  /** Subscriptions the sync decided about and left exactly as they were. */
  readonly kept: number;
  readonly removed: number;
  /**
   * Subscriptions pointed at the dead-letter queue in place. Counted only by a sync given a
   * dead-letter target: it is the one change a sync makes in place, so a sync without one has
   * nothing to count.
   */
  readonly updated?: number;
}

/** Brings the topic's officer subscriptions in line with the officers given (see {@link SyncOptions}). */
export const makeSyncOfficerSubscriptions =
  (deps: SyncDependencies) =>
  async (officers: readonly Officer[], options: SyncOptions = {}): Promise<SyncResult> => {
    const target = deps.deadLetterTarget;
    const misdirected = (subscription: OfficerSubscription): boolean =>
      target !== undefined && subscription.deadLetterTarget !== target;
    const scope = options.onlyFor === undefined ? undefined : new Set(options.onlyFor);
    const wanted = new Map(
      subscriptionsFor(officers, { smsBySns: deps.smsBySns ?? true }).map((s) => [endpointOf(s), s]),
    );
    const existing = new Map<string, (OfficerSubscription & { readonly arn: string })[]>();
    for (const subscription of await deps.registry.list()) {
      const key = endpointOf(subscription);
      existing.set(key, [...(existing.get(key) ?? []), subscription]);
    }

    const toRemove: (OfficerSubscription & { readonly arn: string })[] = [];
    const toAdd: OfficerSubscription[] = [];
    const toUpdate: (OfficerSubscription & { readonly arn: string })[] = [];
    let kept = 0;
    for (const key of new Set([...wanted.keys(), ...existing.keys()])) {
      const want = wanted.get(key);
      const current = existing.get(key) ?? [];
      const currentPeople = current.flatMap((s) => s.filterPolicy.personId);
      if (scope && !want && !currentPeople.some((person) => scope.has(person))) {
        // Who is on this endpoint is not this sync's to decide, but where SNS parks what it could
        // not deliver is the topic's rule, not the directory's: one import brings every officer's
        // subscription in line, not only those of the offices it names.
        toUpdate.push(...current.filter(misdirected));
        continue;
      }
      const outsiders = scope ? currentPeople.filter((person) => !scope.has(person)) : [];
      const people = sortedUnique([...(want?.filterPolicy.personId ?? []), ...outsiders]);
      let keeping = false;
      for (const subscription of current) {
        if (!keeping && people.length > 0 && samePeople(subscription.filterPolicy.personId, people)) {
          keeping = true;
          if (misdirected(subscription)) toUpdate.push(subscription);
          else kept += 1;
        } else {
          toRemove.push(subscription);
        }
      }
      const where = want ?? current[0];
      if (!keeping && people.length > 0 && where) {
        toAdd.push({
          protocol: where.protocol,
          endpoint: where.endpoint,
          filterPolicy: { personId: people },
          ...(target === undefined ? {} : { deadLetterTarget: target }),
        });
      }
    }

    // Removals first: SNS refuses to subscribe an endpoint again with another filter while the old
    // subscription exists. Updates last: a newcomer without any subscription is the more urgent.
    for (const { arn, ...subscription } of toRemove) {
      await deps.registry.unsubscribe(arn);
      options.onChange?.({ change: 'removed', subscription });
    }
    for (const subscription of toAdd) {
      await deps.registry.subscribe(subscription);
      options.onChange?.({ change: 'added', subscription });
    }
    if (deps.deadLetterTarget === undefined) return { added: toAdd.length, kept, removed: toRemove.length };
    for (const { arn, ...subscription } of toUpdate) {
      await deps.registry.setDeadLetterTarget(arn, deps.deadLetterTarget);
      options.onChange?.({
        change: 'updated',
        subscription: { ...subscription, deadLetterTarget: deps.deadLetterTarget },
      });
    }
    return { added: toAdd.length, kept, removed: toRemove.length, updated: toUpdate.length };
  };
