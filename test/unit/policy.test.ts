import { describe, expect, it } from 'vitest';
import { builtInPolicies, isBuiltInPolicyName, policyByName } from '../../shared/adapters/policy-source';
import { PolicyError, UnknownRegionError } from '../../shared/domain/errors';
import {
  formatDuration,
  type Handover,
  type Limits,
  limitFor,
  type Policy,
  parseDuration,
  reminderAt,
  reminderOffset,
} from '../../shared/domain/policy/policy';
import { chainOf } from '../../shared/domain/regions/regions';
import { parsePolicy } from '../../shared/schemas/policy';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const SECOND = 1_000;

const national = policyByName('national');
const drill = policyByName('drill');

const nationalLimits = {
  unitToCounty: '1h',
  countyToCity: '2h',
  cityToProvince: '2h',
  provinceToNational: '2h',
  publicHealthProvinceToNational: '1h',
  skipLevelPhone: '30m',
  skipLevelWritten: '1h',
  naturalDisasterDirect: '2h',
  correction: '1h',
};

const document = (overrides: unknown[], extra: Record<string, unknown> = {}) => ({
  name: 'test',
  description: 'a policy written for a test',
  limits: nationalLimits,
  reminderAt: null,
  overrides,
  ...extra,
});

function policyErrorOf(act: () => unknown): PolicyError {
  try {
    act();
  } catch (error) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error('expected a PolicyError');
}

describe('durations', () => {
  it.each([
    ['1h', HOUR],
    ['2h', 2 * HOUR],
    ['30m', 30 * MINUTE],
    ['90m', 90 * MINUTE],
    ['15s', 15 * SECOND],
    ['1h30m', 5_400_000],
    ['1h0m5s', HOUR + 5 * SECOND],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(parseDuration(formatDuration(ms))).toBe(ms);
  });

  it.each([
    ['', 'is not a duration'],
    ['2x', 'is not a duration like "2h" or "90m"'],
    ['1.5h', 'is not a duration'],
    ['30m1h', 'is not a duration'],
    ['h', 'is not a duration'],
    [' 1h', 'is not a duration'],
    ['0m', 'is zero'],
    ['0h0m0s', 'is zero'],
    ['-1h', 'is negative'],
    ['99999999999999h', 'is too long'],
  ])('rejects %j', (text, problem) => {
    expect(() => parseDuration(text)).toThrow(problem);
  });

  it('formats for messages', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(35 * MINUTE)).toBe('35m');
    expect(formatDuration(1_500)).toBe('1s500ms');
  });
});

describe('the built-in policies', () => {
  it('validate and carry their own names', () => {
    expect(Object.keys(builtInPolicies)).toEqual(['national', 'drill']);
    expect(national.name).toBe('national');
    expect(drill.name).toBe('drill');
    expect(isBuiltInPolicyName('national')).toBe(true);
    expect(isBuiltInPolicyName('toString')).toBe(false);
  });

  it('national: carries the national defaults', () => {
    expect(national.limits).toEqual({
      unitToCounty: HOUR,
      countyToCity: 2 * HOUR,
      cityToProvince: 2 * HOUR,
      provinceToNational: 2 * HOUR,
      publicHealthProvinceToNational: HOUR,
      skipLevelPhone: 30 * MINUTE,
      skipLevelWritten: HOUR,
      naturalDisasterDirect: 2 * HOUR,
      correction: HOUR,
    } satisfies Limits);
    expect(national.description).toContain('Decree 493');
    expect(national.overrides.every((override) => override.note.length > 0)).toBe(true);
  });

  it('drill: every limit is seconds, and a county → city → province escalation fits in a minute', () => {
    const limits = Object.values(drill.limits);

    expect(limits.every((ms) => ms < MINUTE && ms % SECOND === 0)).toBe(true);
    expect(drill.limits.unitToCounty + drill.limits.countyToCity + drill.limits.cityToProvince).toBeLessThan(MINUTE);
    expect(drill.overrides).toEqual([]);
    expect(drill.reminderAt).toBe(0.75);
  });
});

