/**
 * Telling a county office that one of its units missed a zero report: its duty officer on shift
 * as the message goes out hears who, which day and whom to call, and the unit's log records who
 * was told — or that nobody was on duty to tell, or that the publish failed and a later run tries
 * again.
 */
import { chinaClockOf } from '../domain/china-time';
import { peopleFor, place } from '../domain/officers';
import { chainOf } from '../domain/regions/regions';
import {
  CUTOFF_CHECK_ACTOR,
  chainIdOf,
  countyOfficeOf,
  type DayRecord,
  type DutyPeriod,
  type OwedDay,
  type ReportingUnit,
  type ZeroChainState,
} from '../domain/zero-reports';
import type { Clock } from '../ports/clock';
import type { NotificationPublisher } from '../ports/notification-publisher';
import type { OfficerDirectory } from '../ports/officer-directory';
import { tellOfficers } from './tell-officers';
import { appendToUnitLog, type UnitLogDeps, unitLogOf } from './zero-report-log';

/** What the county office's duty officer reads: who, which day, since when, whom to call. */
export const missedReportMessage = (period: DutyPeriod, day: OwedDay, unit: ReportingUnit): string =>
  `Zero report missed — ${unit.name} (${unit.unitId}, ${unit.kind}) of ${place(unit.county)} did not file its daily ` +
  `report for ${day.date} by ${chinaClockOf(day.cutoffAt)} China time (duty period ${period.periodId}: ${period.reason}). ` +
  `Call ${unit.contact.name} on ${unit.contact.phone}. A report filed now is recorded as late; the miss stays on record.`;

/** The SMS of a miss: who, which day, whom to call — in 140 characters. */
export const missedReportBrief = (day: OwedDay, unit: ReportingUnit): string =>
  `Zero report missed: ${unit.name} (${unit.unitId}) ${day.date}. Call ${unit.contact.name} ${unit.contact.phone}.`;

/** A recorded miss whose office has not been told of it. */
export interface UntoldMiss {
  readonly period: DutyPeriod;
  readonly day: OwedDay;
  readonly unit: ReportingUnit;
  /** The head of the unit's log this run last saw. */
  readonly head: ZeroChainState;
  /** The day's record on that head, its miss on record. */
  readonly record: DayRecord & { readonly missedSeq: number };
}

/**
 * What came of telling the office, as recorded in the unit's log: `told`, the office has heard (now,
 * or everyone on duty had been told before an earlier failure); `nobody-on-duty`, nobody is on
 * record to tell, which no retry mends; `publish-failed`, the next run that finds it due tries again.
 */
export type MissNotice = 'told' | 'nobody-on-duty' | 'publish-failed';

export interface TellOfficeOfMissDeps extends UnitLogDeps {
  readonly publisher: NotificationPublisher;
  readonly clock: Clock;
}

/**
 * Tells the county office's duty officer of `miss`, reading the roster from `directory` (one run's
 * reads of it are shared by all of its misses), and records the outcome in the unit's log. Those an
 * earlier attempt told before it failed are on record and are not told twice.
 */
export const makeTellOfficeOfMiss =
  (deps: TellOfficeOfMissDeps) =>
  async (miss: UntoldMiss, directory: Pick<OfficerDirectory, 'ofOffice'>): Promise<MissNotice> => {
    const { period, day, unit, head, record } = miss;
    // The duty officer on shift as the message goes out, and the time it went.
    const now = deps.clock.now();
    const log = unitLogOf(period.periodId, unit);
    const office = countyOfficeOf(unit.county);
    const untold = (current: ZeroChainState | undefined) => {
      const today = current?.days[day.date];
      return today?.notifiedAt === undefined && !today?.notifyGaveUp;
    };
    const onDuty = peopleFor({ office, role: 'duty-officer' }, await directory.ofOffice(office), now);
    const base = { date: day.date, aboutSeq: record.missedSeq, kind: 'zero-report-missed' as const };
    // The head this run last saw is decided on first: a stale one only costs a conflict and a read.
    const known = { head };
    if (onDuty.length === 0) {
      await appendToUnitLog(deps, {
        log,
        dayCutoffAt: day.cutoffAt,
        actor: CUTOFF_CHECK_ACTOR,
        now,
        decide: (current) =>
          untold(current)
            ? [
                {
                  type: 'ZeroReportNotificationFailed',
                  data: { ...base, reason: `no officer on record for duty-officer of ${office}`, willRetry: false },
                },
              ]
            : [],
        known,
      });
      return 'nobody-on-duty';
    }
    // An attempt that failed part-way told some already; they are on record and not told twice.
    const toldBefore = new Set(record.toldPersonIds ?? []);
    const people = onDuty.filter((officer) => !toldBefore.has(officer.personId));

    const chain = chainOf(unit.county);
    const telling = await tellOfficers(deps.publisher, {
      people: people.map((officer) => ({ officer, office, role: 'duty-officer' })),
      message: {
        kind: 'zero-report-missed',
        // The notification port speaks of incidents; a zero-report log is named as the audit names it.
        incidentId: chainIdOf(period.periodId, unit.unitId),
        grade: 'none',
        regions: {
          province: chain.province.code,
          city: chain.city?.code ?? null,
          county: chain.county?.code ?? null,
        },
        text: missedReportMessage(period, day, unit),
        brief: missedReportBrief(day, unit),
      },
      record: {
        // Whoever was told before the failure is recorded with it, even if another run has told the
        // office meanwhile: the log shows every officer actually told.
        failed: async (recipients, reason) => {
          await appendToUnitLog(deps, {
            log,
            dayCutoffAt: day.cutoffAt,
            actor: CUTOFF_CHECK_ACTOR,
            now: deps.clock.now(),
            decide: (current) =>
              untold(current) || recipients.length > 0
                ? [
                    {
                      type: 'ZeroReportNotificationFailed',
                      data: { ...base, reason, willRetry: true, ...(recipients.length > 0 ? { recipients } : {}) },
                    },
                  ]
                : [],
            known,
          });
        },
        // `recipients` is empty only when everyone on duty was told before an earlier failure: this
        // records that the office has now heard, and the earlier failure's record says from whom.
        allTold: async (recipients) => {
          await appendToUnitLog(deps, {
            log,
            dayCutoffAt: day.cutoffAt,
            actor: CUTOFF_CHECK_ACTOR,
            now: deps.clock.now(),
            decide: (current) =>
              untold(current) || recipients.length > 0
                ? [{ type: 'ZeroReportNotified', data: { ...base, recipients } }]
                : [],
            known,
          });
        },
      },
    });
    return telling.outcome === 'told' ? 'told' : 'publish-failed';
  };
