/** The real clock and id generator; tests inject fixed ones through the same ports. */

import { randomBytes, randomUUID } from 'node:crypto';
import { chinaDateOf } from '../domain/china-time';
import type { Clock } from '../ports/clock';
import type { IdGenerator } from '../ports/ids';

export const systemClock: Clock = { now: () => new Date() };

// Crockford's base32: no I, L, O or U, so an id read out over the phone is not misheard.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The calendar day in China, where the incident happens, not in UTC. */
const chinaDate = (at: Date): string => chinaDateOf(at).replaceAll('-', '');

export const randomIds: IdGenerator = {
  incidentId(at) {
    const bytes = randomBytes(8);
    let suffix = '';
    for (const byte of bytes) suffix += ALPHABET[byte % 32];
    return `INC-${chinaDate(at)}-${suffix}`;
  },
  unique: () => randomUUID(),
};
