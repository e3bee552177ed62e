/**
 * The candidate rules, at and around each of their thresholds: Decree 493's grade thresholds for
 * a correction across a grade, the far-above rule for a final report, and the reporting unit.
 */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/access';
import { type Candidate, candidatesOf, FAR_ABOVE } from '../../shared/domain/candidates';
import type { Figures, IncidentEvent, ReportKind, ReportSubmittedData } from '../../shared/domain/incident';
import { ZERO_FIGURES } from '../../shared/domain/incident';

const INCIDENT = 'INC-20261122-7K3F9Q2M';
const UNIT: Actor = { sub: 'unit-110101-U-1', role: 'reporter', region: '110101', unit: 'U-1' };

interface Report {
  readonly figures?: Partial<Figures>;
  readonly kind?: ReportKind;
  readonly unit?: string;
  readonly concernedUnit?: string;
  readonly actor?: Actor;
}

/** An incident's log of reports only, numbered in order: all the candidate rules read. */
const logOf = (...reports: Report[]): IncidentEvent[] =>
  reports.map((report, index) => {
    const reportNumber = index + 1;
    const unit = report.unit ?? 'U-1';
    const data: ReportSubmittedData = {
      reportId: `${INCIDENT}-R${reportNumber}`,
      kind: report.kind ?? (index === 0 ? 'initial' : 'follow-up'),
      reportNumber,
      office: '110101',
      reporter: { name: 'Wang Li', phone: '+86 10 1234 5678', unit },
      ...(report.concernedUnit ? { concernedUnit: report.concernedUnit } : {}),
      occurredAt: '2026-11-22T00:10:00.000Z',
      learnedAt: '2026-11-22T00:25:00.000Z',
      receivedAt: `2026-11-22T0${reportNumber}:00:00.000Z`,
      regionCode: '110101',
      location: { address: 'No. 3 shaft' },
      category: 'accident',
      subtype: 'mine flooding',
      proposedGrade: null,
      assessedGrade: 'IV',
      figures: { ...ZERO_FIGURES, ...report.figures },
      delta: { ...ZERO_FIGURES, seriouslyInjured: 0 },
      summary: 'Water broke into the No. 3 shaft.',
      measuresTaken: '',
      unknowns: '',
    };
    return {
      v: 1,
      incidentId: INCIDENT,
      seq: reportNumber,
      type: 'ReportSubmitted',
      at: data.receivedAt,
      actor: report.actor ?? { ...UNIT, sub: `unit-110101-${unit}`, unit },
      scope: {
        regionCode: '110101',
        county: '110101',
        city: '110100',
        province: '110000',
        category: 'accident',
        grade: 'IV',
      },
      data,
      prevHash: '',
      hash: '',
    };
  });

const ofReason = <R extends Candidate['reason']>(candidates: readonly Candidate[], reason: R) =>
  candidates.filter((c): c is Extract<Candidate, { reason: R }> => c.reason === reason);

const crossings = (...reports: Report[]) => ofReason(candidatesOf(logOf(...reports)), 'grade-threshold-crossed');
const farAbove = (...reports: Report[]) => ofReason(candidatesOf(logOf(...reports)), 'final-far-above-initial');

