/**
 * Group commit of appends to the same incident (the notification consumer's): appends that arrive
 * while a write to the incident is in flight go together in the next write, each deciding on the
 * state the ones before it left; every event lands in the log, on an intact chain, and a refusal
 * fails only its own caller.
 */
import { describe, expect, it } from 'vitest';
import { policyByName } from '../../shared/adapters/policy-source';
import { makeAppendEvents } from '../../shared/application/append-events';
import { makeGroupedAppendEvents } from '../../shared/application/grouped-append';
import { ValidationError } from '../../shared/domain/errors';
import { verifyChain } from '../../shared/domain/hash-chain';
import type { EventDraft, IncidentState } from '../../shared/domain/incident';
import { buildIncident, creation, systemActor } from '../adapters/incident-fixtures';
import { FakeClock } from '../fakes/fake-clock';
import { InMemoryIncidentStore } from '../fakes/in-memory-incident-store';

const ID = 'INC-20261205-G0000001';

/** A store holding one new incident, counting the writes it is asked for. */
const setUp = async () => {
  const incidents = new InMemoryIncidentStore();
  await incidents.append(
    creation(buildIncident({ incidentId: ID, regionCode: '110101', receivedAt: '2026-12-05T01:00:00.000Z' })),
  );
  let writes = 0;
  const append = incidents.append.bind(incidents);
  incidents.append = async (change) => {
    writes += 1;
    return append(change);
  };
  const deps = { incidents, clock: new FakeClock('2026-12-05T01:00:05.000Z'), policy: policyByName('national') };
  return { incidents, deps, writes: () => writes };
};

/** A notification recorded for `key`, unless the state already has it (as notify-officers decides). */
const notifying =
  (key: string) =>
  (state: IncidentState): EventDraft[] =>
    state.notified?.includes(key)
      ? []
      : [
          {
            type: 'NotificationFailed',
            data: { aboutSeq: 1, kind: 'report-arrived', key, reason: 'no officer on record', willRetry: false },
          },
        ];

