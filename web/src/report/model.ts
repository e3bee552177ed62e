/**
 * The report form's values, checked on the device before anything is saved, turned into the API's
 * report body, and the API's answers turned back into problems beside the fields they concern.
 */
import { assessGrade, GRADES, type Grade } from '../../../shared/domain/grade';
import type { Figures } from '../../../shared/domain/incident';
import type { Category, FieldProblem, ReportBodyInput, ReportSubmittedData } from '../api/types';
import { type MessageKey, type Params, t } from '../i18n/i18n';
import { fromChinaInput, toChinaInput } from '../lib/china-time';

export const CATEGORIES: readonly Category[] = ['natural-disaster', 'accident', 'public-health', 'social-security'];
export { GRADES };

export type ReportKind = 'initial' | 'follow-up' | 'final';

export interface ReportValues {
  occurredAt: string;
  learnedAt: string;
  address: string;
  category: string;
  subtype: string;
  summary: string;
  proposedGrade: string;
  concernedUnit: string;
  dead: string;
  injured: string;
  seriouslyInjured: string;
  missing: string;
  trapped: string;
  affectedPeople: string;
  directLossYuan: string;
  measuresTaken: string;
  unknowns: string;
  reporterName: string;
  reporterPhone: string;
  /** `yes` when the unit reports a drill exercise (docs/web.md#drills); empty for a real report. */
  exercise: string;
}

export type FieldName = keyof ReportValues;

export const COUNT_FIELDS = [
  'dead',
  'injured',
  'seriouslyInjured',
  'missing',
  'trapped',
  'affectedPeople',
  'directLossYuan',
] as const satisfies readonly FieldName[];

/** The id of a field's input, which the error summary links to. */
export const fieldId = (name: FieldName): string => `f-${name}`;
/** Problems about the report as a whole link to the form's heading. */
export const FORM_ID = 'form-title';

export const emptyValues = (now: Date): ReportValues => ({
  occurredAt: toChinaInput(now),
  learnedAt: toChinaInput(now),
  address: '',
  category: '',
  subtype: '',
  summary: '',
  proposedGrade: '',
  concernedUnit: '',
  dead: '0',
  injured: '0',
  seriouslyInjured: '',
  missing: '0',
  trapped: '0',
  affectedPeople: '0',
  directLossYuan: '0',
  measuresTaken: '',
  unknowns: '',
  reporterName: '',
  reporterPhone: '',
  exercise: '',
});

/** The last report's content as the starting point of the next one. */
export const valuesFrom = (report: ReportSubmittedData): ReportValues => ({
  occurredAt: toChinaInput(report.occurredAt),
  learnedAt: toChinaInput(report.learnedAt),
  address: report.location.address,
  category: report.category,
  subtype: report.subtype,
  summary: report.summary,
  proposedGrade: report.proposedGrade ?? '',
  concernedUnit: report.concernedUnit ?? '',
  dead: String(report.figures.dead),
  injured: String(report.figures.injured),
  seriouslyInjured: report.figures.seriouslyInjured === null ? '' : String(report.figures.seriouslyInjured),
  missing: String(report.figures.missing),
  trapped: String(report.figures.trapped),
  affectedPeople: String(report.figures.affectedPeople),
  directLossYuan: String(report.figures.directLossYuan),
  measuresTaken: report.measuresTaken,
  unknowns: report.unknowns,
  reporterName: report.reporter.name,
  reporterPhone: report.reporter.phone,
  exercise: report.drill ? 'yes' : '',
});

/** A report body as the console sent it, back into the form (correcting a refused report). */
export const valuesFromBody = (body: ReportBodyInput): ReportValues => ({
  occurredAt: toChinaInput(body.occurredAt),
  learnedAt: toChinaInput(body.learnedAt),
  address: body.location.address,
  category: body.category,
  subtype: body.subtype,
  summary: body.summary,
  proposedGrade: body.grade ?? '',
  concernedUnit: body.concernedUnit ?? '',
  dead: String(body.casualties.dead),
  injured: String(body.casualties.injured),
  seriouslyInjured: body.casualties.seriouslyInjured === undefined ? '' : String(body.casualties.seriouslyInjured),
  missing: String(body.casualties.missing),
  trapped: String(body.casualties.trapped ?? 0),
  affectedPeople: String(body.affectedPeople),
  directLossYuan: String(body.directLossYuan),
  measuresTaken: body.measuresTaken ?? '',
  unknowns: body.unknowns ?? '',
  reporterName: body.reporter.name,
  reporterPhone: body.reporter.phone,
  exercise: body.exercise ? 'yes' : '',
});

const COUNT = /^\d{1,15}$/;
/** A count as typed: a number when it is one, undefined when blank or not a whole number. */
export const countOf = (text: string): number | undefined => {
  const trimmed = text.trim().replace(/[,，\s]/g, '');
  return COUNT.test(trimmed) ? Number(trimmed) : undefined;
};

