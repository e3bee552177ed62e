/**
 * Roll-up arithmetic: what each event adds to the summaries of its county, city and province,
 * per China calendar day (totals over any span are sums of days, computed when read, so a burst
 * writes half as many items). Every contribution is a delta, so summaries are sums that
 * do not depend on the order events arrive in; applying each event exactly once (the consumer's
 * job) makes them exact, and recomputing them from the log gives the same numbers.
 */
import { isExercise } from './exercise';
import type { IncidentEvent } from './incident';

/** The counters of one summary item. Category × grade counts live under `cg:<category>:<grade>`. */
export type Counters = Readonly<Record<string, number>>;

export const COUNTER_NAMES = [
  'incidents',
  'open',
  'closed',
  'dead',
  'injured',
  'missing',
  'affectedPeople',
  'directLossYuan',
  'lateReports',
  'missedReports',
] as const;

export const categoryGradeCounter = (category: string, grade: string): string => `cg:${category}:${grade}`;

/** A summary item: one region, one day. */
export interface SummaryKey {
  readonly region: string;
  /** `YYYY-MM-DD`, a China calendar day. */
  readonly period: string;
}

export const summaryKeyId = (key: SummaryKey): string => `${key.region}|${key.period}`;

/**
 * The China calendar day an incident belongs to, read from its id (`INC-YYYYMMDD-…`, the day it
 * was first received in China). Every event of the incident counts on that day, so a follow-up
 * received after midnight still corrects the day the incident was counted on.
 */
export const incidentDay = (incidentId: string): string => {
  const digits = /^INC-(\d{4})(\d{2})(\d{2})-/.exec(incidentId);
  if (!digits) throw new Error(`incident id ${incidentId} carries no date`);
  return `${digits[1]}-${digits[2]}-${digits[3]}`;
};

/** The counters an event changes, whichever region and period they are summed into. */
export const countersOf = (event: IncidentEvent): Counters => {
  switch (event.type) {
    case 'ReportSubmitted': {
      const { delta, kind } = event.data;
      const figures = {
        dead: delta.dead,
        injured: delta.injured,
        missing: delta.missing,
        affectedPeople: delta.affectedPeople,
        directLossYuan: delta.directLossYuan,
      };
      if (kind !== 'initial') return figures;
      return {
        ...figures,
        incidents: 1,
        open: 1,
        // The grade the initial report gave; a GradeAssessed after it moves the incident on.
        [categoryGradeCounter(event.scope.category, event.scope.grade)]: 1,
      };
    }
    case 'GradeAssessed': {
      const from = event.data.from;
      if (from === null || from === event.data.to) return {};
      return {
        [categoryGradeCounter(event.scope.category, from)]: -1,
        [categoryGradeCounter(event.scope.category, event.data.to)]: 1,
      };
    }
    case 'IncidentClosed':
      return { open: -1, closed: 1 };
    case 'UnitReportLate':
      return { lateReports: 1 };
    case 'ReportForwarded':
    case 'ReportCorrected':
      return event.data.lateByMs > 0 ? { lateReports: 1 } : {};
    case 'DeadlineMissed':
      return { missedReports: 1 };
    default:
      return {};
  }
};

/** Where an event's counters are summed: each level of its chain, on the incident's day. */
export const summaryKeysOf = (event: IncidentEvent): readonly SummaryKey[] => {
  const regions = [event.scope.county, event.scope.city, event.scope.province].filter((r): r is string => r !== null);
  const day = incidentDay(event.incidentId);
  return regions.map((region) => ({ region, period: day }));
};

/** Adds counters into an accumulator, dropping the ones that come to zero. */
export const addCounters = (into: Map<string, number>, counters: Counters): void => {
  for (const [name, value] of Object.entries(counters)) {
    const sum = (into.get(name) ?? 0) + value;
    if (sum === 0) into.delete(name);
    else into.set(name, sum);
  }
};

/**
 * Everything a set of events adds, per summary item: what the consumer writes for a batch (one
 * write per affected item), and what the reconciler recomputes from the whole log.
 */
export const rollUp = (
  events: Iterable<IncidentEvent>,
): Map<string, { key: SummaryKey; counters: Map<string, number> }> => {
  const items = new Map<string, { key: SummaryKey; counters: Map<string, number> }>();
  for (const event of events) {
    // An exercise is no real report: a drill's incidents stay out of every summary.
    if (isExercise(event.scope)) continue;
    const counters = countersOf(event);
    if (Object.keys(counters).length === 0) continue;
    for (const key of summaryKeysOf(event)) {
      const id = summaryKeyId(key);
      let item = items.get(id);
      if (!item) {
        item = { key, counters: new Map() };
        items.set(id, item);
      }
      addCounters(item.counters, counters);
    }
  }
  return items;
};

/** True for the events that change a summary (the roll-up subscription's filter says the same). */
export const isRolledUp = (event: IncidentEvent): boolean => Object.keys(countersOf(event)).length > 0;
