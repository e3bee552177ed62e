/**
 * A head rebuilt from its log, and held against the head as stored. The views inspectors read
 * (late, missed, punctuality per office) read an incident's head — its obligations, its unit-late
 * flag, its status — not the log, and the missed list reads a zero-report log's head for its late
 * filings and notifications; the hash chain vouches only for the log. So a head is evidence only
 * while it is exactly what its log projects to, and verification checks that too.
 */
import { canonicalJson, type Json } from './canonical';
import { type IncidentEvent, type IncidentState, project } from './incident';
import { chainOf } from './regions/regions';
import { projectZeroChain, ZERO_REPORT_EVENT_TYPES, type ZeroChainState, type ZeroReportEvent } from './zero-reports';

/**
 * The head the appender would have written after `events`: the same {@link project}, fed the
 * region chain of the first report's region code, as `applyDrafts` feeds it.
 *
 * @throws Error when the log cannot be a log the appender wrote (no report first, an event naming
 *   an obligation never opened, an unknown region).
 */
export const replayHead = (events: readonly IncidentEvent[]): IncidentState | undefined => {
  const first = events[0];
  if (first === undefined) return undefined;
  if (first.type !== 'ReportSubmitted') throw new Error(`event 1 is a ${String(first.type)}, not the first report`);
  const chain = chainOf(first.data.regionCode);
  const codes = { county: chain.county?.code ?? null, city: chain.city?.code ?? null, province: chain.province.code };
  return events.reduce<IncidentState | undefined>((state, event) => project(state, event, codes), undefined);
};

/**
 * The head the zero-report appender would have written after `events`: {@link projectZeroChain}
 * from the log's own period, unit and county. The unit's name is the one thing the log cannot
 * give — the head keeps the name the registry had when the log began, a miss the name it had that
 * day — so it is taken from the stored head; no view reads it from there.
 *
 * @throws Error when the log holds an event the projection does not know
 */
export const replayZeroHead = (events: readonly ZeroReportEvent[], unitName: string): ZeroChainState | undefined => {
  const first = events[0];
  if (first === undefined) return undefined;
  const unknown = events.find((event) => !(ZERO_REPORT_EVENT_TYPES as readonly string[]).includes(event.type));
  if (unknown) throw new Error(`event ${unknown.seq} is a ${String(unknown.type)}, not a zero-report event`);
  return projectZeroChain({ periodId: first.periodId, unit: first.unit, unitName, county: first.county }, events);
};

/** One field where the stored head and the log's projection part, by its path in the head. */
export interface HeadDifference {
  /** e.g. `obligations[1].status`. */
  readonly path: string;
  /** Absent (undefined) when only the other side has the field. */
  readonly stored: unknown;
  readonly projected: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// A stored head may have been tampered into anything DynamoDB can hold; whatever JSON cannot
// express compares as its own description, never as equal to a JSON value.
const canonicalOf = (value: unknown): string => {
  try {
    return canonicalJson(value as Json);
  } catch {
    return `<${Object.prototype.toString.call(value)}>`;
  }
};

const sameValue = (a: unknown, b: unknown): boolean =>
  a === undefined || b === undefined ? a === b : canonicalOf(a) === canonicalOf(b);

const walk = (path: string, stored: unknown, projected: unknown, out: HeadDifference[]): void => {
  if (sameValue(stored, projected)) return;
  if (isRecord(stored) && isRecord(projected)) {
    const keys = [...new Set([...Object.keys(stored), ...Object.keys(projected)])].sort();
    for (const key of keys) walk(path ? `${path}.${key}` : key, stored[key], projected[key], out);
    return;
  }
  if (Array.isArray(stored) && Array.isArray(projected)) {
    for (let i = 0; i < Math.max(stored.length, projected.length); i++) {
      walk(`${path}[${i}]`, stored[i], projected[i], out);
    }
    return;
  }
  out.push({ path, stored, projected });
};

/**
 * Every field where a stored item differs from the one its log projects to, compared canonically
 * (key order does not matter; an absent field and an undefined one are the same). Nothing is left
 * out: whatever the item holds is something a view may read or select by.
 */
export const itemDifferences = (stored: unknown, projected: unknown): readonly HeadDifference[] => {
  const out: HeadDifference[] = [];
  walk('', stored, projected, out);
  return out;
};

/** {@link itemDifferences} of an incident's head, as the store reads it, and its projection. */
export const headDifferences = (stored: IncidentState, projected: IncidentState): readonly HeadDifference[] =>
  itemDifferences(stored, projected);

const shown = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  const text = typeof value === 'string' ? value : canonicalOf(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
};

/** `obligations[1].status: stored met, events say missed`: a difference as an inspector reads it. */
export const describeDifference = (difference: HeadDifference): string =>
  `${difference.path}: stored ${shown(difference.stored)}, events say ${shown(difference.projected)}`;
