/**
 * Numbers exactly as stored. DynamoDB keeps a number as a decimal of up to 38 digits, which a
 * JavaScript number (a double: about 16) cannot always hold: `10.0000000000000000000001` reads as
 * 10, `9007199254740993` as 9007199254740992. Evidence is hashed over the exact value, so a number
 * changed below double precision is still a changed number.
 *
 * One decimal form serves both sides of a hash: `canonicalDecimal` writes any decimal as ECMAScript
 * writes a number (`Number.prototype.toString`, which JSON and RFC 8785 use) — but from the exact
 * digits. For every double it is exactly `JSON.stringify`'s text, so what was hashed from a number
 * when it was appended recomputes to the same text from the digits DynamoDB hands back.
 */

/** A number as it was stored, when no JavaScript number holds it exactly. */
export class ExactNumber {
  /** @param decimal the value in canonical decimal form ({@link canonicalDecimal}) */
  private constructor(readonly decimal: string) {}

  /** @throws TypeError when `text` is not a decimal number */
  static of(text: string): ExactNumber {
    return new ExactNumber(canonicalDecimal(text));
  }

  /** Arithmetic and comparisons see the nearest double, as they would have without this class. */
  valueOf(): number {
    return Number(this.decimal);
  }

  /**
   * In JSON (an API answer) it is the exact decimal, as text: a JSON number would be read back as
   * the nearest double, hiding the very digits that differ.
   */
  toJSON(): string {
    return this.decimal;
  }

  toString(): string {
    return this.decimal;
  }
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * The decimal written as ECMAScript writes a number with the same digits: no leading or trailing
 * zeros, plain digits for 1e-7 < |x| < 1e21, otherwise `d.ddde±n`; zero is `0` whatever its sign.
 * @throws TypeError when `text` is not a decimal number
 */
export const canonicalDecimal = (text: string): string => {
  const match = DECIMAL.exec(text);
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match ?? [];
  if (!match || whole.length + fraction.length === 0) throw new TypeError(`${text} is not a decimal number`);
  let digits = `${whole}${fraction}`.replace(/^0+/, '');
  if (digits === '') return '0';
  // The value is digits × 10^scale.
  let scale = Number(exponent) - fraction.length;
  const trimmed = digits.replace(/0+$/, '');
  scale += digits.length - trimmed.length;
  digits = trimmed;
  const k = digits.length;
  // ECMA-262 Number::toString: the value is 0.d1…dk × 10^n.
  const n = k + scale;
  let text10: string;
  if (k <= n && n <= 21) text10 = digits + '0'.repeat(n - k);
  else if (0 < n && n <= 21) text10 = `${digits.slice(0, n)}.${digits.slice(n)}`;
  else if (-6 < n && n <= 0) text10 = `0.${'0'.repeat(-n)}${digits}`;
  else {
    const e = n - 1;
    const mantissa = k === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
    text10 = `${mantissa}e${e < 0 ? '-' : '+'}${Math.abs(e)}`;
  }
  return sign === '-' ? `-${text10}` : text10;
};

// Whole numbers of up to 15 digits are exactly doubles and already in canonical form.
const SMALL_INTEGER = /^-?(0|[1-9]\d{0,14})$/;

/**
 * A stored number read exactly: a JavaScript number when one holds it exactly (every number this
 * system writes), an {@link ExactNumber} otherwise — never a BigInt, which JSON cannot write.
 * @throws TypeError when `text` is not a decimal number
 */
export const readExactNumber = (text: string): number | ExactNumber => {
  const value = Number(text);
  if (SMALL_INTEGER.test(text)) return value;
  const exact = ExactNumber.of(text);
  return Number.isFinite(value) && JSON.stringify(value) === exact.decimal ? value : exact;
};
