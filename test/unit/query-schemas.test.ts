import { describe, expect, it } from 'vitest';
import { listIncidentsQuerySchema } from '../../shared/schemas/queries';

describe('time bounds of list queries', () => {
  it.each(['2026-13-01', '2026-02-30', '2026-04-31', '2026-00-10'])('refuses %s, a day no calendar has', (from) => {
    const result = listIncidentsQuerySchema.safeParse({ region: '110000', from });

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['from']);
  });

  it('reads a date as the China calendar day, from its first to its last millisecond', () => {
    const result = listIncidentsQuerySchema.parse({ region: '110000', from: '2028-02-29', to: '2028-02-29' });

    expect(result.from).toBe('2028-02-28T16:00:00.000Z');
    expect(result.to).toBe('2028-02-29T15:59:59.999Z');
  });
});

describe('instants in list queries', () => {
  it.each(['2026-11-22T08:00:00', '0', '1', '2026-11-22 08:00:00+08:00', '2026-11-31T08:00:00Z'])(
    'refuses %s, which says no offset or is no instant',
    (from) => {
      const result = listIncidentsQuerySchema.safeParse({ region: '110000', from });

      expect(result.success).toBe(false);
    },
  );

  it.each([
    ['2026-11-22T08:00:00+08:00', '2026-11-22T00:00:00.000Z'],
    ['2026-11-22T00:00:00Z', '2026-11-22T00:00:00.000Z'],
    ['2026-11-22T00:00:00.5-05:00', '2026-11-22T05:00:00.500Z'],
  ])('reads %s as %s', (from, instant) => {
    expect(listIncidentsQuerySchema.parse({ region: '110000', from }).from).toBe(instant);
  });
});
