/**
 * Rolling events up into the county, city and province summaries: exact under duplicate,
 * redelivered and out-of-order events, and batched so that a burst of reports writes each
 * summary item (the provincial one above all) once per chunk of events, not once per report.
 */
import { type Actor, mayQueryRegion } from '../domain/access';
import { ForbiddenError, NotFoundError } from '../domain/errors';
import type { IncidentEvent } from '../domain/incident';
import { childrenOf, isKnownRegion, regionOf } from '../domain/regions/regions';
import { addCounters, COUNTER_NAMES, countersOf, rollUp, type SummaryKey, summaryKeyId } from '../domain/rollup';
import type { IncidentStore } from '../ports/incident-store';
import { AlreadyApplied, type SummaryItem, type SummaryStore } from '../ports/summary-store';
import { type RebuiltProjection, rebuildFromLog } from './reconcile-from-log';

export const eventId = (event: Pick<IncidentEvent, 'incidentId' | 'seq'>): string => `${event.incidentId}#${event.seq}`;

/**
 * Events per atomic write: each chunk records its events as applied and adds to at most two items
 * (its day) per level for each region in it, which keeps a chunk within DynamoDB's
 * 100-item transaction and the provincial item at one write per chunk.
 */
export const CHUNK = 20;

/**
 * Whether an event changes any summary. One that does not (an on-time forward, a follow-up that
 * changes no figure, a grade confirmed) leaves the summaries the same however often it is applied,
 * so it needs no applied-marker: recording it would be a write that guards nothing.
 */
const addsSomething = (event: IncidentEvent): boolean => Object.values(countersOf(event)).some((v) => v !== 0);

/**
 * Applies a batch of events to the summaries; events already applied, and events that add nothing,
 * are skipped.
 */
export const makeRollUpEvents =
  (deps: { readonly summaries: SummaryStore; readonly maxAttempts?: number }) =>
  async (
    events: readonly IncidentEvent[],
  ): Promise<{ readonly applied: number; readonly skipped: number; readonly writes: number }> => {
    const delivered = new Set(events.map(eventId)).size;
    const unique = new Map(events.filter(addsSomething).map((e) => [eventId(e), e]));
    let applied = 0;
    let writes = 0;
    const ids = [...unique.keys()];
    // Which events are applied is read once for the whole batch, not once per chunk. The read only
    // spares a transaction bound to be refused: what makes an event count once is the marker's
    // condition in that transaction. A chunk whose transaction is refused reads its own again.
    let done = ids.length > 0 ? await deps.summaries.appliedOf(ids) : new Set<string>();
    for (let start = 0; start < ids.length; start += CHUNK) {
      const chunkIds = ids.slice(start, start + CHUNK);
      for (let attempt = 1; ; attempt++) {
        if (attempt > 1) done = await deps.summaries.appliedOf(chunkIds);
        const pending = chunkIds.filter((id) => !done.has(id));
        if (pending.length === 0) break;
        const items = [...rollUp(pending.flatMap((id) => unique.get(id) ?? [])).values()].filter(
          (i) => i.counters.size > 0,
        );
        try {
          await deps.summaries.apply(pending, items);
          applied += pending.length;
          writes += items.length;
          break;
        } catch (error) {
          // Another consumer applied some of them (a duplicate delivered twice at once) or was
          // writing the same summary: look again. Anything else fails the batch, and its
          // messages come back.
          if (!(error instanceof AlreadyApplied) || attempt >= (deps.maxAttempts ?? 10)) throw error;
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
        }
      }
    }
    return { applied, skipped: delivered - applied, writes };
  };

/** A counter whose stored value is not what the log says. */
export interface CounterDifference<K> {
  readonly key: K;
  readonly counter: string;
  readonly stored: number;
  readonly recomputed: number;
}

export type SummaryDifference = CounterDifference<SummaryKey>;

/** Adds each item's counters to the item of the same id in `into`, which it creates if missing. */
export const addCountersInto = <K>(
  into: Map<string, { readonly key: K; readonly counters: Map<string, number> }>,
  items: Iterable<readonly [string, { readonly key: K; readonly counters: ReadonlyMap<string, number> }]>,
): void => {
  for (const [id, item] of items) {
    const sum = into.get(id) ?? { key: item.key, counters: new Map<string, number>() };
    addCounters(sum.counters, Object.fromEntries(item.counters));
    into.set(id, sum);
  }
};

/**
 * Counters recomputed from the log held against the stored ones, item by item (both keyed by the
 * same id): every counter that differs, the recomputed items to write, and the stored items the
 * log does not explain, to remove.
 */
export const compareCounters = <K>(
  recomputed: ReadonlyMap<string, { readonly key: K; readonly counters: Map<string, number> }>,
  stored: ReadonlyMap<string, { readonly key: K; readonly counters: Readonly<Record<string, number>> }>,
) => {
  const differences: CounterDifference<K>[] = [];
  const toWrite: { key: K; counters: Map<string, number> }[] = [];
  const toRemove: K[] = [];
  for (const [id, item] of recomputed) {
    const have = stored.get(id)?.counters ?? {};
    const names = new Set([...item.counters.keys(), ...Object.keys(have)]);
    let differs = false;
    for (const counter of names) {
      const want = item.counters.get(counter) ?? 0;
      const got = have[counter] ?? 0;
      if (want !== got) {
        differences.push({ key: item.key, counter, stored: got, recomputed: want });
        differs = true;
      }
    }
    if (differs) toWrite.push(item);
  }
  for (const [id, item] of stored) {
    if (recomputed.has(id)) continue;
    for (const [counter, value] of Object.entries(item.counters)) {
      if (value !== 0) differences.push({ key: item.key, counter, stored: value, recomputed: 0 });
    }
    toRemove.push(item.key);
  }
  return { differences, toWrite, toRemove };
};