describe('grouped appends to one incident', () => {
  it('puts the appends that arrive during a write into the next one: every event in the log, the chain intact, no collision', async () => {
    const { incidents, deps, writes } = await setUp();
    const append = makeGroupedAppendEvents(deps);

    const results = await Promise.all(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((key) => append(ID, systemActor, notifying(key))),
    );

    // The first goes alone; the five that came while it was written go together.
    expect(writes()).toBe(2);
    expect(incidents.conflicts).toBe(0);
    expect(results.map((r) => r.events.map((e) => e.seq))).toStrictEqual([[3], [4], [5], [6], [7], [8]]);
    const log = incidents.eventsOf(ID);
    expect(log.map((e) => e.seq)).toStrictEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(verifyChain(log).intact).toBe(true);
    expect(incidents.headOf(ID)?.notified).toStrictEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('with a linger, appends arriving a few milliseconds apart share the first write', async () => {
    const { incidents, deps, writes } = await setUp();
    const append = makeGroupedAppendEvents({ ...deps, lingerMs: 30 });
    // Timers fire in the order they fall due, so b (5 ms) and c (10 ms) queue before the linger
    // (30 ms) ends however slow the machine is.
    const later = (ms: number, key: string) =>
      new Promise((resolve) => setTimeout(resolve, ms)).then(() => append(ID, systemActor, notifying(key)));

    await Promise.all([append(ID, systemActor, notifying('a')), later(5, 'b'), later(10, 'c')]);

    expect(writes()).toBe(1);
    expect(incidents.headOf(ID)?.notified).toStrictEqual(['a', 'b', 'c']);
    expect(verifyChain(incidents.eventsOf(ID)).intact).toBe(true);
  });

  it('lets each decision see the ones before it in its group, so a repeated one appends nothing', async () => {
    const { incidents, deps } = await setUp();
    const append = makeGroupedAppendEvents(deps);

    const results = await Promise.all(['a', 'b', 'b', 'a'].map((key) => append(ID, systemActor, notifying(key))));

    expect(results.map((r) => r.events.length)).toStrictEqual([1, 1, 0, 0]);
    expect(incidents.eventsOf(ID)).toHaveLength(4);
  });

  it('fails only the caller whose decision refuses', async () => {
    const { incidents, deps } = await setUp();
    const append = makeGroupedAppendEvents(deps);
    const refusing = () => {
      throw new ValidationError('not now', []);
    };

    const results = await Promise.allSettled([
      append(ID, systemActor, notifying('a')),
      append(ID, systemActor, notifying('b')),
      append(ID, systemActor, refusing),
      append(ID, systemActor, notifying('c')),
    ]);

    expect(results.map((r) => r.status)).toStrictEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(incidents.headOf(ID)?.notified).toStrictEqual(['a', 'b', 'c']);
  });

  it('where one write per append collides with itself on the head', async () => {
    const { incidents, deps, writes } = await setUp();
    const append = makeAppendEvents(deps);

    await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((key) => append(ID, systemActor, notifying(key))));

    expect(writes()).toBeGreaterThanOrEqual(6);
    expect(incidents.conflicts).toBeGreaterThan(0);
    expect(incidents.eventsOf(ID)).toHaveLength(8);
  });
});

describe('appending from a head already read', () => {
  /** Reads and writes the store was asked for while `work` ran. */
  const costOf = async (incidents: InMemoryIncidentStore, work: () => Promise<unknown>) => {
    const before = { reads: incidents.headReads, appends: incidents.appends, conflicts: incidents.conflicts };
    await work();
    return {
      reads: incidents.headReads - before.reads,
      appends: incidents.appends - before.appends,
      conflicts: incidents.conflicts - before.conflicts,
    };
  };

  it('decides on the head its caller read, without reading it again', async () => {
    const { incidents, deps } = await setUp();
    const append = makeAppendEvents(deps);
    const from = await incidents.getState(ID);

    const cost = await costOf(incidents, () => append(ID, systemActor, notifying('a'), { from }));

    expect(cost).toStrictEqual({ reads: 0, appends: 1, conflicts: 0 });
    expect(incidents.headOf(ID)?.notified).toStrictEqual(['a']);
  });

  it('reads a head that moved since again: the stale write is refused and the decision made on the fresh head', async () => {
    const { incidents, deps } = await setUp();
    const append = makeAppendEvents(deps);
    const from = await incidents.getState(ID);
    await append(ID, systemActor, notifying('x'));

    const cost = await costOf(incidents, () => append(ID, systemActor, notifying('a'), { from }));

    expect(cost).toStrictEqual({ reads: 1, appends: 1, conflicts: 1 });
    expect(incidents.headOf(ID)?.notified).toStrictEqual(['x', 'a']);
    expect(verifyChain(incidents.eventsOf(ID)).intact).toBe(true);
  });

  it('makes decisions that would write nothing on the head given again on the head as stored', async () => {
    const { incidents, deps } = await setUp();
    const append = makeAppendEvents(deps);
    const from = await incidents.getState(ID);
    await append(ID, systemActor, notifying('a'));
    // b is recorded once a is: on the stale head there is nothing to do, on the stored one there is.
    const afterA = (state: IncidentState) => (state.notified?.includes('a') ? notifying('b')(state) : []);

    const cost = await costOf(incidents, () => append(ID, systemActor, afterA, { from }));

    expect(cost).toStrictEqual({ reads: 1, appends: 1, conflicts: 0 });
    expect(incidents.headOf(ID)?.notified).toStrictEqual(['a', 'b']);
  });

  it('starts the next grouped write from the head its last write left, when its caller gave an older one', async () => {
    const { incidents, deps } = await setUp();
    const append = makeGroupedAppendEvents(deps);
    const read = await incidents.getState(ID);
    await append(ID, systemActor, notifying('a'), { from: read });

    const cost = await costOf(incidents, () => append(ID, systemActor, notifying('b'), { from: read }));

    expect(cost).toStrictEqual({ reads: 0, appends: 1, conflicts: 0 });
    expect(incidents.headOf(ID)?.notified).toStrictEqual(['a', 'b']);
  });

  it('reads the head for a caller that gave none, whatever it remembers', async () => {
    const { incidents, deps } = await setUp();
    const append = makeGroupedAppendEvents(deps);
    await append(ID, systemActor, notifying('a'));
    await makeAppendEvents(deps)(ID, systemActor, notifying('x'));

    const cost = await costOf(incidents, () => append(ID, systemActor, notifying('b')));

    expect(cost).toStrictEqual({ reads: 1, appends: 1, conflicts: 0 });
    expect(incidents.headOf(ID)?.notified).toStrictEqual(['a', 'x', 'b']);
  });

  it('reads the head again when another writer moved it since the grouped write it remembers', async () => {
    const { incidents, deps } = await setUp();
    const append = makeGroupedAppendEvents(deps);
    const read = await incidents.getState(ID);
    await append(ID, systemActor, notifying('a'), { from: read });
    await makeAppendEvents(deps)(ID, systemActor, notifying('x'));

    const cost = await costOf(incidents, () => append(ID, systemActor, notifying('b'), { from: read }));

    expect(cost).toStrictEqual({ reads: 1, appends: 1, conflicts: 1 });
    expect(incidents.headOf(ID)?.notified).toStrictEqual(['a', 'x', 'b']);
    expect(verifyChain(incidents.eventsOf(ID)).intact).toBe(true);
  });
});
