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
import { addCounters } from '../domain/rollup';
import type { IncidentStore } from '../ports/incident-store';
import { AlreadyApplied, type SummaryStore } from '../ports/summary-store';
import { retryOnConflict } from './retry-on-conflict';
import { compareCounters } from './roll-up';

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
 * Recomputes every duty's standing and every office-day's counters from the event log and
 * compares the counters with what is stored; with `fix`, rewrites the office-days that differ,
 * removes those the log does not explain, and keeps each duty's standing as the log gives it, so
 * that later deliveries move the counters from there.
 */
export const makeReconcileDuties =
  (deps: { readonly incidents: IncidentStore; readonly summaries: SummaryStore }) =>
  async (options: { readonly fix: boolean }) => {
    const standings: DutyStanding[] = [];
    const recomputed = new Map<string, { key: DutyDay; counters: Map<string, number> }>();
    for await (const events of deps.incidents.allEvents()) {
      const latest = [...latestStandings(events).values()];
      standings.push(...latest);
      for (const [id, item] of dutyCounters(latest.map((to) => ({ to })))) {
        const into = recomputed.get(id) ?? { key: item.key, counters: new Map<string, number>() };
        addCounters(into.counters, Object.fromEntries(item.counters));
        recomputed.set(id, into);
      }
    }
    const stored = new Map((await deps.summaries.allDutyDays()).map((d) => [dutyDayId(d.key), d]));
    const { differences, toWrite, toRemove } = compareCounters(recomputed, stored);
    let keptWrong: DutyStanding[] = [];
    if (options.fix) {
      const kept = new Map((await deps.summaries.allDutyStandings()).map((s) => [s.obligationId, s]));
      keptWrong = standings.filter((s) => !sameStanding(s, kept.get(s.obligationId)));
      if (toWrite.length > 0 || toRemove.length > 0 || keptWrong.length > 0) {
        await deps.summaries.overwriteDutyDays(toWrite, toRemove, keptWrong);
      }
    }
    return {
      duties: standings.length,
      officeDays: recomputed.size,
      differences,
      fixed: options.fix ? toWrite.length + toRemove.length : 0,
    };
  };
