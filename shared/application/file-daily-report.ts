/**
 * POST /v1/daily-reports: a reporting unit files its daily (zero) report for a day its duty period
 * owes.
 */

import type { Actor } from '../domain/access';
import { mayFileDailyReport } from '../domain/access';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors';
import { isWithin } from '../domain/regions/regions';
import {
  CUTOFF_CHECK_ACTOR,
  type DailyReportContent,
  type DayRecord,
  dailyReportHash,
  filingOpensAt,
  latenessOf,
  type OwedDay,
  type ZeroReportDraft,
} from '../domain/zero-reports';
import type { Clock } from '../ports/clock';
import type { UnitRegistry } from '../ports/unit-registry';
import type { ZeroReportStore } from '../ports/zero-report-store';
import { appendToUnitLog, missedData, unitLogOf } from './zero-report-log';

export interface FileDailyReportCommand extends DailyReportContent {
  readonly periodId: string;
  readonly date: string;
}

/** The answer to a filing, the same for a retry of it. */
export interface DailyReportReceipt {
  readonly periodId: string;
  readonly unit: string;
  readonly date: string;
  readonly seq: number;
  readonly filedAt: string;
  readonly cutoffAt: string;
  readonly late: boolean;
  readonly lateByMs: number;
  readonly nothingToReport: boolean;
  /** A miss is on record for the day before this filing (every filing after the cut-off has one); it stays. */
  readonly afterMissed: boolean;
}

const receiptOf = ({
  periodId,
  unit,
  day,
  record,
  content,
}: {
  readonly periodId: string;
  readonly unit: string;
  readonly day: OwedDay;
  readonly record: DayRecord;
  readonly content: DailyReportContent;
}): DailyReportReceipt => ({
  periodId,
  unit,
  date: day.date,
  seq: record.filedSeq ?? 0,
  filedAt: record.filedAt ?? '',
  cutoffAt: day.cutoffAt,
  late: record.late ?? false,
  lateByMs: record.lateByMs ?? 0,
  nothingToReport: content.nothingToReport,
  afterMissed: record.missedSeq !== undefined && record.missedSeq < (record.filedSeq ?? 0),
});

/**
 * A unit files its daily report for a day its duty period owes. After the cut-off it is accepted
 * and recorded as late, after the day's miss: the one the check recorded, or, if the check has not
 * come yet, one recorded with the filing in the same append — a unit that has not filed by the
 * cut-off has a missed report, whenever the check runs, and the check tells its county office. On
 * time or late is judged by when the filing was received. The same filing again gets the same
 * answer; a different one for the same day is refused, as a report once filed is evidence and is
 * not changed.
 */
export const makeFileDailyReport =
  (deps: {
    readonly store: ZeroReportStore;
    readonly registry: UnitRegistry;
    readonly clock: Clock;
    readonly maxAttempts?: number;
  }) =>
  async (actor: Actor, command: FileDailyReportCommand): Promise<DailyReportReceipt> => {
    // The filing is judged by when it was received, however long the reads and appends below take.
    const now = deps.clock.now();
    const first = mayFileDailyReport(actor, actor.region, actor.unit ?? '');
    if (!first.allowed) throw new ForbiddenError(first.reason, { targetRegion: actor.region });
    const unitId = actor.unit ?? '';

    const period = await deps.store.period(command.periodId);
    if (!period) throw new NotFoundError(`duty period ${command.periodId} does not exist`);
    const unit = await deps.registry.unit(actor.region, unitId, now);
    if (!unit) {
      throw new ForbiddenError(
        `unit ${unitId} is not in the registry of ${actor.region}; its county office registers units`,
        { targetRegion: period.region },
      );
    }
    const decision = mayFileDailyReport(actor, unit.county, unit.unitId);
    if (!decision.allowed) throw new ForbiddenError(decision.reason, { targetRegion: unit.county });
    if (!isWithin(unit.county, period.region)) {
      throw new ForbiddenError(
        `unit ${unit.unitId} of ${unit.county} is outside duty period ${period.periodId}, which covers ${period.region}`,
        { targetRegion: period.region },
      );
    }
    const day = period.days.find((d) => d.date === command.date);
    if (!day) {
      const owed = period.days.length > 0 ? `${period.days[0]?.date} to ${period.days.at(-1)?.date}` : 'no day';
      throw new ValidationError(`duty period ${period.periodId} owes no report for ${command.date}`, [
        { field: 'date', problem: `is not a day the duty period owes (it owes ${owed})` },
      ]);
    }
    // A day is owed in the county the unit was registered in at its cut-off: a unit moved here files
    // its days from the move on, and one moved away no longer files here for its later days.
    if (!(await deps.registry.unit(unit.county, unit.unitId, new Date(day.cutoffAt)))) {
      throw new ForbiddenError(
        `unit ${unit.unitId} was not registered in ${unit.county} at the cut-off of ${day.date}; it owed that day's report in another county, or none`,
        { targetRegion: unit.county },
      );
    }
    const opensAt = filingOpensAt(day.cutoffAt);
    if (now.getTime() < Date.parse(opensAt)) {
      throw new ValidationError(`the report for ${day.date} cannot be filed yet`, [
        { field: 'date', problem: `cannot be filed before ${opensAt} (the cut-off of the day before)` },
      ]);
    }

    const content: DailyReportContent = {
      nothingToReport: command.nothingToReport,
      ...(command.summary !== undefined ? { summary: command.summary } : {}),
      incidentIds: command.incidentIds,
    };
    const requestHash = dailyReportHash(day.date, content);
    const lateness = latenessOf(day.cutoffAt, now);
    const { state } = await appendToUnitLog(deps, {
      log: unitLogOf(period.periodId, unit),
      actor,
      now,
      dayCutoffAt: day.cutoffAt,
      decide: (head) => {
        const record = head?.days[day.date];
        if (record?.filedSeq !== undefined) {
          if (record.requestHash === requestHash) return [];
          throw new ConflictError(
            `unit ${unit.unitId} already filed a different report for ${day.date}; a filed report is not changed`,
            'daily-report-already-filed',
          );
        }
        const drafts: ZeroReportDraft[] = [];
        let missedSeq = record?.missedSeq;
        if (lateness.late && missedSeq === undefined) {
          // The check has not recorded the miss yet: it is recorded here, first, by the system as the
          // check would, so the filing cannot erase it by coming before the check.
          missedSeq = (head?.version ?? 0) + 1;
          drafts.push({
            type: 'DailyReportMissed',
            actor: CUTOFF_CHECK_ACTOR,
            data: missedData(day, unit),
          });
        }
        drafts.push({
          type: 'DailyReportFiled',
          data: {
            date: day.date,
            cutoffAt: day.cutoffAt,
            filedAt: now.toISOString(),
            ...lateness,
            ...content,
            requestHash,
            ...(missedSeq !== undefined ? { afterMissSeq: missedSeq } : {}),
          },
        });
        return drafts;
      },
    });
    const record = state?.days[day.date];
    if (!record) throw new Error(`the log of ${unit.unitId} has no record of ${day.date} after filing it`);
    return receiptOf({ periodId: period.periodId, unit: unit.unitId, day, record, content });
  };
