/**
 * The inspectors' late, missed and punctuality views: the pure rules (which duty is late, which
 * missed, who answers for it, the statistics, the CSV) and the use cases on in-memory ports
 * (jurisdiction, paging that never splits an incident, zero reports after the incidents).
 */
import { describe, expect, it } from 'vitest';
import { auditRowsCsv, punctualityCsv } from '../../shared/adapters/http/audit-csv';
import { csvField, toCsv } from '../../shared/adapters/http/csv';
import { MAX_LOGS_PER_PAGE, makeListLate, makeListMissed, makeOfficePunctuality } from '../../shared/application/audit';
import type { Actor } from '../../shared/domain/access';
import { type AuditCursor, auditPeriod } from '../../shared/domain/audit/listing';
import { outcomeOf } from '../../shared/domain/audit/outcome';
import {
  median,
  officesWithin,
  percentile,
  punctualityByOffice,
  punctualityOf,
} from '../../shared/domain/audit/punctuality';
import { missingElementsOf } from '../../shared/domain/audit/required-elements';
import {
  type AuditRow,
  entriesOf,
  obligationsOn,
  requiredElementEntry,
  withPeople,
  type ZeroReportMiss,
  zeroReportEntry,
  zeroReportMatches,
} from '../../shared/domain/audit/rows';
import { ForbiddenError, ValidationError } from '../../shared/domain/errors';
import type {
  IncidentEvent,
  IncidentState,
  ReportSubmittedData,
  UnitReportLateData,
} from '../../shared/domain/incident';
import type { Obligation } from '../../shared/domain/obligation';
import { BEFORE_HISTORY, type Officer, type Shift } from '../../shared/domain/officers';
import type { MissedZeroReport, MissedZeroReports } from '../../shared/ports/missed-zero-reports';
import type { OfficerDirectory } from '../../shared/ports/officer-directory';
import {
  auditLateQuerySchema,
  auditMissedQuerySchema,
  auditOfficesQuerySchema,
  auditRowSchema,
  encodeAuditCursor,
} from '../../shared/schemas/audit';
import { encodeCursor, listIncidentsQuerySchema } from '../../shared/schemas/queries';
import { FakeClock } from '../fakes/fake-clock';
import { InMemoryIncidentStore } from '../fakes/in-memory-incident-store';

// --- fixtures: Dongcheng (110101) and Xicheng (110102) under Beijing (110100) ---------------

const RECEIVED = '2026-11-22T02:00:00.000Z'; // 10:00 China time

/** The jurisdiction of most rows below: Beijing's city office and every county under it. */
const BEIJING = { region: '110100' } as const;

const obligation = (incidentId: string, over: Partial<Obligation> = {}): Obligation => ({
  obligationId: `${incidentId}-110101-countyToCity`,
  incidentId,
  level: 'county',
  office: '110101',
  handover: 'countyToCity',
  to: { level: 'city', office: '110100' },
  openedAt: RECEIVED,
  dueAt: '2026-11-22T04:00:00.000Z',
  limitMs: 7_200_000,
  status: 'pending',
  ...over,
});

const onTime = (id: string) => obligation(id, { status: 'met', metAt: '2026-11-22T03:00:00.000Z', lateByMs: 0 });
/** Forwarded 15 min late, before any timer had flagged it. */
const lateOnly = (id: string) =>
  obligation(id, { status: 'met', metAt: '2026-11-22T04:15:00.000Z', lateByMs: 900_000 });
/** Silent past the deadline, escalated past, then forwarded 1 h 30 min late after all. */
const metAfterMissed = (id: string) =>
  obligation(id, {
    status: 'met',
    missedAt: '2026-11-22T04:00:01.000Z',
    escalatedAt: '2026-11-22T04:00:01.000Z',
    metAt: '2026-11-22T05:30:00.000Z',
    lateByMs: 5_400_000,
  });
const neverMet = (id: string) =>
  obligation(id, {
    status: 'missed',
    missedAt: '2026-11-22T04:00:01.000Z',
    escalatedAt: '2026-11-22T04:00:01.000Z',
  });

const head = (incidentId: string, over: Partial<IncidentState> = {}): IncidentState => ({
  incidentId,
  version: 1,
  lastHash: `${incidentId}-h1`,
  status: 'open',
  category: 'accident',
  subtype: 'mine flooding',
  grade: 'IV',
  gradeBasis: 'reported',
  regionCode: '110101',
  countyCode: '110101',
  cityCode: '110100',
  provinceCode: '110000',
  occurredAt: '2026-11-22T01:00:00.000Z',
  learnedAt: '2026-11-22T01:30:00.000Z',
  receivedAt: RECEIVED,
  updatedAt: RECEIVED,
  firstUnit: 'U-1',
  reportCount: 1,
  figures: {
    dead: 0,
    injured: 2,
    seriouslyInjured: null,
    missing: 0,
    trapped: 0,
    affectedPeople: 10,
    directLossYuan: 0,
  },
  obligations: [],
  unitLate: false,
  acknowledgements: [],
  ...over,
});

const unitLateData = (incidentId: string): UnitReportLateData => ({
  reportId: `${incidentId}-R1`,
  unit: 'U-1',
  office: '110101',
  learnedAt: '2026-11-22T00:30:00.000Z',
  receivedAt: RECEIVED,
  limitMs: 3_600_000,
  lateByMs: 1_800_000,
});

const officers: Officer[] = [
  { office: '110101', personId: 'P-LI', name: '李主任', roles: ['first-responsible'], endpoints: {} },
  { office: '110101', personId: 'P-WANG', name: '王副主任', roles: ['directly-responsible'], endpoints: {} },
  { office: '110101', personId: 'P-ZHAO', name: '赵值班', roles: ['duty-officer'], endpoints: {} },
  { office: '110101', personId: 'P-QIAN', name: '钱值班', roles: ['duty-officer'], endpoints: {} },
  { office: '110100', personId: 'P-CITY', name: '市领导', roles: ['first-responsible'], endpoints: {} },
];
// China time: Zhao 08:00–20:00, Qian 20:00–08:00.
const roster: Shift[] = [
  { office: '110101', personId: 'P-ZHAO', from: '08:00', to: '20:00' },
  { office: '110101', personId: 'P-QIAN', from: '20:00', to: '08:00' },
];
/** Dongcheng's directory, one version on record since before any deadline here. */
const dongcheng = {
  versions: [{ effectiveAt: BEFORE_HISTORY, officers: officers.filter((o) => o.office === '110101'), roster }],
};

const miss = (over: Partial<ZeroReportMiss> = {}): MissedZeroReport => ({
  periodId: 'DP-1',
  unit: 'U-9',
  unitName: '东华门街道办事处',
  county: '110101',
  date: '2026-11-22',
  cutoffAt: '2026-11-22T01:00:00.000Z',
  missedAt: '2026-11-22T01:00:05.000Z',
  ...over,
});

