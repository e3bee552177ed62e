import { describe, expect, it } from 'vitest';
import { makeSyncOfficerSubscriptions, subscriptionsFor } from '../../shared/application/officer-subscriptions';
import type { Officer } from '../../shared/domain/officers';
import type { OfficerSubscription, SubscriptionRegistry } from '../../shared/ports/officer-subscriptions';

const officer = (personId: string, endpoints: Officer['endpoints']): Officer => ({
  office: '110101',
  personId,
  name: personId,
  roles: ['duty-officer'],
  endpoints,
});

class FakeRegistry implements SubscriptionRegistry {
  readonly subscriptions = new Map<string, OfficerSubscription>();
  #next = 0;
  async list() {
    return [...this.subscriptions].map(([arn, s]) => ({ arn, ...s }));
  }
  async subscribe(subscription: OfficerSubscription) {
    this.#next += 1;
    this.subscriptions.set(`arn:aws:sns:local:0:officer-notifications:${this.#next}`, subscription);
  }
  async unsubscribe(arn: string) {
    this.subscriptions.delete(arn);
  }
}

describe('officers’ delivery subscriptions', () => {
  it('derives one subscription per registered channel, each filtered on the officer', () => {
    // ACT
    const wanted = subscriptionsFor([
      officer('P-1', { email: 'a@example.cn', sms: '+8613800000001' }),
      officer('P-2', { webhook: 'https://duty.example.cn/hook' }),
    ]);

    // ASSESS
    expect(wanted).toEqual([
      { protocol: 'email', endpoint: 'a@example.cn', filterPolicy: { personId: ['P-1'] } },
      { protocol: 'sms', endpoint: '+8613800000001', filterPolicy: { personId: ['P-1'] } },
      { protocol: 'https', endpoint: 'https://duty.example.cn/hook', filterPolicy: { personId: ['P-2'] } },
    ]);
  });

  it('adds what is missing, removes what the directory no longer has, and keeps the rest', async () => {
    // PREPARE: P-1 already subscribed by email; P-9 has left
    const registry = new FakeRegistry();
    await registry.subscribe({ protocol: 'email', endpoint: 'a@example.cn', filterPolicy: { personId: ['P-1'] } });
    await registry.subscribe({ protocol: 'sms', endpoint: '+8613800000009', filterPolicy: { personId: ['P-9'] } });
    const sync = makeSyncOfficerSubscriptions({ registry });

    // ACT
    const result = await sync([officer('P-1', { email: 'a@example.cn', sms: '+8613800000001' })]);
    const again = await sync([officer('P-1', { email: 'a@example.cn', sms: '+8613800000001' })]);

    // ASSESS
    expect(result).toEqual({ added: 1, removed: 1, kept: 1 });
    expect(again).toEqual({ added: 0, removed: 0, kept: 2 });
    expect([...registry.subscriptions.values()]).toEqual([
      { protocol: 'email', endpoint: 'a@example.cn', filterPolicy: { personId: ['P-1'] } },
      { protocol: 'sms', endpoint: '+8613800000001', filterPolicy: { personId: ['P-1'] } },
    ]);
  });

  it('replaces a subscription whose filter no longer names its officer', async () => {
    const registry = new FakeRegistry();
    await registry.subscribe({ protocol: 'email', endpoint: 'a@example.cn', filterPolicy: { personId: ['P-OLD'] } });
    const result = await makeSyncOfficerSubscriptions({ registry })([officer('P-1', { email: 'a@example.cn' })]);
    expect(result).toEqual({ added: 1, removed: 1, kept: 0 });
    expect([...registry.subscriptions.values()]).toEqual([
      { protocol: 'email', endpoint: 'a@example.cn', filterPolicy: { personId: ['P-1'] } },
    ]);
  });
});
