import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { GRADES } from '../../shared/domain/grade';
import { CATEGORIES } from '../../shared/domain/incident';
import divisions from '../../shared/domain/regions/divisions.json' with { type: 'json' };
import { CLOCK_SKEW_MS, makeReportBodySchema } from '../../shared/schemas/report';
import { type Body, exampleReport, reportWith } from '../fixtures/reports';

/** 09:00 in Beijing on the day of the example report (docs/api.md#submit-a-report), whose times are 08:10 and 08:25. */
const NOW = Date.parse('2026-11-22T01:00:00.000Z');
const schema = makeReportBodySchema(() => NOW);

const DAY = 86_400_000;
const COUNTY_CODES = divisions.counties.map(([code]) => code).filter((code): code is string => code !== undefined);

const pathOf = (path: readonly PropertyKey[]): string => path.map(String).join('.');

/** Every problem by field, one per unknown key, as the HTTP edge lists them in `details`. */
const problemsOf = (error: z.ZodError): { field: string; message: string }[] =>
  error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: pathOf([...issue.path, key]), message: 'is not a field of a report' }))
      : [{ field: pathOf(issue.path), message: issue.message }],
  );

const fieldsOf = (body: unknown): string[] => {
  const result = schema.safeParse(body);
  if (result.success) return [];
  return [...new Set(problemsOf(result.error).map((problem) => problem.field))].sort();
};

const problemsFor = (body: unknown): { field: string; message: string }[] => {
  const result = schema.safeParse(body);
  return result.success ? [] : problemsOf(result.error);
};

/** An ISO time at `ms`, written in the given UTC offset (minutes), as a unit's device would. */
const isoAt = (ms: number, offsetMinutes: number, withMillis: boolean): string => {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, withMillis ? 23 : 19);
  if (offsetMinutes === 0 && withMillis) return `${local}Z`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offsetMinutes) % 60).padStart(2, '0');
  return `${local}${sign}${hours}:${minutes}`;
};

describe('the example report body of docs/api.md#submit-a-report', () => {
  it('parses, unchanged', () => {
    // PREPARE
    const body = exampleReport();

    // ACT
    const parsed = schema.parse(body);

    // ASSESS
    expect(parsed).toStrictEqual(body);
  });

  it('fills in what a quick first report may leave out', () => {
    // PREPARE
    const body = reportWith(
      { grade: undefined, measuresTaken: undefined, unknowns: undefined },
      { location: { lat: undefined, lon: undefined }, casualties: { trapped: undefined } },
    );

    // ACT
    const parsed = schema.parse(body);

    // ASSESS
    expect(parsed.measuresTaken).toBe('');
    expect(parsed.unknowns).toBe('');
    expect(parsed.casualties).toStrictEqual({ dead: 0, injured: 2, missing: 1, trapped: 0 });
    expect(parsed.location).toStrictEqual({ address: '北京市东城区景山前街4号' });
    expect('grade' in parsed).toBe(false);
  });

  it('trims the text a unit typed', () => {
    // ACT
    const parsed = schema.parse(reportWith({ subtype: '  mine flooding \n' }, { reporter: { name: ' 王建国 ' } }));

    // ASSESS
    expect(parsed.subtype).toBe('mine flooding');
    expect(parsed.reporter.name).toBe('王建国');
  });

  it('accepts a time exactly at the clock-skew allowance, and a follow-up naming its incident', () => {
    // PREPARE
    const atTheEdge = new Date(NOW + CLOCK_SKEW_MS).toISOString();

    // ACT
    const result = schema.safeParse(
      reportWith({
        kind: 'follow-up',
        incidentId: 'INC-20261122-7K3F9Q2M',
        occurredAt: atTheEdge,
        learnedAt: atTheEdge,
      }),
    );

    // ASSESS
    expect(result.success).toBe(true);
  });
});

