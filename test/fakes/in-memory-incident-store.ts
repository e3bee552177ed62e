/**
 * An in-memory IncidentStore that keeps the port's contract to the letter, for use-case tests.
 *
 * Every read hands out a deep copy taken at the time of the read (a snapshot, as a DynamoDB read
 * is), so two requests that read the same head really do plan against the same version and
 * collide. Every method yields to the event loop before it touches the maps, so concurrent
 * requests interleave the way they do against a real table; but `append` then checks and writes
 * without yielding again, which makes it atomic like a TransactWriteItems call.
 */
import { headItem } from '../../shared/adapters/dynamodb/incident-store';
import { isOnBoard } from '../../shared/domain/board';
import type { IncidentEvent, IncidentState } from '../../shared/domain/incident';
import type { Obligation } from '../../shared/domain/obligation';
import {
  type BoardHeads,
  type BoardQuery,
  DuplicateRequest,
  type IdempotentAnswer,
  type IncidentChange,
  type IncidentPage,
  type IncidentQuery,
  type IncidentStore,
  type StoredHead,
  VersionConflict,
} from '../../shared/ports/incident-store';

/** A change the use case should never produce: the fake refuses it loudly instead of storing it. */
export class MalformedChange extends Error {
  override readonly name = 'MalformedChange';
}

const snapshot = <T>(value: T): T => structuredClone(value);

// setImmediate, not a microtask: it lets other requests' pending reads and writes run in between.
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The earliest deadline among the incident's pending obligations, in epoch ms, if it has any. */
const earliestPendingDue = (state: IncidentState): number | undefined => {
  const due = state.obligations.filter((o) => o.status === 'pending').map((o) => Date.parse(o.dueAt));
  return due.length === 0 ? undefined : Math.min(...due);
};

export class InMemoryIncidentStore implements IncidentStore {
  readonly #heads = new Map<string, IncidentState>();
  readonly #events = new Map<string, IncidentEvent[]>();
  readonly #answers = new Map<string, IdempotentAnswer>();
  #appends = 0;
  #conflicts = 0;
  #headReads = 0;

  async getState(incidentId: string): Promise<IncidentState | undefined> {
    this.#headReads += 1;
    await yieldToOthers();
    const head = this.#heads.get(incidentId);
    return head === undefined ? undefined : snapshot(head);
  }

  /** The head as the DynamoDB table files it, index keys and all, so verification sees the same item here. */
  async getHeadItem(incidentId: string): Promise<StoredHead | undefined> {
    await yieldToOthers();
    const head = this.#heads.get(incidentId);
    return head === undefined ? undefined : { state: snapshot(head), item: snapshot(headItem(head)) };
  }

  headItemOf(state: IncidentState): Readonly<Record<string, unknown>> {
    return snapshot(headItem(state));
  }