describe('late or missed: how an obligation turned out', () => {
  it('calls a duty met after its deadline late, even one met after it was marked missed', () => {
    expect(outcomeOf(onTime('A'))).toBe('on-time');
    expect(outcomeOf(lateOnly('A'))).toBe('late');
    expect(outcomeOf(metAfterMissed('A'))).toBe('late');
    expect(outcomeOf(neverMet('A'))).toBe('missed');
    expect(outcomeOf(obligation('A'))).toBe('pending');
    expect(outcomeOf(obligation('A', { status: 'waived', waivedAt: RECEIVED }))).toBe('waived');
  });

  it('reads the delay from the times when an older head lacks lateByMs', () => {
    const { lateByMs: _drop, ...older } = lateOnly('A');
    expect(outcomeOf(older)).toBe('late');
    expect(punctualityOf([older]).medianDelayMs).toBe(900_000);
  });

  it('puts late duties on the late list and never-met ones on the missed list; pending and waived on neither', () => {
    // PREPARE
    const state = head('A', {
      obligations: [
        onTime('A'),
        metAfterMissed('A'),
        neverMet('A'),
        obligation('A', { obligationId: 'pending' }),
        obligation('A', { obligationId: 'waived', status: 'waived' }),
      ],
    });

    // ACT / ASSESS
    expect(obligationsOn('late', state, BEIJING).map((o) => o.lateByMs)).toEqual([5_400_000]);
    expect(obligationsOn('missed', state, BEIJING).map((o) => o.status)).toEqual(['missed']);
  });

  it('filters by the office that held the duty and by kind', () => {
    const city = obligation('A', {
      obligationId: 'A-110100-cityToProvince',
      level: 'city',
      office: '110100',
      handover: 'cityToProvince',
      status: 'met',
      metAt: '2026-11-22T07:00:00.000Z',
      lateByMs: 60_000,
    });
    const state = head('A', { obligations: [lateOnly('A'), city] });
    expect(obligationsOn('late', state, { ...BEIJING, office: '110100' })).toEqual([city]);
    expect(obligationsOn('late', state, { ...BEIJING, kind: 'cityToProvince' })).toEqual([city]);
    expect(obligationsOn('late', state, { ...BEIJING, kind: 'skipLevelPhone' })).toEqual([]);
  });

  it('leaves out the duties of offices above the region: a county inspector sees the county’s own only', () => {
    // PREPARE: a grade III incident of Dongcheng whose county and city were both silent.
    const county = neverMet('A');
    const city = obligation('A', {
      obligationId: 'A-110100-cityToProvince',
      level: 'city',
      office: '110100',
      handover: 'cityToProvince',
      to: { level: 'province', office: '110000' },
      dueAt: '2026-11-22T06:00:00.000Z',
      status: 'missed',
      missedAt: '2026-11-22T06:00:01.000Z',
    });
    const state = head('A', { grade: 'III', obligations: [county, city] });

    // ACT / ASSESS
    expect(obligationsOn('missed', state, { region: '110101' })).toEqual([county]);
    expect(obligationsOn('missed', state, { region: '110101', kind: 'cityToProvince' })).toEqual([]);
    expect(obligationsOn('missed', state, { region: '110100' })).toEqual([county, city]);
    expect(obligationsOn('missed', state, { region: '110000' })).toEqual([county, city]);
  });
});

describe('rows', () => {
  const state = head('A', { unitLate: true, obligations: [metAfterMissed('A'), neverMet('B')] });

  it('gives a late forward and a late unit report, earliest deadline first, exactly', () => {
    // ACT
    const entries = entriesOf('late', state, BEIJING, { unitLate: unitLateData('A') });

    // ASSESS
    const incident = { id: 'A', region: '110101', category: 'accident', grade: 'IV' };
    const dongchengOffice = { level: 'county', code: '110101', name: '东城区' };
    expect(entries).toEqual([
      {
        kind: 'unit-report',
        incident,
        office: dongchengOffice,
        unit: { id: 'U-1', name: null },
        obligationId: null,
        zeroReport: null,
        finalReport: null,
        deadline: '2026-11-22T01:30:00.000Z',
        deadlineShortenedFrom: null,
        metAt: RECEIVED,
        missedAt: null,
        lateByMs: 1_800_000,
        lateBy: '30m',
        autoEscalated: false,
      },
      {
        kind: 'countyToCity',
        incident,
        office: dongchengOffice,
        unit: null,
        obligationId: 'A-110101-countyToCity',
        zeroReport: null,
        finalReport: null,
        deadline: '2026-11-22T04:00:00.000Z',
        deadlineShortenedFrom: null,
        metAt: '2026-11-22T05:30:00.000Z',
        missedAt: '2026-11-22T04:00:01.000Z',
        lateByMs: 5_400_000,
        lateBy: '1h30m',
        autoEscalated: true,
      },
    ]);
  });

  it('gives one unit’s rows only with a unit filter: its late report, never an office’s duty', () => {
    const facts = { unitLate: unitLateData('A') };
    expect(entriesOf('late', state, { ...BEIJING, unit: 'U-1' }, facts).map((e) => e.kind)).toEqual(['unit-report']);
    expect(entriesOf('late', state, { ...BEIJING, unit: 'U-2' }, facts)).toEqual([]);
    expect(zeroReportMatches(miss({ unit: 'U-9' }), { ...BEIJING, unit: 'U-9' })).toBe(true);
    expect(zeroReportMatches(miss({ unit: 'U-9' }), { ...BEIJING, unit: 'U-1' })).toBe(false);
  });

  it('gives a never-met duty with no lateness, and no unit report on the missed list', () => {
    const [row, ...rest] = entriesOf('missed', state, BEIJING);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ kind: 'countyToCity', metAt: null, lateByMs: null, lateBy: null, autoEscalated: true });
  });

  it('refuses to invent the figures of a late unit report it was not given', () => {
    expect(() => entriesOf('late', state, BEIJING)).toThrow(/UnitReportLate/);
  });

  it('names the office’s responsible persons and whoever was on duty at the deadline, not now', () => {
    // PREPARE: the deadline 04:00Z is 12:00 China time (Zhao's shift); 13:30Z is 21:30 (Qian's).
    const [day] = entriesOf('missed', head('A', { obligations: [neverMet('A')] }), BEIJING);
    const [night] = entriesOf(
      'missed',
      head('B', { obligations: [obligation('B', { status: 'missed', dueAt: '2026-11-22T13:30:00.000Z' })] }),
      BEIJING,
    );
    if (!day || !night) throw new Error('no rows');

    // ACT
    const dayRow = withPeople(day, dongcheng);
    const nightRow = withPeople(night, dongcheng);

    // ASSESS
    expect(dayRow.firstResponsible).toEqual([{ personId: 'P-LI', name: '李主任' }]);
    expect(dayRow.directlyResponsible).toEqual([{ personId: 'P-WANG', name: '王副主任' }]);
    expect(dayRow.onDutyAtDeadline).toEqual([{ personId: 'P-ZHAO', name: '赵值班' }]);
    expect(nightRow.onDutyAtDeadline).toEqual([{ personId: 'P-QIAN', name: '钱值班' }]);
  });

  it('holds the unit, not the office’s leaders, to account for its own late report', () => {
    const [unitRow] = entriesOf('late', state, { ...BEIJING, kind: 'unit-report' }, { unitLate: unitLateData('A') });
    if (!unitRow) throw new Error('no row');
    const row = withPeople(unitRow, dongcheng);
    expect(row.firstResponsible).toEqual([]);
    expect(row.directlyResponsible).toEqual([]);
    // 01:30Z is 09:30 China time: the duty officer then was waiting for the report.
    expect(row.onDutyAtDeadline).toEqual([{ personId: 'P-ZHAO', name: '赵值班' }]);
  });

  it('lists a zero report not filed by the cut-off as missed, showing a late filing beside it', () => {
    expect(zeroReportEntry(miss({ filedLateAt: '2026-11-22T03:00:00.000Z' }))).toEqual({
      kind: 'zero-report',
      incident: null,
      office: { level: 'county', code: '110101', name: '东城区' },
      unit: { id: 'U-9', name: '东华门街道办事处' },
      obligationId: null,
      zeroReport: { periodId: 'DP-1', date: '2026-11-22' },
      finalReport: null,
      deadline: '2026-11-22T01:00:00.000Z',
      deadlineShortenedFrom: null,
      metAt: '2026-11-22T03:00:00.000Z',
      missedAt: '2026-11-22T01:00:05.000Z',
      lateByMs: 7_200_000,
      lateBy: '2h',
      autoEscalated: false,
    });
    expect(zeroReportEntry(miss())).toMatchObject({ metAt: null, lateByMs: null, lateBy: null });
  });

  it('produces rows the documented answer schema accepts', () => {
    const rows = [
      ...entriesOf('late', state, BEIJING, { unitLate: unitLateData('A') }),
      ...entriesOf('missed', state, BEIJING),
      zeroReportEntry(miss()),
      requiredElementEntry(head('C', { status: 'closed' }), {
        reportId: 'C-R2',
        receivedAt: RECEIVED,
        unit: 'U-1',
        office: '110101',
        missing: ['measuresTaken'],
      }),
    ].map((entry) => withPeople(entry, dongcheng));
    for (const row of rows) expect(auditRowSchema.safeParse(row).success).toBe(true);
  });
});

