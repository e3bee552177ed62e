/**
 * Candidates for inspection: the traces a false or a concealed report leaves in an incident's log
 * (docs/domain.md#the-four-failures). A candidate is not a finding. It tells an
 * inspector where to look and why; only an inspector, having looked, records what happened.
 *
 * Every rule reads the log alone, so the same log always yields the same candidates and an
 * inspector can check each one against the events it names.
 */

import type { Actor } from './access';
import { assessGrade, type Grade, isGraver } from './grade';
import type { Figures, FindingKind, IncidentEvent, ReportKind, ReportSubmittedData } from './incident';

export const CANDIDATE_REASONS = [
  'grade-threshold-crossed',
  'first-reported-by-another-unit',
  'first-reported-from-above',
  'final-far-above-initial',
] as const;
export type CandidateReason = (typeof CANDIDATE_REASONS)[number];

/** The figures Decree 493 grades on, as a report gave them. */
export const GRADED_MEASURES = ['dead-or-missing', 'seriously-injured', 'direct-loss'] as const;
export type GradedMeasure = (typeof GRADED_MEASURES)[number];

/** One report as a candidate names it. */
export interface ReportRef {
  readonly reportId: string;
  readonly reportNumber: number;
  readonly kind: ReportKind;
  readonly unit: string;
  readonly receivedAt: string;
}

/** One graded measure of two reports, and the grade each value reaches on its own. */
export interface MeasureChange {
  readonly measure: GradedMeasure;
  readonly from: number;
  readonly to: number;
  readonly fromGrade: Grade;
  readonly toGrade: Grade;
}

export interface GradeCrossing {
  readonly direction: 'upward' | 'downward';
  readonly earlier: ReportRef & { readonly grade: Grade };
  readonly later: ReportRef & { readonly grade: Grade };
  /** The measures whose own grade changed between the two reports: what crossed the threshold. */
  readonly measures: readonly MeasureChange[];
}

export interface UnitChange {
  readonly first: ReportRef;
  /** The unit where the incident happened, when a report named it (and the first report's unit is another). */
  readonly concernedUnit?: string;
  /** Every other unit that reported on the incident, with its reports. */
  readonly laterUnits: readonly { readonly unit: string; readonly reportIds: readonly string[] }[];
}

export interface FirstReportFromAbove {
  readonly first: ReportRef;
  /** Who recorded the first report: not a reporting unit. */
  readonly recordedBy: Pick<Actor, 'sub' | 'role' | 'region'>;
}

export interface FarAbove {
  readonly initial: ReportRef;
  readonly final: ReportRef;
  /** The measures that grew "far" (see {@link FAR_ABOVE}). */
  readonly measures: readonly {
    readonly measure: GradedMeasure;
    readonly initial: number;
    readonly final: number;
    readonly increase: number;
  }[];
}

interface CandidateShape<R extends CandidateReason, E> {
  readonly incidentId: string;
  readonly reason: R;
  /** The finding the pattern would support, if the inspector confirms it. */
  readonly suggests: FindingKind;
  /** The reports the candidate rests on. */
  readonly reportIds: readonly string[];
  /** The candidate in plain words, with the figures, for someone who has not read the log. */
  readonly explanation: string;
  readonly evidence: E;
}

export type Candidate =
  | CandidateShape<'grade-threshold-crossed', GradeCrossing>
  | CandidateShape<'first-reported-by-another-unit', UnitChange>
  | CandidateShape<'first-reported-from-above', FirstReportFromAbove>
  | CandidateShape<'final-far-above-initial', FarAbove>;

/**
 * When a final report is "far above" the initial one: on any one measure, at least `ratio` times
 * the initial figure *and* at least `increase` more. Both, because figures legitimately grow as
 * the missing are found and the damage is surveyed: the ratio alone would flag 1 → 2 dead, the
 * increase alone would flag every large disaster that grows by a few percent.
 */
export const FAR_ABOVE: Readonly<Record<GradedMeasure, { readonly ratio: number; readonly increase: number }>> = {
  // 3 dead or missing is Decree 493's lowest threshold (grade III): an understatement of that size
  // can keep a whole grade, and the offices it must reach, out of the first report.
  'dead-or-missing': { ratio: 2, increase: 3 },
  // 10 seriously injured is the grade III threshold for injuries, for the same reason.
  'seriously-injured': { ratio: 2, increase: 10 },
  // ¥1 M is a tenth of the grade III loss threshold (¥10 M): below it, revisions are the ordinary
  // course of surveying damage; above it, the first figure was off by an amount that matters.
  'direct-loss': { ratio: 2, increase: 1_000_000 },
};

const MEASURE_WORDS: Record<GradedMeasure, string> = {
  'dead-or-missing': 'dead and missing',
  'seriously-injured': 'seriously injured',
  'direct-loss': 'direct loss (yuan)',
};

