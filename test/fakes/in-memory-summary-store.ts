/**
 * An in-memory SummaryStore that keeps the port's contract to the letter, for use-case tests.
 *
 * `apply` is atomic like the TransactWriteItems call behind the real store: it yields to the event
 * loop first (so concurrent consumers interleave their reads and writes as they do against a real
 * table), then checks every event id and writes the markers and all counters without yielding
 * again, throwing AlreadyApplied — and writing nothing — if any of the events was applied before.
 * Each item counts the writes that touched it, as the real item's `writes` attribute does.
 */
import { type DutyDay, type DutyStanding, dutyDayId } from '../../shared/domain/audit/duty-counters';
import type { Counters, SummaryKey } from '../../shared/domain/rollup';
import { summaryKeyId } from '../../shared/domain/rollup';
import {
  AlreadyApplied,
  type DutyDayChange,
  type DutyDayItem,
  type SummaryItem,
  type SummaryStore,
} from '../../shared/ports/summary-store';

/** A call the use case should never make: DynamoDB would refuse it, so the fake refuses it loudly. */
export class MalformedSummaryWrite extends Error {
  override readonly name = 'MalformedSummaryWrite';
}

interface StoredItem {
  readonly key: SummaryKey;
  readonly counters: Map<string, number>;
  writes: number;
}

/** What one `apply` call asked for: how many events it recorded and which items it added to. */
export interface ApplyCall {
  readonly eventIds: readonly string[];
  readonly keys: readonly SummaryKey[];
}

// setImmediate, not a microtask: it lets other consumers' pending reads and writes run in between.
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

const present = (item: StoredItem): SummaryItem => ({
  key: { ...item.key },
  // As the real store reads an item back: counters that came to zero are not counters.
  counters: Object.fromEntries([...item.counters].filter(([, value]) => value !== 0)),
  writes: item.writes,
});

const presentDay = (day: { key: DutyDay; counters: Map<string, number> }): DutyDayItem => ({
  key: { ...day.key },
  counters: Object.fromEntries([...day.counters].filter(([, value]) => value !== 0)),
});

export class InMemorySummaryStore implements SummaryStore {
  readonly #items = new Map<string, StoredItem>();
  readonly #applied = new Set<string>();
  readonly #dutyDays = new Map<string, { key: DutyDay; counters: Map<string, number> }>();
  readonly #standings = new Map<string, DutyStanding>();
  readonly #applyCalls: ApplyCall[] = [];
  #rejected = 0;
  #appliedOfCalls = 0;

