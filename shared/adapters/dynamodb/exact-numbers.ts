/**
 * Numbers between DynamoDB and the domain, exactly. Read: every number through
 * `readExactNumber` — a JavaScript number when one holds it exactly, otherwise an `ExactNumber`
 * (the SDK's default would hand back a BigInt for a large whole number, which JSON cannot write,
 * and the nearest double for anything else, which hides digits a hash must see). Written: an
 * `ExactNumber` read from a head goes back as the same digits.
 */
import { NumberValue } from '@aws-sdk/lib-dynamodb';
import { ExactNumber, readExactNumber } from '../../domain/exact-number';

export const exactNumberReading = { wrapNumbers: readExactNumber } as const;

/** `value` with every ExactNumber in it as the SDK's NumberValue of the same digits, ready to put. */
export const withStorableNumbers = <T>(value: T): T => {
  if (value instanceof ExactNumber) return NumberValue.from(value.decimal) as T;
  if (Array.isArray(value)) return value.map(withStorableNumbers) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withStorableNumbers(item)])) as T;
  }
  return value;
};