/**
 * A report's value of each graded measure. Without a separate count of the seriously injured,
 * all injured count, as intake grades them; missing persons count with the dead, as Decree 493's
 * statistics do (see `assessGrade`).
 */
export const measuresOf = (figures: Figures): Record<GradedMeasure, number> => ({
  'dead-or-missing': figures.dead + figures.missing,
  'seriously-injured': figures.seriouslyInjured ?? figures.injured,
  'direct-loss': figures.directLossYuan,
});

/** The grade one measure reaches on its own. */
const gradeOfMeasure = (measure: GradedMeasure, value: number): Grade =>
  assessGrade({
    dead: measure === 'dead-or-missing' ? value : 0,
    missing: 0,
    seriouslyInjured: measure === 'seriously-injured' ? value : 0,
    directLossYuan: measure === 'direct-loss' ? value : 0,
  });

/** The grade a report's figures reach under Decree 493 (the gravest any measure reaches). */
export const gradeOfFigures = (figures: Figures): Grade => {
  const values = measuresOf(figures);
  return assessGrade({
    dead: values['dead-or-missing'],
    missing: 0,
    seriouslyInjured: values['seriously-injured'],
    directLossYuan: values['direct-loss'],
  });
};

const refOf = (report: ReportSubmittedData): ReportRef => ({
  reportId: report.reportId,
  reportNumber: report.reportNumber,
  kind: report.kind,
  unit: report.reporter.unit,
  receivedAt: report.receivedAt,
});

const named = (ref: ReportRef, withKind = true): string =>
  `report ${ref.reportNumber} (${ref.reportId}${withKind ? `, ${ref.kind}` : ''})`;
const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
const amount = (measure: GradedMeasure, value: number): string =>
  measure === 'direct-loss' ? `¥${value.toLocaleString('en-US')}` : String(value);

/**
 * (a) A later report whose figures reach another grade than the report before it did, upward or
 * downward: one of the two gave figures that were wrong by a whole grade, which is what a false
 * report (谎报) looks like from the outside. Each pair of consecutive reports is compared, so a
 * grade that goes up and comes back down shows as two crossings.
 */
export const gradeCrossings = (incidentId: string, reports: readonly ReportSubmittedData[]): Candidate[] =>
  reports.slice(1).flatMap((later, index) => {
    const earlier = reports[index];
    if (!earlier) return [];
    const fromGrade = gradeOfFigures(earlier.figures);
    const toGrade = gradeOfFigures(later.figures);
    if (fromGrade === toGrade) return [];
    const direction = isGraver(toGrade, fromGrade) ? 'upward' : 'downward';
    const before = measuresOf(earlier.figures);
    const after = measuresOf(later.figures);
    const measures: MeasureChange[] = GRADED_MEASURES.flatMap((measure) => {
      const change = {
        measure,
        from: before[measure],
        to: after[measure],
        fromGrade: gradeOfMeasure(measure, before[measure]),
        toGrade: gradeOfMeasure(measure, after[measure]),
      };
      return change.fromGrade === change.toGrade ? [] : [change];
    });
    const e = { ...refOf(earlier), grade: fromGrade };
    const l = { ...refOf(later), grade: toGrade };
    const what = measures
      .map(
        (m) =>
          `${MEASURE_WORDS[m.measure]} ${amount(m.measure, m.from)} → ${amount(m.measure, m.to)} (grade ${m.fromGrade} → ${m.toGrade})`,
      )
      .join('; ');
    const candidate: Candidate = {
      incidentId,
      reason: 'grade-threshold-crossed',
      suggests: 'false-report',
      reportIds: [e.reportId, l.reportId],
      explanation:
        `The figures of ${named(l)} reach grade ${toGrade}, those of ${named(e)} grade ${fromGrade}: ` +
        `${what}. A correction ${direction} across a Decree 493 grade threshold means one of the two ` +
        'reports was wrong by a whole grade; check whether it was false.',
      evidence: { direction, earlier: e, later: l, measures },
    };
    return [candidate];
  });

/**
 * (b) An incident first reported by another unit. Two ways the log shows it:
 * - a report names the unit where the incident happened (`concernedUnit`: the mine, the factory)
 *   and the first report came from a different unit (a township, a hospital, a neighbour);
 * - some later report of the incident comes from a unit other than the first report's (the log
 *   records every report's unit, which intake checks against the token).
 * That is how an incident looks when the unit where it happened kept quiet until another unit had
 * reported it — a concealed report (瞒报) — though the second is also how a hand-over between units
 * looks, which is why it is a candidate and not a finding.
 */
