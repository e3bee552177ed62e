/**
 * Numbers hashed exactly: one canonical decimal form for a JavaScript number (at append time) and
 * for the digits DynamoDB hands back (at verification), equal for every number this system
 * writes, different for any stored change however far below double precision.
 */
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exactNumberReading, withStorableNumbers } from '../../shared/adapters/dynamodb/exact-numbers';
import { canonicalJson } from '../../shared/domain/canonical';
import { canonicalDecimal, ExactNumber, readExactNumber } from '../../shared/domain/exact-number';
import { GENESIS_HASH, seal, verifyChain } from '../../shared/domain/hash-chain';

const SEED = 20261122;

/** What DynamoDB hands back for a number written as `text`: plain digits, no exponent, no padding. */
const asDynamoDbReturnsIt = (text: string): string => {
  const [mantissa = '', exponent = '0'] = text.toLowerCase().split('e');
  const negative = mantissa.startsWith('-');
  const [whole = '', fraction = ''] = mantissa.replace('-', '').split('.');
  const digits = `${whole}${fraction}`;
  const point = whole.length + Number(exponent);
  let plain: string;
  if (point <= 0) plain = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) plain = digits + '0'.repeat(point - digits.length);
  else plain = `${digits.slice(0, point)}.${digits.slice(point)}`;
  plain = plain.replace(/^0+(?=\d)/, '');
  if (plain.includes('.')) plain = plain.replace(/0+$/, '').replace(/\.$/, '');
  return negative && /[1-9]/.test(plain) ? `-${plain}` : plain;
};

/** The doubles DynamoDB can store (its range is 1e-130 to 1e126 in magnitude). */
const storableDouble = fc
  .double({ noNaN: true, noDefaultInfinity: true })
  .filter((x) => x === 0 || (Math.abs(x) > 1e-130 && Math.abs(x) < 1e126));

describe('canonicalDecimal', () => {
  it('writes every double exactly as JSON does, so chains hashed from numbers still verify', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(canonicalDecimal(String(x))).toBe(JSON.stringify(x));
      }),
      { seed: SEED, numRuns: 5_000 },
    );
  });

  it('writes the digits DynamoDB hands back for a double as JSON writes that double', () => {
    fc.assert(
      fc.property(storableDouble, (x) => {
        expect(canonicalDecimal(asDynamoDbReturnsIt(String(x)))).toBe(JSON.stringify(x));
      }),
      { seed: SEED, numRuns: 5_000 },
    );
  });

  it.each([
    ['10', '10'],
    ['10.0', '10'],
    ['00012.5000', '12.5'],
    ['-0', '0'],
    ['0.0000001', '1e-7'],
    ['0.000001', '0.000001'],
    ['100000000000000000000', '100000000000000000000'],
    ['1000000000000000000000', '1e+21'],
    ['1E+21', '1e+21'],
    ['10.0000000000000000000001', '10.0000000000000000000001'],
    ['9007199254740993', '9007199254740993'],
    ['123456789012345678901234567890123456780000', '1.2345678901234567890123456789012345678e+41'],
    [
      '-0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000015',
      '-1.5e-130',
    ],
  ])('writes %s as %s', (text, canonical) => {
    expect(canonicalDecimal(text)).toBe(canonical);
  });

  it.each(['', '.', '-', '1e', '0x10', '1,5', 'NaN', 'Infinity', ' 1'])('refuses %j, which is no decimal', (text) => {
    expect(() => canonicalDecimal(text)).toThrow(TypeError);
  });

  /** A decimal of up to 38 significant digits, as DynamoDB keeps them. */
  const decimal = fc.record({
    negative: fc.boolean(),
    digits: fc.stringMatching(/^[1-9]\d{0,37}$/),
    scale: fc.integer({ min: -60, max: 60 }),
  });
  const textOf = (d: { negative: boolean; digits: string; scale: number }, padding = 0) =>
    `${d.negative ? '-' : ''}${d.digits}${'0'.repeat(padding)}e${d.scale - padding}`;

  it('gives one form to every way of writing the same value', () => {
    fc.assert(
      fc.property(decimal, fc.integer({ min: 0, max: 5 }), (d, padding) => {
        expect(canonicalDecimal(textOf(d, padding))).toBe(canonicalDecimal(textOf(d)));
        expect(canonicalDecimal(asDynamoDbReturnsIt(textOf(d)))).toBe(canonicalDecimal(textOf(d)));
      }),
      { seed: SEED, numRuns: 2_000 },
    );
  });

  it('gives different forms to values that differ in any digit, however far below double precision', () => {
    fc.assert(
      fc.property(decimal, fc.nat(), fc.integer({ min: 1, max: 9 }), (d, at, change) => {
        const i = at % d.digits.length;
        const digit = (Number(d.digits[i]) + change) % 10;
        if (i === 0 && digit === 0) return; // a leading zero would change the length, not a digit
        const changed = { ...d, digits: `${d.digits.slice(0, i)}${digit}${d.digits.slice(i + 1)}` };
        expect(canonicalDecimal(textOf(changed))).not.toBe(canonicalDecimal(textOf(d)));
      }),
      { seed: SEED, numRuns: 2_000 },
    );
  });
});

