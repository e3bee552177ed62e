/**
 * The rules of zero reports: China days and cut-off instants (UTC+8, no daylight saving), the days
 * a duty period owes, lateness, the validation of an activation and of a daily report, the regions
 * a period reaches, and the log of one unit in a period as a hash chain.
 */

import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/access';
import { chinaDateOf } from '../../shared/domain/china-time';
import { verifyChain } from '../../shared/domain/hash-chain';
import {
  addDays,
  CUTOFF_CHECK_ACTOR,
  CUTOFF_CHECK_GRACE_MS,
  countyOfficeOf,
  cutoffOf,
  dailyReportHash,
  dutyPeriodProblems,
  filingOpensAt,
  isCalendarDate,
  isCheckDue,
  isPastCutoff,
  latenessOf,
  owedDays,
  periodIdOf,
  periodsOverlap,
  planDutyPeriod,
  projectZeroChain,
  provincesCovering,
  reportingRegionsWithin,
  sealZeroEvents,
} from '../../shared/domain/zero-reports';
import { dailyReportBodySchema, makeDutyPeriodBodySchema } from '../../shared/schemas/zero-reports';

/** 10:00 on 1 July 2026 in Beijing. */
const NOW = new Date('2026-07-01T02:00:00.000Z');
const OFFICE: Actor = { sub: 'dongcheng', role: 'office', region: '110101', level: 'county' };
const REQUEST = { region: '110101', firstDate: '2026-07-01', lastDate: '2026-07-03', cutoffHour: 16, reason: 'flood' };

