/**
 * The officer directory's rules: who is on duty at a moment (China time, shifts across midnight),
 * whom each event must reach, and which people an addressee means.
 */

import { describe, expect, it } from 'vitest';
import { chinaClockOf } from '../../shared/domain/china-time';
import type { Grade } from '../../shared/domain/grade';
import type { EventScope, IncidentEvent } from '../../shared/domain/incident';
import {
  type Addressee,
  addresseesOf,
  BEFORE_HISTORY,
  channelsOf,
  covers,
  type Officer,
  onDuty,
  peopleFor,
  place,
  type Shift,
  versionAt,
} from '../../shared/domain/officers';
import { NATIONAL } from '../../shared/domain/regions/regions';

const COUNTY = '110101';
const CITY = '110100';
const PROVINCE = '110000';

const DAY: Shift = { office: COUNTY, personId: 'A', from: '08:00', to: '20:00' };
const NIGHT: Shift = { office: COUNTY, personId: 'B', from: '20:00', to: '08:00' };
const ROSTER: readonly Shift[] = [DAY, NIGHT];

/** A moment given in UTC; China time is eight hours ahead. */
const utc = (iso: string) => new Date(`${iso}Z`);

describe('onDuty at the shift boundaries, China time', () => {
  it.each([
    ['07:59 China (23:59 UTC the day before)', '2026-11-21T23:59:00', 'B'],
    ['08:00 China', '2026-11-22T00:00:00', 'A'],
    ['08:01 China', '2026-11-22T00:01:00', 'A'],
    ['19:59 China', '2026-11-22T11:59:00', 'A'],
    ['20:00 China', '2026-11-22T12:00:00', 'B'],
    ['00:00 China (16:00 UTC the day before)', '2026-11-21T16:00:00', 'B'],
  ])('at %s the one on duty is %s', (_label, iso, expected) => {
    // PREPARE
    const at = utc(iso);

    // ACT
    const people = onDuty(ROSTER, COUNTY, at);

    // ASSESS
    expect(people).toEqual([expected]);
  });

  it('covers the night shift on both sides of midnight and not during the day', () => {
    // PREPARE
    const beforeMidnight = utc('2026-11-22T15:59:00'); // 23:59 China
    const afterMidnight = utc('2026-11-22T16:01:00'); // 00:01 China
    const noon = utc('2026-11-22T04:00:00'); // 12:00 China

    // ACT
    const covered = [beforeMidnight, afterMidnight, noon].map((at) => covers(NIGHT, at));

    // ASSESS
    expect(covered).toEqual([true, true, false]);
  });

  it('finds nobody for an office that has no shift on the roster', () => {
    // PREPARE
    const at = utc('2026-11-22T04:00:00');

    // ACT
    const people = onDuty(ROSTER, CITY, at);

    // ASSESS
    expect(people).toEqual([]);
  });

  it.each(['8am', '24:00', '8:00', '08:60'])('rejects the malformed time %s with a RangeError', (from) => {
    // PREPARE
    const shift = { from, to: '20:00' };

    // ACT
    const act = () => covers(shift, utc('2026-11-22T04:00:00'));

    // ASSESS
    expect(act).toThrow(RangeError);
  });
});

const scopeOf = (grade: Grade, overrides: Partial<EventScope> = {}): EventScope => ({
  regionCode: COUNTY,
  county: COUNTY,
  city: CITY,
  province: PROVINCE,
  category: 'accident',
  grade,
  ...overrides,
});

/** A test fixture: only the fields addresseesOf reads are meaningful, but every event has a scope. */
const eventOf = (type: string, data: object, scope: EventScope = scopeOf('IV')): IncidentEvent =>
  ({
    v: 1,
    incidentId: 'INC-20261122-00000001',
    seq: 2,
    type,
    at: '2026-11-22T01:00:00.000Z',
    actor: { sub: 'system', role: 'system', region: NATIONAL },
    scope,
    data,
    prevHash: 'prev',
    hash: 'hash',
  }) as unknown as IncidentEvent;

const missedBy = (office: string, level: string) =>
  eventOf('DeadlineMissed', {
    level,
    office,
    obligationId: `INC-20261122-00000001-${office}-up`,
    dueAt: '2026-11-22T03:00:00.000Z',
    lateByMs: 1,
    responsible: { office, roles: ['first-responsible', 'directly-responsible', 'duty-officer'] },
  });