describe('statistics', () => {
  it('takes the middle value of an odd count and the mean of the two middle ones of an even count', () => {
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([0, 0, 10, 20])).toBe(5);
  });

  it('takes the nearest-rank p90: the ⌈0.9·n⌉-th smallest value, never interpolated', () => {
    expect(percentile([], 0.9)).toBeNull();
    expect(percentile([42], 0.9)).toBe(42);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(percentile([10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 11], 0.9)).toBe(10);
    expect(percentile([5, 1], 0.9)).toBe(5);
  });

  it('counts each outcome and rates on time over met and missed, with on time as a 0 ms delay', () => {
    // PREPARE: on time ×2, late 15 min, late 1 h 30 min (after being missed), never met, pending, waived.
    const obligations = [
      onTime('A'),
      onTime('B'),
      lateOnly('C'),
      metAfterMissed('D'),
      neverMet('E'),
      obligation('F'),
      obligation('G', { status: 'waived' }),
    ];

    // ACT
    const result = punctualityOf(obligations);

    // ASSESS: delays [0, 0, 900000, 5400000] → median (0 + 900000) / 2; p90 rank ⌈3.6⌉ = 4.
    expect(result).toEqual({
      held: 7,
      metOnTime: 2,
      metLate: 2,
      missed: 1,
      pending: 1,
      waived: 1,
      onTimeRate: 2 / 5,
      medianDelayMs: 450_000,
      p90DelayMs: 5_400_000,
    });
  });

  it('has no rate and no delays for an office that met and missed nothing', () => {
    expect(punctualityOf([obligation('A')])).toMatchObject({ onTimeRate: null, medianDelayMs: null, p90DelayMs: null });
    expect(punctualityOf([neverMet('A')])).toMatchObject({ onTimeRate: 0, medianDelayMs: null, p90DelayMs: null });
  });

  it('lists every office of a jurisdiction in code order, each before those under it', () => {
    const beijing = officesWithin('110100').map((r) => r.code);
    expect(beijing[0]).toBe('110100');
    expect(beijing).toHaveLength(17);
    const hubei = officesWithin('420000');
    expect(hubei[0]?.code).toBe('420000');
    // Counties the province administers directly (仙桃) are offices of the province's jurisdiction.
    expect(hubei.map((r) => r.code)).toContain('429004');
    expect(hubei.map((r) => r.code)).toContain('420102');
    expect(officesWithin('110101').map((r) => r.code)).toEqual(['110101']);
  });

  it('gives offices that held nothing zeros, and ignores duties held outside the list', () => {
    const table = punctualityByOffice(officesWithin('110101'), [
      onTime('A'),
      obligation('B', { office: '110100', level: 'city' }),
    ]);
    expect(table).toEqual([
      {
        office: { level: 'county', code: '110101', name: '东城区' },
        held: 1,
        metOnTime: 1,
        metLate: 0,
        missed: 0,
        pending: 0,
        waived: 0,
        onTimeRate: 1,
        medianDelayMs: 0,
        p90DelayMs: 0,
      },
    ]);
  });
});

describe('CSV', () => {
  it('quotes commas, quotes and line breaks (RFC 4180) and leaves other text, Chinese included, as it is', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('东城区应急管理局')).toBe('东城区应急管理局');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "now"')).toBe('"say ""now"""');
    expect(csvField('line one\nline two')).toBe('"line one\nline two"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField('王"老三",东城')).toBe('"王""老三"",东城"');
    expect(csvField(null)).toBe('');
    expect(csvField(0)).toBe('0');
    expect(csvField(false)).toBe('false');
  });

  it('neutralises text a spreadsheet would run as a formula with a leading quote (OWASP), and leaves numbers alone', () => {
    // Names come from imported files: any text field may be hostile.
    expect(csvField('=HYPERLINK("http://evil.example","点击")')).toBe(
      '"\'=HYPERLINK(""http://evil.example"",""点击"")"',
    );
    expect(csvField('=1+2')).toBe("'=1+2");
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-x')).toBe("'-x");
    expect(csvField('@SUM(A1:A9)')).toBe("'@SUM(A1:A9)");
    expect(csvField('\t=cmd')).toBe("'\t=cmd");
    // A leading CR also needs the quotes RFC 4180 asks for.
    expect(csvField('\r=cmd')).toBe('"\'\r=cmd"');
    expect(csvField('-1,5')).toBe('"\'-1,5"');
    // Only the start counts; numbers (never negative here) and ordinary text are as they were.
    expect(csvField('王=老三')).toBe('王=老三');
    expect(csvField('2026-11-22T04:00:00.000Z')).toBe('2026-11-22T04:00:00.000Z');
    expect(csvField(5_400_000)).toBe('5400000');
    expect(csvField(0.5)).toBe('0.5');
  });

  it('neutralises a hostile name in every column that names people or units', () => {
    // PREPARE
    const [entry] = entriesOf('late', head('A', { obligations: [metAfterMissed('A')] }), BEIJING);
    if (!entry) throw new Error('no row');
    const row: AuditRow = {
      ...withPeople(entry, dongcheng),
      unit: { id: '+U-1', name: '@unit' },
      firstResponsible: [{ personId: 'P-1', name: '=HYPERLINK("x")' }],
    };

    // ACT
    const [, record] = auditRowsCsv([row]).split('\r\n');

    // ASSESS
    expect(record).toContain(`,'+U-1,'@unit,`);
    expect(record).toContain(`,"'=HYPERLINK(""x"") (P-1)",`);
  });

  it('ends every record, the header included, with CRLF', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['1', null],
          ['x,y', '名'],
        ],
      ),
    ).toBe('a,b\r\n1,\r\n"x,y",名\r\n');
    expect(toCsv(['a'], [])).toBe('a\r\n');
  });

  it('flattens a row into the documented columns, people as `name (id)` separated by `; `', () => {
    // PREPARE
    const [entry] = entriesOf('late', head('A', { obligations: [metAfterMissed('A')] }), BEIJING);
    if (!entry) throw new Error('no row');
    const row: AuditRow = {
      ...withPeople(entry, dongcheng),
      directlyResponsible: [
        { personId: 'P-WANG', name: '王副主任' },
        { personId: 'P-X', name: 'Smith, "Jr"' },
      ],
    };

    // ACT
    const csv = auditRowsCsv([row]);

    // ASSESS
    expect(csv).toBe(
      'kind,incidentId,incidentRegion,category,grade,officeLevel,officeCode,officeName,unitId,unitName,' +
        'obligationId,dutyPeriodId,zeroReportDate,finalReportId,finalReportReceivedAt,missingElements,' +
        'deadline,deadlineShortenedFrom,metAt,missedAt,lateByMs,lateBy,autoEscalated,' +
        'firstResponsible,directlyResponsible,onDutyAtDeadline,personsAt,directorySince\r\n' +
        'countyToCity,A,110101,accident,IV,county,110101,东城区,,,A-110101-countyToCity,,,,,,' +
        '2026-11-22T04:00:00.000Z,,2026-11-22T05:30:00.000Z,2026-11-22T04:00:01.000Z,5400000,1h30m,true,' +
        '李主任 (P-LI),"王副主任 (P-WANG); Smith, ""Jr"" (P-X)",赵值班 (P-ZHAO),' +
        '2026-11-22T04:00:00.000Z,1970-01-01T00:00:00.000Z\r\n',
    );
  });

  it('writes the punctuality table with empty fields where there is no figure', () => {
    const csv = punctualityCsv(punctualityByOffice(officesWithin('110101'), []));
    expect(csv).toBe(
      'officeLevel,officeCode,officeName,held,metOnTime,metLate,missed,pending,waived,onTimeRate,medianDelayMs,p90DelayMs\r\n' +
        'county,110101,东城区,0,0,0,0,0,0,,,\r\n',
    );
  });
});

