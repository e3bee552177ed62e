/**
 * Zero reports (零报告): an office activates a duty period, units file a daily report for each day
 * it owes, and the cut-off check records a miss for every unit that has not filed by the cut-off
 * and tells its county office. Each unit's reports in a period form one hash-chained log, appended
 * with conditional writes: concurrent or repeated checks record a miss exactly once, and a filing
 * retried after a timeout gets the first answer back.
 */
import { mayActivateDutyPeriod, mayFileDailyReport } from '../domain/access';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors';
import type { Actor, NotificationRecipient } from '../domain/incident';
import { type Officer, peopleFor } from '../domain/officers';
import { chainOf, isWithin, regionOf } from '../domain/regions/regions';
import {
  CUTOFF_CHECK_ACTOR,
  chainIdOf,
  chinaClockOf,
  countyOfficeOf,
  type DailyReportContent,
  type DayRecord,
  type DutyPeriod,
  type DutyPeriodRequest,
  dailyReportHash,
  dutyPeriodProblems,
  filingOpensAt,
  isPastCutoff,
  latenessOf,
  type OwedDay,
  planDutyPeriod,
  type ReportingUnit,
  sameActivation,
  sealZeroEvents,
  type ZeroChainState,
  type ZeroReportDraft,
} from '../domain/zero-reports';
import type { Clock } from '../ports/clock';
import type { NotificationPublisher } from '../ports/notification-publisher';
import type { OfficerDirectory } from '../ports/officer-directory';
import type { UnitRegistry } from '../ports/unit-registry';
import { ChainConflict, type ZeroReportStore } from '../ports/zero-report-store';
import { mapLimit, unitsWithin } from './units';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type ChainIdentity = Pick<ZeroChainState, 'periodId' | 'unit' | 'unitName' | 'county'>;

const identityOf = (periodId: string, unit: ReportingUnit): ChainIdentity => ({
  periodId,
  unit: unit.unitId,
  unitName: unit.name,
  county: unit.county,
});

/**
 * Appends what `decide` asks for to a unit's log, deciding again on the fresh head whenever
 * someone else appended first. `decide` returns no drafts when there is nothing (left) to do,
 * which makes every caller safe to repeat.
 */
const appendToChain = async (
  deps: { readonly store: ZeroReportStore; readonly maxAttempts?: number },
  identity: ChainIdentity,
  actor: Actor,
  now: Date,
  decide: (head: ZeroChainState | undefined) => readonly ZeroReportDraft[],
): Promise<{ readonly state: ZeroChainState | undefined; readonly appended: boolean }> => {
  const maxAttempts = deps.maxAttempts ?? 20;
  for (let attempt = 1; ; attempt++) {
    const head = await deps.store.head(identity.periodId, identity.unit);
    if (head && head.county !== identity.county) {
      // Unit ids are national (e.g. a unified social credit code); two counties claiming one would
      // merge two units' evidence into one log, so neither gets to write.
      throw new ConflictError(
        `unit ${identity.unit} is registered in ${identity.county}, but its log in ${identity.periodId} belongs to ${head.county}`,
        'unit-registered-twice',
      );
    }
    const drafts = decide(head);
    if (drafts.length === 0) return { state: head, appended: false };
    const change = sealZeroEvents(head, identity, drafts, { actor, now });
    try {
      await deps.store.append(change);
      return { state: change.state, appended: true };
    } catch (error) {
      if (!(error instanceof ChainConflict)) throw error;
      if (attempt >= maxAttempts) {
        throw new ConflictError(`the log of ${identity.unit} is busy; send the request again`, 'busy');
      }
      await sleep(Math.random() * Math.min(200, 5 * 2 ** Math.min(attempt, 6)));
    }
  }
};

// ---------------------------------------------------------------------------------------------
// POST /v1/duty-periods

/**
 * An office activates a duty period for its jurisdiction or part of it. The period's id follows
 * from what it obliges, so a retried activation answers the period the first attempt created; a
 * different activation of the same days and region is a conflict.
 */