describe('addresseesOf', () => {
  it('tells the holder office’s duty officer when an obligation opens', () => {
    // PREPARE
    const event = eventOf('ObligationOpened', {
      obligation: { obligationId: 'o1', office: CITY, level: 'city', to: { level: 'province', office: PROVINCE } },
    });

    // ACT
    const notices = addresseesOf(event);

    // ASSESS
    expect(notices).toEqual([{ kind: 'report-arrived', to: [{ office: CITY, role: 'duty-officer' }] }]);
  });

  it('reminds the office’s duty officer and directly responsible person of a deadline', () => {
    // PREPARE
    const event = eventOf('DeadlineWarned', {
      level: 'county',
      office: COUNTY,
      obligationId: 'o1',
      dueAt: '2026-11-22T03:00:00.000Z',
      remainingMs: 600_000,
    });

    // ACT
    const notices = addresseesOf(event);

    // ASSESS
    expect(notices).toEqual([
      {
        kind: 'deadline-reminder',
        to: [
          { office: COUNTY, role: 'duty-officer' },
          { office: COUNTY, role: 'directly-responsible' },
        ],
      },
    ]);
  });

  it.each([
    ['county 110101', COUNTY, 'county', CITY],
    ['province 110000', PROVINCE, 'province', NATIONAL],
    ['仙桃 429004, which has no city', '429004', 'county', '420000'],
  ])('on a deadline missed by %s names its leaders and the duty officer of %s', (_label, office, level, superior) => {
    // PREPARE
    const event = missedBy(office, level);

    // ACT
    const notices = addresseesOf(event);

    // ASSESS
    expect(notices).toEqual([
      {
        kind: 'deadline-missed',
        to: [
          { office, role: 'first-responsible' },
          { office, role: 'directly-responsible' },
          { office: superior, role: 'duty-officer' },
        ],
      },
    ]);
  });

  it('tells the duty officer of the office an escalation now reaches', () => {
    // PREPARE
    const event = eventOf('AutoEscalated', {
      obligationId: 'o1',
      from: { level: 'county', office: COUNTY },
      to: { level: 'city', office: CITY },
    });

    // ACT
    const notices = addresseesOf(event);

    // ASSESS
    expect(notices).toEqual([{ kind: 'auto-escalated', to: [{ office: CITY, role: 'duty-officer' }] }]);
  });

  it('tells the top office a grade calls for of a forward to it, which opens no obligation there', () => {
    // PREPARE: grade IV stops at the city
    const forward = (grade: Grade) =>
      eventOf(
        'ReportForwarded',
        { obligationId: 'o1', level: 'county', office: COUNTY, to: { level: 'city', office: CITY }, lateByMs: 0 },
        scopeOf(grade),
      );

    // ACT
    const toTop = addresseesOf(forward('IV'));
    const onward = addresseesOf(forward('III'));

    // ASSESS: grade III goes on to the province, so the city hears through its new obligation
    expect(toTop).toEqual([{ kind: 'report-arrived', to: [{ office: CITY, role: 'duty-officer' }] }]);
    expect(onward).toEqual([]);
  });

  it('tells the province and national duty offices at once of an initial grade II report', () => {
    // PREPARE
    const event = eventOf('ReportSubmitted', { kind: 'initial', reportNumber: 1, office: COUNTY }, scopeOf('II'));

    // ACT
    const notices = addresseesOf(event);

    // ASSESS
    expect(notices).toEqual([
      {
        kind: 'grave-incident',
        to: [
          { office: PROVINCE, role: 'duty-officer' },
          { office: NATIONAL, role: 'duty-officer' },
        ],
      },
    ]);
  });

  it('raises nothing for an initial grade III report', () => {
    // PREPARE
    const event = eventOf('ReportSubmitted', { kind: 'initial', reportNumber: 1, office: COUNTY }, scopeOf('III'));

    // ACT
    const notices = addresseesOf(event);

    // ASSESS
    expect(notices).toEqual([]);
  });

  it('raises a grave incident when the grade is assessed up from III to II', () => {
    // PREPARE
    const event = eventOf('GradeAssessed', { from: 'III', to: 'II', basis: 'office' }, scopeOf('II'));

    // ACT
    const notices = addresseesOf(event);

    // ASSESS
    expect(notices).toEqual([
      {
        kind: 'grave-incident',
        to: [
          { office: PROVINCE, role: 'duty-officer' },
          { office: NATIONAL, role: 'duty-officer' },
        ],
      },
    ]);
  });

  it('raises nothing new when an already grave incident goes from II to I', () => {
    // PREPARE
    const event = eventOf('GradeAssessed', { from: 'II', to: 'I', basis: 'office' }, scopeOf('I'));

    // ACT
    const notices = addresseesOf(event);

    // ASSESS
    expect(notices).toEqual([]);
  });

  it.each([
    ['ReportAcknowledged', { level: 'city', office: CITY }],
    ['IncidentClosed', { reportId: 'r3' }],
    ['ObligationWaived', { level: 'city', office: CITY, obligationId: 'o1', reason: 'grade lowered' }],
  ])('raises nothing for %s', (type, data) => {
    // PREPARE
    const event = eventOf(type, data, scopeOf('I'));

    // ACT
    const notices = addresseesOf(event);

    // ASSESS
    expect(notices).toEqual([]);
  });
});

