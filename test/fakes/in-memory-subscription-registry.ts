/**
 * The subscription registry port kept in memory, with the one rule of SNS the sync depends on: an
 * endpoint of the topic has one subscription, and subscribing it again with another filter is
 * refused while that subscription exists.
 */
import type { OfficerSubscription, SubscriptionRegistry } from '../../shared/ports/officer-subscriptions';

export class InMemorySubscriptionRegistry implements SubscriptionRegistry {
  readonly subscriptions = new Map<string, OfficerSubscription>();
  /** Every subscribe and unsubscribe, in order: a refused import makes none. */
  readonly calls: string[] = [];
  /** Fails every call after this many more have succeeded (SNS throttling half-way). */
  failAfter = Number.POSITIVE_INFINITY;
  #next = 0;

  async list() {
    return [...this.subscriptions].map(([arn, s]) => ({ arn, ...structuredClone(s) }));
  }

  async subscribe(subscription: OfficerSubscription) {
    this.#spend();
    const same = [...this.subscriptions.values()].find(
      (s) => s.protocol === subscription.protocol && s.endpoint === subscription.endpoint,
    );
    if (same && JSON.stringify(same.filterPolicy) !== JSON.stringify(subscription.filterPolicy)) {
      throw new Error('Invalid parameter: Attributes Reason: Subscription already exists with different attributes');
    }
    this.calls.push(`subscribe ${subscription.protocol} ${subscription.endpoint}`);
    if (same) return;
    this.#next += 1;
    this.subscriptions.set(`arn:aws:sns:local:0:officer-notifications:${this.#next}`, structuredClone(subscription));
  }

  async unsubscribe(arn: string) {
    this.#spend();
    this.calls.push(`unsubscribe ${arn}`);
    this.subscriptions.delete(arn);
  }

  /** Seeds a subscription as if made earlier, without counting it as a call. */
  seed(protocol: OfficerSubscription['protocol'], endpoint: string, ...personId: string[]): void {
    this.#next += 1;
    this.subscriptions.set(`arn:aws:sns:local:0:officer-notifications:${this.#next}`, {
      protocol,
      endpoint,
      filterPolicy: { personId },
    });
  }

  /** The subscriptions as `protocol endpoint → people`, sorted, for comparing at a glance. */
  summary(): string[] {
    return [...this.subscriptions.values()]
      .map((s) => `${s.protocol} ${s.endpoint} → ${s.filterPolicy.personId.join(',')}`)
      .sort();
  }

  #spend(): void {
    if (this.failAfter <= 0) throw new Error('Rate exceeded');
    this.failAfter -= 1;
  }
}