describe('a bad report body', () => {
  const future = new Date(NOW + CLOCK_SKEW_MS + 1).toISOString();

  it.each<[string, Body, string[], string]>([
    ['an unknown region', reportWith({ regionCode: '999999' }), ['regionCode'], 'is not a GB/T 2260 code'],
    [
      'a city that has counties (Wuhan)',
      reportWith({ regionCode: '420100' }),
      ['regionCode'],
      'is a city (武汉市); give the county-level code',
    ],
    [
      'a province code (Hubei)',
      reportWith({ regionCode: '420000' }),
      ['regionCode'],
      'is a province (湖北省); give the county-level code',
    ],
    ['a region code that is not six digits', reportWith({ regionCode: '11010' }), ['regionCode'], 'six-digit'],
    [
      'a negative dead count',
      reportWith({}, { casualties: { dead: -1 } }),
      ['casualties.dead'],
      'must not be negative',
    ],
    ['a fractional injured count', reportWith({}, { casualties: { injured: 1.5 } }), ['casualties.injured'], 'whole'],
    ['negative affected people', reportWith({ affectedPeople: -3 }), ['affectedPeople'], 'must not be negative'],
    ['a fractional loss', reportWith({ directLossYuan: 0.5 }), ['directLossYuan'], 'whole'],
    ['a count given as text', reportWith({}, { casualties: { missing: '1' } }), ['casualties.missing'], 'number'],
    [
      'more seriously injured than injured',
      reportWith({}, { casualties: { seriouslyInjured: 3 } }),
      ['casualties.seriouslyInjured'],
      'cannot exceed the injured',
    ],
    ['a learned-of time in the future', reportWith({ learnedAt: future }), ['learnedAt'], 'is in the future'],
    [
      'an incident time in the future',
      reportWith({ occurredAt: future, learnedAt: future }),
      ['learnedAt', 'occurredAt'],
      'is in the future',
    ],
    [
      'learned of before it occurred',
      reportWith({ learnedAt: '2026-11-22T08:09:59+08:00' }),
      ['learnedAt'],
      'is before the incident occurred',
    ],
    // The day before, so that however the lenient Date.parse reads it, nothing else is wrong.
    ['a time without its offset', reportWith({ occurredAt: '2026-11-21T08:10:00' }), ['occurredAt'], 'offset'],
    [
      'a follow-up without its incident',
      reportWith({ kind: 'follow-up' }),
      ['incidentId'],
      'a follow-up report must name its incident',
    ],
    ['a final report without its incident', reportWith({ kind: 'final' }), ['incidentId'], 'must name its incident'],
    [
      'an initial report naming an incident',
      reportWith({ incidentId: 'INC-20261122-7K3F9Q2M' }),
      ['incidentId'],
      'an initial report must not name an incident',
    ],
    [
      'a malformed incident id',
      reportWith({ kind: 'follow-up', incidentId: 'INC-2026-1' }),
      ['incidentId'],
      'INC-20261122-7K3F9Q2M',
    ],
    ['a grade that does not exist', reportWith({ grade: 'V' }), ['grade'], 'must be one of I, II, III, IV'],
    [
      'a category that does not exist',
      reportWith({ category: 'fire' }),
      ['category'],
      'must be one of natural-disaster, accident, public-health, social-security',
    ],
    ['a kind that does not exist', reportWith({ kind: 'interim' }), ['kind'], 'must be one of initial'],
    [
      'a latitude without a longitude',
      reportWith({}, { location: { lon: undefined } }),
      ['location'],
      'give both lat and lon, or neither',
    ],
    ['an empty summary', reportWith({ summary: '   ' }), ['summary'], 'must not be empty'],
    [
      'a phone that is not a number',
      reportWith({}, { reporter: { phone: 'call the office' } }),
      ['reporter.phone'],
      'phone',
    ],
    ['a missing reporter unit', reportWith({}, { reporter: { unit: undefined } }), ['reporter.unit'], 'must be text'],
  ])('is refused for %s, at the field concerned', (_what, body, fields, message) => {
    // ACT
    const problems = problemsFor(body);

    // ASSESS
    expect([...new Set(problems.map((problem) => problem.field))].sort()).toEqual(fields);
    expect(problems.map((problem) => problem.message).join(' | ')).toContain(message);
  });

  it('names every unknown top-level field', () => {
    // ACT
    const fields = fieldsOf(reportWith({ severity: 'high', colour: 'red' }));

    // ASSESS
    expect(fields).toEqual(['colour', 'severity']);
  });

  it('names an own "__proto__" member from JSON as an unknown field', () => {
    // PREPARE
    const body = JSON.parse(`{"__proto__":{"polluted":true},${JSON.stringify(exampleReport()).slice(1)}`) as unknown;

    // ACT + ASSESS
    expect(fieldsOf(body)).toEqual(['__proto__']);
  });

  it('names every unknown nested field, each under its own object', () => {
    // PREPARE
    const body = reportWith(
      {},
      {
        location: { altitude: 44 },
        casualties: { burned: 1, drowned: 2 },
        reporter: { email: 'duty@example.cn' },
      },
    );

    // ACT + ASSESS
    expect(fieldsOf(body)).toEqual(['casualties.burned', 'casualties.drowned', 'location.altitude', 'reporter.email']);
  });

  it('reports all of several problems in one parse', () => {
    // PREPARE: seven problems in seven places
    const body = reportWith(
      { kind: 'follow-up', regionCode: '999999', learnedAt: future, note: 'extra' },
      { location: { lon: undefined, alt: 3 }, casualties: { dead: -2 } },
    );

    // ACT
    const fields = fieldsOf(body);

    // ASSESS
    expect(fields).toEqual([
      'casualties.dead',
      'incidentId',
      'learnedAt',
      'location',
      'location.alt',
      'note',
      'regionCode',
    ]);
    expect(fields).toHaveLength(7);
  });

  // Regression: the cross-field rules (region, times, incident id, lat/lon
  // pairing) live in one superRefine on the whole object, and zod skips an object's refinements once
  // any of its fields has a non-continuable issue (a wrong type, a value outside an enum, a missing
  // field, a fractional count). Such a body gets a 400 that lists only some of its problems, though
  // the API contract says `details` lists every field problem.
  it('reports the region and time problems of a body that also has a bad grade and a fractional count', () => {
    // PREPARE: five problems in five places
    const body = reportWith(
      { grade: 'V', regionCode: '999999', learnedAt: future, note: 'extra' },
      { casualties: { injured: 1.5 } },
    );

    // ACT
    const fields = fieldsOf(body);

    // ASSESS
    expect(fields).toEqual(['casualties.injured', 'grade', 'learnedAt', 'note', 'regionCode']);
  });

  // Regression: the cross-field rules also run on times that failed the ISO
  // format check, reading them with Date.parse, which takes an offset-less time as the server's
  // local time. A unit's Beijing wall-clock time without its offset is then, on a UTC server, also
  // "in the future" and makes the correct learnedAt "before the incident occurred"; on a Beijing
  // server it would not. (The day after is used so that the outcome is the same in every zone.)
  it('names only the malformed time, not the correct time it is compared with', () => {
    // ACT
    const fields = fieldsOf(reportWith({ occurredAt: '2026-11-23T08:10:00' }));

    // ASSESS
    expect(fields).toEqual(['occurredAt']);
  });

  // Regression: `z.number({ error: 'must be a number' })` is the fallback message
  // for every issue of that schema, so the range checks on lat/lon, which have no message of their
  // own, tell the unit that 91 "must be a number".
  it('says a latitude of 91 is out of range, not that it is not a number', () => {
    // ACT
    const problems = problemsFor(reportWith({}, { location: { lat: 91 } }));

    // ASSESS
    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe('location.lat');
    expect(problems[0]?.message).not.toBe('must be a number');
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over generated reports.

const nonBlank = (maxLength: number) =>
  fc.string({ unit: 'grapheme', minLength: 1, maxLength }).filter((text) => text.trim().length > 0);

const OFFSETS = [0, 480, 330, -210, 840, -720, 545];

const timesArbitrary = fc
  .record({
    occurred: fc.integer({ min: NOW - 30 * DAY, max: NOW }),
    learnedAfter: fc.integer({ min: 0, max: 30 * DAY }),
    occurredOffset: fc.constantFrom(...OFFSETS),
    learnedOffset: fc.constantFrom(...OFFSETS),
    millis: fc.boolean(),
  })
  .map(({ occurred, learnedAfter, occurredOffset, learnedOffset, millis }) => {
    // Drop the milliseconds first when they are not written, so the written times keep their order.
    const occurredMs = millis ? occurred : occurred - (occurred % 1000);
    const learnedMs = Math.min(NOW - (millis ? 0 : NOW % 1000), occurredMs + learnedAfter);
    return {
      occurredAt: isoAt(occurredMs, occurredOffset, millis),
      learnedAt: isoAt(Math.max(learnedMs, occurredMs), learnedOffset, millis),
    };
  });

const countsArbitrary = fc
  .record({
    dead: fc.nat({ max: 500 }),
    injured: fc.nat({ max: 5_000 }),
    seriouslyShare: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
    missing: fc.nat({ max: 500 }),
    trapped: fc.option(fc.nat({ max: 500 }), { nil: undefined }),
  })
  .map(({ seriouslyShare, trapped, ...rest }) => ({
    ...rest,
    ...(seriouslyShare === undefined ? {} : { seriouslyInjured: Math.floor(rest.injured * seriouslyShare) }),
    ...(trapped === undefined ? {} : { trapped }),
  }));

const kindArbitrary = fc.oneof(
  fc.constant({ kind: 'initial' }),
  fc.record({
    kind: fc.constantFrom('follow-up', 'final'),
    incidentId: fc.stringMatching(/^INC-\d{8}-[0-9A-Z]{8}$/),
  }),
);

const validBodyArbitrary: fc.Arbitrary<Body> = fc
  .record({
    kind: kindArbitrary,
    category: fc.constantFrom(...CATEGORIES),
    subtype: nonBlank(40),
    grade: fc.option(fc.constantFrom(...GRADES), { nil: undefined }),
    times: timesArbitrary,
    regionCode: fc.constantFrom(...COUNTY_CODES),
    address: nonBlank(60),
    coordinates: fc.option(
      fc.record({
        lat: fc.double({ min: -90, max: 90, noNaN: true }).map((n) => n + 0),
        lon: fc.double({ min: -180, max: 180, noNaN: true }).map((n) => n + 0),
      }),
      { nil: undefined },
    ),
    casualties: countsArbitrary,
    affectedPeople: fc.nat(),
    directLossYuan: fc.maxSafeNat(),
    summary: nonBlank(200),
    measuresTaken: fc.option(fc.string({ unit: 'grapheme', maxLength: 80 }), { nil: undefined }),
    unknowns: fc.option(fc.string({ unit: 'binary', maxLength: 80 }), { nil: undefined }),
    reporter: fc.record({
      name: nonBlank(20),
      // No trailing blank: the phone is trimmed before it is checked.
      phone: fc.stringMatching(/^\+?[0-9][0-9 ()-]{3,22}[0-9]$/),
      unit: nonBlank(20),
    }),
  })
  .map(({ kind, times, address, coordinates, grade, measuresTaken, unknowns, ...rest }) => ({
    ...kind,
    ...rest,
    ...times,
    ...(grade === undefined ? {} : { grade }),
    location: { address, ...(coordinates ?? {}) },
    ...(measuresTaken === undefined ? {} : { measuresTaken }),
    ...(unknowns === undefined ? {} : { unknowns }),
  }));

describe('generated valid reports (property)', () => {
  it('parse, keep what was sent, and survive a round trip through JSON', () => {
    fc.assert(
      fc.property(validBodyArbitrary, (body) => {
        // ACT
        const first = schema.safeParse(body);

        // ASSESS
        if (!first.success) throw new Error(`refused: ${JSON.stringify(problemsOf(first.error))}`);
        const parsed = first.data;
        expect(parsed.regionCode).toBe(body.regionCode);
        expect(parsed.occurredAt).toBe(body.occurredAt);
        expect(parsed.subtype).toBe(String(body.subtype).trim());
        expect(parsed.casualties).toMatchObject(body.casualties as Body);
        expect(schema.parse(JSON.parse(JSON.stringify(parsed)))).toStrictEqual(parsed);
      }),
      { numRuns: 300 },
    );
  });
});

const REQUIRED_TOP = [
  'kind',
  'category',
  'subtype',
  'occurredAt',
  'learnedAt',
  'regionCode',
  'location',
  'casualties',
  'affectedPeople',
  'directLossYuan',
  'summary',
  'reporter',
] as const;
const REQUIRED_NESTED = [
  ['location', 'address'],
  ['casualties', 'dead'],
  ['casualties', 'injured'],
  ['casualties', 'missing'],
  ['reporter', 'name'],
  ['reporter', 'phone'],
  ['reporter', 'unit'],
] as const;
const COUNT_FIELDS = [
  ['casualties', 'dead'],
  ['casualties', 'injured'],
  ['casualties', 'missing'],
  ['casualties', 'trapped'],
  ['affectedPeople'],
  ['directLossYuan'],
] as const;
const OBJECTS = [[], ['location'], ['casualties'], ['reporter']] as const;
const KNOWN_KEYS = new Set([
  ...REQUIRED_TOP,
  'incidentId',
  'grade',
  'measuresTaken',
  'unknowns',
  'lat',
  'lon',
  'address',
  'dead',
  'injured',
  'seriouslyInjured',
  'missing',
  'trapped',
  'name',
  'phone',
  'unit',
]);

type Breakage =
  | { readonly kind: 'drop-required'; readonly pick: number }
  | { readonly kind: 'negative-count'; readonly pick: number; readonly by: number }
  | { readonly kind: 'future-time'; readonly field: 'occurredAt' | 'learnedAt'; readonly aheadMs: number }
  | { readonly kind: 'unknown-key'; readonly pick: number; readonly key: string };

const breakageArbitrary: fc.Arbitrary<Breakage> = fc.oneof(
  fc.record({ kind: fc.constant('drop-required' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('negative-count' as const), pick: fc.nat(), by: fc.integer({ min: 1, max: 1e9 }) }),
  fc.record({
    kind: fc.constant('future-time' as const),
    field: fc.constantFrom('occurredAt' as const, 'learnedAt' as const),
    aheadMs: fc.integer({ min: CLOCK_SKEW_MS + 1, max: 3650 * DAY }),
  }),
  fc.record({
    kind: fc.constant('unknown-key' as const),
    pick: fc.nat(),
    key: fc.string({ minLength: 1, maxLength: 12 }).filter((key) => !KNOWN_KEYS.has(key)),
  }),
);

/** Breaks a valid body in one way; returns the field that must be named. */
const breakBody = (valid: Body, breakage: Breakage): { body: Body; field: string } => {
  const body = structuredClone(valid);
  const objectAt = (path: readonly string[]): Body => path.reduce<Body>((object, key) => object[key] as Body, body);
  switch (breakage.kind) {
    case 'drop-required': {
      const required: (readonly string[])[] = [
        ...REQUIRED_TOP.map((key) => [key]),
        ...REQUIRED_NESTED,
        ...(body.kind === 'initial' ? [] : [['incidentId']]),
      ];
      const path = required[breakage.pick % required.length] ?? ['kind'];
      delete objectAt(path.slice(0, -1))[path[path.length - 1] ?? 'kind'];
      return { body, field: path.join('.') };
    }
    case 'negative-count': {
      const path = COUNT_FIELDS[breakage.pick % COUNT_FIELDS.length] ?? ['affectedPeople'];
      const key = path[path.length - 1] ?? 'affectedPeople';
      const holder = objectAt(path.slice(0, -1));
      holder[key] = -(Number(holder[key] ?? 0) + breakage.by);
      return { body, field: path.join('.') };
    }
    case 'future-time':
      body[breakage.field] = new Date(NOW + breakage.aheadMs).toISOString();
      return { body, field: breakage.field };
    case 'unknown-key': {
      const path = OBJECTS[breakage.pick % OBJECTS.length] ?? [];
      Object.defineProperty(objectAt(path), breakage.key, { value: 'surprise', enumerable: true, writable: true });
      return { body, field: [...path, breakage.key].join('.') };
    }
  }
};

describe('generated broken reports (property)', () => {
  it('never parse, and name the field that was broken', () => {
    fc.assert(
      fc.property(validBodyArbitrary, breakageArbitrary, (valid, breakage) => {
        // PREPARE
        const { body, field } = breakBody(valid, breakage);

        // ACT
        const result = schema.safeParse(body);

        // ASSESS
        expect(result.success).toBe(false);
        expect(fieldsOf(body)).toContain(field);
      }),
      { numRuns: 500 },
    );
  });
});