  async appliedOf(eventIds: readonly string[]): Promise<ReadonlySet<string>> {
    this.#appliedOfCalls += 1;
    await yieldToOthers();
    return new Set(eventIds.filter((id) => this.#applied.has(id)));
  }

  async apply(
    eventIds: readonly string[],
    items: readonly { key: SummaryKey; counters: ReadonlyMap<string, number> }[],
  ): Promise<void> {
    await yieldToOthers();
    // From here to the end nothing awaits: the condition and the writes are one step.
    this.#checkWellFormed(eventIds, items);
    if (eventIds.some((id) => this.#applied.has(id))) {
      this.#rejected += 1;
      throw new AlreadyApplied();
    }
    this.#applyCalls.push({ eventIds: [...eventIds], keys: items.map((i) => ({ ...i.key })) });
    for (const id of eventIds) this.#applied.add(id);
    for (const { key, counters } of items) {
      const item = this.#itemAt(key);
      item.writes += 1;
      for (const [name, value] of counters) item.counters.set(name, (item.counters.get(name) ?? 0) + value);
    }
  }

  async dutyStandings(
    duties: readonly { readonly incidentId: string; readonly obligationId: string }[],
  ): Promise<ReadonlyMap<string, DutyStanding>> {
    await yieldToOthers();
    return new Map(
      duties.flatMap((d) => {
        const kept = this.#standings.get(d.obligationId);
        return kept ? [[d.obligationId, { ...kept }] as const] : [];
      }),
    );
  }

  async moveDuties(
    moves: readonly { readonly to: DutyStanding; readonly from?: DutyStanding }[],
    days: readonly DutyDayChange[],
  ): Promise<void> {
    await yieldToOthers();
    // As one transaction: every condition holds, or nothing is written.
    if (moves.some(({ to, from }) => this.#standings.get(to.obligationId)?.seq !== from?.seq)) {
      this.#rejected += 1;
      throw new AlreadyApplied();
    }
    for (const { to } of moves) this.#standings.set(to.obligationId, { ...to });
    for (const { key, counters } of days) {
      const id = dutyDayId(key);
      const day = this.#dutyDays.get(id) ?? { key: { ...key }, counters: new Map<string, number>() };
      for (const [name, value] of counters) day.counters.set(name, (day.counters.get(name) ?? 0) + value);
      this.#dutyDays.set(id, day);
    }
  }

  async allDutyStandings(): Promise<readonly DutyStanding[]> {
    await yieldToOthers();
    return [...this.#standings.values()].map((s) => ({ ...s }));
  }

  async dutyDays(
    office: string,
    days: { readonly from: string; readonly to: string },
  ): Promise<readonly DutyDayItem[]> {
    await yieldToOthers();
    return [...this.#dutyDays.values()]
      .filter((d) => d.key.office === office && d.key.day >= days.from && d.key.day <= days.to)
      .map(presentDay);
  }

  async allDutyDays(): Promise<readonly DutyDayItem[]> {
    await yieldToOthers();
    return [...this.#dutyDays.values()].map(presentDay);
  }

  async overwriteDutyDays(
    items: readonly DutyDayChange[],
    remove: readonly DutyDay[],
    standings: readonly DutyStanding[],
  ): Promise<void> {
    await yieldToOthers();
    for (const { key, counters } of items) {
      this.#dutyDays.set(dutyDayId(key), { key: { ...key }, counters: new Map(counters) });
    }
    for (const key of remove) this.#dutyDays.delete(dutyDayId(key));
    for (const s of standings) this.#standings.set(s.obligationId, { ...s });
  }

  async read(region: string, days: { readonly from?: string; readonly to?: string }): Promise<readonly SummaryItem[]> {
    await yieldToOthers();
    // The region's days from `from` to `to` inclusive, all of them when neither is given.
    return [...this.#items.values()]
      .filter(
        (item) =>
          item.key.region === region &&
          (days.from === undefined || item.key.period >= days.from) &&
          (days.to === undefined || item.key.period <= days.to),
      )
      .map(present);
  }

  async all(): Promise<readonly SummaryItem[]> {
    await yieldToOthers();
    return [...this.#items.values()].map(present);
  }

  async overwrite(
    items: readonly { key: SummaryKey; counters: ReadonlyMap<string, number> }[],
    remove: readonly SummaryKey[],
    applied: readonly string[],
  ): Promise<void> {
    await yieldToOthers();
    // As the real store's Put: the item is replaced, counters and write count alike.
    for (const { key, counters } of items) {
      this.#items.set(summaryKeyId(key), { key: { ...key }, counters: new Map(counters), writes: 0 });
    }
    for (const key of remove) this.#items.delete(summaryKeyId(key));
    for (const id of applied) this.#applied.add(id);
  }

  // --- what a test may look at or do directly, without going through the port ---

  /** A synchronous snapshot of one item, if it exists. */
  itemAt(key: SummaryKey): SummaryItem | undefined {
    const item = this.#items.get(summaryKeyId(key));
    return item === undefined ? undefined : present(item);
  }

  /** Every item, synchronously, keyed by `region|period`. */
  snapshot(): ReadonlyMap<string, SummaryItem> {
    return new Map([...this.#items].map(([id, item]) => [id, present(item)]));
  }

  /** Sets one counter behind the port's back, as someone editing the table by hand would. */
  tamper(key: SummaryKey, counter: string, value: number): void {
    this.#itemAt(key).counters.set(counter, value);
  }

  /** Whether an event id is recorded as applied. */
  isApplied(eventId: string): boolean {
    return this.#applied.has(eventId);
  }

  /** Every successful `apply`, in order. */
  get applyCalls(): readonly ApplyCall[] {
    return this.#applyCalls.map((call) => ({ eventIds: [...call.eventIds], keys: call.keys.map((k) => ({ ...k })) }));
  }

  /** How many times it was asked which events are applied. */
  get appliedOfCalls(): number {
    return this.#appliedOfCalls;
  }

  /** How many `apply` calls were refused with AlreadyApplied. */
  get rejected(): number {
    return this.#rejected;
  }

  #itemAt(key: SummaryKey): StoredItem {
    const id = summaryKeyId(key);
    let item = this.#items.get(id);
    if (item === undefined) {
      item = { key: { ...key }, counters: new Map(), writes: 0 };
      this.#items.set(id, item);
    }
    return item;
  }

  /**
   * What one DynamoDB transaction may hold: every operation on a different item (so no event id
   * twice, no summary item twice), and at least one operation; and summary items are days.
   */
  #checkWellFormed(
    eventIds: readonly string[],
    items: readonly { key: SummaryKey; counters: ReadonlyMap<string, number> }[],
  ): void {
    if (eventIds.length === 0 && items.length === 0) throw new MalformedSummaryWrite('an apply must write something');
    if (new Set(eventIds).size !== eventIds.length) throw new MalformedSummaryWrite('an event id appears twice');
    const ids = items.map((i) => summaryKeyId(i.key));
    if (new Set(ids).size !== ids.length) throw new MalformedSummaryWrite('a summary item appears twice');
    for (const id of eventIds) {
      if (!/^INC-.+#\d+$/.test(id)) throw new MalformedSummaryWrite(`${id} is not an event id <incident>#<seq>`);
    }
    for (const { key } of items) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(key.period)) throw new MalformedSummaryWrite(`${key.period} is not a day`);
    }
  }
}

/** Counters as a plain object, zero counters dropped: how a test compares them. */
export const nonZero = (counters: Counters | ReadonlyMap<string, number>): Record<string, number> =>
  Object.fromEntries(
    (counters instanceof Map ? [...counters] : Object.entries(counters)).filter(([, value]) => value !== 0),
  );