const CLOCK_SKEW_MS = 2 * 60_000;
const PHONE = /^\+?[0-9][0-9 ()-]{4,24}$/;
const MAX_LENGTH: Partial<Record<FieldName, number>> = {
  address: 500,
  subtype: 200,
  summary: 8000,
  concernedUnit: 64,
  measuresTaken: 8000,
  unknowns: 8000,
  reporterName: 100,
};
const REQUIRED_TEXT: readonly FieldName[] = ['address', 'subtype', 'summary', 'reporterName'];

export interface Problem {
  readonly field: FieldName | 'form';
  readonly key: MessageKey;
  readonly params?: Params;
}

const fieldLabel = (name: FieldName): string => t(`field.${name}` as MessageKey);

/** A problem in the person's language. */
export const messageOf = (problem: Problem): string =>
  t(problem.key, { ...(problem.field === 'form' ? {} : { field: fieldLabel(problem.field) }), ...problem.params });

/** Every problem the device can find before anything is saved, in the order of the form. */
export const check = (values: ReportValues, now = Date.now()): Problem[] => {
  const problems: Problem[] = [];
  const latest = now + CLOCK_SKEW_MS;
  const times: Partial<Record<'occurredAt' | 'learnedAt', number>> = {};
  for (const name of ['occurredAt', 'learnedAt'] as const) {
    const value = values[name].trim();
    if (value === '') {
      problems.push({ field: name, key: 'problem.required' });
      continue;
    }
    const iso = fromChinaInput(value);
    if (!iso) {
      problems.push({ field: name, key: 'problem.time' });
      continue;
    }
    const at = Date.parse(iso);
    if (at > latest) problems.push({ field: name, key: 'problem.future' });
    else times[name] = at;
  }
  if (times.occurredAt !== undefined && times.learnedAt !== undefined && times.learnedAt < times.occurredAt) {
    problems.push({ field: 'learnedAt', key: 'problem.learnedBeforeOccurred' });
  }
  const textProblem = (name: FieldName): void => {
    const value = values[name].trim();
    if (REQUIRED_TEXT.includes(name) && value === '') problems.push({ field: name, key: 'problem.required' });
    const max = MAX_LENGTH[name];
    if (max !== undefined && value.length > max)
      problems.push({ field: name, key: 'problem.tooLong', params: { max } });
  };
  textProblem('address');
  if (!(CATEGORIES as readonly string[]).includes(values.category)) {
    problems.push({ field: 'category', key: 'problem.choose' });
  }
  textProblem('subtype');
  textProblem('summary');
  textProblem('concernedUnit');
  for (const name of COUNT_FIELDS) {
    const text = values[name].trim();
    if (text === '') {
      if (name !== 'seriouslyInjured') problems.push({ field: name, key: 'problem.countRequired' });
      continue;
    }
    if (countOf(text) === undefined) problems.push({ field: name, key: 'problem.count' });
  }
  const injured = countOf(values.injured);
  const serious = countOf(values.seriouslyInjured);
  if (injured !== undefined && serious !== undefined && serious > injured) {
    problems.push({ field: 'seriouslyInjured', key: 'problem.seriousOverInjured' });
  }
  textProblem('measuresTaken');
  textProblem('unknowns');
  textProblem('reporterName');
  if (!PHONE.test(values.reporterPhone.trim())) problems.push({ field: 'reporterPhone', key: 'problem.phone' });
  return problems;
};

/** The API's report body; call only on values {@link check} found no problem with. */
export const toBody = (
  values: ReportValues,
  context: {
    readonly kind: ReportKind;
    readonly incidentId?: string;
    readonly region: string;
    readonly unit: string;
    /** The return this report answers, when it is a correction. */
    readonly correcting?: string;
  },
): ReportBodyInput => {
  const count = (name: FieldName): number => countOf(values[name]) ?? 0;
  const serious = countOf(values.seriouslyInjured);
  const optional = (text: string): string | undefined => (text.trim() === '' ? undefined : text.trim());
  const grade = (GRADES as readonly string[]).includes(values.proposedGrade)
    ? (values.proposedGrade as Grade)
    : undefined;
  const concernedUnit = optional(values.concernedUnit);
  return {
    kind: context.kind,
    ...(context.incidentId ? { incidentId: context.incidentId } : {}),
    category: values.category as Category,
    subtype: values.subtype.trim(),
    ...(grade ? { grade } : {}),
    occurredAt: fromChinaInput(values.occurredAt) ?? values.occurredAt,
    learnedAt: fromChinaInput(values.learnedAt) ?? values.learnedAt,
    regionCode: context.region,
    location: { address: values.address.trim() },
    casualties: {
      dead: count('dead'),
      injured: count('injured'),
      ...(serious !== undefined ? { seriouslyInjured: serious } : {}),
      missing: count('missing'),
      trapped: count('trapped'),
    },
    affectedPeople: count('affectedPeople'),
    directLossYuan: count('directLossYuan'),
    summary: values.summary.trim(),
    measuresTaken: values.measuresTaken.trim(),
    unknowns: values.unknowns.trim(),
    reporter: { name: values.reporterName.trim(), phone: values.reporterPhone.trim(), unit: context.unit },
    ...(concernedUnit ? { concernedUnit } : {}),
    ...(values.exercise === 'yes' ? { exercise: true } : {}),
    ...(context.correcting ? { correcting: context.correcting } : {}),
  };
};

