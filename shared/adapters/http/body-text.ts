/**
 * A request body as text, exactly as sent, or a refusal naming why it cannot be. A report is
 * evidence: bytes that are not UTF-8 must not be read as U+FFFD, sealed into a hash chain and
 * taken for what the unit wrote. API Gateway hands a function either text or, for a body it does
 * not take for text, base64: the bytes are checked wherever they can be seen.
 */
import { ValidationError } from '../../domain/errors';
import { PayloadTooLargeError } from './errors';

const utf8 = new TextDecoder('utf-8', { fatal: true });

// With the `u` flag a surrogate pair is one code point, so this matches only a lone surrogate:
// text no UTF-8 byte sequence encodes, which DynamoDB would store as U+FFFD.
const LONE_SURROGATE = /\p{Cs}/u;

const notUtf8 = (problem: string) => new ValidationError('the body is not UTF-8 text', [{ field: '(body)', problem }]);

/**
 * The body's text, refused if it is larger than `maxBytes` or is not well-formed UTF-8.
 * @throws ValidationError, PayloadTooLargeError
 */
export const bodyText = (
  event: { readonly body?: string; readonly isBase64Encoded: boolean },
  maxBytes: number,
): string => {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : undefined;
  const size = bytes ? bytes.length : Buffer.byteLength(raw, 'utf8');
  if (size > maxBytes) throw new PayloadTooLargeError(`the body exceeds ${maxBytes / 1024} KB`);
  if (!bytes) {
    if (LONE_SURROGATE.test(raw)) throw notUtf8('holds text that no UTF-8 encodes (a lone surrogate)');
    return raw;
  }
  try {
    return utf8.decode(bytes);
  } catch {
    const at = firstInvalidByte(bytes);
    throw notUtf8(`holds bytes that are not UTF-8 (the first at byte ${at}, counting from 0); send UTF-8 text`);
  }
};

/** The offset (from 0) of the byte at which decoding first fails, for the sender to find it. */
const firstInvalidByte = (bytes: Buffer): number => {
  // A prefix fails to decode, with a sequence cut off at its end allowed (`stream`), exactly when
  // it holds a bad byte: bisect for the shortest such prefix.
  const fails = (end: number): boolean => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end), { stream: true });
      return false;
    } catch {
      return true;
    }
  };
  let good = 0;
  let bad = bytes.length;
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2);
    if (fails(middle)) bad = middle;
    else good = middle;
  }
  return bad - 1;
};

/**
 * The path of the first string — member name or value — in parsed JSON that holds a lone
 * surrogate (a `\ud800` escape is valid JSON, but no UTF-8 text), or undefined if there is none.
 */
export const loneSurrogateAt = (value: unknown, path: readonly string[] = []): string | undefined => {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path.join('.') || '(body)' : undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = loneSurrogateAt(item, [...path, String(i)]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (LONE_SURROGATE.test(key)) return [...path, key].join('.');
      const found = loneSurrogateAt(item, [...path, key]);
      if (found !== undefined) return found;
    }
  }
  return undefined;
};