describe('the period', () => {
  const now = new Date('2026-11-22T12:00:00.000Z');

  it('defaults to the 30 days up to now', () => {
    expect(auditPeriod(now)).toEqual({ from: '2026-10-23T12:00:00.000Z', to: '2026-11-22T12:00:00.000Z' });
    expect(auditPeriod(now, undefined, '2026-11-01T00:00:00.000Z')).toEqual({
      from: '2026-10-02T00:00:00.000Z',
      to: '2026-11-01T00:00:00.000Z',
    });
  });

  it('refuses a start after the defaulted end, naming from', () => {
    expect(() => auditPeriod(now, '2026-12-01T00:00:00.000Z')).toThrow(ValidationError);
  });
});

describe('query schemas', () => {
  it('names every bad field at once', () => {
    const parsed = auditLateQuerySchema.safeParse({
      from: 'yesterday',
      office: '999999',
      kind: 'zero-report',
      limit: '0',
      colour: 'red',
    });
    expect(parsed.success).toBe(false);
    const fields = parsed.error?.issues.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys : [i.path.join('.')]));
    expect(fields?.sort()).toEqual(['colour', 'from', 'kind', 'limit', 'office', 'region']);
    const kind = parsed.error?.issues.find((i) => i.path[0] === 'kind');
    expect(kind?.message).toMatch(/\/v1\/audit\/missed/);
  });

  it('takes dates as China days and refuses a day that does not exist instead of rolling it over', () => {
    const parsed = auditLateQuerySchema.parse({ region: '110100', from: '2026-11-01', to: '2026-11-30' });
    expect([parsed.from, parsed.to]).toEqual(['2026-10-31T16:00:00.000Z', '2026-11-30T15:59:59.999Z']);
    for (const day of ['2026-02-30', '2026-13-01', '2026-00-10']) {
      // The incident list's own rule, word for word: one field, one problem.
      const shared = listIncidentsQuerySchema.safeParse({ to: day }).error?.issues.map((i) => i.message);
      expect(shared).toHaveLength(1);
      for (const schema of [auditLateQuerySchema, auditMissedQuerySchema, auditOfficesQuerySchema]) {
        const bad = schema.safeParse({ region: '110100', to: day });
        expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['to', shared?.[0]]]);
      }
    }
  });

  it('accepts an office inside the region only, and zero-report only on the missed list', () => {
    expect(auditMissedQuerySchema.safeParse({ region: '110100', office: '110101', kind: 'zero-report' }).success).toBe(
      true,
    );
    const outside = auditMissedQuerySchema.safeParse({ region: '110100', office: '310101' });
    expect(outside.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['office', 'is not inside region 110100'],
    ]);
    expect(auditLateQuerySchema.safeParse({ region: '000000' }).error?.issues[0]?.message).toMatch(/whole country/);
  });

  it('takes a unit id as a unit, naming unit otherwise', () => {
    expect(auditMissedQuerySchema.parse({ region: '110100', unit: 'DC-JDJ' }).unit).toBe('DC-JDJ');
    const bad = auditLateQuerySchema.safeParse({ region: '110100', unit: 'a b' });
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['unit']);
  });

  it('takes a grade I to IV, naming grade otherwise', () => {
    expect(auditLateQuerySchema.parse({ region: '110100', grade: 'II' }).grade).toBe('II');
    const bad = auditMissedQuerySchema.safeParse({ region: '110100', grade: 'V' });
    expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['grade', 'must be one of I, II, III, IV'],
    ]);
  });

  it('takes required-element on the missed list only', () => {
    expect(auditMissedQuerySchema.safeParse({ region: '110100', kind: 'required-element' }).success).toBe(true);
    const late = auditLateQuerySchema.safeParse({ region: '110100', kind: 'required-element' });
    expect(late.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['kind', 'a required element never supplied is a missed report: see /v1/audit/missed'],
    ]);
  });
});

describe('the cursor at the edge', () => {
  const listing = { region: '110100', from: '2026-10-31T00:00:00.000Z', to: '2026-11-30T00:00:00.000Z' };
  const incidents: AuditCursor = {
    ...listing,
    kind: 'countyToCity',
    phase: 'incidents',
    after: {
      pk: 'INC#INC-20261122-AAAAAAAA',
      sk: 'HEAD',
      cityCode: '110100',
      listKey: `${RECEIVED}#INC-20261122-AAAAAAAA`,
    },
  };
  const zero: AuditCursor = {
    ...listing,
    phase: 'zero-reports',
    after: { periodId: 'DP-1', unit: 'U-9', date: '2026-11-22' },
  };
  const decoded = (cursor: string) =>
    JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
  const cursorProblems = (
    schema: typeof auditMissedQuerySchema | typeof auditLateQuerySchema,
    record: Record<string, unknown>,
  ) =>
    schema
      .safeParse({ region: '110100', cursor: Buffer.from(JSON.stringify(record)).toString('base64url') })
      .error?.issues.map((i) => i.path.join('.'));

  it('reads back every cursor it writes', () => {
    for (const cursor of [
      incidents,
      zero,
      { ...listing, phase: 'zero-reports' } as const,
      { ...incidents, grade: 'I' } as const,
    ]) {
      const parsed = auditMissedQuerySchema.parse({ region: '110100', cursor: encodeAuditCursor(cursor) });
      expect(parsed.cursor).toEqual(cursor);
    }
    // The store's position is kept apart from the listing, key for key.
    expect(decoded(encodeAuditCursor(incidents))).toEqual({
      phase: 'incidents',
      ...listing,
      kind: 'countyToCity',
      'at.pk': 'INC#INC-20261122-AAAAAAAA',
      'at.sk': 'HEAD',
      'at.cityCode': '110100',
      'at.listKey': `${RECEIVED}#INC-20261122-AAAAAAAA`,
    });
  });

  it('refuses a changed, added, removed or mistyped key, or an unknown phase, naming cursor', () => {
    const record = decoded(encodeAuditCursor(incidents));
    const { region: _region, ...noRegion } = record;
    const { 'at.pk': _pk, 'at.sk': _sk, 'at.cityCode': _city, 'at.listKey': _key, ...noPosition } = record;
    const zeroRecord = decoded(encodeAuditCursor(zero));
    const { 'at.unit': _unit, ...halfPosition } = zeroRecord;
    const tampered: Record<string, unknown>[] = [
      { ...record, phase: 'summaries' },
      { ...record, colour: 'red' },
      noRegion,
      noPosition,
      { ...record, from: 'last month' },
      { ...record, from: 5 },
      { ...record, to: null },
      { ...record, from: listing.to, to: listing.from },
      { ...record, kind: 'unit-report' },
      { ...record, office: '1101' },
      halfPosition,
      { ...zeroRecord, 'at.extra': 'x' },
      { ...zeroRecord, 'at.unit': '' },
    ];
    for (const bad of tampered)
      expect(cursorProblems(auditMissedQuerySchema, bad), JSON.stringify(bad)).toEqual(['cursor']);
    // The late list has no zero reports to resume.
    expect(cursorProblems(auditLateQuerySchema, zeroRecord)).toEqual(['cursor']);
    expect(
      auditLateQuerySchema.safeParse({ region: '110100', cursor: 'not-base64-json' }).error?.issues[0]?.path,
    ).toEqual(['cursor']);
    // The incident list's plain cursor is not one of these.
    expect(cursorProblems(auditMissedQuerySchema, decoded(encodeCursor({ pk: 'INC#X', sk: 'HEAD' })))).toEqual([
      'cursor',
    ]);
  });
});

