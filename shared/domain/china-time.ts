/**
 * China time (UTC+8, no daylight saving): deadlines, duty rosters, cut-offs and incident days are
 * all reckoned on it, whatever clock the server keeps.
 */
export const CHINA_OFFSET = '+08:00';
export const CHINA_OFFSET_MS = 8 * 3600_000;

/** The calendar date in China at an instant, `YYYY-MM-DD`. */
export const chinaDateOf = (at: Date): string => new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);

/** `HH:MM` in China at an instant, for messages. */
export const chinaClockOf = (at: Date | string): string =>
  new Date(new Date(at).getTime() + CHINA_OFFSET_MS).toISOString().slice(11, 16);

/** Minutes past midnight in China at an instant. */
export const chinaMinuteOfDay = (at: Date): number =>
  Math.floor(((((at.getTime() + CHINA_OFFSET_MS) % 86_400_000) + 86_400_000) % 86_400_000) / 60_000);

/** Midnight at the start of a China date, as UTC milliseconds. */
export const chinaMidnight = (date: string): number => Date.parse(`${date}T00:00:00.000Z`) - CHINA_OFFSET_MS;