const SERVER_FIELDS: Readonly<Record<string, FieldName>> = {
  occurredAt: 'occurredAt',
  learnedAt: 'learnedAt',
  location: 'address',
  'location.address': 'address',
  'location.lat': 'address',
  'location.lon': 'address',
  category: 'category',
  subtype: 'subtype',
  summary: 'summary',
  grade: 'proposedGrade',
  concernedUnit: 'concernedUnit',
  exercise: 'exercise',
  'casualties.dead': 'dead',
  'casualties.injured': 'injured',
  'casualties.seriouslyInjured': 'seriouslyInjured',
  'casualties.missing': 'missing',
  'casualties.trapped': 'trapped',
  affectedPeople: 'affectedPeople',
  directLossYuan: 'directLossYuan',
  measuresTaken: 'measuresTaken',
  unknowns: 'unknowns',
  'reporter.name': 'reporterName',
  'reporter.phone': 'reporterPhone',
};

/** The API's problems that the console knows, in the person's language; others keep the API's words. */
const KNOWN_PROBLEMS: readonly { readonly pattern: RegExp; readonly key: MessageKey; readonly max?: boolean }[] = [
  { pattern: /^must not be empty$/, key: 'problem.required' },
  { pattern: /^is required$/, key: 'problem.required' },
  { pattern: /^must be at most (\d+) characters$/, key: 'problem.tooLong', max: true },
  { pattern: /^must be (a number|a whole number|text)$|^must not be negative$|^is too large$/, key: 'problem.count' },
  { pattern: /^must be an ISO 8601 time/, key: 'problem.time' },
  { pattern: /^is in the future$/, key: 'problem.future' },
  { pattern: /^is before the incident occurred$/, key: 'problem.learnedBeforeOccurred' },
  { pattern: /^cannot exceed the injured$/, key: 'problem.seriousOverInjured' },
  { pattern: /^must be a phone number$/, key: 'problem.phone' },
  { pattern: /^must be one of /, key: 'problem.choose' },
  { pattern: /^is not a known field$/, key: 'problem.unknownField' },
  { pattern: /^no running drill covers/, key: 'problem.noDrill' },
];

/** The problems of a 400, each beside its field where the form has one. */
export const problemsFromApi = (details: readonly FieldProblem[]): Problem[] =>
  details.map((detail): Problem => {
    const field = SERVER_FIELDS[detail.field] ?? 'form';
    for (const known of KNOWN_PROBLEMS) {
      const match = known.pattern.exec(detail.problem);
      if (match && field !== 'form') {
        return { field, key: known.key, ...(known.max ? { params: { max: match[1] ?? '' } } : {}) };
      }
    }
    return { field, key: 'problem.server', params: { field: detail.field, problem: detail.problem } };
  });

/** What the figures typed so far reach under Decree 493 (unknown counts read as 0). */
export const gradeReached = (values: ReportValues): Grade => {
  const injured = countOf(values.injured) ?? 0;
  return assessGrade({
    dead: countOf(values.dead) ?? 0,
    missing: countOf(values.missing) ?? 0,
    seriouslyInjured: countOf(values.seriouslyInjured) ?? injured,
    directLossYuan: countOf(values.directLossYuan) ?? 0,
  });
};

export type OwedElement = 'measuresTaken' | 'seriouslyInjured' | 'unknowns';

/**
 * The elements a later report still owes, as the accountability audit judges a final report:
 * measures never described (in this report or an earlier one), the seriously injured unknown while
 * there are injured, and anything still named unknown.
 */
export const owedElements = (values: ReportValues, earlierMeasures = false): OwedElement[] => {
  const owed: OwedElement[] = [];
  if (values.measuresTaken.trim() === '' && !earlierMeasures) owed.push('measuresTaken');
  if ((countOf(values.injured) ?? 0) > 0 && values.seriouslyInjured.trim() === '') owed.push('seriouslyInjured');
  if (values.unknowns.trim() !== '') owed.push('unknowns');
  return owed;
};

/** The figures that differ from the last report. */
export const changesFrom = (
  previous: Figures,
  values: ReportValues,
): { field: (typeof COUNT_FIELDS)[number]; from: number | null; to: number | null }[] =>
  COUNT_FIELDS.flatMap((field) => {
    const from = previous[field];
    const to = countOf(values[field]) ?? null;
    return from === to ? [] : [{ field, from, to }];
  });
