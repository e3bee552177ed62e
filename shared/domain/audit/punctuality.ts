/**
 * How punctually each office of a jurisdiction kept the deadlines of the obligations it held: the
 * counts by outcome, the on-time rate and the spread of the delays.
 */
import type { Obligation } from '../obligation';
import { childrenOf, type Region, regionOf } from '../regions/regions';
import { delayOf, type Outcome, outcomeOf } from './outcome';
import type { OfficeOnRecord } from './rows';

/** How one office (or any set of obligations) kept its deadlines. */
export interface Punctuality {
  readonly held: number;
  readonly metOnTime: number;
  readonly metLate: number;
  /** Never met. */
  readonly missed: number;
  readonly pending: number;
  readonly waived: number;
  /** metOnTime / (metOnTime + metLate + missed), unrounded; null when none of those. */
  readonly onTimeRate: number | null;
  /** Over met obligations, counting on time as 0 ms; null when none was met. See {@link median}. */
  readonly medianDelayMs: number | null;
  /** Over met obligations, counting on time as 0 ms; null when none was met. See {@link percentile}. */
  readonly p90DelayMs: number | null;
}

export interface OfficePunctuality extends Punctuality {
  readonly office: OfficeOnRecord;
}

const ascending = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);

/**
 * The middle value of the sorted values; for an even count, the mean of the two middle ones (so it
 * may end in .5 ms). Null for no values.
 */
export const median = (values: readonly number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = ascending(values);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] as number) + upper) / 2;
};

/**
 * The nearest-rank percentile: the smallest value that at least `p` of the values do not exceed,
 * i.e. the ⌈p·n⌉-th smallest. Always one of the values, never interpolated. Null for no values.
 */
export const percentile = (values: readonly number[], p: number): number | null => {
  if (values.length === 0) return null;
  const sorted = ascending(values);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1] as number;
};

/**
 * What the punctuality of a set of obligations is computed from: how many ended each way, and how
 * many were met late by each delay. The met-on-time ones count as delays of 0 ms. Tallies add up,
 * so the counters kept per office and day (`duty-counters.ts`) sum to the tally of any set of days.
 */
export interface DutyTally {
  readonly outcomes: Record<Outcome, number>;
  /** Late delay in ms → how many obligations were met that late. */
  readonly lateDelays: Map<number, number>;
}

export const emptyTally = (): DutyTally => ({
  outcomes: { 'on-time': 0, late: 0, missed: 0, pending: 0, waived: 0 },
  lateDelays: new Map(),
});

/** Counts one obligation into a tally. */
export const tallyObligation = (into: DutyTally, o: Obligation): void => {
  const outcome = outcomeOf(o);
  into.outcomes[outcome] += 1;
  if (outcome === 'late') {
    const delay = delayOf(o);
    into.lateDelays.set(delay, (into.lateDelays.get(delay) ?? 0) + 1);
  }
};

/** Adds one tally into another. */
export const addTally = (into: DutyTally, tally: DutyTally): void => {
  for (const outcome of Object.keys(tally.outcomes) as Outcome[]) into.outcomes[outcome] += tally.outcomes[outcome];
  for (const [delay, n] of tally.lateDelays) into.lateDelays.set(delay, (into.lateDelays.get(delay) ?? 0) + n);
};

/**
 * The k-th smallest (1-based) of the met obligations' delays: the on-time ones are the first
 * `outcomes['on-time']`, all 0 ms; then the late ones in order of delay.
 */
const nthDelay = (tally: DutyTally, k: number): number => {
  let seen = tally.outcomes['on-time'];
  if (k <= seen) return 0;
  for (const [delay, n] of [...tally.lateDelays].sort(([a], [b]) => a - b)) {
    seen += n;
    if (k <= seen) return delay;
  }
  throw new Error(`no delay ranked ${k}: the tally counts ${seen} met obligations`);
};

/** The punctuality a tally comes to: the same figures as {@link median} and {@link percentile} over its delays. */
export const punctualityOfTally = (tally: DutyTally): Punctuality => {
  const { outcomes } = tally;
  const met = outcomes['on-time'] + outcomes.late;
  const decided = met + outcomes.missed;
  const middle = Math.floor(met / 2);
  return {
    held: outcomes['on-time'] + outcomes.late + outcomes.missed + outcomes.pending + outcomes.waived,
    metOnTime: outcomes['on-time'],
    metLate: outcomes.late,
    missed: outcomes.missed,
    pending: outcomes.pending,
    waived: outcomes.waived,
    onTimeRate: decided === 0 ? null : outcomes['on-time'] / decided,
    medianDelayMs:
      met === 0
        ? null
        : met % 2 === 1
          ? nthDelay(tally, middle + 1)
          : (nthDelay(tally, middle) + nthDelay(tally, middle + 1)) / 2,
    p90DelayMs: met === 0 ? null : nthDelay(tally, Math.max(1, Math.ceil(0.9 * met))),
  };
};

/** The tally of a set of obligations. */
export const tallyOf = (obligations: readonly Obligation[]): DutyTally => {
  const tally = emptyTally();
  for (const o of obligations) tallyObligation(tally, o);
  return tally;
};

/** The punctuality of a set of obligations. */
export const punctualityOf = (obligations: readonly Obligation[]): Punctuality =>
  punctualityOfTally(tallyOf(obligations));

/**
 * Every office in a jurisdiction: the region's own office and those of all divisions below it
 * (cities, counties), in code order — which puts each office just before the ones under it.
 */
export const officesWithin = (region: string): readonly Region[] => {
  const offices: Region[] = [];
  const visit = (code: string) => {
    const office = regionOf(code);
    if (office.level !== 'national') offices.push(office);
    for (const child of childrenOf(code)) visit(child.code);
  };
  visit(region);
  return offices.sort((a, b) => a.code.localeCompare(b.code));
};

/**
 * Whether an obligation is an office's own duty, which punctuality counts: a unit's correction is
 * filed under the office it reports to, but is the unit's duty, not the office's.
 */
export const isOfficeDuty = (o: Obligation): boolean => o.unit === undefined;

/** Each office's tally over the obligations it held; an office that held none has zeros. */
export const tallyByOffice = (
  offices: readonly Region[],
  obligations: readonly Obligation[],
): Map<string, DutyTally> => {
  const held = new Map<string, DutyTally>(offices.map((office) => [office.code, emptyTally()]));
  for (const o of obligations) {
    const tally = held.get(o.office);
    if (tally && isOfficeDuty(o)) tallyObligation(tally, o);
  }
  return held;
};

/** Each office with the punctuality of its tally (zeros when it has none). */
export const punctualityOfOffices = (
  offices: readonly Region[],
  tallies: ReadonlyMap<string, DutyTally>,
): OfficePunctuality[] =>
  offices.map((office) => ({
    office: { level: office.level, code: office.code, name: office.name },
    ...punctualityOfTally(tallies.get(office.code) ?? emptyTally()),
  }));

/** Each office's punctuality over the obligations it held; an office that held none has zeros. */
export const punctualityByOffice = (
  offices: readonly Region[],
  obligations: readonly Obligation[],
): OfficePunctuality[] => punctualityOfOffices(offices, tallyByOffice(offices, obligations));
