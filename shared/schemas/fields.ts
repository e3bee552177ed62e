/**
 * The fields request bodies share, with the same wording of their errors everywhere: a person who
 * gets a region code wrong on a report, a drill or a zero-report period reads the same sentence.
 */
import * as z from 'zod';

/** Required text, trimmed, of at most `max` characters. */
export const text = (max: number) =>
  z
    .string({ error: 'must be text' })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` });

/** Optional text, trimmed, of at most `max` characters; empty when left out. */
export const optionalText = (max: number) =>
  z
    .string({ error: 'must be text' })
    .trim()
    .max(max, { error: `must be at most ${max} characters` })
    .default('');

/** A six-digit administrative division code (GB/T 2260). */
export const regionCode = z
  .string({ error: 'must be text' })
  .regex(/^\d{6}$/, { error: 'must be a six-digit GB/T 2260 code' });

/** An instant with its offset, as a phone or an office states it. */
export const isoTime = (example: string) =>
  z.iso.datetime({ offset: true, error: `must be an ISO 8601 time with its offset, e.g. ${example}` });

export const latitude = z
  .number({ error: 'must be a number' })
  .min(-90, { error: 'must be between -90 and 90' })
  .max(90, { error: 'must be between -90 and 90' });

export const longitude = z
  .number({ error: 'must be a number' })
  .min(-180, { error: 'must be between -180 and 180' })
  .max(180, { error: 'must be between -180 and 180' });