describe('readExactNumber', () => {
  it('reads back every double this system can write as that very number', () => {
    fc.assert(
      fc.property(storableDouble, (x) => {
        expect(readExactNumber(asDynamoDbReturnsIt(String(x)))).toBe(x === 0 ? 0 : x);
      }),
      { seed: SEED, numRuns: 5_000 },
    );
  });

  it.each([
    ['100000000000000000000', 1e20],
    ['1000000000000000000000', 1e21],
    ['0.1', 0.1],
  ])('reads %s, which a double holds exactly, as the number %d — not a BigInt', (text, value) => {
    expect(readExactNumber(text)).toBe(value);
  });

  it.each(['10.0000000000000000000001', '9007199254740993', '0.10000000000000000000000000000000000001'])(
    'reads %s, which no double holds, as an ExactNumber that keeps its digits',
    (text) => {
      const read = readExactNumber(text);

      expect(read).toBeInstanceOf(ExactNumber);
      expect(String(read)).toBe(canonicalDecimal(text));
      expect(JSON.stringify({ n: read })).toBe(`{"n":"${canonicalDecimal(text)}"}`);
      expect(Number(read) + 1).toBe(Number(text) + 1);
    },
  );
});

describe('the hash chain over exact numbers', () => {
  const sealed = seal({ v: 1, seq: 1, data: { figures: { dead: 10, directLossYuan: 500_000 } } }, GENESIS_HASH);

  it('verifies a chain read back with the numbers it was hashed from', () => {
    const read = unmarshall(marshall(sealed), exactNumberReading);

    expect(verifyChain([read as typeof sealed]).intact).toBe(true);
  });

  it.each([
    ['10 changed below double precision', 'dead', '10.0000000000000000000001'],
    ['500000 changed to 1e20', 'directLossYuan', '100000000000000000000'],
    ['500000 changed to 2^53 + 1', 'directLossYuan', '9007199254740993'],
  ])('names the event whose stored number was changed: %s', (_name, field, stored) => {
    // PREPARE: the item as DynamoDB holds it, with one number's digits replaced
    const item = marshall(sealed);
    const figures = item.data?.M?.figures?.M;
    if (!figures) throw new Error('no figures');
    figures[field] = { N: stored };

    // ACT
    const verdict = verifyChain([unmarshall(item, exactNumberReading) as typeof sealed]);

    // ASSESS
    expect(verdict).toMatchObject({ intact: false, brokenAtSeq: 1, reason: 'hash-mismatch' });
  });

  it('hashes an ExactNumber as its digits, in the same place a number would be', () => {
    expect(canonicalJson({ b: ExactNumber.of('1.50'), a: [ExactNumber.of('9007199254740993')] })).toBe(
      '{"a":[9007199254740993],"b":1.5}',
    );
  });

  it('puts an ExactNumber back with the digits it was read with', () => {
    const read = unmarshall({ n: { N: '10.0000000000000000000001' }, m: { N: '7' } }, exactNumberReading);

    expect(marshall(withStorableNumbers(read))).toEqual({ n: { N: '10.0000000000000000000001' }, m: { N: '7' } });
  });
});
