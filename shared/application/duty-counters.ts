/**
 * Keeping the offices' punctuality counters (`domain/audit/duty-counters.ts`): the roll-up
 * consumer moves them with every batch it takes, and reconciliation rebuilds them from the log.
 */
import {
  type DutyDay,
  type DutyStanding,
  dutyCounters,
  dutyDayId,
  latestStandings,
} from '../domain/audit/duty-counters';
import type { IncidentEvent } from '../domain/incident';
import type { IncidentStore } from '../ports/incident-store';
import { AlreadyApplied, type SummaryStore } from '../ports/summary-store';
import { type RebuiltProjection, rebuildFromLog } from './reconcile-from-log';
import { retryOnConflict } from './retry-on-conflict';
import { addCountersInto, type CounterDifference, compareCounters } from './roll-up';

/**
 * Duties per atomic write: each keeps its standing and adds to at most one office-day, which keeps
 * a chunk within DynamoDB's 100-item transaction.
 */
export const DUTY_CHUNK = 50;

/**
 * Moves the punctuality counters by a batch of events: each duty they move goes from its kept
 * standing to the standing its latest event in the batch gives it, unless the kept one is as late
 * or later (a redelivery, or an event overtaken by a later one). Returns how many duties moved and
 * how many items were written.
 */
export const makeMoveDuties =
  (deps: { readonly summaries: SummaryStore; readonly maxAttempts?: number }) =>
  async (events: readonly IncidentEvent[]): Promise<{ readonly moved: number; readonly writes: number }> => {
    const latest = [...latestStandings(events).values()];
    let moved = 0;
    let writes = 0;
    for (let start = 0; start < latest.length; start += DUTY_CHUNK) {
      const chunk = latest.slice(start, start + DUTY_CHUNK);
      await retryOnConflict(
        async () => {
          const kept = await deps.summaries.dutyStandings(chunk);
          const moves = chunk.flatMap((to) => {
            const from = kept.get(to.obligationId);
            if (from && from.seq >= to.seq) return [];
            return [from ? { to, from } : { to }];
          });
          if (moves.length === 0) return;
          const days = [...dutyCounters(moves).values()];
          await deps.summaries.moveDuties(moves, days);
          moved += moves.length;
          writes += moves.length + days.length;
        },
        {
          attempts: deps.maxAttempts ?? 10,
          // Another consumer moved one of these duties first: read the standings again.
          isConflict: (error) => error instanceof AlreadyApplied,
          giveUp: () => new Error('the punctuality counters kept changing under this batch; it comes back'),
        },
      );
    }
    return { moved, writes };
  };

const sameStanding = (a: DutyStanding, b: DutyStanding | undefined): boolean =>
  b !== undefined &&
  a.seq === b.seq &&
  a.office === b.office &&
  a.day === b.day &&
  a.outcome === b.outcome &&
  a.lateByMs === b.lateByMs;

/**
 * Every duty's standing and every office-day's counters recomputed from the event log, the
 * counters compared with what is stored; with `fix`, the office-days that differ are rewritten,
 * those the log does not explain removed, and each duty's standing kept as the log gives it, so
 * that later deliveries move the counters from there.
 */
export const dutiesRebuilt = (
  summaries: SummaryStore,
): RebuiltProjection<{
  readonly duties: number;
  readonly officeDays: number;
  readonly differences: CounterDifference<DutyDay>[];
  readonly fixed: number;
}> => {
  const standings: DutyStanding[] = [];
  const recomputed = new Map<string, { key: DutyDay; counters: Map<string, number> }>();
  return {
    see: (events) => {
      const latest = [...latestStandings(events).values()];
      standings.push(...latest);
      addCountersInto(recomputed, dutyCounters(latest.map((to) => ({ to }))));
    },
    settle: async (fix) => {
      const stored = new Map((await summaries.allDutyDays()).map((d) => [dutyDayId(d.key), d]));
      const { differences, toWrite, toRemove } = compareCounters(recomputed, stored);
      if (fix) {
        const kept = new Map((await summaries.allDutyStandings()).map((s) => [s.obligationId, s]));
        const keptWrong = standings.filter((s) => !sameStanding(s, kept.get(s.obligationId)));
        if (toWrite.length > 0 || toRemove.length > 0 || keptWrong.length > 0) {
          await summaries.overwriteDutyDays(toWrite, toRemove, keptWrong);
        }
      }
      return {
        duties: standings.length,
        officeDays: recomputed.size,
        differences,
        fixed: fix ? toWrite.length + toRemove.length : 0,
      };
    },
  };
};

/** Rebuilds the punctuality counters alone from the log (see {@link dutiesRebuilt}). */
export const makeReconcileDuties =
  (deps: { readonly incidents: IncidentStore; readonly summaries: SummaryStore }) =>
  async (options: { readonly fix: boolean }) =>
    (await rebuildFromLog(deps.incidents, { duties: dutiesRebuilt(deps.summaries) }, options)).duties;