  async getEvents(incidentId: string): Promise<readonly IncidentEvent[]> {
    await yieldToOthers();
    return snapshot(this.#events.get(incidentId) ?? []);
  }

  async findAnswer(key: string): Promise<IdempotentAnswer | undefined> {
    await yieldToOthers();
    const answer = this.#answers.get(key);
    return answer === undefined ? undefined : snapshot(answer);
  }

  async append(change: IncidentChange): Promise<void> {
    await yieldToOthers();
    // From here to the end nothing awaits: the conditions and the writes are one step.
    this.#checkWellFormed(change);
    const head = this.#heads.get(change.incidentId);
    if (change.answer !== undefined && this.#answers.has(change.answer.key)) {
      this.#conflicts += 1;
      throw new DuplicateRequest(change.answer.key);
    }
    if ((head?.version ?? null) !== change.expectedVersion) {
      this.#conflicts += 1;
      throw new VersionConflict(change.incidentId);
    }
    const log = this.#events.get(change.incidentId) ?? [];
    this.#events.set(change.incidentId, [...log, ...snapshot(change.events)]);
    this.#heads.set(change.incidentId, snapshot(change.state));
    if (change.answer !== undefined) this.#answers.set(change.answer.key, snapshot(change.answer));
    this.#appends += 1;
  }

  async list(query: IncidentQuery): Promise<IncidentPage> {
    await yieldToOthers();
    const codeAt = (state: IncidentState): string | null =>
      query.level === 'county' ? state.countyCode : query.level === 'city' ? state.cityCode : state.provinceCode;
    const matching = [...this.#heads.values()]
      .filter(
        (state) =>
          codeAt(state) === query.regionCode &&
          (query.from === undefined || state.receivedAt >= query.from) &&
          (query.to === undefined || state.receivedAt <= query.to) &&
          (query.status === undefined || state.status === query.status) &&
          (query.grade === undefined || state.grade === query.grade) &&
          (query.firstUnit === undefined || state.firstUnit === query.firstUnit),
      )
      .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.incidentId.localeCompare(b.incidentId));
    const afterId = query.after?.incidentId;
    const start = afterId === undefined ? 0 : matching.findIndex((state) => state.incidentId === afterId) + 1;
    const items = matching.slice(start, start + query.limit);
    const last = items[items.length - 1];
    const more = start + query.limit < matching.length;
    return {
      items: snapshot(items),
      ...(more && last !== undefined ? { after: { incidentId: last.incidentId } } : {}),
    };
  }

  async board(query: BoardQuery): Promise<BoardHeads> {
    await yieldToOthers();
    // As the real table's boards index: every head of the province, by when it last changed.
    const inScope = [...this.#heads.values()].filter(
      (state) =>
        state.provinceCode === query.province &&
        (query.since === undefined || state.updatedAt > query.since) &&
        (query.within === undefined ||
          (query.within.level === 'county' ? state.countyCode : state.cityCode) === query.within.code),
    );
    return snapshot({
      onBoard: inScope.filter(isOnBoard),
      offBoard: query.since === undefined ? [] : inScope.filter((state) => !isOnBoard(state)),
    });
  }

  async *allEvents(): AsyncIterable<readonly IncidentEvent[]> {
    for (const events of [...this.#events.values()]) yield snapshot(events);
  }

  async withPendingObligations(query: { readonly dueBy?: string }): Promise<readonly IncidentState[]> {
    await yieldToOthers();
    // As the real table's sweeper index: keyed by the earliest pending deadline, whatever the
    // incident's status (a closed incident's offices still owe their hand-overs).
    const dueBy = query.dueBy === undefined ? undefined : Date.parse(query.dueBy);
    const matching = [...this.#heads.values()].flatMap((state) => {
      const nextDue = earliestPendingDue(state);
      if (nextDue === undefined || (dueBy !== undefined && nextDue > dueBy)) return [];
      return [{ state, nextDue }];
    });
    matching.sort((a, b) => a.nextDue - b.nextDue || a.state.incidentId.localeCompare(b.state.incidentId));
    return snapshot(matching.map(({ state }) => state));
  }

  // --- what a test may look at directly, without going through the port ---

  /** The ids of every incident with a head, in the order they were first written. */
  incidentIds(): readonly string[] {
    return [...this.#heads.keys()];
  }

  /** A synchronous snapshot of an incident's log. */
  eventsOf(incidentId: string): readonly IncidentEvent[] {
    return snapshot(this.#events.get(incidentId) ?? []);
  }

  /** A synchronous snapshot of an incident's head. */
  headOf(incidentId: string): IncidentState | undefined {
    const head = this.#heads.get(incidentId);
    return head === undefined ? undefined : snapshot(head);
  }

  /**
   * Every incident's obligations, as their heads hold them (the only place they are stored), in
   * the order the incidents were first written.
   */
  obligations(): readonly Obligation[] {
    return snapshot([...this.#heads.values()].flatMap((head) => head.obligations));
  }

  /** How many appends succeeded, and how many were refused by a condition. */
  get appends(): number {
    return this.#appends;
  }

  get conflicts(): number {
    return this.#conflicts;
  }

  /** How many times a head was read through `getState` (a GetItem on the real table). */
  get headReads(): number {
    return this.#headReads;
  }

  /**
   * The shape the real table's conditions and keys assume: events numbered on from the expected
   * version, all of this incident, and a head that names the last of them.
   */
  #checkWellFormed(change: IncidentChange): void {
    const first = (change.expectedVersion ?? 0) + 1;
    change.events.forEach((event, offset) => {
      if (event.incidentId !== change.incidentId) {
        throw new MalformedChange(`event ${event.seq} belongs to ${event.incidentId}, not ${change.incidentId}`);
      }
      if (event.seq !== first + offset) {
        throw new MalformedChange(`event ${offset + 1} of the change has seq ${event.seq}, expected ${first + offset}`);
      }
    });
    const last = change.events[change.events.length - 1];
    if (last === undefined) throw new MalformedChange('a change must append at least one event');
    if (change.state.incidentId !== change.incidentId) throw new MalformedChange('the head names another incident');
    if (change.state.version !== last.seq) {
      throw new MalformedChange(`the head is at version ${change.state.version} but the last event is ${last.seq}`);
    }
    if (change.state.lastHash !== last.hash) throw new MalformedChange('the head does not name the last event’s hash');
  }
}