// --- use cases -------------------------------------------------------------------------------

const inspector: Actor = { sub: 'insp', role: 'inspector', region: '110000' };
const clock = new FakeClock('2026-11-30T00:00:00.000Z');

const directoryOf = (officersHere: readonly Officer[], rosterHere: readonly Shift[]): OfficerDirectory => ({
  ofOffice: async (office) => ({
    versions: [
      {
        effectiveAt: BEFORE_HISTORY,
        officers: officersHere.filter((o) => o.office === office),
        roster: rosterHere.filter((s) => s.office === office),
      },
    ],
  }),
  replaceOffices: async () => {
    throw new Error('the audit never writes the directory');
  },
});

/** A report as the log records it: Dongcheng, unit U-1, complete unless told otherwise. */
const reportOf = (
  incidentId: string,
  reportNumber: number,
  over: Partial<ReportSubmittedData> = {},
): ReportSubmittedData => ({
  reportId: `${incidentId}-R${reportNumber}`,
  kind: reportNumber === 1 ? 'initial' : 'follow-up',
  reportNumber,
  office: '110101',
  reporter: { name: 'Wang Li', phone: '+86 10 1234 5678', unit: 'U-1' },
  occurredAt: '2026-11-22T01:00:00.000Z',
  learnedAt: '2026-11-22T01:30:00.000Z',
  receivedAt: new Date(Date.parse(RECEIVED) + (reportNumber - 1) * 3_600_000).toISOString(),
  regionCode: '110101',
  location: { address: 'No. 3 shaft' },
  category: 'accident',
  subtype: 'mine flooding',
  proposedGrade: null,
  assessedGrade: 'IV',
  figures: { dead: 0, injured: 2, seriouslyInjured: 1, missing: 0, trapped: 0, affectedPeople: 10, directLossYuan: 0 },
  delta: { dead: 0, injured: 0, seriouslyInjured: 0, missing: 0, trapped: 0, affectedPeople: 0, directLossYuan: 0 },
  summary: 'Water broke into the No. 3 shaft.',
  measuresTaken: 'Pumps started; rescue team on site.',
  unknowns: '',
  ...over,
});

/**
 * A store holding these heads, each with a log: its reports where given (a closed head's last one
 * closes it), else a placeholder report; and a UnitReportLate record where the head says so. The
 * ids of the logs read are kept in `logsRead`.
 */
const storeWith = async (
  heads: readonly IncidentState[],
  reports: Readonly<Record<string, readonly ReportSubmittedData[]>> = {},
): Promise<InMemoryIncidentStore & { logsRead: string[] }> => {
  const store = Object.assign(new InMemoryIncidentStore(), { logsRead: [] as string[] });
  const read = store.getEvents.bind(store);
  store.getEvents = async (incidentId) => {
    store.logsRead.push(incidentId);
    return read(incidentId);
  };
  for (const state of heads) {
    const own = reports[state.incidentId];
    const events: { type: string; data: unknown }[] = own
      ? own.map((data) => ({ type: 'ReportSubmitted', data }))
      : [{ type: 'ReportSubmitted', data: {} }];
    if (state.unitLate) events.push({ type: 'UnitReportLate', data: unitLateData(state.incidentId) });
    const last = own?.[own.length - 1];
    if (state.status === 'closed' && last) events.push({ type: 'IncidentClosed', data: { reportId: last.reportId } });
    const sealed = events.map(
      (e, i) =>
        ({
          ...e,
          seq: i + 1,
          incidentId: state.incidentId,
          hash: `${state.incidentId}-h${i + 1}`,
        }) as unknown as IncidentEvent,
    );
    const version = sealed.length;
    await store.append({
      incidentId: state.incidentId,
      expectedVersion: null,
      state: { ...state, version, lastHash: `${state.incidentId}-h${version}` },
      events: sealed,
    });
  }
  return store;
};

const zeroReports = (misses: readonly MissedZeroReport[]): MissedZeroReports & { asked: string[][] } => {
  const asked: string[][] = [];
  return {
    asked,
    missedIn: async (region, from, to) => {
      asked.push([region, from, to]);
      return misses;
    },
  };
};

