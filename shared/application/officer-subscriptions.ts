/**
 * The officers' delivery subscriptions, derived from the directory: one per registered channel of
 * every officer, filtered on the officer's person id. Syncing adds what is missing, fixes a
 * changed filter, and removes subscriptions of people or channels no longer in the directory.
 */
import { canonicalJson, type Json } from '../domain/canonical';
import type { Officer } from '../domain/officers';
import type { OfficerSubscription, SubscriptionRegistry } from '../ports/officer-subscriptions';

const PROTOCOL = { email: 'email', sms: 'sms', webhook: 'https' } as const;

/** The subscriptions the directory calls for. */
export const subscriptionsFor = (officers: readonly Officer[]): readonly OfficerSubscription[] =>
  officers.flatMap((officer) =>
    (Object.keys(PROTOCOL) as (keyof typeof PROTOCOL)[]).flatMap((channel) => {
      const endpoint = officer.endpoints[channel];
      return endpoint
        ? [{ protocol: PROTOCOL[channel], endpoint, filterPolicy: { personId: [officer.personId] } }]
        : [];
    }),
  );

const identity = (s: OfficerSubscription): string =>
  `${s.protocol}|${s.endpoint}|${canonicalJson(s.filterPolicy as unknown as Json)}`;

export const makeSyncOfficerSubscriptions =
  (deps: { readonly registry: SubscriptionRegistry }) => async (officers: readonly Officer[]) => {
    const wanted = new Map(subscriptionsFor(officers).map((s) => [identity(s), s]));
    const existing = await deps.registry.list();
    let removed = 0;
    for (const subscription of existing) {
      if (wanted.has(identity(subscription))) {
        wanted.delete(identity(subscription));
      } else {
        await deps.registry.unsubscribe(subscription.arn);
        removed += 1;
      }
    }
    for (const subscription of wanted.values()) await deps.registry.subscribe(subscription);
    return { added: wanted.size, removed, kept: existing.length - removed };
  };
