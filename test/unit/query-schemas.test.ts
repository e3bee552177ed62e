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
