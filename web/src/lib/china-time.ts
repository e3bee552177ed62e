/**
 * Every time the console shows is China time (UTC+8), and labelled so; every time a person types
 * is read as China time, whatever the device's own time zone.
 */
import { CHINA_OFFSET, CHINA_OFFSET_MS } from '../../../shared/domain/china-time';

const shifted = (at: Date | string | number): Date => new Date(new Date(at).getTime() + CHINA_OFFSET_MS);

/** `2026-11-22 10:32` in China time. */
export const chinaDateTime = (at: Date | string | number): string =>
  shifted(at).toISOString().slice(0, 16).replace('T', ' ');

/** `10:32` in China time. */
export const chinaClock = (at: Date | string | number): string => shifted(at).toISOString().slice(11, 16);

/** `2026-11-22` in China time. */
export const chinaDate = (at: Date | string | number): string => shifted(at).toISOString().slice(0, 10);

/** The value of a `datetime-local` input for an instant, in China time: `2026-11-22T10:32`. */
export const toChinaInput = (at: Date | string | number): string => shifted(at).toISOString().slice(0, 16);

/** A `datetime-local` value read as China time, as an ISO time with its offset; undefined if malformed. */
export const fromChinaInput = (value: string): string | undefined => {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return undefined;
  const iso = `${value}:00${CHINA_OFFSET}`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
};
