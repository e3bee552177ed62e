/**
 * A hash-chained log and the head that vouches for it, read as one: an incident's log, a unit's
 * zero-report log, a province's refusals of a day. They are two reads, and an append — one
 * transaction writing the new events and the new head — can land between them or, on DynamoDB,
 * even inside one of them: a Query is only read-committed against a transaction, so it may see
 * some of its items and not yet the others. Either way the two reads disagree although nothing is
 * broken, and an inspector must never be shown a break that is not there.
 *
 * So the head is read first and the log after it, and while they disagree both are read again,
 * after a pause that doubles. An append moves the head (every append writes a new version), so a
 * disagreement read twice over, head and events alike, is not an append passing: it is what is
 * stored — an event changed, cut, missing or slipped in beyond the head — and is handed over for
 * verification to name. A log appended to so often that it never reads the same twice is cut to
 * the events its head vouches for: each of them was written before that head, so was there to be
 * read after it, and the events beyond are appends whose head was not read (the next verification
 * holds them to theirs).
 */
import type { Chained, ExpectedHead } from '../domain/hash-chain';
import type { IncidentEvent } from '../domain/incident';
import type { IncidentStore, StoredHead } from '../ports/incident-store';
import { pause } from './retry-on-conflict';

/** Reads of a log and its head before the log is cut to its head. */
const ATTEMPTS = 6;
/** The pause before the first read again; it doubles with each (20 ms … 320 ms, 620 ms in all). */
const FIRST_PAUSE_MS = 20;

/** The two reads of one log, and where a head says its log ends. */
export interface LogReads<E extends Chained, H> {
  readonly head: () => Promise<H | undefined>;
  readonly events: () => Promise<readonly E[]>;
  readonly endOf: (head: H) => ExpectedHead;
}

export interface LogRead<E extends Chained, H> {
  readonly events: readonly E[];
  /** Absent if there is none. */
  readonly head?: H;
}

/** Whether the log is exactly the one its head vouches for: numbered 1…n, ending where the head says. */
const agrees = <E extends Chained, H>(read: LogRead<E, H>, endOf: (head: H) => ExpectedHead): boolean => {
  if (!read.head) return read.events.length === 0;
  const end = endOf(read.head);
  const last = read.events.at(-1);
  return (
    read.events.every((event, index) => event.seq === index + 1) &&
    read.events.length === end.seq &&
    (last?.hash ?? end.hash) === end.hash
  );
};

/** What two reads are compared by: where the head says the log ends, and each event's number and hash. */
const fingerprint = <E extends Chained, H>(read: LogRead<E, H>, endOf: (head: H) => ExpectedHead): string => {
  // Tampered values can be anything JSON holds (a BigInt even): text them, never serialise them.
  const end = read.head ? endOf(read.head) : undefined;
  const head = end ? `${String(end.seq)}:${String(end.hash)}` : 'none';
  return [head, ...read.events.map((event) => `${String(event.seq)}:${String(event.hash)}`)].join(' ');
};

/** The log and its head, read until they agree or read the same twice (see above). */
export const readLogWithHead = async <E extends Chained, H>(reads: LogReads<E, H>): Promise<LogRead<E, H>> => {
  let read: LogRead<E, H> | undefined;
  let readBefore: string | undefined;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    if (attempt > 1) await pause(FIRST_PAUSE_MS * 2 ** (attempt - 2));
    const head = await reads.head();
    read = { events: await reads.events(), ...(head ? { head } : {}) };
    if (agrees(read, reads.endOf)) return read;
    const print = fingerprint(read, reads.endOf);
    if (print === readBefore) return read;
    readBefore = print;
  }
  // Still moving: the events the last head read vouches for, every one written before it.
  if (!read?.head) return read ?? { events: [] };
  const { seq } = reads.endOf(read.head);
  return { ...read, events: read.events.filter((event) => event.seq <= seq) };
};

export interface IncidentLog {
  readonly events: readonly IncidentEvent[];
  /** The head: its state, and the item as stored when the store can give it. Absent if there is none. */
  readonly head?: Partial<StoredHead> & Pick<StoredHead, 'state'>;
}

export const readIncidentLog = (incidents: IncidentStore, incidentId: string): Promise<IncidentLog> =>
  readLogWithHead<IncidentEvent, NonNullable<IncidentLog['head']>>({
    head: async () => {
      // The item as stored and the state read from it come from one read, so they cannot disagree.
      if (incidents.getHeadItem && incidents.headItemOf) return incidents.getHeadItem(incidentId);
      const state = await incidents.getState(incidentId);
      return state ? { state } : undefined;
    },
    events: () => incidents.getEvents(incidentId),
    endOf: (head) => ({ seq: head.state.version, hash: head.state.lastHash }),
  });