describe('limitFor with the national policy', () => {
  const limit = (handover: Handover, region: string, grade?: 'I' | 'II' | 'III' | 'IV') =>
    limitFor(national, { handover, region: chainOf(region), grade });

  it('gives the national numbers outside every override', () => {
    expect(limit('unitToCounty', '110101')).toBe(HOUR);
    expect(limit('countyToCity', '110101', 'I')).toBe(2 * HOUR);
    expect(limit('skipLevelPhone', '110101', 'I')).toBe(30 * MINUTE);
    expect(limit('skipLevelWritten', '110101', 'II')).toBe(HOUR);
  });

  it('Henan: grade I and II skip-level 15m by phone and 35m in writing', () => {
    expect(limit('skipLevelPhone', '410102', 'I')).toBe(15 * MINUTE);
    expect(limit('skipLevelWritten', '410102', 'II')).toBe(35 * MINUTE);
    // A province override covers the counties the province administers directly.
    expect(limit('skipLevelPhone', '419001', 'II')).toBe(15 * MINUTE);
  });

  it('Henan: a grade III or unassessed incident keeps the national skip-level numbers', () => {
    expect(limit('skipLevelPhone', '410102', 'III')).toBe(30 * MINUTE);
    expect(limit('skipLevelWritten', '410102', 'III')).toBe(HOUR);
    expect(limit('skipLevelPhone', '410102')).toBe(30 * MINUTE);
    expect(limit('countyToCity', '410102', 'I')).toBe(2 * HOUR);
  });

  it('Wuhan: county to city by grade, 30m / 1h / 2h', () => {
    expect(limit('countyToCity', '420106', 'I')).toBe(30 * MINUTE);
    expect(limit('countyToCity', '420106', 'II')).toBe(30 * MINUTE);
    expect(limit('countyToCity', '420106', 'III')).toBe(HOUR);
    expect(limit('countyToCity', '420106', 'IV')).toBe(2 * HOUR);
    expect(limit('cityToProvince', '420106', 'I')).toBe(2 * HOUR);
  });

  it('Wuhan: does not reach the rest of Hubei', () => {
    expect(limit('countyToCity', '420202', 'I')).toBe(2 * HOUR);
    expect(limit('countyToCity', '429004', 'I')).toBe(2 * HOUR);
  });

  it('Jiangxi: city to province 3h, but county to city stays 2h', () => {
    expect(limit('cityToProvince', '360102')).toBe(3 * HOUR);
    expect(limit('cityToProvince', '360102', 'I')).toBe(3 * HOUR);
    expect(limit('countyToCity', '360102')).toBe(2 * HOUR);
  });

  it('takes the office’s own code as well as a chain', () => {
    expect(limitFor(national, { handover: 'cityToProvince', region: '360100' })).toBe(3 * HOUR);
    expect(limitFor(national, { handover: 'countyToCity', region: '420106', grade: 'III' })).toBe(HOUR);
    expect(limitFor(national, { handover: 'provinceToNational', region: '420000' })).toBe(2 * HOUR);
  });

  it('throws for an unknown region code', () => {
    expect(() => limitFor(national, { handover: 'countyToCity', region: '999999' })).toThrow(UnknownRegionError);
  });

  it('drill: the same answer everywhere', () => {
    expect(limitFor(drill, { handover: 'cityToProvince', region: chainOf('360102') })).toBe(15 * SECOND);
    expect(limitFor(drill, { handover: 'skipLevelPhone', region: chainOf('410102'), grade: 'I' })).toBe(5 * SECOND);
  });
});

describe('override precedence', () => {
  const policy: Policy = parsePolicy(
    document([
      {
        jurisdiction: '420000',
        note: 'province, any incident',
        limits: { countyToCity: '100m', cityToProvince: '100m' },
      },
      { jurisdiction: '420000', grades: ['I'], note: 'province, grade I', limits: { countyToCity: '90m' } },
      {
        jurisdiction: '420000',
        categories: ['public-health'],
        note: 'province, public health',
        limits: { countyToCity: '80m' },
      },
      {
        jurisdiction: '420000',
        grades: ['I'],
        categories: ['public-health'],
        note: 'province, grade I public health',
        limits: { countyToCity: '70m' },
      },
      { jurisdiction: '420100', note: 'city, any incident', limits: { countyToCity: '60m' } },
    ]),
    'precedence test',
  );
  const limit = (region: string, grade?: 'I' | 'II', category?: 'public-health' | 'accident') =>
    limitFor(policy, { handover: 'countyToCity', region: chainOf(region), grade, category }) / MINUTE;

  it('a province override covers the whole province', () => {
    expect(limit('420202')).toBe(100);
    expect(limit('429004')).toBe(100);
  });

  it('a filtered override wins over an unfiltered one at the same level, only when it matches', () => {
    expect(limit('420202', 'I')).toBe(90);
    expect(limit('420202', 'II')).toBe(100);
    expect(limit('420202', 'II', 'public-health')).toBe(80);
    expect(limit('420202', 'I', 'public-health')).toBe(70);
    expect(limit('420202', 'I', 'accident')).toBe(90);
  });

  it('a city override wins over any province override', () => {
    expect(limit('420106')).toBe(60);
    expect(limit('420106', 'I', 'public-health')).toBe(60);
  });

  it('an override replaces only the hand-overs it sets', () => {
    expect(limitFor(policy, { handover: 'cityToProvince', region: chainOf('420106') })).toBe(100 * MINUTE);
    expect(limitFor(policy, { handover: 'unitToCounty', region: chainOf('420106') })).toBe(HOUR);
  });
});