const officer = (office: string, personId: string, roles: Officer['roles']): Officer => ({
  office,
  personId,
  name: personId,
  roles,
  endpoints: { sms: `+86-${personId}` },
});

const DIRECTORY_NOW = {
  officers: [
    officer(COUNTY, 'A', ['duty-officer']),
    officer(COUNTY, 'B', ['duty-officer']),
    officer(COUNTY, 'chief', ['first-responsible']),
    officer(COUNTY, 'deputy', ['directly-responsible']),
    // Same person ids and roles at another office: never to be confused with the county's.
    officer(CITY, 'A', ['duty-officer', 'first-responsible']),
    officer(CITY, 'city-deputy', ['directly-responsible']),
  ],
  roster: [...ROSTER, { office: CITY, personId: 'A', from: '00:00', to: '00:00' }],
};
/** The directory above as the only version on record, since before any moment asked about. */
const DIRECTORY = { versions: [{ effectiveAt: BEFORE_HISTORY, ...DIRECTORY_NOW }] };

describe('peopleFor', () => {
  it.each([
    ['10:00 China', '2026-11-22T02:00:00', 'A'],
    ['22:00 China', '2026-11-22T14:00:00', 'B'],
  ])('resolves the duty officer through the roster at %s', (_label, iso, personId) => {
    // PREPARE
    const addressee: Addressee = { office: COUNTY, role: 'duty-officer' };

    // ACT
    const people = peopleFor(addressee, DIRECTORY, utc(iso));

    // ASSESS
    expect(people.map((o) => `${o.office}/${o.personId}`)).toEqual([`${COUNTY}/${personId}`]);
  });

  it.each([
    ['first-responsible', 'chief'],
    ['directly-responsible', 'deputy'],
  ] as const)('finds the %s person by role, only at the office named', (role, personId) => {
    // PREPARE
    const addressee: Addressee = { office: COUNTY, role };

    // ACT
    const people = peopleFor(addressee, DIRECTORY, utc('2026-11-22T02:00:00'));

    // ASSESS
    expect(people.map((o) => `${o.office}/${o.personId}`)).toEqual([`${COUNTY}/${personId}`]);
  });

  it('does not take a duty officer of another office who is on shift there', () => {
    // PREPARE
    const addressee: Addressee = { office: CITY, role: 'duty-officer' };

    // ACT
    const people = peopleFor(addressee, DIRECTORY, utc('2026-11-22T02:00:00'));

    // ASSESS
    expect(people).toEqual([DIRECTORY_NOW.officers[4]]);
  });
});

describe('what messages say of officers, places and times', () => {
  it('lists the channels an officer registered, in a fixed order', () => {
    expect(
      channelsOf({
        endpoints: { webhook: 'https://x.example.cn/hook', email: 'a@x.example.cn', sms: '+8613800000000' },
      }),
    ).toEqual(['email', 'sms', 'webhook']);
    expect(channelsOf({ endpoints: { sms: '+8613800000000' } })).toEqual(['sms']);
  });

  it.each([
    ['110101', '110101 东城区'],
    [NATIONAL, '000000 全国'],
    ['999999', '999999'],
  ])('names the place %s as %s', (code, named) => {
    expect(place(code)).toBe(named);
  });

  it.each([
    ['2026-11-21T23:59:00.000Z', '07:59'],
    ['2026-11-22T03:00:00.000Z', '11:00'],
    ['2026-11-22T16:30:00.000Z', '00:30'],
  ])('reads %s as %s China time', (iso, clock) => {
    expect(chinaClockOf(iso)).toBe(clock);
    expect(chinaClockOf(new Date(iso))).toBe(clock);
  });
});

describe('the directory through time', () => {
  const version = (effectiveAt: string, personId: string) => ({
    effectiveAt,
    officers: [officer(COUNTY, personId, ['first-responsible'])],
    roster: [],
  });
  const history = {
    versions: [version('2026-11-01T00:00:00.000Z', 'li'), version('2026-11-25T00:00:00.000Z', 'zhou')],
  };
  const first = (iso: string) =>
    peopleFor({ office: COUNTY, role: 'first-responsible' }, history, new Date(iso)).map((o) => o.personId);

  it('names nobody before the first version took effect', () => {
    expect(versionAt(history, new Date('2026-10-31T23:59:59.999Z'))).toBeUndefined();
    expect(first('2026-10-31T23:59:59.999Z')).toEqual([]);
  });

  it('names the version in effect at the instant: from its effective time inclusive, until the next', () => {
    expect(first('2026-11-01T00:00:00.000Z')).toEqual(['li']);
    expect(first('2026-11-24T23:59:59.999Z')).toEqual(['li']);
    expect(first('2026-11-25T00:00:00.000Z')).toEqual(['zhou']);
    expect(versionAt(history, new Date('2027-01-01T00:00:00.000Z'))?.effectiveAt).toBe('2026-11-25T00:00:00.000Z');
  });
});