export const makeActivateDutyPeriod =
  (deps: { readonly store: ZeroReportStore; readonly clock: Clock }) =>
  async (actor: Actor, request: DutyPeriodRequest): Promise<{ period: DutyPeriod; created: boolean }> => {
    const decision = mayActivateDutyPeriod(actor, request.region);
    if (!decision.allowed) throw new ForbiddenError(decision.reason, { targetRegion: request.region });
    const now = deps.clock.now();
    const problems = dutyPeriodProblems(request, now);
    if (problems.length > 0) throw new ValidationError('the duty period is invalid', problems);

    const planned = planDutyPeriod(request, actor, now);
    const { created, period } = await deps.store.createPeriod(planned);
    if (!created && !sameActivation(period, planned)) {
      throw new ConflictError(
        `duty period ${period.periodId} already obliges ${period.region} from ${period.firstDate} to ${period.lastDate} ` +
          `by ${String(period.cutoffHour).padStart(2, '0')}:00, activated by ${period.activatedBy.sub} of ${period.activatedBy.region}: ${period.reason}`,
        'duty-period-exists',
      );
    }
    return { period, created };
  };

// ---------------------------------------------------------------------------------------------
// POST /v1/daily-reports

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
  /** The miss was recorded before the filing came; it stays on record. */
  readonly afterMissed: boolean;
}

