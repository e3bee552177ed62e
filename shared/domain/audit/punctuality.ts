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

/** The punctuality of a set of obligations. */
export const punctualityOf = (obligations: readonly Obligation[]): Punctuality => {
  const counts: Record<Outcome, number> = { 'on-time': 0, late: 0, missed: 0, pending: 0, waived: 0 };
  const delays: number[] = [];
  for (const o of obligations) {
    const outcome = outcomeOf(o);
    counts[outcome] += 1;
    if (outcome === 'on-time' || outcome === 'late') delays.push(delayOf(o));
  }
  const decided = counts['on-time'] + counts.late + counts.missed;
  return {
    held: obligations.length,
    metOnTime: counts['on-time'],
    metLate: counts.late,
    missed: counts.missed,
    pending: counts.pending,
    waived: counts.waived,
    onTimeRate: decided === 0 ? null : counts['on-time'] / decided,
    medianDelayMs: median(delays),
    p90DelayMs: percentile(delays, 0.9),
  };
};

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

/** Each office's punctuality over the obligations it held; an office that held none has zeros. */
export const punctualityByOffice = (
  offices: readonly Region[],
  obligations: readonly Obligation[],
): OfficePunctuality[] => {
  const held = new Map<string, Obligation[]>(offices.map((office) => [office.code, []]));
  // A unit's correction is filed under the office it reports to, but is the unit's duty, not the office's.
  for (const o of obligations) if (o.unit === undefined) held.get(o.office)?.push(o);
  return offices.map((office) => ({
    office: { level: office.level, code: office.code, name: office.name },
    ...punctualityOf(held.get(office.code) ?? []),
  }));
};
