/** The verification's cursors: read back exactly as written, and anything else is the caller's bad cursor. */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/domain/errors';
import {
  readChainsBefore,
  readIncidentPosition,
  readStoppedAt,
  writeChainsBefore,
  writeIncidentPosition,
  writeStoppedAt,
} from '../../shared/schemas/verification-cursors';

describe('the cursors of a chain verification', () => {
  it('read back what they wrote', () => {
    const key = { pk: 'REGION#110101', sk: '2026-11-22T00:00:00.000Z#INC-1' };
    expect(readIncidentPosition(writeIncidentPosition({ part: 3, key }), 34)).toEqual({ part: 3, key });
    expect(writeIncidentPosition({ part: 0 })).toBe('{"part":0}');
    expect(writeStoppedAt({ source: 1 })).toEqual({ source: '1' });
    expect(readStoppedAt(writeStoppedAt({ source: 1, position: 'p' }), 2)).toEqual({ source: 1, position: 'p' });
    expect(readChainsBefore(writeChainsBefore(120))).toBe(120);
  });

  it.each([
    ['text that is not JSON', () => readIncidentPosition('{part', 1)],
    ['a part past the indexes walked', () => readIncidentPosition('{"part":1}', 1)],
    ['an extra part', () => readIncidentPosition('{"part":0,"more":1}', 1)],
    ['a source past the sources', () => readStoppedAt({ source: '2' }, 2)],
    ['a source with a leading zero', () => readStoppedAt({ source: '01' }, 2)],
    ['a stop with an extra part', () => readStoppedAt({ source: '0', page: '1' }, 2)],
    ['a negative count', () => readChainsBefore('-1')],
  ])('refuse %s as the caller’s bad cursor', (_, read) => {
    expect(read).toThrow(ValidationError);
    expect(read).toThrow('the cursor is not valid');
  });
});
