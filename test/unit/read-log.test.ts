/**
 * Reading a log and its head as one (shared/application/read-log.ts), over a log whose appends can
 * be made to land between any two reads: an append passing is never handed over as a broken chain,
 * and a break that is stored — an event changed, cut, missing or slipped in beyond the head — is
 * handed over exactly as stored, with or without appends landing meanwhile.
 */
import { describe, expect, it } from 'vitest';
import { readLogWithHead } from '../../shared/application/read-log';
import { type Chained, type ExpectedHead, GENESIS_HASH, seal, verifyChain } from '../../shared/domain/hash-chain';

type Event = Chained & { readonly n: number };

/** A log of `length` events and its head, appended to one event at a time, with every read counted. */
const aLog = (length: number) => {
  let events: Event[] = [];
  let head: ExpectedHead | undefined;
  const append = () => {
    const seq = events.length + 1;
    const event: Event = seal({ seq, n: seq }, events.at(-1)?.hash ?? GENESIS_HASH);
    events = [...events, event];
    head = { seq, hash: event.hash };
  };
  for (let i = 0; i < length; i++) append();
  const log = {
    reads: { head: 0, events: 0 },
    /** Called before each read, with the reads of that kind so far (this one included). */
    beforeHead: (_count: number) => {},
    beforeEvents: (_count: number) => {},
    append,
    /** Stores `events` as they are, the head untouched: a write around the API. */
    rewrite: (change: (stored: Event[]) => Event[]) => {
      events = change(events);
    },
    setHead: (to: ExpectedHead | undefined) => {
      head = to;
    },
    read: () =>
      readLogWithHead<Event, ExpectedHead>({
        head: async () => {
          log.beforeHead(++log.reads.head);
          return head ? { ...head } : undefined;
        },
        events: async () => {
          log.beforeEvents(++log.reads.events);
          return [...events];
        },
        endOf: (end) => end,
      }),
  };
  return log;
};

describe('reading a log and its head as one', () => {
  it('reads once when nothing is appended meanwhile', async () => {
    const log = aLog(3);
    const { events, head } = await log.read();
    expect(verifyChain(events, head)).toMatchObject({ intact: true, events: 3 });
    expect(log.reads).toEqual({ head: 1, events: 1 });
  });

  it('reads again when an append lands between reading the head and the log, and hands over the pair that agrees', async () => {
    const log = aLog(3);
    log.beforeEvents = (count) => {
      if (count === 1) log.append();
    };
    const { events, head } = await log.read();
    expect(head?.seq).toBe(4);
    expect(verifyChain(events, head)).toMatchObject({ intact: true, events: 4 });
    expect(log.reads).toEqual({ head: 2, events: 2 });
  });

  it('never calls a log broken while appends land before every read of it: it is cut to the head last read', async () => {
    const log = aLog(3);
    log.beforeHead = () => log.append();
    log.beforeEvents = () => log.append();
    const { events, head } = await log.read();
    expect(verifyChain(events, head)).toMatchObject({ intact: true });
    expect(head?.seq).toBe(events.length);
    expect(log.reads.head).toBeGreaterThan(3);
  });

  it('reads a day’s first append, which landed after its head was read, with its head', async () => {
    const log = aLog(0);
    log.beforeEvents = (count) => {
      if (count === 1) log.append();
    };
    const { events, head } = await log.read();
    expect(head).toEqual({ seq: 1, hash: events[0]?.hash });
  });

  it('hands over a break that is stored as it is stored, after reading it the same twice', async () => {
    const stored = async (tamper: (log: ReturnType<typeof aLog>) => void) => {
      const log = aLog(4);
      tamper(log);
      const { events, head } = await log.read();
      // Numbered 1…n up to the head's number and hash, a log agrees with its head: its hashes are
      // for verification to recompute. Any other log is read again.
      const agrees = events.length === head?.seq && events.at(-1)?.hash === head.hash;
      expect(log.reads).toEqual(agrees ? { head: 1, events: 1 } : { head: 2, events: 2 });
      const verdict = verifyChain(events, head);
      return verdict.intact ? 'intact' : `${verdict.reason} at ${verdict.brokenAtSeq}`;
    };
    // An event slipped in beyond the head, cut from the end, removed from the middle, changed; a head rewritten.
    const beyond = (log: ReturnType<typeof aLog>) =>
      log.rewrite((events) => [...events, seal({ seq: 5, n: 5 }, events.at(-1)?.hash ?? '')]);
    expect(await stored(beyond)).toBe('head-mismatch at 5');
    expect(await stored((log) => log.rewrite((events) => events.slice(0, -1)))).toBe('missing-events at 4');
    expect(await stored((log) => log.rewrite((events) => events.filter((e) => e.seq !== 2)))).toBe('sequence-gap at 2');
    expect(await stored((log) => log.rewrite((events) => events.map((e) => (e.seq === 2 ? { ...e, n: 7 } : e))))).toBe(
      'hash-mismatch at 2',
    );
    expect(await stored((log) => log.setHead({ seq: 4, hash: 'f'.repeat(64) }))).toBe('head-mismatch at 4');
  });

  it('hands over a log without its head as read, after reading it twice', async () => {
    const log = aLog(2);
    log.setHead(undefined);
    const { events, head } = await log.read();
    expect(head).toBeUndefined();
    expect(events).toHaveLength(2);
    expect(log.reads).toEqual({ head: 2, events: 2 });
  });

  it('still hands over a changed event while appends land before every read', async () => {
    const log = aLog(3);
    log.rewrite((events) => events.map((e) => (e.seq === 2 ? { ...e, n: 7 } : e)));
    log.beforeHead = () => log.append();
    log.beforeEvents = () => log.append();
    const { events, head } = await log.read();
    expect(verifyChain(events, head)).toMatchObject({ intact: false, reason: 'hash-mismatch', brokenAtSeq: 2 });
  });
});
