/**
 * Grades of a public emergency and the work-safety thresholds of State Council Decree 493,
 * Art. 3, which decide a grade from the figures when nobody has assessed it.
 */
export const GRADES = ['I', 'II', 'III', 'IV'] as const;
export type Grade = (typeof GRADES)[number];

/** Lower rank = graver. */
export const gradeRank = (grade: Grade): number => GRADES.indexOf(grade);

/** True if `a` is graver than `b`. */
export const isGraver = (a: Grade, b: Grade): boolean => gradeRank(a) < gradeRank(b);

export const graver = (a: Grade, b: Grade): Grade => (isGraver(a, b) ? a : b);

export interface GradeFigures {
  readonly dead: number;
  readonly missing: number;
  /** Seriously injured where the report distinguishes them; otherwise all injured. */
  readonly seriouslyInjured: number;
  readonly directLossYuan: number;
}

const THRESHOLDS: readonly { grade: Grade; dead: number; seriouslyInjured: number; lossYuan: number }[] = [
  { grade: 'I', dead: 30, seriouslyInjured: 100, lossYuan: 100_000_000 },
  { grade: 'II', dead: 10, seriouslyInjured: 50, lossYuan: 50_000_000 },
  { grade: 'III', dead: 3, seriouslyInjured: 10, lossYuan: 10_000_000 },
];

/**
 * The grade the figures reach: the gravest grade any one of the three measures reaches.
 * Missing persons count with the dead here, as the work-safety statistics do (死亡（含失踪）):
 * a report with 12 missing must reach the national level even before anyone is confirmed dead.
 * They stay a separate figure everywhere else.
 */
export const assessGrade = (figures: GradeFigures): Grade => {
  const deadOrMissing = figures.dead + figures.missing;
  for (const t of THRESHOLDS) {
    if (
      deadOrMissing >= t.dead ||
      figures.seriouslyInjured >= t.seriouslyInjured ||
      figures.directLossYuan >= t.lossYuan
    ) {
      return t.grade;
    }
  }
  return 'IV';
};