/**
 * The summaries recomputed from the event log, compared with what is stored; with `fix`, the items
 * that differ are rewritten and every event recorded as applied, so later redeliveries are still
 * skipped.
 */
export const summariesRebuilt = (
  summaries: SummaryStore,
): RebuiltProjection<{
  readonly events: number;
  readonly items: number;
  readonly differences: SummaryDifference[];
  readonly fixed: number;
}> => {
  const recomputed = new Map<string, { key: SummaryKey; counters: Map<string, number> }>();
  const applied: string[] = [];
  return {
    see: (events) => {
      addCountersInto(recomputed, rollUp(events));
      for (const e of events) applied.push(eventId(e));
    },
    settle: async (fix) => {
      const stored = new Map<string, SummaryItem>((await summaries.all()).map((i) => [summaryKeyId(i.key), i]));
      const { differences, toWrite, toRemove } = compareCounters(recomputed, stored);
      if (fix && (toWrite.length > 0 || toRemove.length > 0 || applied.length > 0)) {
        await summaries.overwrite(toWrite, toRemove, applied);
      }
      return {
        events: applied.length,
        items: recomputed.size,
        differences,
        fixed: fix ? toWrite.length + toRemove.length : 0,
      };
    },
  };
};

/**
 * Recomputes every summary from the event log and compares it with what is stored; with `fix`,
 * repairs them (see {@link summariesRebuilt}). `progress` is told how far it has got, for a long log.
 */
export const makeReconcile =
  (deps: { readonly incidents: IncidentStore; readonly summaries: SummaryStore }) =>
  async (options: { readonly fix: boolean; readonly progress?: (done: number) => void }) => {
    const { summaries, incidents } = await rebuildFromLog(
      deps.incidents,
      { summaries: summariesRebuilt(deps.summaries) },
      options,
    );
    return { incidents, ...summaries };
  };

/** A summary as the API shows it: named figures, and incidents by category and grade. */
export type SummaryFigures = { readonly [K in (typeof COUNTER_NAMES)[number]]: number } & {
  readonly byCategoryGrade: Readonly<Record<string, Readonly<Record<string, number>>>>;
};

export const presentCounters = (counters: Readonly<Record<string, number>>): SummaryFigures => {
  const byCategoryGrade: Record<string, Record<string, number>> = {};
  const figures: Record<string, number> = Object.fromEntries(COUNTER_NAMES.map((name) => [name, 0]));
  for (const [name, value] of Object.entries(counters)) {
    const cg = /^cg:([^:]+):([^:]+)$/.exec(name);
    if (cg?.[1] && cg[2]) {
      if (value !== 0) byCategoryGrade[cg[1]] = { ...byCategoryGrade[cg[1]], [cg[2]]: value };
    } else {
      figures[name] = value;
    }
  }
  return { ...(figures as Record<(typeof COUNTER_NAMES)[number], number>), byCategoryGrade };
};

const sum = (items: readonly { counters: Readonly<Record<string, number>> }[]): Record<string, number> => {
  const into = new Map<string, number>();
  for (const item of items) addCounters(into, item.counters);
  return Object.fromEntries(into);
};

/**
 * A region's roll-up for offices and inspectors within their jurisdiction: its totals (over the
 * days asked for, or all time), its figures day by day, and the same totals for each child region.
 */
export const makeReadSummary =
  (deps: { readonly summaries: SummaryStore }) =>
  async (actor: Actor, region: string, days: { readonly from?: string; readonly to?: string }) => {
    if (!isKnownRegion(region)) throw new NotFoundError(`region ${region} is not a GB/T 2260 code`);
    const decision = mayQueryRegion(actor, region);
    if (!decision.allowed) throw new ForbiddenError(decision.reason, { targetRegion: region });
    // The items read are the days asked for (all days when no span is given): their sum is the total.
    const totalOf = (items: readonly SummaryItem[]) => sum(items);

    const own = await deps.summaries.read(region, days);
    const children = await Promise.all(
      childrenOf(region).map(async (child) => ({ child, items: await deps.summaries.read(child.code, days) })),
    );
    const { name, level } = regionOf(region);
    return {
      region,
      name,
      level,
      ...(days.from ? { from: days.from } : {}),
      ...(days.to ? { to: days.to } : {}),
      totals: presentCounters(totalOf(own)),
      days: [...own]
        .sort((a, b) => a.key.period.localeCompare(b.key.period))
        .map((i) => ({ day: i.key.period, ...presentCounters(i.counters) })),
      children: children
        .map(({ child, items }) => ({
          region: child.code,
          name: child.name,
          level: child.level,
          ...presentCounters(totalOf(items)),
        }))
        .filter((c) => c.incidents !== 0 || Object.keys(c.byCategoryGrade).length > 0 || c.dead !== 0),
    };
  };
