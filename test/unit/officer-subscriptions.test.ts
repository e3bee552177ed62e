import { describe, expect, it } from 'vitest';
import {
  makeSyncOfficerSubscriptions,
  type SubscriptionChange,
  subscriptionsFor,
} from '../../shared/application/officer-subscriptions';
import type { Officer } from '../../shared/domain/officers';
import type { DeadLetteringSubscriptionRegistry, OfficerSubscription } from '../../shared/ports/officer-subscriptions';

const DEAD_LETTERS = 'arn:aws:sqs:cn-north-1:123456789012:officer-delivery-dlq';

const officer = (personId: string, endpoints: Officer['endpoints']): Officer => ({
  office: '110101',
  personId,
  name: personId,
  roles: ['duty-officer'],
  endpoints,
});

class FakeRegistry implements DeadLetteringSubscriptionRegistry {
  readonly subscriptions = new Map<string, OfficerSubscription>();
  /** Every call that changes a subscription, in order. */
  readonly calls: string[] = [];
  #next = 0;
  async list() {
    return [...this.subscriptions].map(([arn, s]) => ({ arn, ...s }));
  }
  async subscribe(subscription: OfficerSubscription) {
    this.#next += 1;
    const arn = `arn:aws:sns:local:0:officer-notifications:${this.#next}`;
    this.calls.push(`subscribe ${subscription.endpoint}`);
    this.subscriptions.set(arn, subscription);
  }
  async setDeadLetterTarget(arn: string, deadLetterTarget: string) {
    const subscription = this.subscriptions.get(arn);
    if (!subscription) throw new Error(`NotFound: ${arn}`);
    this.calls.push(`set dead-letter target of ${subscription.endpoint}`);
    this.subscriptions.set(arn, { ...subscription, deadLetterTarget });
  }
  async unsubscribe(arn: string) {
    this.calls.push(`unsubscribe ${this.subscriptions.get(arn)?.endpoint}`);
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

  it('subscribes no phone where the SMS worker sends SMS, and removes the phones subscribed before', async () => {
    // PREPARE: a phone subscribed while SNS still sent the SMS
    const registry = new FakeRegistry();
    await registry.subscribe({ protocol: 'sms', endpoint: '+8613800000001', filterPolicy: { personId: ['P-1'] } });
    const sync = makeSyncOfficerSubscriptions({ registry, smsBySns: false });

    // ACT
    const result = await sync([officer('P-1', { email: 'a@example.cn', sms: '+8613800000001' })]);

    // ASSESS
    expect(result).toEqual({ added: 1, removed: 1, kept: 0 });
    expect([...registry.subscriptions.values()]).toEqual([
      { protocol: 'email', endpoint: 'a@example.cn', filterPolicy: { personId: ['P-1'] } },
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

  describe('with a dead-letter queue', () => {
    it('subscribes every new channel with it', async () => {
      // PREPARE
      const registry = new FakeRegistry();
      const sync = makeSyncOfficerSubscriptions({ registry, deadLetterTarget: DEAD_LETTERS });

      // ACT
      const result = await sync([officer('P-1', { sms: '+8613800000001', webhook: 'https://duty.example.cn/hook' })]);

      // ASSESS
      expect(result).toEqual({ added: 2, kept: 0, removed: 0, updated: 0 });
      expect([...registry.subscriptions.values()]).toEqual([
        {
          protocol: 'sms',
          endpoint: '+8613800000001',
          filterPolicy: { personId: ['P-1'] },
          deadLetterTarget: DEAD_LETTERS,
        },
        {
          protocol: 'https',
          endpoint: 'https://duty.example.cn/hook',
          filterPolicy: { personId: ['P-1'] },
          deadLetterTarget: DEAD_LETTERS,
        },
      ]);
    });

    it('points a subscription without it, or with another queue, at it in place, and counts that as a change', async () => {
      // PREPARE: an email made before there was a dead-letter queue, a webhook naming an old one.
      const registry = new FakeRegistry();
      await registry.subscribe({ protocol: 'email', endpoint: 'a@example.cn', filterPolicy: { personId: ['P-1'] } });
      await registry.subscribe({
        protocol: 'https',
        endpoint: 'https://duty.example.cn/hook',
        filterPolicy: { personId: ['P-1'] },
        deadLetterTarget: 'arn:aws:sqs:cn-north-1:123456789012:retired-dlq',
      });
      const arnsBefore = [...registry.subscriptions.keys()];
      registry.calls.length = 0;
      const changes: SubscriptionChange[] = [];
      const sync = makeSyncOfficerSubscriptions({ registry, deadLetterTarget: DEAD_LETTERS });
      const directory = [officer('P-1', { email: 'a@example.cn', webhook: 'https://duty.example.cn/hook' })];

      // ACT
      const result = await sync(directory, { onChange: (change) => changes.push(change) });
      const again = await sync(directory);

      // ASSESS: the same subscriptions, not replaced (the owner would have to confirm them again).
      expect(result).toEqual({ added: 0, kept: 0, removed: 0, updated: 2 });
      expect(again).toEqual({ added: 0, kept: 2, removed: 0, updated: 0 });
      expect(registry.calls).toEqual([
        'set dead-letter target of a@example.cn',
        'set dead-letter target of https://duty.example.cn/hook',
      ]);
      expect([...registry.subscriptions.keys()]).toEqual(arnsBefore);
      expect([...registry.subscriptions.values()].map((s) => s.deadLetterTarget)).toEqual([DEAD_LETTERS, DEAD_LETTERS]);
      expect(changes).toEqual([
        {
          change: 'updated',
          subscription: {
            protocol: 'email',
            endpoint: 'a@example.cn',
            filterPolicy: { personId: ['P-1'] },
            deadLetterTarget: DEAD_LETTERS,
          },
        },
        {
          change: 'updated',
          subscription: {
            protocol: 'https',
            endpoint: 'https://duty.example.cn/hook',
            filterPolicy: { personId: ['P-1'] },
            deadLetterTarget: DEAD_LETTERS,
          },
        },
      ]);
    });

    it('replaces a subscription whose filter changed with one that has it, and does not also update the old one', async () => {
      const registry = new FakeRegistry();
      await registry.subscribe({ protocol: 'sms', endpoint: '+8613800000001', filterPolicy: { personId: ['P-OLD'] } });
      registry.calls.length = 0;

      const result = await makeSyncOfficerSubscriptions({ registry, deadLetterTarget: DEAD_LETTERS })([
        officer('P-1', { sms: '+8613800000001' }),
      ]);

      expect(result).toEqual({ added: 1, kept: 0, removed: 1, updated: 0 });
      expect(registry.calls).toEqual(['unsubscribe +8613800000001', 'subscribe +8613800000001']);
      expect([...registry.subscriptions.values()]).toEqual([
        {
          protocol: 'sms',
          endpoint: '+8613800000001',
          filterPolicy: { personId: ['P-1'] },
          deadLetterTarget: DEAD_LETTERS,
        },
      ]);
    });

    it('brings the subscriptions of people outside the sync’s scope in line too, without deciding who is on them', async () => {
      // PREPARE: another office's officer, subscribed before there was a dead-letter queue.
      const registry = new FakeRegistry();
      await registry.subscribe({ protocol: 'sms', endpoint: '+8613800000077', filterPolicy: { personId: ['P-X'] } });
      registry.calls.length = 0;

      // ACT: a sync that decides for P-1 only.
      const result = await makeSyncOfficerSubscriptions({ registry, deadLetterTarget: DEAD_LETTERS })(
        [officer('P-1', { sms: '+8613800000001' })],
        { onlyFor: ['P-1'] },
      );

      // ASSESS: P-X keeps their phone, now with the dead-letter queue; not counted as kept, which
      // counts only what the sync decided about.
      expect(result).toEqual({ added: 1, kept: 0, removed: 0, updated: 1 });
      expect(registry.calls).toEqual(['subscribe +8613800000001', 'set dead-letter target of +8613800000077']);
      expect([...registry.subscriptions.values()]).toContainEqual({
        protocol: 'sms',
        endpoint: '+8613800000077',
        filterPolicy: { personId: ['P-X'] },
        deadLetterTarget: DEAD_LETTERS,
      });
    });
  });

  it('without a dead-letter queue, subscribes without one and leaves existing ones’ as they are', async () => {
    // PREPARE: as on the local runtime; one subscription names a queue all the same.
    const registry = new FakeRegistry();
    await registry.subscribe({
      protocol: 'email',
      endpoint: 'a@example.cn',
      filterPolicy: { personId: ['P-1'] },
      deadLetterTarget: DEAD_LETTERS,
    });
    registry.calls.length = 0;

    // ACT
    const result = await makeSyncOfficerSubscriptions({ registry })([
      officer('P-1', { email: 'a@example.cn', sms: '+8613800000001' }),
    ]);

    // ASSESS: no `updated` count at all: such a sync changes nothing in place.
    expect(result).toStrictEqual({ added: 1, kept: 1, removed: 0 });
    expect(registry.calls).toEqual(['subscribe +8613800000001']);
    expect([...registry.subscriptions.values()]).toStrictEqual([
      {
        protocol: 'email',
        endpoint: 'a@example.cn',
        filterPolicy: { personId: ['P-1'] },
        deadLetterTarget: DEAD_LETTERS,
      },
      { protocol: 'sms', endpoint: '+8613800000001', filterPolicy: { personId: ['P-1'] } },
    ]);
  });
});