const receiptOf = (
  periodId: string,
  unit: string,
  day: OwedDay,
  record: DayRecord,
  content: DailyReportContent,
): DailyReportReceipt => ({
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
 * and recorded as late — after the miss, if the check recorded one first. The same filing again
 * gets the same answer; a different one for the same day is refused, as a report once filed is
 * evidence and is not changed.
 */
export const makeFileDailyReport =
  (deps: {
    readonly store: ZeroReportStore;
    readonly registry: UnitRegistry;
    readonly clock: Clock;
    readonly maxAttempts?: number;
  }) =>
  async (actor: Actor, command: FileDailyReportCommand): Promise<DailyReportReceipt> => {
    const first = mayFileDailyReport(actor, actor.region, actor.unit ?? '');
    if (!first.allowed) throw new ForbiddenError(first.reason, { targetRegion: actor.region });
    const unitId = actor.unit ?? '';

    const period = await deps.store.period(command.periodId);
    if (!period) throw new NotFoundError(`duty period ${command.periodId} does not exist`);
    const unit = await deps.registry.unit(actor.region, unitId);
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
    const now = deps.clock.now();
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
    const { state } = await appendToChain(deps, identityOf(period.periodId, unit), actor, now, (head) => {
      const record = head?.days[day.date];
      if (record?.filedSeq !== undefined) {
        if (record.requestHash === requestHash) return [];
        throw new ConflictError(
          `unit ${unit.unitId} already filed a different report for ${day.date}; a filed report is not changed`,
          'daily-report-already-filed',
        );
      }
      return [
        {
          type: 'DailyReportFiled',
          data: {
            date: day.date,
            cutoffAt: day.cutoffAt,
            filedAt: now.toISOString(),
            ...latenessOf(day.cutoffAt, now),
            ...content,
            requestHash,
            ...(record?.missedSeq !== undefined ? { afterMissSeq: record.missedSeq } : {}),
          },
        },
      ];
    });
    const record = state?.days[day.date];
    if (!record) throw new Error(`the log of ${unit.unitId} has no record of ${day.date} after filing it`);
    return receiptOf(period.periodId, unit.unitId, day, record, content);
  };

// ---------------------------------------------------------------------------------------------
// The cut-off check

const place = (code: string): string => {
  try {
    return `${code} ${regionOf(code).name}`;
  } catch {
    return code;
  }
};

/** What the county office's duty officer reads: who, which day, since when, whom to call. */
export const missedReportMessage = (period: DutyPeriod, day: OwedDay, unit: ReportingUnit): string =>
  `Zero report missed — ${unit.name} (${unit.unitId}, ${unit.kind}) of ${place(unit.county)} did not file its daily ` +
  `report for ${day.date} by ${chinaClockOf(day.cutoffAt)} China time (duty period ${period.periodId}: ${period.reason}). ` +
  `Call ${unit.contact.name} on ${unit.contact.phone}. A report filed now is recorded as late; the miss stays on record.`;

const channelsOf = (officer: Officer): string[] =>
  (['email', 'sms', 'webhook'] as const).filter((channel) => officer.endpoints[channel] !== undefined);

export interface CheckZeroReportsDeps {
  readonly store: ZeroReportStore;
  readonly registry: UnitRegistry;
  readonly directory: OfficerDirectory;
  readonly publisher: NotificationPublisher;
  readonly clock: Clock;
  /**
   * How long a recorded miss waits before another run tells its office. The run that records a
   * miss tells the office at once; this covers a run that stopped in between, without two
   * overlapping runs both telling it. A failed publish is tried again after half of it, doubling.
   * @default 120_000
   */
  readonly notifyRetryAfterMs?: number;
  /** Units handled at once. @default 8 */
  readonly concurrency?: number;
  readonly maxAttempts?: number;
}

export interface CheckZeroReportsResult {
  /** Days (of all periods) whose cut-off had passed and were not yet complete. */
  readonly daysChecked: number;
  /** Days found complete by this run: every unit filed, or its miss is recorded and its office told. */
  readonly daysCompleted: number;
  readonly missed: number;
  readonly notified: number;
  readonly notifyFailures: number;
  /** Units that could not be checked this time (the next run tries again). */
  readonly errors: readonly string[];
}

type UnitOutcome = { settled: boolean; missed?: boolean; notified?: boolean; failed?: boolean };

/**
 * Runs the cut-off check: for every duty period and every day whose cut-off has passed and is not
 * yet complete, every registered unit of the period's region that has not filed gets exactly one
 * DailyReportMissed, and its county office's duty officer (at that moment) is told, with the
 * outcome recorded in the unit's log. Safe to run repeatedly and concurrently: the conditional
 * appends decide who records a miss, and a failed publish is retried by a later run until told.
 */
export const makeCheckZeroReports = (deps: CheckZeroReportsDeps) => {
  const retryAfter = deps.notifyRetryAfterMs ?? 120_000;

  /**
   * Whether this run should tell the office of a recorded miss that nobody has told it of: one left
   * by a run that stopped after recording it, after `retryAfter`; one whose publish failed, after
   * half that, doubling with each failure (the next scheduled run, then every 2, 4 … 64 minutes).
   */
  const notifyDue = (record: DayRecord, now: Date): boolean => {
    const failures = record.notifyFailures ?? 0;
    const since = Date.parse(record.lastNotifyFailureAt ?? record.missedAt ?? now.toISOString());
    const wait = failures === 0 ? retryAfter : (retryAfter / 2) * 2 ** Math.min(failures - 1, 6);
    return now.getTime() - since >= wait;
  };

  const tellOffice = async (
    period: DutyPeriod,
    day: OwedDay,
    unit: ReportingUnit,
    missedSeq: number,
  ): Promise<UnitOutcome> => {
    // The duty officer on shift as the message goes out, and the time it went.
    const now = deps.clock.now();
    const identity = identityOf(period.periodId, unit);
    const office = countyOfficeOf(unit.county);
    const untold = (head: ZeroChainState | undefined) => {
      const record = head?.days[day.date];
      return record?.notifiedAt === undefined && !record?.notifyGaveUp;
    };
    const people = peopleFor({ office, role: 'duty-officer' }, await deps.directory.ofOffice(office), now);
    const base = { date: day.date, aboutSeq: missedSeq, kind: 'zero-report-missed' as const };
    if (people.length === 0) {
      await appendToChain(deps, identity, CUTOFF_CHECK_ACTOR, now, (head) =>
        untold(head)
          ? [
              {
                type: 'ZeroReportNotificationFailed',
                data: { ...base, reason: `no officer on record for duty-officer of ${office}`, willRetry: false },
              },
            ]
          : [],
      );
      return { settled: true, failed: true };
    }

    const chain = chainOf(unit.county);
    const text = missedReportMessage(period, day, unit);
    const recipients: NotificationRecipient[] = [];
    try {
      for (const officer of people) {
        const channels = channelsOf(officer);
        const messageId = await deps.publisher.publish({
          kind: 'zero-report-missed',
          // The notification port speaks of incidents; a zero-report log is named as the audit names it.
          incidentId: chainIdOf(period.periodId, unit.unitId),
          personId: officer.personId,
          office,
          officeLevel: regionOf(office).level,
          role: 'duty-officer',
          grade: 'none',
          regions: {
            province: chain.province.code,
            city: chain.city?.code ?? null,
            county: chain.county?.code ?? null,
          },
          channels,
          text,
        });
        recipients.push({ office, role: 'duty-officer', personId: officer.personId, channels, messageId });
      }
    } catch (error) {
      await appendToChain(deps, identity, CUTOFF_CHECK_ACTOR, deps.clock.now(), (head) =>
        untold(head)
          ? [
              {
                type: 'ZeroReportNotificationFailed',
                data: { ...base, reason: (error as Error).message, willRetry: true },
              },
            ]
          : [],
      );
      return { settled: false, failed: true };
    }
    await appendToChain(deps, identity, CUTOFF_CHECK_ACTOR, deps.clock.now(), (head) =>
      untold(head) ? [{ type: 'ZeroReportNotified', data: { ...base, recipients } }] : [],
    );
    return { settled: true, notified: true };
  };

  const checkUnit = async (
    period: DutyPeriod,
    day: OwedDay,
    unit: ReportingUnit,
    head: ZeroChainState | undefined,
    now: Date,
  ): Promise<UnitOutcome> => {
    let state = head;
    let justMissed = false;
    const known = state?.days[day.date];
    // Filed in time for the check: nothing owed. A miss already on record is still told, even if
    // the unit has filed late since: the office hears of every miss.
    if (known?.filedSeq !== undefined && known.missedSeq === undefined) return { settled: true };
    if (known?.missedSeq === undefined) {
      const result = await appendToChain(
        deps,
        identityOf(period.periodId, unit),
        CUTOFF_CHECK_ACTOR,
        deps.clock.now(),
        (h) => {
          const record = h?.days[day.date];
          if (record?.filedSeq !== undefined || record?.missedSeq !== undefined) return [];
          return [
            {
              type: 'DailyReportMissed',
              data: {
                date: day.date,
                cutoffAt: day.cutoffAt,
                unitName: unit.name,
                office: countyOfficeOf(unit.county),
              },
            },
          ];
        },
      );
      state = result.state;
      justMissed = result.appended;
    }
    const record = state?.days[day.date];
    // Filed in the meantime, before any miss was recorded: nothing is owed.
    if (!record || record.missedSeq === undefined) return { settled: record?.filedSeq !== undefined };
    if (record.notifiedAt !== undefined || record.notifyGaveUp) return { settled: true, missed: justMissed };
    if (!justMissed && !notifyDue(record, now)) return { settled: false };
    return { ...(await tellOffice(period, day, unit, record.missedSeq)), missed: justMissed };
  };

  return async (): Promise<CheckZeroReportsResult> => {
    const now = deps.clock.now();
    const totals = { daysChecked: 0, daysCompleted: 0, missed: 0, notified: 0, notifyFailures: 0 };
    const errors: string[] = [];
    for (const period of await deps.store.periods()) {
      const due = period.days.filter((day) => isPastCutoff(day, now));
      if (due.length === 0) continue;
      const checked = await deps.store.checkedDays(period.periodId);
      const pending = due.filter((day) => !checked.has(day.date));
      if (pending.length === 0) continue;
      const units = await unitsWithin(deps.registry, period.region);
      for (const day of pending) {
        totals.daysChecked += 1;
        const heads = await deps.store.heads(
          period.periodId,
          units.map((u) => u.unitId),
        );
        const outcomes = await mapLimit(units, deps.concurrency ?? 8, async (unit): Promise<UnitOutcome> => {
          try {
            return await checkUnit(period, day, unit, heads.get(unit.unitId), now);
          } catch (error) {
            errors.push(`${chainIdOf(period.periodId, unit.unitId)} ${day.date}: ${(error as Error).message}`);
            return { settled: false };
          }
        });
        for (const o of outcomes) {
          if (o.missed) totals.missed += 1;
          if (o.notified) totals.notified += 1;
          if (o.failed) totals.notifyFailures += 1;
        }
        if (outcomes.every((o) => o.settled)) {
          await deps.store.markChecked(period.periodId, day.date, now.toISOString());
          totals.daysCompleted += 1;
        }
      }
    }
    return { ...totals, errors };
  };
};