describe('the late and missed lists', () => {
  const directory = directoryOf(officers, roster);

  /** Incidents received a minute apart, with 2, 0, 1, 3 and 1 late rows. */
  const fiveIncidents = () => {
    const at = (minute: number) => new Date(Date.parse(RECEIVED) + minute * 60_000).toISOString();
    const late = (id: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ ...lateOnly(id), obligationId: `${id}-late-${i}` }));
    return [
      head('I1', { receivedAt: at(1), obligations: late('I1', 1), unitLate: true }),
      head('I2', { receivedAt: at(2), obligations: [onTime('I2')] }),
      head('I3', { receivedAt: at(3), obligations: late('I3', 1) }),
      head('I4', { receivedAt: at(4), obligations: late('I4', 3) }),
      head('I5', { receivedAt: at(5), obligations: late('I5', 1) }),
    ];
  };

  const allPages = async (list: ReturnType<typeof makeListLate>, limit: number, extra: object = {}) => {
    const pages: string[][] = [];
    let cursor: AuditCursor | undefined;
    do {
      const page = await list(inspector, { region: '110100', limit, ...extra, ...(cursor ? { cursor } : {}) });
      pages.push(page.rows.map((r) => `${r.incident?.id ?? r.unit?.id}:${r.obligationId ?? r.kind}`));
      cursor = page.next;
    } while (cursor);
    return pages;
  };

  it('pages by rows without ever splitting an incident, and gives every row once', async () => {
    // PREPARE
    const listLate = makeListLate({ incidents: await storeWith(fiveIncidents()), directory, clock });

    // ACT
    const pages = await allPages(listLate, 2);

    // ASSESS: the in-memory index lists oldest first; I4's three rows exceed a page and stand alone.
    expect(pages).toEqual([
      ['I1:unit-report', 'I1:I1-late-0'],
      ['I3:I3-late-0'],
      ['I4:I4-late-0', 'I4:I4-late-1', 'I4:I4-late-2'],
      ['I5:I5-late-0'],
    ]);
  });

  it('fills a page when the rows fit exactly', async () => {
    const listLate = makeListLate({ incidents: await storeWith(fiveIncidents()), directory, clock });
    const pages = await allPages(listLate, 7);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toHaveLength(7);
  });

  it('reads the late unit report’s figures from its log and names the people', async () => {
    const listLate = makeListLate({ incidents: await storeWith(fiveIncidents()), directory, clock });
    const page = await listLate(inspector, { region: '110100', limit: 50, kind: 'unit-report' });
    expect(page.rows).toHaveLength(1);
    expect(page.rows[0]).toMatchObject({
      kind: 'unit-report',
      lateByMs: 1_800_000,
      deadline: '2026-11-22T01:30:00.000Z',
      deadlineShortenedFrom: null,
      onDutyAtDeadline: [{ personId: 'P-ZHAO', name: '赵值班' }],
    });
  });

  it('filters on when the incident was received, over the last 30 days by default', async () => {
    const old = head('OLD', { receivedAt: '2026-10-01T00:00:00.000Z', obligations: [lateOnly('OLD')] });
    const listLate = makeListLate({ incidents: await storeWith([old, ...fiveIncidents()]), directory, clock });
    const recent = await listLate(inspector, { region: '110100', limit: 50 });
    expect(recent.from).toBe('2026-10-31T00:00:00.000Z');
    expect(recent.rows.map((r) => r.incident?.id)).not.toContain('OLD');
    const october = await listLate(inspector, {
      region: '110100',
      limit: 50,
      from: '2026-09-30T16:00:00.000Z',
      to: '2026-10-31T15:59:59.999Z',
    });
    expect(october.rows.map((r) => r.incident?.id)).toEqual(['OLD']);
  });

  it('lists the never-met duties, then the missed zero reports, paging through both', async () => {
    // PREPARE
    const store = await storeWith([
      head('M1', { obligations: [neverMet('M1')] }),
      head('M2', { obligations: [onTime('M2')] }),
      head('M3', { obligations: [neverMet('M3')] }),
    ]);
    const zero = zeroReports([miss({ unit: 'Z1' }), miss({ unit: 'Z2', county: '110102' }), miss({ unit: 'Z3' })]);
    const listMissed = makeListMissed({ incidents: store, directory, clock, missedZeroReports: zero });

    // ACT
    const pages = await allPages(listMissed, 2);

    // ASSESS
    expect(pages).toEqual([
      ['M1:M1-110101-countyToCity', 'M3:M3-110101-countyToCity'],
      ['Z1:zero-report', 'Z2:zero-report'],
      ['Z3:zero-report'],
    ]);
    expect(zero.asked[0]).toEqual(['110100', '2026-10-31T00:00:00.000Z', '2026-11-30T00:00:00.000Z']);
  });

  it('lists only the incidents of one grade with grade=, paging with the grade kept, and no zero report', async () => {
    const store = await storeWith([
      head('G1', { grade: 'III', obligations: [neverMet('G1')] }),
      head('G2', { obligations: [neverMet('G2')] }),
      head('G3', { grade: 'III', obligations: [neverMet('G3')] }),
    ]);
    const zero = zeroReports([miss({ unit: 'Z1' })]);
    const listMissed = makeListMissed({ incidents: store, directory, clock, missedZeroReports: zero });
    expect(await allPages(listMissed, 1, { grade: 'III' })).toEqual([
      ['G1:G1-110101-countyToCity'],
      ['G3:G3-110101-countyToCity'],
    ]);
    expect((await allPages(listMissed, 50, { grade: 'IV' })).flat()).toEqual(['G2:G2-110101-countyToCity']);
    expect(zero.asked).toEqual([]);
    const first = await listMissed(inspector, { region: '110100', limit: 1, grade: 'III' });
    await expect(
      listMissed(inspector, { region: '110100', limit: 1, grade: 'IV', ...(first.next ? { cursor: first.next } : {}) }),
    ).rejects.toThrow(ValidationError);
  });

  it('reads only zero reports for kind=zero-report, and only the office’s with office=', async () => {
    const store = await storeWith([head('M1', { obligations: [neverMet('M1')] })]);
    const zero = zeroReports([miss({ unit: 'Z1' }), miss({ unit: 'Z2', county: '110102' })]);
    const listMissed = makeListMissed({ incidents: store, directory, clock, missedZeroReports: zero });
    expect(await allPages(listMissed, 50, { kind: 'zero-report' })).toEqual([['Z1:zero-report', 'Z2:zero-report']]);
    expect(await allPages(listMissed, 50, { office: '110102' })).toEqual([['Z2:zero-report']]);
  });

  it('refuses a cursor of another region or another list', async () => {
    const zero = zeroReports([miss(), miss({ unit: 'Z2' })]);
    const listMissed = makeListMissed({ incidents: await storeWith([]), directory, clock, missedZeroReports: zero });
    const first = await listMissed(inspector, { region: '110100', limit: 1 });
    expect(first.next).toBeDefined();
    await expect(listMissed(inspector, { region: '110101', limit: 1, cursor: first.next })).rejects.toThrow(
      ValidationError,
    );
    const listLate = makeListLate({ incidents: await storeWith([]), directory, clock });
    await expect(listLate(inspector, { region: '110100', limit: 1, cursor: first.next })).rejects.toThrow(
      ValidationError,
    );
  });

  it('answers inspectors inside their jurisdiction only', async () => {
    const listLate = makeListLate({ incidents: await storeWith([]), directory, clock });
    const ask = (actor: Actor) => listLate(actor, { region: '110100', limit: 1 });
    await expect(ask({ sub: 'u', role: 'reporter', region: '110101', unit: 'U-1' })).rejects.toThrow(ForbiddenError);
    await expect(ask({ sub: 'o', role: 'office', region: '110000', level: 'province' })).rejects.toThrow(
      ForbiddenError,
    );
    await expect(ask({ sub: 'sh', role: 'inspector', region: '310000' })).rejects.toThrow(ForbiddenError);
    await expect(ask(inspector)).resolves.toMatchObject({ rows: [] });
  });
});

describe('a county inspector', () => {
  const directory = directoryOf(officers, roster);
  const county: Actor = { sub: 'insp-dc', role: 'inspector', region: '110101' };
  /** Grade III: Dongcheng was silent, then the city was too (its cityToProvince duty missed). */
  const bothSilent = () =>
    head('G3', {
      grade: 'III',
      obligations: [
        neverMet('G3'),
        obligation('G3', {
          obligationId: 'G3-110100-cityToProvince',
          level: 'city',
          office: '110100',
          handover: 'cityToProvince',
          to: { level: 'province', office: '110000' },
          dueAt: '2026-11-22T06:00:00.000Z',
          status: 'missed',
          missedAt: '2026-11-22T06:00:01.000Z',
          escalatedAt: '2026-11-22T06:00:01.000Z',
        }),
      ],
    });

  it('sees the county’s missed duty but not the city’s, and no city leader is named', async () => {
    // PREPARE
    const store = await storeWith([bothSilent()]);
    const listMissed = makeListMissed({ incidents: store, directory, clock, missedZeroReports: zeroReports([]) });

    // ACT
    const countyView = await listMissed(county, { region: '110101', limit: 50 });
    const cityDuty = await listMissed(county, { region: '110101', limit: 50, kind: 'cityToProvince' });
    const cityView = await listMissed(inspector, { region: '110100', limit: 50 });

    // ASSESS
    expect(countyView.rows.map((r) => r.obligationId)).toEqual(['G3-110101-countyToCity']);
    expect(countyView.rows.flatMap((r) => r.firstResponsible.map((p) => p.personId))).toEqual(['P-LI']);
    expect(cityDuty.rows).toEqual([]);
    expect(cityView.rows.map((r) => r.obligationId)).toEqual(['G3-110101-countyToCity', 'G3-110100-cityToProvince']);
  });

  it('counts only the county’s duties in its punctuality table, as the missed list does', async () => {
    const table = makeOfficePunctuality({ incidents: await storeWith([bothSilent()]), clock });
    const result = await table(county, { region: '110101' });
    expect(result.offices.map((o) => [o.office.code, o.held, o.missed])).toEqual([['110101', 1, 1]]);
  });
});