export const unitChanges = (incidentId: string, reports: readonly ReportSubmittedData[]): Candidate[] => {
  const [first, ...later] = reports;
  if (!first) return [];
  const others = new Map<string, string[]>();
  for (const report of later) {
    if (report.reporter.unit === first.reporter.unit) continue;
    others.set(report.reporter.unit, [...(others.get(report.reporter.unit) ?? []), report.reportId]);
  }
  const concernedUnit = reports.find((r) => r.concernedUnit !== undefined)?.concernedUnit;
  const namedElsewhere = concernedUnit !== undefined && concernedUnit !== first.reporter.unit;
  if (others.size === 0 && !namedElsewhere) return [];
  const laterUnits = [...others].map(([unit, reportIds]) => ({ unit, reportIds }));
  const ref = refOf(first);
  const sentences = [
    namedElsewhere
      ? `The incident happened at unit ${concernedUnit}, but ${named(ref)} came from unit ${ref.unit}.`
      : `${capitalised(named(ref))} came from unit ${ref.unit}.`,
    ...(laterUnits.length > 0
      ? [
          `Later reports came from ${laterUnits.map((u) => `unit ${u.unit} (${u.reportIds.join(', ')})`).join(' and ')}.`,
        ]
      : []),
    'When another unit reports an incident first, the unit where it happened may have concealed it; ' +
      'check which unit it concerns and when that unit knew.',
  ];
  return [
    {
      incidentId,
      reason: 'first-reported-by-another-unit',
      suggests: 'concealed-report',
      reportIds: [ref.reportId, ...laterUnits.flatMap((u) => u.reportIds)],
      explanation: sentences.join(' '),
      evidence: { first: ref, ...(namedElsewhere ? { concernedUnit } : {}), laterUnits },
    },
  ];
};

/**
 * (b) An incident first reported from above: its first report was recorded by someone other than
 * a reporting unit (an office or an inspector that learned of it elsewhere). Intake accepts reports
 * only from reporting units today, so this reads the actor of the first report, which the log
 * keeps, and holds for any route that ever lets an office open an incident.
 */
export const reportsFromAbove = (incidentId: string, firstEvent: IncidentEvent | undefined): Candidate[] => {
  if (firstEvent?.type !== 'ReportSubmitted' || firstEvent.actor.role === 'reporter') return [];
  const ref = refOf(firstEvent.data);
  const { sub, role, region } = firstEvent.actor;
  return [
    {
      incidentId,
      reason: 'first-reported-from-above',
      suggests: 'concealed-report',
      reportIds: [ref.reportId],
      explanation:
        `${capitalised(named(ref))} was recorded by ${role} ${sub} of ${region}, not by a reporting unit: the incident reached ` +
        'the authorities before the unit where it happened reported it. Check whether that unit concealed it.',
      evidence: { first: ref, recordedBy: { sub, role, region } },
    },
  ];
};

/**
 * (c) A final report far above the initial one (see {@link FAR_ABOVE}): the first report
 * understated what was already known, or what became known was held back — the second pattern of
 * a concealed report (瞒报) that docs/domain.md#concealed-reports names.
 */
export const finalFarAboveInitial = (incidentId: string, reports: readonly ReportSubmittedData[]): Candidate[] => {
  const initial = reports[0];
  const final = reports.find((r) => r.kind === 'final');
  if (!initial || !final || final === initial) return [];
  const before = measuresOf(initial.figures);
  const after = measuresOf(final.figures);
  const measures = GRADED_MEASURES.flatMap((measure) => {
    const { ratio, increase } = FAR_ABOVE[measure];
    const grew = after[measure] - before[measure];
    return after[measure] >= ratio * before[measure] && grew >= increase
      ? [{ measure, initial: before[measure], final: after[measure], increase: grew }]
      : [];
  });
  if (measures.length === 0) return [];
  const i = refOf(initial);
  const f = refOf(final);
  const what = measures
    .map((m) => {
      const times = m.initial === 0 ? 'from none' : `${(m.final / m.initial).toFixed(1)}×`;
      const { ratio, increase } = FAR_ABOVE[m.measure];
      return (
        `${MEASURE_WORDS[m.measure]} ${amount(m.measure, m.initial)} → ${amount(m.measure, m.final)} ` +
        `(${times}, +${amount(m.measure, m.increase)}; far above means at least ${ratio}× and +${amount(m.measure, increase)})`
      );
    })
    .join('; ');
  return [
    {
      incidentId,
      reason: 'final-far-above-initial',
      suggests: 'concealed-report',
      reportIds: [i.reportId, f.reportId],
      explanation:
        `From the initial ${named(i, false)} to the final ${named(f, false)}: ${what}. ` +
        'Figures this far above the first report suggest casualties or losses were held back; check what was known when.',
      evidence: { initial: i, final: f, measures },
    },
  ];
};

/** Every candidate an incident's log shows, in the order of the rules above. */
export const candidatesOf = (events: readonly IncidentEvent[]): Candidate[] => {
  const first = events[0];
  if (!first) return [];
  const reports = events.flatMap((e) => (e.type === 'ReportSubmitted' ? [e.data] : []));
  return [
    ...gradeCrossings(first.incidentId, reports),
    ...reportsFromAbove(first.incidentId, first),
    ...unitChanges(first.incidentId, reports),
    ...finalFarAboveInitial(first.incidentId, reports),
  ];
};