describe('a later report whose figures cross a grade threshold', () => {
  // [measure, the figures just below a threshold, at it, the grades either side]
  const thresholds: [string, Partial<Figures>, Partial<Figures>, string, string][] = [
    ['dead, grade III at 3', { dead: 2 }, { dead: 3 }, 'IV', 'III'],
    ['dead, grade II at 10', { dead: 9 }, { dead: 10 }, 'III', 'II'],
    ['dead, grade I at 30', { dead: 29 }, { dead: 30 }, 'II', 'I'],
    ['missing counted with the dead', { dead: 2, missing: 0 }, { dead: 2, missing: 1 }, 'IV', 'III'],
    [
      'seriously injured, grade III at 10',
      { injured: 20, seriouslyInjured: 9 },
      { injured: 20, seriouslyInjured: 10 },
      'IV',
      'III',
    ],
    [
      'seriously injured, grade II at 50',
      { injured: 60, seriouslyInjured: 49 },
      { injured: 60, seriouslyInjured: 50 },
      'III',
      'II',
    ],
    [
      'seriously injured, grade I at 100',
      { injured: 120, seriouslyInjured: 99 },
      { injured: 120, seriouslyInjured: 100 },
      'II',
      'I',
    ],
    ['all injured when the seriously injured are not given', { injured: 9 }, { injured: 10 }, 'IV', 'III'],
    ['loss, grade III at ¥10 M', { directLossYuan: 9_999_999 }, { directLossYuan: 10_000_000 }, 'IV', 'III'],
    ['loss, grade II at ¥50 M', { directLossYuan: 49_999_999 }, { directLossYuan: 50_000_000 }, 'III', 'II'],
    ['loss, grade I at ¥100 M', { directLossYuan: 99_999_999 }, { directLossYuan: 100_000_000 }, 'II', 'I'],
  ];

  it.each(thresholds)('%s: upward at the threshold, downward back below it', (_name, below, at, lower, higher) => {
    const [up] = crossings({ figures: below }, { figures: at });
    expect(up).toMatchObject({
      reason: 'grade-threshold-crossed',
      suggests: 'false-report',
      reportIds: [`${INCIDENT}-R1`, `${INCIDENT}-R2`],
      evidence: { direction: 'upward', earlier: { grade: lower }, later: { grade: higher } },
    });
    const [down] = crossings({ figures: at }, { figures: below });
    expect(down?.evidence).toMatchObject({
      direction: 'downward',
      earlier: { grade: higher },
      later: { grade: lower },
    });
  });

  it.each(thresholds)('%s: nothing while the figures stay on one side', (_name, below, at) => {
    expect(crossings({ figures: below }, { figures: below })).toEqual([]);
    expect(crossings({ figures: at }, { figures: at })).toEqual([]);
  });

  it('moves inside a grade are not crossings, however large', () => {
    expect(crossings({ figures: { dead: 3 } }, { figures: { dead: 9 } })).toEqual([]);
    expect(crossings({ figures: { directLossYuan: 10_000_000 } }, { figures: { directLossYuan: 49_999_999 } })).toEqual(
      [],
    );
    expect(crossings({ figures: { dead: 0 } }, { figures: { dead: 2, injured: 9 } })).toEqual([]);
  });

  it('names the reports, the figures that crossed and the grades, in words', () => {
    const [candidate] = crossings({ figures: { dead: 1, missing: 1 } }, { figures: { dead: 4, missing: 1 } });
    expect(candidate?.evidence.measures).toEqual([
      { measure: 'dead-or-missing', from: 2, to: 5, fromGrade: 'IV', toGrade: 'III' },
    ]);
    expect(candidate?.explanation).toContain(`report 2 (${INCIDENT}-R2, follow-up)`);
    expect(candidate?.explanation).toContain(`report 1 (${INCIDENT}-R1, initial)`);
    expect(candidate?.explanation).toContain('dead and missing 2 → 5 (grade IV → III)');
    expect(candidate?.explanation).toContain('upward');
  });

  it('lists every measure whose own grade changed', () => {
    const [candidate] = crossings(
      { figures: { dead: 2, directLossYuan: 1_000_000 } },
      { figures: { dead: 12, directLossYuan: 20_000_000 } },
    );
    expect(candidate?.evidence.measures.map((m) => [m.measure, m.fromGrade, m.toGrade])).toEqual([
      ['dead-or-missing', 'IV', 'II'],
      ['direct-loss', 'IV', 'III'],
    ]);
    expect(candidate?.explanation).toContain('direct loss (yuan) ¥1,000,000 → ¥20,000,000 (grade IV → III)');
  });

  it('compares each report with the one before it: up and back down are two crossings', () => {
    const found = crossings({ figures: { dead: 2 } }, { figures: { dead: 3 } }, { figures: { dead: 2 } });
    expect(found.map((c) => [c.reportIds, c.evidence.direction])).toEqual([
      [[`${INCIDENT}-R1`, `${INCIDENT}-R2`], 'upward'],
      [[`${INCIDENT}-R2`, `${INCIDENT}-R3`], 'downward'],
    ]);
  });

  it('a single report has nothing to cross', () => {
    expect(crossings({ figures: { dead: 40 } })).toEqual([]);
    expect(candidatesOf([])).toEqual([]);
  });
});

