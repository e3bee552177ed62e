/**
 * Zero reports at the edges: the bodies of `POST /v1/duty-periods` and `POST /v1/daily-reports`,
 * their answers (for the OpenAPI document), and the unit registry file that
 * `npm run units -- import FILE` reads (JSON or CSV), checked row by row before anything is written.
 */
import * as z from 'zod';
import { UnknownRegionError } from '../domain/errors';
import { chainOf } from '../domain/regions/regions';
import {
  DEFAULT_CUTOFF_HOUR,
  dutyPeriodProblems,
  isCalendarDate,
  PERIOD_ID_PATTERN,
  type ReportingUnit,
  UNIT_ID_PATTERN,
  UNIT_KINDS,
} from '../domain/zero-reports';
import { readCsv } from './csv';
import { regionCode, text } from './fields';
import { INCIDENT_ID_PATTERN } from './report';

const date = (example: string) =>
  z
    .string({ error: 'must be text' })
    .refine(isCalendarDate, { error: `must be a date like ${example}` })
    .meta({ format: 'date' });

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const wellFormedDate = (value: unknown): value is string => typeof value === 'string' && isCalendarDate(value);
const isWholeHour = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 23;

// ---------------------------------------------------------------------------------------------
// POST /v1/duty-periods

/**
 * The activation body. The rules against the division data, the clock (no date in the past or more
 * than a year ahead, some cut-off still ahead) and between fields are the domain's; they run even when other fields are
 * already bad (`when`), so one answer names every problem.
 */
export const makeDutyPeriodBodySchema = (now: () => number = Date.now) =>
  z
    .strictObject({
      region: regionCode.describe('the region whose units owe the reports: your jurisdiction or part of it'),
      firstDate: date('2026-07-01').describe('first day owed, China time'),
      lastDate: date('2026-07-31').describe('last day owed, China time'),
      cutoffHour: z
        .number({ error: 'must be a whole hour from 0 to 23 (China time)' })
        .refine((hour) => Number.isInteger(hour) && hour >= 0 && hour <= 23, {
          error: 'must be a whole hour from 0 to 23 (China time)',
        })
        .meta({ type: 'integer', minimum: 0, maximum: 23 })
        .default(DEFAULT_CUTOFF_HOUR)
        .describe('each day’s report is due at this hour, China time'),
      reason: text(500).describe('why: the flood season, the declared emergency response'),
    })
    .superRefine(
      (body, ctx) => {
        const value = body as unknown;
        if (!isRecord(value)) return;
        const hour = value.cutoffHour;
        const problems = dutyPeriodProblems(
          {
            ...(typeof value.region === 'string' && /^\d{6}$/.test(value.region) ? { region: value.region } : {}),
            ...(wellFormedDate(value.firstDate) ? { firstDate: value.firstDate } : {}),
            ...(wellFormedDate(value.lastDate) ? { lastDate: value.lastDate } : {}),
            ...(isWholeHour(hour) ? { cutoffHour: hour } : {}),
          },
          new Date(now()),
        );
        for (const p of problems) ctx.addIssue({ code: 'custom', path: [p.field], message: p.problem });
      },
      { when: () => true },
    );

export type DutyPeriodBody = z.output<ReturnType<typeof makeDutyPeriodBodySchema>>;

const owedDaySchema = z.object({ date: z.string(), cutoffAt: z.string() });

export const dutyPeriodResponseSchema = z.object({
  periodId: z.string(),
  region: z.string(),
  firstDate: z.string(),
  lastDate: z.string(),
  cutoffHour: z.number().int(),
  reason: z.string(),
  activatedAt: z.string(),
  activatedBy: z.object({ sub: z.string(), region: z.string(), level: z.string().optional() }),
  days: z.array(owedDaySchema).describe('every day owed, with the instant its report is due'),
});

// ---------------------------------------------------------------------------------------------
// POST /v1/daily-reports

export const MAX_DAILY_SUMMARY = 2000;

export const dailyReportBodySchema = z
  .strictObject({
    periodId: z
      .string({ error: 'must be text' })
      .regex(PERIOD_ID_PATTERN, { error: 'must be a duty period id like DP-110101-20260701-1A2B3C4D' }),
    date: date('2026-07-01').describe('the day reported on, China time'),
    nothingToReport: z.boolean({ error: 'must be true or false' }).optional(),
    summary: text(MAX_DAILY_SUMMARY).optional().describe('what happened, when there is something to report'),
    incidentIds: z
      .array(
        z
          .string({ error: 'must be text' })
          .regex(INCIDENT_ID_PATTERN, { error: 'must be an incident id like INC-20261122-7K3F9Q2M' }),
      )
      .max(50, { error: 'name at most 50 incidents' })
      .optional()
      .describe('the incidents of the day already reported through POST /v1/reports'),
  })
  .superRefine(
    (body, ctx) => {
      const value = body as unknown;
      if (!isRecord(value)) return;
      const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
      const empty = value.nothingToReport === true;
      if (empty && value.summary !== undefined) problem('summary', 'leave it out when nothingToReport is true');
      if (empty && Array.isArray(value.incidentIds) && value.incidentIds.length > 0) {
        problem('incidentIds', 'a day with nothing to report names no incidents');
      }
      if (!empty && value.summary === undefined) problem('summary', 'give a summary, or nothingToReport: true');
      if (Array.isArray(value.incidentIds) && new Set(value.incidentIds).size !== value.incidentIds.length) {
        problem('incidentIds', 'names an incident twice');
      }
    },
    { when: () => true },
  );