describe('paging a listing', () => {
  const directory = directoryOf(officers, roster);
  const lateAt = (id: string, receivedAt: string) => head(id, { receivedAt, obligations: [lateOnly(id)] });

  it('keeps the first page’s defaulted period on every page, however far the clock moves', async () => {
    // PREPARE: A and B near the far end of the default 30 days, C recent; oldest first in memory.
    const moving = new FakeClock('2026-11-30T00:00:00.000Z');
    const store = await storeWith([
      lateAt('A', '2026-10-31T06:00:00.000Z'),
      lateAt('B', '2026-10-31T12:00:00.000Z'),
      lateAt('C', '2026-11-20T00:00:00.000Z'),
    ]);
    const listLate = makeListLate({ incidents: store, directory, clock: moving });

    // ACT: 18 hours pass between pages, and an incident arrives after the first page's end.
    const first = await listLate(inspector, { region: '110100', limit: 1 });
    moving.advance(18 * 3_600_000);
    await store.append({
      incidentId: 'D',
      expectedVersion: null,
      state: { ...lateAt('D', '2026-11-30T06:00:00.000Z'), version: 1, lastHash: 'D-h1' },
      events: [
        { seq: 1, type: 'ReportSubmitted', data: {}, incidentId: 'D', hash: 'D-h1' } as unknown as IncidentEvent,
      ],
    });
    const pages = [first];
    for (let next = first.next; next; ) {
      const page = await listLate(inspector, { region: '110100', limit: 1, cursor: next });
      pages.push(page);
      next = page.next;
    }

    // ASSESS
    expect(pages.map((p) => p.rows.map((r) => r.incident?.id))).toEqual([['A'], ['B'], ['C']]);
    expect(new Set(pages.map((p) => `${p.from}/${p.to}`))).toEqual(
      new Set(['2026-10-31T00:00:00.000Z/2026-11-30T00:00:00.000Z']),
    );
  });

  it('carries region, period, office and kind; one given again must agree, or the cursor is refused', async () => {
    // PREPARE
    const store = await storeWith([lateAt('A', RECEIVED), lateAt('B', '2026-11-23T00:00:00.000Z')]);
    const listLate = makeListLate({ incidents: store, directory, clock });
    const first = await listLate(inspector, { region: '110100', limit: 1, office: '110101', kind: 'countyToCity' });
    const cursor = first.next;
    if (!cursor) throw new Error('no next page');
    expect(cursor).toMatchObject({
      region: '110100',
      from: first.from,
      to: first.to,
      office: '110101',
      kind: 'countyToCity',
    });

    // ACT / ASSESS: left out, or repeated unchanged, they stand.
    const leftOut = await listLate(inspector, { region: '110100', limit: 1, cursor });
    const repeated = await listLate(inspector, {
      region: '110100',
      limit: 1,
      cursor,
      from: first.from,
      office: '110101',
      kind: 'countyToCity',
    });
    expect(leftOut.rows.map((r) => r.incident?.id)).toEqual(['B']);
    expect(repeated.rows).toEqual(leftOut.rows);
    for (const other of [
      { kind: 'unit-report' as const },
      { office: '110102' },
      { from: '2026-11-01T00:00:00.000Z' },
      { to: '2026-11-29T00:00:00.000Z' },
      { region: '110000' },
    ]) {
      const refusal = await listLate(inspector, { region: '110100', limit: 1, cursor, ...other }).catch((e) => e);
      expect(refusal, JSON.stringify(other)).toBeInstanceOf(ValidationError);
      expect((refusal as ValidationError).details?.map((d) => d.field)).toEqual(['cursor']);
    }
  });

  it('refuses a cursor whose listing breaks the rules, even one that did not come through the API', async () => {
    const listMissed = makeListMissed({
      incidents: await storeWith([]),
      directory,
      clock,
      missedZeroReports: zeroReports([miss()]),
    });
    const base = { region: '110100', from: '2026-11-01T00:00:00.000Z', to: '2026-11-30T00:00:00.000Z' };
    for (const cursor of [
      { ...base, from: '2026-12-01T00:00:00.000Z', phase: 'zero-reports' },
      { ...base, office: '310101', phase: 'zero-reports' },
      { ...base, kind: 'unit-report', phase: 'zero-reports' },
      { ...base, kind: 'countyToCity', phase: 'zero-reports' },
      { ...base, phase: 'zero-reports', after: { periodId: 'DP-9', unit: 'U-0', date: '2026-11-22' } },
    ] as AuditCursor[]) {
      await expect(
        listMissed(inspector, { region: '110100', limit: 1, cursor }),
        JSON.stringify(cursor),
      ).rejects.toThrow(ValidationError);
    }
  });

  it('resumes the zero reports after the last one given, not by a count a new miss would shift', async () => {
    // PREPARE
    const misses: MissedZeroReport[] = [
      miss({ unit: 'Z1', cutoffAt: '2026-11-22T01:00:00.000Z' }),
      miss({ unit: 'Z2', cutoffAt: '2026-11-23T01:00:00.000Z', date: '2026-11-23' }),
      miss({ unit: 'Z3', cutoffAt: '2026-11-24T01:00:00.000Z', date: '2026-11-24' }),
    ];
    const listMissed = makeListMissed({
      incidents: await storeWith([]),
      directory,
      clock,
      missedZeroReports: { missedIn: async () => [...misses] },
    });

    // ACT: between pages the check records a miss with an earlier cut-off (it ran late).
    const first = await listMissed(inspector, { region: '110100', limit: 1 });
    misses.unshift(miss({ unit: 'Z0', cutoffAt: '2026-11-21T01:00:00.000Z', date: '2026-11-21' }));
    const second = await listMissed(inspector, {
      region: '110100',
      limit: 1,
      ...(first.next ? { cursor: first.next } : {}),
    });
    const third = await listMissed(inspector, {
      region: '110100',
      limit: 1,
      ...(second.next ? { cursor: second.next } : {}),
    });

    // ASSESS
    expect([first, second, third].map((p) => p.rows.map((r) => r.unit?.id))).toEqual([['Z1'], ['Z2'], ['Z3']]);
    expect(third.next).toBeUndefined();
  });
});