describe('parsePolicy', () => {
  it('names the source and every bad entry by its path', () => {
    const error = policyErrorOf(() =>
      parsePolicy(
        document(
          [
            { jurisdiction: '990000', note: 'unknown region', limits: { countyToCity: '1h' } },
            { jurisdiction: '420106', grades: ['V'], note: 'a county', limits: { countyToCty: '1h' } },
            { jurisdiction: '420100', categories: [], note: '', limits: { countyToCity: '2x' } },
          ],
          {
            limits: { ...nationalLimits, unitToCounty: '0m', skipLevelPhone: '-30m', bogus: '1h' },
            reminderAt: 1.5,
            comment: 'not a field',
          },
        ),
        './my.json',
      ),
    );

    expect(error.code).toBe('invalid-policy');
    expect(error.kind).toBe('invalid');
    expect(error.source).toBe('./my.json');
    expect(error.message).toMatch(/^policy \.\/my\.json is invalid: /);
    for (const entry of [
      'limits.unitToCounty: "0m" is zero',
      'limits.skipLevelPhone: "-30m" is negative',
      'limits.bogus: is not a hand-over',
      'reminderAt: must be a fraction of the window between 0 and 1',
      'overrides[0].jurisdiction: 990000 is not a province or city code',
      'overrides[1].jurisdiction: 420106 is a county-level code',
      'overrides[1].grades[0]: "V" is not one of I, II, III, IV',
      'overrides[1].limits.countyToCty: is not a hand-over',
      'overrides[2].categories: is empty',
      'overrides[2].note: must not be empty',
      'overrides[2].limits.countyToCity: "2x" is not a duration like "2h" or "90m"',
      'comment: is not a field of a policy',
    ]) {
      expect(error.message).toContain(entry);
    }
    expect(error.details).toContainEqual({ field: 'overrides[0].jurisdiction', problem: expect.any(String) });
  });

  it('names missing fields and wrong types', () => {
    const error = policyErrorOf(() =>
      parsePolicy({ name: 'x', limits: { ...nationalLimits, countyToCity: 7200 }, overrides: {} }, 'inline'),
    );

    expect(error.message).toContain('description: is required');
    expect(error.message).toContain('limits.countyToCity: 7200 is not a duration');
    expect(error.message).toContain('reminderAt: is required');
    expect(error.message).toContain('overrides: an object is not a list');
  });

  it('rejects something that is not a policy at all', () => {
    expect(() => parsePolicy([], 'inline')).toThrow('policy inline is invalid: a list is not an object');
  });

  it('rejects the national code and overrides that set nothing', () => {
    const error = policyErrorOf(() =>
      parsePolicy(
        document([
          { jurisdiction: '000000', note: 'n', limits: { countyToCity: '1h' } },
          { jurisdiction: '410000', note: 'n', limits: {} },
        ]),
        'inline',
      ),
    );

    expect(error.message).toContain('overrides[0].jurisdiction: 000000 is the whole country');
    expect(error.message).toContain('overrides[1].limits: sets no limit');
  });

  it('rejects a city override of a province hand-over', () => {
    expect(() =>
      parsePolicy(document([{ jurisdiction: '420100', note: 'n', limits: { provinceToNational: '1h' } }]), 'inline'),
    ).toThrow("overrides[0].limits.provinceToNational: is the province office's hand-over");
  });

  it('rejects two overrides that could both apply to one incident', () => {
    const error = policyErrorOf(() =>
      parsePolicy(
        document([
          { jurisdiction: '420100', grades: ['I', 'II'], note: 'a', limits: { countyToCity: '30m' } },
          { jurisdiction: '420100', grades: ['II', 'III'], note: 'b', limits: { countyToCity: '1h' } },
        ]),
        'inline',
      ),
    );

    expect(error.message).toContain('overrides[1]: sets countyToCity for 420100 as overrides[0] does');
  });

  it('accepts overrides of one jurisdiction that never meet', () => {
    const policy = parsePolicy(
      document([
        { jurisdiction: '420100', grades: ['I'], note: 'a', limits: { countyToCity: '30m' } },
        { jurisdiction: '420100', grades: ['II'], note: 'b', limits: { countyToCity: '1h' } },
        { jurisdiction: '420100', grades: ['I'], note: 'c', limits: { cityToProvince: '1h' } },
      ]),
      'inline',
    );

    expect(policy.overrides).toHaveLength(3);
  });
});

describe('reminders', () => {
  const openedAt = new Date('2024-07-01T08:00:00.000Z');

  it('falls at the policy’s fraction of the window', () => {
    const dueAt = new Date(openedAt.getTime() + 2 * HOUR);

    expect(reminderAt(national, openedAt, dueAt)).toEqual(new Date('2024-07-01T09:30:00.000Z'));
    expect(reminderOffset(drill, 20 * SECOND)).toBe(15 * SECOND);
  });

  it('is null when the policy sends none or the window is empty', () => {
    const silent = parsePolicy(document([]), 'inline');

    expect(reminderAt(silent, openedAt, new Date(openedAt.getTime() + HOUR))).toBeNull();
    expect(reminderAt(national, openedAt, openedAt)).toBeNull();
    expect(reminderOffset(national, -1)).toBeNull();
  });
});