describe('an incident first reported by another unit or from above', () => {
  it('flags later reports from a unit other than the first report’s, naming both', () => {
    const found = ofReason(
      candidatesOf(logOf({ unit: 'U-VILLAGE' }, { unit: 'U-MINE' }, { unit: 'U-VILLAGE' }, { unit: 'U-MINE' })),
      'first-reported-by-another-unit',
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      suggests: 'concealed-report',
      reportIds: [`${INCIDENT}-R1`, `${INCIDENT}-R2`, `${INCIDENT}-R4`],
      evidence: {
        first: { unit: 'U-VILLAGE', reportId: `${INCIDENT}-R1` },
        laterUnits: [{ unit: 'U-MINE', reportIds: [`${INCIDENT}-R2`, `${INCIDENT}-R4`] }],
      },
    });
    expect(found[0]?.explanation).toContain('unit U-VILLAGE');
    expect(found[0]?.explanation).toContain(`unit U-MINE (${INCIDENT}-R2, ${INCIDENT}-R4)`);
  });

  it('flags a first report from a unit other than the one it names as where the incident happened', () => {
    const found = ofReason(
      candidatesOf(logOf({ unit: 'U-HOSPITAL', concernedUnit: 'U-MINE' }, { unit: 'U-HOSPITAL' })),
      'first-reported-by-another-unit',
    );
    expect(found).toEqual([
      expect.objectContaining({
        reportIds: [`${INCIDENT}-R1`],
        evidence: { first: expect.objectContaining({ unit: 'U-HOSPITAL' }), concernedUnit: 'U-MINE', laterUnits: [] },
      }),
    ]);
    expect(found[0]?.explanation).toContain('happened at unit U-MINE');
  });

  it('says nothing when the unit where it happened reports it itself', () => {
    const found = candidatesOf(logOf({ unit: 'U-MINE', concernedUnit: 'U-MINE' }, { unit: 'U-MINE' }));
    expect(ofReason(found, 'first-reported-by-another-unit')).toEqual([]);
  });

  it('says nothing while one unit does all the reporting', () => {
    expect(ofReason(candidatesOf(logOf({}, {}, { kind: 'final' })), 'first-reported-by-another-unit')).toEqual([]);
  });

  it('flags a first report recorded by an office rather than a reporting unit', () => {
    const office: Actor = { sub: 'beijing', role: 'office', region: '110100', level: 'city' };
    const found = ofReason(candidatesOf(logOf({ actor: office }, {})), 'first-reported-from-above');
    expect(found).toEqual([
      expect.objectContaining({
        suggests: 'concealed-report',
        reportIds: [`${INCIDENT}-R1`],
        evidence: expect.objectContaining({ recordedBy: { sub: 'beijing', role: 'office', region: '110100' } }),
      }),
    ]);
    expect(ofReason(candidatesOf(logOf({}, { actor: office })), 'first-reported-from-above')).toEqual([]);
  });
});

describe('a final report far above the initial one', () => {
  const measure = (name: 'dead' | 'seriouslyInjured' | 'directLossYuan', value: number): Partial<Figures> =>
    name === 'seriouslyInjured' ? { injured: value, seriouslyInjured: value } : { [name]: value };

  // [figure, initial, final, far above?]
  const cases: ['dead' | 'seriouslyInjured' | 'directLossYuan', number, number, boolean][] = [
    ['dead', 0, 3, true],
    ['dead', 0, 2, false],
    ['dead', 3, 6, true],
    ['dead', 3, 5, false],
    ['dead', 4, 7, false],
    ['dead', 4, 8, true],
    ['dead', 10, 19, false],
    ['dead', 10, 20, true],
    ['seriouslyInjured', 0, 10, true],
    ['seriouslyInjured', 0, 9, false],
    ['seriouslyInjured', 10, 19, false],
    ['seriouslyInjured', 10, 20, true],
    ['directLossYuan', 0, 1_000_000, true],
    ['directLossYuan', 0, 999_999, false],
    ['directLossYuan', 1_000_000, 2_000_000, true],
    ['directLossYuan', 1_000_000, 1_999_999, false],
    ['directLossYuan', 600_000, 1_500_000, false],
  ];

  it.each(cases)('%s %d → %d: far above is %s', (name, initial, final, flagged) => {
    const found = farAbove({ figures: measure(name, initial) }, { figures: measure(name, final), kind: 'final' });
    expect(found).toHaveLength(flagged ? 1 : 0);
    if (flagged) expect(found[0]?.suggests).toBe('concealed-report');
  });

  it('keeps its thresholds where the rule says: twice the initial figure and a floor per measure', () => {
    expect(FAR_ABOVE).toEqual({
      'dead-or-missing': { ratio: 2, increase: 3 },
      'seriously-injured': { ratio: 2, increase: 10 },
      'direct-loss': { ratio: 2, increase: 1_000_000 },
    });
  });

  it('counts the missing with the dead', () => {
    const found = farAbove({ figures: { dead: 1, missing: 1 } }, { figures: { dead: 2, missing: 3 }, kind: 'final' });
    expect(found[0]?.evidence.measures).toEqual([{ measure: 'dead-or-missing', initial: 2, final: 5, increase: 3 }]);
  });

  it('compares the final report with the initial one, not the follow-ups in between', () => {
    const found = farAbove(
      { figures: { dead: 1 } },
      { figures: { dead: 5 } },
      { figures: { dead: 6, directLossYuan: 3_000_000 }, kind: 'final' },
    );
    expect(found[0]).toMatchObject({ reportIds: [`${INCIDENT}-R1`, `${INCIDENT}-R3`] });
    expect(found[0]?.evidence.measures.map((m) => m.measure)).toEqual(['dead-or-missing', 'direct-loss']);
    expect(found[0]?.explanation).toContain('dead and missing 1 → 6 (6.0×, +5; far above means at least 2× and +3)');
    expect(found[0]?.explanation).toContain('direct loss (yuan) ¥0 → ¥3,000,000 (from none, +¥3,000,000');
  });

  it('is about final reports only: a follow-up far above the initial report is not one', () => {
    expect(farAbove({ figures: { dead: 0 } }, { figures: { dead: 8 } })).toEqual([]);
  });
});