describe('required elements never supplied', () => {
  const directory = directoryOf(officers, roster);
  const final = (id: string, n: number, over: Partial<ReportSubmittedData> = {}) =>
    reportOf(id, n, { kind: 'final', ...over });

  it('finds measures never given by any report, seriously injured unknown at the end, and unknowns left open', () => {
    const quick = reportOf('A', 1, {
      measuresTaken: '',
      unknowns: 'cause',
      figures: { ...reportOf('A', 1).figures, seriouslyInjured: null },
    });
    // A complete final answers everything the quick report left out.
    expect(missingElementsOf([quick, final('A', 2)], 'A-R2')).toBeUndefined();
    // Measures given once are supplied; the final's own figures and unknowns are what stand.
    expect(
      missingElementsOf(
        [reportOf('A', 1), final('A', 2, { measuresTaken: '', unknowns: 'the cause', figures: quick.figures })],
        'A-R2',
      )?.missing,
    ).toEqual(['seriouslyInjured', 'unknowns']);
    // Never given at all, even with a seriously-injured count given on the way but dropped at the end.
    const lacking = missingElementsOf(
      [quick, reportOf('A', 2, { measuresTaken: ' ' }), final('A', 3, { measuresTaken: '', figures: quick.figures })],
      'A-R3',
    );
    expect(lacking?.missing).toEqual(['measuresTaken', 'seriouslyInjured']);
    // Nobody injured: nobody seriously injured to count.
    const none = { ...quick.figures, injured: 0, seriouslyInjured: null };
    expect(missingElementsOf([final('A', 2, { figures: none })], 'A-R2')).toBeUndefined();
    expect(missingElementsOf([quick], 'A-R9')).toBeUndefined();
  });

  it('holds the unit that sent the final report to account, at the moment it was received', () => {
    // PREPARE: another unit sent the final.
    const reports = [
      reportOf('A', 1, { measuresTaken: '' }),
      final('A', 2, { measuresTaken: '', reporter: { name: 'Li', phone: '+86 10 5555 0000', unit: 'U-7' } }),
    ];
    const missing = missingElementsOf(reports, 'A-R2');
    if (!missing) throw new Error('nothing missing');
    const finalAt = '2026-11-22T03:00:00.000Z';

    // ACT
    const row = withPeople(requiredElementEntry(head('A', { status: 'closed' }), missing), dongcheng);

    // ASSESS: 03:00Z is 11:00 China time, Zhao's shift.
    expect(row).toEqual({
      kind: 'required-element',
      incident: { id: 'A', region: '110101', category: 'accident', grade: 'IV' },
      office: { level: 'county', code: '110101', name: '东城区' },
      unit: { id: 'U-7', name: null },
      obligationId: null,
      zeroReport: null,
      finalReport: { reportId: 'A-R2', receivedAt: finalAt, missingElements: ['measuresTaken'] },
      deadline: finalAt,
      deadlineShortenedFrom: null,
      metAt: null,
      missedAt: finalAt,
      lateByMs: null,
      lateBy: null,
      autoEscalated: false,
      firstResponsible: [],
      directlyResponsible: [],
      onDutyAtDeadline: [{ personId: 'P-ZHAO', name: '赵值班' }],
      personsAt: finalAt,
      directorySince: BEFORE_HISTORY,
    });
    expect(auditRowSchema.safeParse(row).success).toBe(true);
    expect(auditRowsCsv([row]).split('\r\n')[1]).toContain(`,A-R2,${finalAt},measuresTaken,${finalAt},,,${finalAt},`);
  });

  /** C1 closed lacking measures, C2 closed complete, O1 open and silent, C3 closed lacking and silent. */
  const fixture = async () => {
    const at = (minute: number) => new Date(Date.parse(RECEIVED) + minute * 60_000).toISOString();
    const store = await storeWith(
      [
        head('C1', { receivedAt: at(1), status: 'closed' }),
        head('C2', { receivedAt: at(2), status: 'closed' }),
        head('O1', { receivedAt: at(3), obligations: [neverMet('O1')] }),
        head('C3', { receivedAt: at(4), status: 'closed', obligations: [neverMet('C3')] }),
      ],
      {
        C1: [reportOf('C1', 1, { measuresTaken: '' }), final('C1', 2, { measuresTaken: '' })],
        C2: [reportOf('C2', 1), final('C2', 2)],
        O1: [reportOf('O1', 1, { measuresTaken: '' })],
        C3: [reportOf('C3', 1), final('C3', 2, { unknowns: 'the cause' })],
      },
    );
    const listMissed = makeListMissed({ incidents: store, directory, clock, missedZeroReports: zeroReports([]) });
    const listLate = makeListLate({ incidents: store, directory, clock });
    return { store, listMissed, listLate };
  };
  const ids = (rows: readonly AuditRow[]) =>
    rows.map((r) => `${r.incident?.id}:${r.kind}${r.finalReport ? `:${r.finalReport.missingElements.join('+')}` : ''}`);

  it('lists them on the missed list among the incident’s duties by deadline, reading only closed incidents’ logs', async () => {
    // PREPARE
    const { store, listMissed } = await fixture();

    // ACT
    const page = await listMissed(inspector, { region: '110100', limit: 50 });

    // ASSESS
    expect(ids(page.rows)).toEqual([
      'C1:required-element:measuresTaken',
      'O1:countyToCity',
      'C3:required-element:unknowns',
      'C3:countyToCity',
    ]);
    expect([...store.logsRead].sort()).toEqual(['C1', 'C2', 'C3']);
  });

  it('filters by kind=required-element and office, and reads no log when the kind rules them out', async () => {
    const { store, listMissed, listLate } = await fixture();
    const only = await listMissed(inspector, { region: '110100', limit: 50, kind: 'required-element' });
    expect(ids(only.rows)).toEqual(['C1:required-element:measuresTaken', 'C3:required-element:unknowns']);
    const elsewhere = await listMissed(inspector, { region: '110100', limit: 50, office: '110102' });
    expect(elsewhere.rows).toEqual([]);
    store.logsRead.length = 0;
    await listMissed(inspector, { region: '110100', limit: 50, kind: 'countyToCity' });
    await listMissed(inspector, { region: '110100', limit: 50, office: '110102' });
    await listLate(inspector, { region: '110100', limit: 50 });
    expect(store.logsRead).toEqual([]);
  });

  it('counts the row when cutting pages, so an incident’s rows stay together', async () => {
    const { listMissed } = await fixture();
    const pages: string[][] = [];
    let cursor: AuditCursor | undefined;
    do {
      const page = await listMissed(inspector, { region: '110100', limit: 1, ...(cursor ? { cursor } : {}) });
      pages.push(ids(page.rows));
      cursor = page.next;
    } while (cursor);
    expect(pages.filter((p) => p.length > 0)).toEqual([
      ['C1:required-element:measuresTaken'],
      ['O1:countyToCity'],
      ['C3:required-element:unknowns', 'C3:countyToCity'],
    ]);
  });

  it('reads at most MAX_LOGS_PER_PAGE logs a page, and answers early with a cursor past the last one judged', async () => {
    // PREPARE: more complete closed incidents than one page may read, then one lacking measures.
    const at = (i: number) => new Date(Date.parse(RECEIVED) + i * 1_000).toISOString();
    const count = MAX_LOGS_PER_PAGE + 30;
    const heads = Array.from({ length: count + 1 }, (_, i) =>
      head(`K${String(i).padStart(4, '0')}`, { receivedAt: at(i), status: 'closed' }),
    );
    const reports = Object.fromEntries(
      heads.map((h, i) => [
        h.incidentId,
        i === count
          ? [reportOf(h.incidentId, 1, { measuresTaken: '' }), final(h.incidentId, 2, { measuresTaken: '' })]
          : [reportOf(h.incidentId, 1), final(h.incidentId, 2)],
      ]),
    );
    const store = await storeWith(heads, reports);
    const listMissed = makeListMissed({ incidents: store, directory, clock, missedZeroReports: zeroReports([]) });

    // ACT
    const reads: number[] = [];
    const rows: string[] = [];
    let cursor: AuditCursor | undefined;
    do {
      store.logsRead.length = 0;
      const page = await listMissed(inspector, { region: '110100', limit: 50, ...(cursor ? { cursor } : {}) });
      reads.push(store.logsRead.length);
      rows.push(...ids(page.rows));
      cursor = page.next;
    } while (cursor);

    // ASSESS: each log read once, no page over the bound, the one row found.
    expect(Math.max(...reads)).toBeLessThanOrEqual(MAX_LOGS_PER_PAGE);
    expect(reads.reduce((a, b) => a + b, 0)).toBe(count + 1);
    expect(rows).toEqual([`K${String(count).padStart(4, '0')}:required-element:measuresTaken`]);
  });
});

describe('the punctuality table', () => {
  it('counts each office’s obligations over every page of incidents', async () => {
    // PREPARE: more incidents than one read returns.
    const heads = Array.from({ length: 205 }, (_, i) =>
      head(`P${String(i).padStart(3, '0')}`, { obligations: [i % 5 === 0 ? lateOnly(`P${i}`) : onTime(`P${i}`)] }),
    );
    const table = makeOfficePunctuality({ incidents: await storeWith(heads), clock });

    // ACT
    const result = await table(inspector, { region: '110101' });

    // ASSESS: 41 late of 205; 164 delays of 0 and 41 of 15 min → median 0, p90 15 min.
    expect(result.offices).toEqual([
      {
        office: { level: 'county', code: '110101', name: '东城区' },
        held: 205,
        metOnTime: 164,
        metLate: 41,
        missed: 0,
        pending: 0,
        waived: 0,
        onTimeRate: 164 / 205,
        medianDelayMs: 0,
        p90DelayMs: 900_000,
      },
    ]);
  });

  it('is for inspectors only', async () => {
    const table = makeOfficePunctuality({ incidents: await storeWith([]), clock });
    await expect(
      table({ sub: 'o', role: 'office', region: '110100', level: 'city' }, { region: '110100' }),
    ).rejects.toThrow(ForbiddenError);
  });
});
