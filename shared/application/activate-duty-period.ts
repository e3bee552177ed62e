/**
 * POST /v1/duty-periods: an office activates a duty period (zero reports) for its jurisdiction.
 */

import type { Actor } from '../domain/access';
import { mayActivateDutyPeriod } from '../domain/access';
import { ConflictError, ForbiddenError, ValidationError } from '../domain/errors';
import {
  type DutyPeriod,
  type DutyPeriodRequest,
  describePeriod,
  dutyPeriodProblems,
  periodsOverlap,
  planDutyPeriod,
  provincesCovering,
  sameActivation,
} from '../domain/zero-reports';
import type { Clock } from '../ports/clock';
import { PeriodsChanged, type ZeroReportStore } from '../ports/zero-report-store';
import { retryOnConflict } from './retry-on-conflict';

/**
 * An office activates a duty period for its jurisdiction or part of it. The period's id follows
 * from what it obliges, so a retried activation answers the period the first attempt created. A
 * period whose region is, contains or lies within another period's, on any of the same dates, is a
 * conflict: its units would owe two reports a day, and miss one of them. The decision is written on
 * the condition that no period was activated meanwhile in the provinces it covers, so of two
 * overlapping activations at once only one succeeds.
 */
export const makeActivateDutyPeriod =
  (deps: { readonly store: ZeroReportStore; readonly clock: Clock; readonly maxAttempts?: number }) =>
  async (actor: Actor, request: DutyPeriodRequest): Promise<{ period: DutyPeriod; created: boolean }> => {
    const decision = mayActivateDutyPeriod(actor, request.region);
    if (!decision.allowed) throw new ForbiddenError(decision.reason, { targetRegion: request.region });
    const now = deps.clock.now();
    const problems = dutyPeriodProblems(request, now);
    if (problems.length > 0) throw new ValidationError('the duty period is invalid', problems);

    const planned = planDutyPeriod(request, actor, now);
    const provinces = provincesCovering(planned.region);
    return retryOnConflict(
      async () => {
        const { periods, versions } = await deps.store.periodsSnapshot(provinces);
        const existing = periods.find((p) => p.periodId === planned.periodId);
        if (existing) {
          if (sameActivation(existing, planned)) return { period: existing, created: false };
          throw new ConflictError(
            `duty period ${describePeriod(existing)} already obliges ${existing.region} on these days`,
            'duty-period-exists',
          );
        }
        const overlapped = periods.find((p) => periodsOverlap(p, planned));
        if (overlapped) {
          throw new ConflictError(
            `the duty period overlaps active duty period ${describePeriod(overlapped)}: its units would owe two ` +
              'reports a day. Activate only the days and regions it does not cover.',
            'duty-period-overlaps',
          );
        }
        const { created, period } = await deps.store.createPeriod(planned, versions);
        // Taken between the read and the write: the first attempt of this same activation, or another.
        if (!created && !sameActivation(period, planned)) {
          throw new ConflictError(
            `duty period ${describePeriod(period)} already obliges ${period.region} on these days`,
            'duty-period-exists',
          );
        }
        return { period, created };
      },
      {
        attempts: deps.maxAttempts ?? 10,
        isConflict: (error) => error instanceof PeriodsChanged,
        giveUp: () => new ConflictError('duty periods are being activated in this region right now; try again', 'busy'),
      },
    );
  };
