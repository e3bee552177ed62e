/**
 * What `bench:pipeline` makes of the calls the write counter counts (test/bench/calls.ts): the
 * calls of a window between two snapshots, their kinds as printed and priced by `bench:engine`,
 * and the calls in flight.
 */
import { describe, expect, it } from 'vitest';
import type { CallCount } from '../../shared/adapters/dynamodb/write-counter';
import { callsBetween, describeInFlight, inFlightBetween, kindOf } from '../bench/calls';

const call = (fn: string, operation: string, shape: string, count: number): CallCount => ({
  fn,
  operation,
  shape,
  count,
});

describe("bench:pipeline's calls", () => {
  it('takes a window as the difference of two snapshots, leaving out what did not move', () => {
    const before = [
      call('rollUp', 'BatchGetItem', 'Summaries, 6–10 items', 3),
      call('forward', 'GetItem', 'Incidents', 5),
    ];
    const after = [
      call('rollUp', 'BatchGetItem', 'Summaries, 6–10 items', 3),
      call('forward', 'GetItem', 'Incidents', 9),
      call('streamPoller', 'GetRecords', 'stream, 0 returned', 2),
    ];

    expect(callsBetween(before, after)).toEqual([
      call('forward', 'GetItem', 'Incidents', 4),
      call('streamPoller', 'GetRecords', 'stream, 0 returned', 2),
    ]);
    expect(inFlightBetween({ '1': 10, '2': 3 }, { '1': 15, '2': 3, '3': 1 })).toEqual({ '1': 5, '3': 1 });
  });

  it('names a kind by operation and shape, without the table names’ prefix', () => {
    expect(kindOf(call('submitReport', 'TransactWriteItems', 't1-Incidents+t1-Idempotency, 4 items', 1))).toBe(
      'TransactWriteItems Incidents+Idempotency, 4 items',
    );
    expect(kindOf(call('sweepDeadlines', 'Query', 'Incidents.openObligations, 0 returned', 1))).toBe(
      'Query Incidents.openObligations, 0 returned',
    );
    expect(kindOf(call('rollUp', 'ListTables', '', 1))).toBe('ListTables');
  });

  it('describes the calls in flight as each began', () => {
    expect(describeInFlight({ '1': 90, '2': 9, '7': 1 })).toBe('mean 1.15, p50 1, p90 1, p99 2, most 7');
    expect(describeInFlight({})).toBe('no calls');
  });
});
