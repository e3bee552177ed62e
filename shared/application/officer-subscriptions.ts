/**
 * The officers' delivery subscriptions, derived from the directory: one per registered endpoint
 * (an email address, a phone number, a webhook), filtered on the person ids of the officers who
 * registered it. Syncing adds what is missing, replaces a subscription whose filter no longer names
 * the right people, and removes endpoints nobody in the directory uses any more.
 */
import type { Officer } from '../domain/officers';
import type { OfficerSubscription, SubscriptionRegistry } from '../ports/officer-subscriptions';

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
export const subscriptionsFor = (officers: readonly Officer[]): readonly OfficerSubscription[] => {
  const byEndpoint = new Map<
    string,
    { protocol: OfficerSubscription['protocol']; endpoint: string; people: string[] }
  >();
  for (const officer of officers) {
    for (const channel of Object.keys(PROTOCOL) as (keyof typeof PROTOCOL)[]) {
      const endpoint = officer.endpoints[channel];
      if (!endpoint) continue;
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

/** One subscription a sync removed or added (a changed filter is one of each). */
export interface SubscriptionChange {
  readonly change: 'added' | 'removed';
  readonly subscription: OfficerSubscription;
}

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

/** Counts of a sync: subscriptions added, left as they were, and removed. */
export interface SyncResult {
  readonly added: number;
  readonly kept: number;
  readonly removed: number;
}

/** Brings the topic's officer subscriptions in line with the officers given (see {@link SyncOptions}). */
export const makeSyncOfficerSubscriptions =
  (deps: { readonly registry: SubscriptionRegistry }) =>
  async (officers: readonly Officer[], options: SyncOptions = {}): Promise<SyncResult> => {
    const scope = options.onlyFor === undefined ? undefined : new Set(options.onlyFor);
    const wanted = new Map(subscriptionsFor(officers).map((s) => [endpointOf(s), s]));
    const existing = new Map<string, (OfficerSubscription & { readonly arn: string })[]>();
    for (const subscription of await deps.registry.list()) {
      const key = endpointOf(subscription);
      existing.set(key, [...(existing.get(key) ?? []), subscription]);
    }

    const toRemove: (OfficerSubscription & { readonly arn: string })[] = [];
    const toAdd: OfficerSubscription[] = [];
    let kept = 0;
    for (const key of new Set([...wanted.keys(), ...existing.keys()])) {
      const want = wanted.get(key);
      const current = existing.get(key) ?? [];
      const currentPeople = current.flatMap((s) => s.filterPolicy.personId);
      if (scope && !want && !currentPeople.some((person) => scope.has(person))) continue;
      const outsiders = scope ? currentPeople.filter((person) => !scope.has(person)) : [];
      const people = sortedUnique([...(want?.filterPolicy.personId ?? []), ...outsiders]);
      let keeping = false;
      for (const subscription of current) {
        if (!keeping && people.length > 0 && samePeople(subscription.filterPolicy.personId, people)) {
          keeping = true;
          kept += 1;
        } else {
          toRemove.push(subscription);
        }
      }
      const where = want ?? current[0];
      if (!keeping && people.length > 0 && where) {
        toAdd.push({ protocol: where.protocol, endpoint: where.endpoint, filterPolicy: { personId: people } });
      }
    }

    // Removals first: SNS refuses to subscribe an endpoint again with another filter while the old
    // subscription exists.
    for (const { arn, ...subscription } of toRemove) {
      await deps.registry.unsubscribe(arn);
      options.onChange?.({ change: 'removed', subscription });
    }
    for (const subscription of toAdd) {
      await deps.registry.subscribe(subscription);
      options.onChange?.({ change: 'added', subscription });
    }
    return { added: toAdd.length, kept, removed: toRemove.length };
  };
