import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assessGrade, GRADES, type Grade, type GradeFigures, graver, isGraver } from '../../shared/domain/grade';

const NOTHING: GradeFigures = { dead: 0, missing: 0, seriouslyInjured: 0, directLossYuan: 0 };

const figures = (partial: Partial<GradeFigures>): GradeFigures => ({ ...NOTHING, ...partial });

describe('assessGrade: the thresholds of Decree 493, Art. 3', () => {
  it('grades an incident with no casualties and no loss as IV (general)', () => {
    // ACT
    const grade = assessGrade(NOTHING);

    // ASSESS
    expect(grade).toBe('IV');
  });

  it.each<[number, Grade]>([
    [2, 'IV'],
    [3, 'III'],
    [9, 'III'],
    [10, 'II'],
    [29, 'II'],
    [30, 'I'],
  ])('grades %i dead as %s', (dead, expected) => {
    // ACT
    const grade = assessGrade(figures({ dead }));

    // ASSESS
    expect(grade).toBe(expected);
  });

  it.each<[number, Grade]>([
    [9, 'IV'],
    [10, 'III'],
    [49, 'III'],
    [50, 'II'],
    [99, 'II'],
    [100, 'I'],
  ])('grades %i seriously injured as %s', (seriouslyInjured, expected) => {
    // ACT
    const grade = assessGrade(figures({ seriouslyInjured }));

    // ASSESS
    expect(grade).toBe(expected);
  });

  it.each<[number, Grade]>([
    [9_999_999, 'IV'],
    [10_000_000, 'III'],
    [49_999_999, 'III'],
    [50_000_000, 'II'],
    [99_999_999, 'II'],
    [100_000_000, 'I'],
  ])('grades a direct economic loss of ¥%i as %s', (directLossYuan, expected) => {
    // ACT
    const grade = assessGrade(figures({ directLossYuan }));

    // ASSESS
    expect(grade).toBe(expected);
  });

  it.each<[number, number, Grade]>([
    [0, 2, 'IV'],
    [0, 3, 'III'],
    [1, 2, 'III'],
    [0, 10, 'II'],
    [2, 8, 'II'],
    [0, 30, 'I'],
    [15, 15, 'I'],
    [29, 0, 'II'],
  ])('counts the missing with the dead: %i dead and %i missing is %s', (dead, missing, expected) => {
    // ACT
    const grade = assessGrade(figures({ dead, missing }));

    // ASSESS
    expect(grade).toBe(expected);
  });

  it('takes the gravest grade any one measure reaches', () => {
    // PREPARE: dead alone reach III, seriously injured alone II, the loss alone IV
    const mixed = figures({ dead: 3, seriouslyInjured: 50, directLossYuan: 1_000_000 });

    // ACT
    const grade = assessGrade(mixed);

    // ASSESS
    expect(grade).toBe('II');
  });

  it('never grades lower when any figure grows (property)', () => {
    const measure = fc.nat({ max: 200 });
    const loss = fc.nat({ max: 200_000_000 });
    const arbitraryFigures = fc.record({
      dead: measure,
      missing: measure,
      seriouslyInjured: measure,
      directLossYuan: loss,
    });
    fc.assert(
      fc.property(arbitraryFigures, arbitraryFigures, (a, b) => {
        // PREPARE: the grown figures are at least those of a in every measure
        const grown: GradeFigures = {
          dead: a.dead + b.dead,
          missing: a.missing + b.missing,
          seriouslyInjured: a.seriouslyInjured + b.seriouslyInjured,
          directLossYuan: a.directLossYuan + b.directLossYuan,
        };

        // ACT + ASSESS
        expect(isGraver(assessGrade(a), assessGrade(grown))).toBe(false);
      }),
    );
  });
});

describe('comparing grades', () => {
  it.each<[Grade, Grade, boolean]>([
    ['I', 'II', true],
    ['I', 'IV', true],
    ['II', 'III', true],
    ['III', 'IV', true],
    ['II', 'I', false],
    ['IV', 'III', false],
    ['I', 'I', false],
    ['IV', 'IV', false],
  ])('isGraver(%s, %s) is %s', (a, b, expected) => {
    // ACT + ASSESS
    expect(isGraver(a, b)).toBe(expected);
  });

  it.each<[Grade, Grade, Grade]>([
    ['I', 'IV', 'I'],
    ['IV', 'I', 'I'],
    ['III', 'II', 'II'],
    ['II', 'III', 'II'],
    ['III', 'III', 'III'],
  ])('graver(%s, %s) is %s', (a, b, expected) => {
    // ACT + ASSESS
    expect(graver(a, b)).toBe(expected);
  });

  it('orders the four grades I (particularly serious) to IV (general)', () => {
    // ACT
    const sorted = [...GRADES].reverse().sort((a, b) => (isGraver(a, b) ? -1 : isGraver(b, a) ? 1 : 0));

    // ASSESS
    expect(sorted).toEqual(['I', 'II', 'III', 'IV']);
  });
});