export type DailyReportBody = z.output<typeof dailyReportBodySchema>;

export const dailyReportResponseSchema = z.object({
  periodId: z.string(),
  unit: z.string(),
  date: z.string(),
  seq: z.number().int().describe('the filing’s place in the unit’s log for the period'),
  filedAt: z.string(),
  cutoffAt: z.string(),
  late: z.boolean(),
  lateByMs: z.number().int(),
  nothingToReport: z.boolean(),
  afterMissed: z
    .boolean()
    .describe('a miss is on record for the day before this filing (every filing after the cut-off has one); it stays'),
});

// ---------------------------------------------------------------------------------------------
// The unit registry file

const reportingCounty = regionCode.superRefine((code, ctx) => {
  try {
    chainOf(code);
  } catch (error) {
    if (!(error instanceof UnknownRegionError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.details?.[0]?.problem ?? error.message });
  }
});

export const unitSchema = z.strictObject({
  unitId: z.string({ error: 'must be text' }).regex(UNIT_ID_PATTERN, {
    error: 'must be 1–64 letters, digits or . _ - (the id the unit’s tokens carry)',
  }),
  name: text(100),
  county: reportingCounty,
  kind: z.enum(UNIT_KINDS, { error: `must be one of ${UNIT_KINDS.join(', ')}` }),
  contact: z.strictObject({
    name: text(100),
    phone: z
      .string({ error: 'must be text' })
      .trim()
      .regex(/^\+?[0-9][0-9 ()-]{4,24}$/, { error: 'must be a phone number' }),
  }),
});

export interface UnitRow {
  /** 1-based line in the file (for JSON, the element's position in the list). */
  readonly line: number;
  readonly value: unknown;
}

/**
 * Every row checked; every problem named by its line. Unit ids are unique in the file; `lines` says
 * where each unit was listed, for the problems found later against the registry.
 */
export const validateUnits = (
  rows: readonly UnitRow[],
): { units: ReportingUnit[]; problems: string[]; lines: ReadonlyMap<string, number> } => {
  const units: ReportingUnit[] = [];
  const problems: string[] = [];
  const firstLine = new Map<string, number>();
  for (const row of rows) {
    const parsed = unitSchema.safeParse(row.value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.join('.') || 'unit';
        problems.push(
          `line ${row.line}: ${path}: ${issue.code === 'unrecognized_keys' ? 'is not a known field' : issue.message}`,
        );
      }
      continue;
    }
    const unit = parsed.data;
    const seen = firstLine.get(unit.unitId);
    if (seen !== undefined) {
      problems.push(`line ${row.line}: unit ${unit.unitId} is already listed on line ${seen}`);
      continue;
    }
    firstLine.set(unit.unitId, row.line);
    units.push(unit);
  }
  return { units, problems, lines: firstLine };
};

/** The header of a unit registry CSV file. */
export const UNITS_CSV_HEADER = ['unitId', 'name', 'county', 'kind', 'contactName', 'contactPhone'] as const;

/**
 * Rows from a file's text (decoded with `decodeFile` of `./csv`). JSON: `{ "units": [{ unitId,
 * name, county, kind, contact: { name, phone } }] }`. CSV, read by `readCsv` of `./csv` (quoted
 * cells, any line ends): the header `unitId,name,county,kind,contactName,contactPhone`, then one
 * unit per row, `line` being the line the row starts on.
 */
export const unitRows = (text: string, format: 'json' | 'csv'): { rows: UnitRow[]; problems: string[] } => {
  if (format === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { rows: [], problems: [`the file is not valid JSON: ${(error as Error).message}`] };
    }
    const shape = z.strictObject({ units: z.array(z.unknown()) }).safeParse(parsed);
    if (!shape.success) return { rows: [], problems: ['the file must be { "units": [...] }'] };
    return { rows: shape.data.units.map((value, i) => ({ line: i + 1, value })), problems: [] };
  }
  const { records, problems } = readCsv(text, UNITS_CSV_HEADER);
  const rows: UnitRow[] = records.map(({ line, cells }) => {
    const [unitId, name, county, kind, contactName, contactPhone] = cells;
    return { line, value: { unitId, name, county, kind, contact: { name: contactName, phone: contactPhone } } };
  });
  return { rows, problems };
};
