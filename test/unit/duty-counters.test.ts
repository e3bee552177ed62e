/**
 * The punctuality counters' arithmetic: a tally of outcomes and late delays gives the same median
 * and p90 as the sorted delays themselves, tallies add up, and a period splits into whole China
 * days and the edges the incident index must be read for.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wholeDaysOf } from '../../shared/application/audit';
import { tallyOfCounters } from '../../shared/domain/audit/duty-counters';
import { delayOf, outcomeOf } from '../../shared/domain/audit/outcome';
import {
  addTally,
  emptyTally,
  median,
  percentile,
  punctualityOf,
  punctualityOfTally,
  tallyOf,
} from '../../shared/domain/audit/punctuality';
import type { Obligation, ObligationStatus } from '../../shared/domain/obligation';

const DUE = '2026-12-05T02:00:00.000Z';

const obligation = (status: ObligationStatus, lateByMs: number): Obligation => ({
  obligationId: `INC-20261205-AAAAAAAA-110101-countyToCity-${lateByMs}`,
  incidentId: 'INC-20261205-AAAAAAAA',
  level: 'county',
  office: '110101',
  handover: 'countyToCity',
  to: { level: 'city', office: '110100' },
  openedAt: '2026-12-05T01:00:00.000Z',
  dueAt: DUE,
  limitMs: 3_600_000,
  status,
  ...(status === 'met' ? { metAt: new Date(Date.parse(DUE) + lateByMs).toISOString(), lateByMs } : {}),
});

const obligations = fc.array(
  fc.tuple(
    fc.constantFrom<ObligationStatus>('met', 'met', 'missed', 'pending', 'waived'),
    fc.oneof(
      fc.constant(0),
      fc.integer({ min: 1, max: 5 }).map((n) => n * 60_000),
      fc.integer({ min: 1, max: 9e6 }),
    ),
  ),
  { maxLength: 60 },
);

describe('a tally of outcomes and late delays', () => {
  it('gives the median and p90 of the met delays, on time as 0 ms, exactly as the delays sorted do', () => {
    fc.assert(
      fc.property(obligations, (list) => {
        const held = list.map(([status, late]) => obligation(status, late));
        const delays = held.flatMap((o) => (['on-time', 'late'].includes(outcomeOf(o)) ? [delayOf(o)] : []));
        const p = punctualityOf(held);
        expect(p.medianDelayMs).toBe(median(delays));
        expect(p.p90DelayMs).toBe(percentile(delays, 0.9));
        expect(p.held).toBe(held.length);
      }),
    );
  });

  it('adds up: the tally of two sets is the sum of their tallies', () => {
    fc.assert(
      fc.property(obligations, obligations, (a, b) => {
        const [x, y] = [a, b].map((list) => list.map(([status, late]) => obligation(status, late)));
        const sum = emptyTally();
        addTally(sum, tallyOf(x ?? []));
        addTally(sum, tallyOf(y ?? []));
        expect(punctualityOfTally(sum)).toStrictEqual(punctualityOf([...(x ?? []), ...(y ?? [])]));
      }),
    );
  });

  it('reads counters back as the tally they count, whatever else the item holds', () => {
    const tally = tallyOfCounters([
      { 'on-time': 2, late: 2, 'late:60000': 1, 'late:90000': 1, missed: 1 },
      { late: 1, 'late:60000': 1, pending: 3, waived: 1, 'late:5': 0 },
    ]);
    expect(tally.outcomes).toStrictEqual({ 'on-time': 2, late: 3, missed: 1, pending: 3, waived: 1 });
    expect([...tally.lateDelays].sort(([a], [b]) => a - b)).toStrictEqual([
      [60_000, 2],
      [90_000, 1],
    ]);
  });
});

describe('wholeDaysOf: a period as whole China days and the edges around them', () => {
  it('takes a period of whole days whole, with no edge', () => {
    expect(wholeDaysOf('2026-12-04T16:00:00.000Z', '2026-12-06T15:59:59.999Z')).toStrictEqual({
      days: { from: '2026-12-05', to: '2026-12-06' },
      edges: [],
    });
  });

  it('reads the cut days at either end from the incident index, up to the whole days and from after them', () => {
    expect(wholeDaysOf('2026-12-05T14:20:00.000Z', '2026-12-07T01:00:00.000Z')).toStrictEqual({
      days: { from: '2026-12-06', to: '2026-12-06' },
      edges: [
        { from: '2026-12-05T14:20:00.000Z', to: '2026-12-05T15:59:59.999Z' },
        { from: '2026-12-06T16:00:00.000Z', to: '2026-12-07T01:00:00.000Z' },
      ],
    });
  });

  it('reads a period inside one day, or spanning no whole day, from the index alone', () => {
    expect(wholeDaysOf('2026-12-05T15:00:00.000Z', '2026-12-05T15:30:00.000Z')).toStrictEqual({
      edges: [{ from: '2026-12-05T15:00:00.000Z', to: '2026-12-05T15:30:00.000Z' }],
    });
    expect(wholeDaysOf('2026-12-05T15:00:00.000Z', '2026-12-06T15:30:00.000Z')).toStrictEqual({
      edges: [{ from: '2026-12-05T15:00:00.000Z', to: '2026-12-06T15:30:00.000Z' }],
    });
  });

  it('counts a day whole only when the index would take every instant of it: an instant written without milliseconds is an edge', () => {
    // '…16:00:00Z' sorts after '…16:00:00.000Z' in the index's comparison, so midnight itself falls outside.
    expect(wholeDaysOf('2026-12-04T16:00:00Z', '2026-12-06T15:59:59.999Z').days).toStrictEqual({
      from: '2026-12-06',
      to: '2026-12-06',
    });
  });
});