describe('cut-off instants, China time', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    process.env.TZ = originalTz;
  });

  it.each([
    ['16:00 is 08:00 UTC the same day', '2026-07-01', 16, '2026-07-01T08:00:00.000Z'],
    ['05:00 falls on the UTC day before', '2026-07-01', 5, '2026-06-30T21:00:00.000Z'],
    ['00:00 is 16:00 UTC the day before', '2026-07-01', 0, '2026-06-30T16:00:00.000Z'],
    ['23:00 is 15:00 UTC', '2026-07-01', 23, '2026-07-01T15:00:00.000Z'],
    ['07:00 on New Year’s Day is still the old year in UTC', '2027-01-01', 7, '2026-12-31T23:00:00.000Z'],
    ['08:00 on 1 March after a short February', '2026-03-01', 8, '2026-03-01T00:00:00.000Z'],
  ])('%s', (_label, date, hour, expected) => {
    // ACT
    const cutoff = cutoffOf(date, hour);

    // ASSESS
    expect(cutoff).toBe(expected);
  });

  it('keeps consecutive cut-offs exactly 24 hours apart all year, whatever the host’s time zone', () => {
    // PREPARE: a host in a zone with daylight saving must not shift China's cut-offs.
    process.env.TZ = 'America/New_York';
    const gaps = new Set<number>();

    // ACT
    for (let date = '2026-01-01'; date < '2027-01-01'; date = addDays(date, 1)) {
      gaps.add(Date.parse(cutoffOf(addDays(date, 1), 16)) - Date.parse(cutoffOf(date, 16)));
    }

    // ASSESS
    expect([...gaps]).toEqual([24 * 3600_000]);
  });

  it('reads the China date of an instant across UTC midnight', () => {
    // ACT + ASSESS
    expect(chinaDateOf(new Date('2026-06-30T15:59:59.999Z'))).toBe('2026-06-30');
    expect(chinaDateOf(new Date('2026-06-30T16:00:00.000Z'))).toBe('2026-07-01');
  });

  it('knows real calendar dates from look-alikes', () => {
    // ACT + ASSESS
    expect(['2026-02-28', '2028-02-29', '2026-12-31'].map(isCalendarDate)).toEqual([true, true, true]);
    expect(['2026-02-29', '2026-13-01', '2026-7-1', '20260701', '2026-06-31'].map(isCalendarDate)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('the days a duty period owes', () => {
  it('owes every day from the first to the last when activated before the first cut-off', () => {
    // ACT
    const days = owedDays(REQUEST, NOW);

    // ASSESS
    expect(days).toEqual([
      { date: '2026-07-01', cutoffAt: '2026-07-01T08:00:00.000Z' },
      { date: '2026-07-02', cutoffAt: '2026-07-02T08:00:00.000Z' },
      { date: '2026-07-03', cutoffAt: '2026-07-03T08:00:00.000Z' },
    ]);
  });

  it('does not owe a day whose cut-off had passed when the period was activated', () => {
    // PREPARE: 17:00 in Beijing, after the day's 16:00 cut-off.
    const late = new Date('2026-07-01T09:00:00.000Z');

    // ACT
    const days = owedDays(REQUEST, late);

    // ASSESS
    expect(days.map((d) => d.date)).toEqual(['2026-07-02', '2026-07-03']);
  });

  it('opens a day for filing at the cut-off before it, and calls it missed only strictly after its own', () => {
    // PREPARE
    const [day] = owedDays(REQUEST, NOW);
    if (!day) throw new Error('no day');
    const cutoff = Date.parse(day.cutoffAt);

    // ACT + ASSESS
    expect(filingOpensAt(day.cutoffAt)).toBe('2026-06-30T08:00:00.000Z');
    expect(isPastCutoff(day, new Date(cutoff))).toBe(false);
    expect(isPastCutoff(day, new Date(cutoff + 1))).toBe(true);
  });

  it('lets the check look at a day only once the grace after its cut-off has passed', () => {
    // PREPARE: a filing received by the cut-off may still be landing just after it.
    const [day] = owedDays(REQUEST, NOW);
    if (!day) throw new Error('no day');
    const cutoff = Date.parse(day.cutoffAt);

    // ACT + ASSESS
    expect(CUTOFF_CHECK_GRACE_MS).toBeGreaterThanOrEqual(60_000);
    expect(isCheckDue(day, new Date(cutoff + 1))).toBe(false);
    expect(isCheckDue(day, new Date(cutoff + CUTOFF_CHECK_GRACE_MS))).toBe(false);
    expect(isCheckDue(day, new Date(cutoff + CUTOFF_CHECK_GRACE_MS + 1))).toBe(true);
  });

  it('counts the days by number, up to the last date YYYY-MM-DD can write', () => {
    // ACT: the day after 9999-12-31 is written +010000-01-01, which sorts below it as text.
    const days = owedDays({ firstDate: '9999-12-30', lastDate: '9999-12-31', cutoffHour: 16 }, NOW);

    // ASSESS
    expect(days).toEqual([
      { date: '9999-12-30', cutoffAt: '9999-12-30T08:00:00.000Z' },
      { date: '9999-12-31', cutoffAt: '9999-12-31T08:00:00.000Z' },
    ]);
    expect(() => owedDays({ firstDate: '2026-07-01', lastDate: '9999-12-31', cutoffHour: 16 }, NOW)).toThrow(
      RangeError,
    );
  });

  it('records a filing on the cut-off as on time and one after it as late, by how much', () => {
    // PREPARE
    const cutoffAt = '2026-07-01T08:00:00.000Z';

    // ACT + ASSESS
    expect(latenessOf(cutoffAt, new Date('2026-07-01T07:59:00.000Z'))).toEqual({ late: false, lateByMs: 0 });
    expect(latenessOf(cutoffAt, new Date(cutoffAt))).toEqual({ late: false, lateByMs: 0 });
    expect(latenessOf(cutoffAt, new Date('2026-07-01T08:25:00.000Z'))).toEqual({ late: true, lateByMs: 25 * 60_000 });
  });

  it('gives a period the same id whatever the reason or the moment, and another for other days or hours', () => {
    // ACT
    const id = periodIdOf(REQUEST);
    const retried = planDutyPeriod({ ...REQUEST, reason: 'typhoon' }, OFFICE, new Date('2026-07-01T03:00:00Z'));

    // ASSESS
    expect(id).toMatch(/^DP-110101-20260701-[0-9A-F]{8}$/);
    expect(retried.periodId).toBe(id);
    expect(periodIdOf({ ...REQUEST, cutoffHour: 17 })).not.toBe(id);
    expect(periodIdOf({ ...REQUEST, lastDate: '2026-07-04' })).not.toBe(id);
  });
});

describe('validating an activation', () => {
  it('accepts a period starting today with a cut-off still ahead', () => {
    // ACT + ASSESS
    expect(dutyPeriodProblems(REQUEST, NOW)).toEqual([]);
  });

  it('names reversed dates, dates in the past and an unknown region', () => {
    // ACT
    const problems = dutyPeriodProblems(
      { region: '999999', firstDate: '2026-06-20', lastDate: '2026-06-10', cutoffHour: 16 },
      NOW,
    );

    // ASSESS
    expect(problems).toEqual([
      { field: 'region', problem: 'is not a GB/T 2260 region code' },
      { field: 'firstDate', problem: 'is in the past (today is 2026-07-01 in China)' },
      { field: 'lastDate', problem: 'is in the past (today is 2026-07-01 in China)' },
      { field: 'lastDate', problem: 'is before firstDate' },
    ]);
  });

  it('refuses a period longer than a year and one whose every cut-off has passed', () => {
    // ACT
    const long = dutyPeriodProblems({ ...REQUEST, lastDate: '2027-07-02' }, NOW);
    const spent = dutyPeriodProblems({ ...REQUEST, lastDate: '2026-07-01', cutoffHour: 9 }, NOW);

    // ASSESS
    expect(long).toEqual([{ field: 'lastDate', problem: 'a duty period lasts at most 366 days' }]);
    expect(spent).toEqual([
      {
        field: 'lastDate',
        problem: 'every cut-off of the period has passed (the last was 2026-07-01 09:00 China time)',
      },
    ]);
  });

  it('refuses dates more than a year ahead, naming each, without counting the days between', () => {
    // ACT
    const farOff = dutyPeriodProblems({ ...REQUEST, firstDate: '9999-12-31', lastDate: '9999-12-31' }, NOW);
    const justOver = dutyPeriodProblems({ ...REQUEST, firstDate: '2027-07-03', lastDate: '2027-07-03' }, NOW);
    const aYearAhead = dutyPeriodProblems({ ...REQUEST, firstDate: '2027-07-02', lastDate: '2027-07-02' }, NOW);
    const body = makeDutyPeriodBodySchema(() => NOW.getTime()).safeParse({
      ...REQUEST,
      firstDate: '9999-12-31',
      lastDate: '9999-12-31',
    });

    // ASSESS
    const ahead = 'is more than a year ahead (today is 2026-07-01 in China); a duty period is for now';
    expect(farOff).toEqual([
      { field: 'firstDate', problem: ahead },
      { field: 'lastDate', problem: ahead },
    ]);
    expect(justOver).toEqual([
      { field: 'firstDate', problem: ahead },
      { field: 'lastDate', problem: ahead },
    ]);
    expect(aYearAhead).toEqual([]);
    expect(body.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      `firstDate: ${ahead}`,
      `lastDate: ${ahead}`,
    ]);
  });

  it('calls two periods overlapping when one region holds the other and they share a date', () => {
    // PREPARE
    const county = { region: '110101', firstDate: '2026-07-01', lastDate: '2026-07-03' };

    // ACT + ASSESS
    expect(periodsOverlap(county, county)).toBe(true);
    expect(periodsOverlap(county, { ...county, region: '110100' })).toBe(true); // its city
    expect(periodsOverlap({ ...county, region: '110000' }, county)).toBe(true); // its province
    expect(periodsOverlap(county, { ...county, region: '000000' })).toBe(true); // national
    expect(periodsOverlap(county, { ...county, firstDate: '2026-07-03', lastDate: '2026-07-09' })).toBe(true);
    expect(periodsOverlap(county, { ...county, region: '110102' })).toBe(false); // a neighbour
    expect(periodsOverlap(county, { ...county, firstDate: '2026-07-04', lastDate: '2026-07-09' })).toBe(false);
  });

  it('answers every bad field of a body at once, shape and rules together', () => {
    // PREPARE
    const schema = makeDutyPeriodBodySchema(() => NOW.getTime());

    // ACT
    const result = schema.safeParse({
      region: '999999',
      firstDate: '2026-06-01',
      lastDate: '2026-02-30',
      cutoffHour: 24,
      reason: '',
      extra: true,
    });

    // ASSESS
    expect(result.success).toBe(false);
    const problems = result.error?.issues.map((i) => `${i.path.join('.') || i.code}: ${i.message}`) ?? [];
    expect(problems).toEqual(
      expect.arrayContaining([
        'region: is not a GB/T 2260 region code',
        'firstDate: is in the past (today is 2026-07-01 in China)',
        'lastDate: must be a date like 2026-07-31',
        'cutoffHour: must be a whole hour from 0 to 23 (China time)',
        'reason: must not be empty',
        expect.stringMatching(/^unrecognized_keys/),
      ]),
    );
  });

  it('defaults the cut-off to 16:00', () => {
    // ACT
    const parsed = makeDutyPeriodBodySchema(() => NOW.getTime()).parse({ ...REQUEST, cutoffHour: undefined });

    // ASSESS
    expect(parsed.cutoffHour).toBe(16);
  });
});

describe('validating a daily report', () => {
  const base = { periodId: 'DP-110101-20260701-1A2B3C4D', date: '2026-07-01' };
  const problemsOf = (body: unknown) => {
    const result = dailyReportBodySchema.safeParse(body);
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('takes nothingToReport alone, or a summary with the incidents it names', () => {
    // ACT + ASSESS
    expect(problemsOf({ ...base, nothingToReport: true })).toEqual([]);
    expect(problemsOf({ ...base, summary: 'one road accident', incidentIds: ['INC-20260701-7K3F9Q2M'] })).toEqual([]);
  });

  it('names every contradiction and malformed field', () => {
    // ACT
    const problems = problemsOf({
      periodId: 'P-1',
      date: '2026-07-32',
      nothingToReport: true,
      summary: 'but something happened',
      incidentIds: ['INC-20260701-7K3F9Q2M', 'INC-20260701-7K3F9Q2M'],
    });

    // ASSESS
    expect(problems).toEqual([
      'periodId: must be a duty period id like DP-110101-20260701-1A2B3C4D',
      'date: must be a date like 2026-07-01',
      'summary: leave it out when nothingToReport is true',
      'incidentIds: a day with nothing to report names no incidents',
      'incidentIds: names an incident twice',
    ]);
  });

  it('asks for a summary when the day is not empty', () => {
    // ACT + ASSESS
    expect(problemsOf({ ...base })).toEqual(['summary: give a summary, or nothingToReport: true']);
    expect(problemsOf({ ...base, nothingToReport: false })).toEqual([
      'summary: give a summary, or nothingToReport: true',
    ]);
  });

  it('tells a retry from a different filing by its content', () => {
    // ACT
    const empty = dailyReportHash('2026-07-01', { nothingToReport: true, incidentIds: [] });

    // ASSESS
    expect(dailyReportHash('2026-07-01', { nothingToReport: true, incidentIds: [] })).toBe(empty);
    expect(dailyReportHash('2026-07-02', { nothingToReport: true, incidentIds: [] })).not.toBe(empty);
    expect(dailyReportHash('2026-07-01', { nothingToReport: false, summary: 'x', incidentIds: [] })).not.toBe(empty);
  });
});

describe('the regions a duty period reaches', () => {
  it('reaches every county of a city, and a county alone', () => {
    // ACT
    const beijing = reportingRegionsWithin('110100');

    // ASSESS
    expect(beijing).toEqual(expect.arrayContaining(['110101', '110102', '110105']));
    expect(beijing).not.toContain('110100');
    expect(reportingRegionsWithin('110101')).toEqual(['110101']);
  });

  it('treats a city without counties as its own reporting region, with its office as the county office', () => {
    // ACT + ASSESS
    expect(reportingRegionsWithin('441900')).toEqual(['441900']);
    expect(countyOfficeOf('441900')).toBe('441900');
    expect(countyOfficeOf('110101')).toBe('110101');
  });

  it('files the lookups of a region under the provinces it overlaps', () => {
    // ACT + ASSESS
    expect(provincesCovering('110101')).toEqual(['110000']);
    expect(provincesCovering('110100')).toEqual(['110000']);
    expect(provincesCovering('440000')).toEqual(['440000']);
    expect(provincesCovering('000000').length).toBeGreaterThanOrEqual(31);
  });
});

describe('the log of a unit in a duty period', () => {
  const identity = { periodId: periodIdOf(REQUEST), unit: 'DC-XH', unitName: '协和医院', county: '110101' };
  const reporter: Actor = { sub: 'u1', role: 'reporter', region: '110101', unit: 'DC-XH' };

  it('is a hash chain whose head is the projection of its events', () => {
    // PREPARE
    const missed = sealZeroEvents(
      undefined,
      identity,
      [
        {
          type: 'DailyReportMissed',
          data: { date: '2026-07-01', cutoffAt: '2026-07-01T08:00:00.000Z', unitName: '协和医院', office: '110101' },
        },
      ],
      { actor: CUTOFF_CHECK_ACTOR, now: new Date('2026-07-01T08:00:30Z') },
    );

    // ACT
    const filed = sealZeroEvents(
      missed.state,
      identity,
      [
        {
          type: 'DailyReportFiled',
          data: {
            date: '2026-07-01',
            cutoffAt: '2026-07-01T08:00:00.000Z',
            filedAt: '2026-07-01T09:00:00.000Z',
            ...latenessOf('2026-07-01T08:00:00.000Z', new Date('2026-07-01T09:00:00.000Z')),
            nothingToReport: true,
            incidentIds: [],
            requestHash: 'h',
            afterMissSeq: 1,
          },
        },
      ],
      { actor: reporter, now: new Date('2026-07-01T09:00:00Z') },
    );
    const events = [...missed.events, ...filed.events];

    // ASSESS
    expect(missed.expectedVersion).toBeNull();
    expect(filed.expectedVersion).toBe(1);
    expect(verifyChain(events, { seq: filed.state.version, hash: filed.state.lastHash })).toMatchObject({
      intact: true,
      events: 2,
    });
    expect(projectZeroChain(identity, events)).toEqual(filed.state);
    expect(filed.state.days['2026-07-01']).toMatchObject({
      missedSeq: 1,
      filedSeq: 2,
      late: true,
      lateByMs: 3600_000,
    });
  });

  it('breaks where a stored event was changed', () => {
    // PREPARE
    const { events } = sealZeroEvents(
      undefined,
      identity,
      [
        {
          type: 'DailyReportMissed',
          data: { date: '2026-07-01', cutoffAt: '2026-07-01T08:00:00.000Z', unitName: '协和医院', office: '110101' },
        },
      ],
      { actor: CUTOFF_CHECK_ACTOR, now: new Date('2026-07-01T08:00:30Z') },
    );
    const [first] = events;
    if (!first) throw new Error('no event');

    // ACT: someone rewrites the miss as if it were for another day.
    const verdict = verifyChain([{ ...first, data: { ...first.data, date: '2026-07-02' } } as typeof first]);

    // ASSESS
    expect(verdict).toMatchObject({ intact: false, brokenAtSeq: 1, reason: 'hash-mismatch' });
  });
});
