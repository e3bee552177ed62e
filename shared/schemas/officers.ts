/**
 * The officer directory as offices hand it in (`npm run officers -- import FILE`), in JSON or CSV.
 * Every row is checked, and every problem is reported where it is (a CSV line, a JSON list
 * element), before anything is written.
 */

import * as z from 'zod';
import { CHINA_OFFSET_MS } from '../domain/china-time';
import { covers, OFFICER_ROLES, type Officer, type Shift } from '../domain/officers';
import { isKnownRegion, NATIONAL } from '../domain/regions/regions';
import { readCsv } from './csv';

const office = z
  .string()
  .refine((code) => code === NATIONAL || isKnownRegion(code), { error: 'is not a GB/T 2260 region code (or 000000)' });
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a time like 08:00' });

export const officerSchema = z
  .strictObject({
    office,
    personId: z.string().trim().min(1).max(64),
    name: z.string().trim().min(1).max(100),
    roles: z.array(z.enum(OFFICER_ROLES)).min(1, { error: 'give at least one role' }),
    email: z.email({ error: 'is not an email address' }).optional(),
    sms: z
      .string()
      .regex(/^\+\d{7,15}$/, { error: 'must be an international number like +8613800000000' })
      .optional(),
    webhook: z.url({ protocol: /^https$/, error: 'must be an https URL' }).optional(),
  })
  .refine((o) => o.email || o.sms || o.webhook, {
    error: 'give at least one of email, sms or webhook',
    path: ['email'],
  });

export const shiftSchema = z.strictObject({ office, personId: z.string().trim().min(1).max(64), from: time, to: time });

export interface DirectoryRow {
  /** Where the row is in the file, as problems name it: `line 3` (CSV) or `officers[0]`, `roster[2]` (JSON). */
  readonly where: string;
  readonly kind: 'officer' | 'shift';
  readonly value: unknown;
}

export interface Directory {
  readonly officers: readonly Officer[];
  readonly roster: readonly Shift[];
}

const clock = (minute: number): string =>
  `${String(Math.floor(minute / 60) % 24).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/**
 * The times of day a roster leaves nobody on duty, as `from 20:00 to 08:00` (China time, the
 * roster repeating daily); empty when it covers the whole day.
 */
export const rosterGaps = (shifts: readonly Pick<Shift, 'from' | 'to'>[]): string[] => {
  const covered = Array.from({ length: 1440 }, (_, minute) =>
    // A fixed day: only the time of day matters.
    shifts.some((s) => covers(s, new Date(Date.UTC(2026, 0, 1, 0, minute) - CHINA_OFFSET_MS))),
  );
  if (!covered.includes(true)) return ['at any time of day'];
  const gaps: string[] = [];
  for (let minute = 0; minute < 1440; minute++) {
    // A gap starts where the minute before (yesterday's last, for 00:00) was covered.
    if (covered[minute] || !covered[(minute + 1439) % 1440]) continue;
    let end = minute;
    while (!covered[end % 1440]) end++;
    gaps.push(`from ${clock(minute)} to ${clock(end)}`);
  }
  return gaps;
};

/**
 * Checks every row and the directory as a whole: each shift names a known officer of its office,
 * and each office the file names can be notified — someone in each role (first responsible,
 * directly responsible, duty officer) and a roster with somebody on duty every minute of the day.
 * Problems with an office are named at the office's first row.
 */
export const validateDirectory = (
  rows: readonly DirectoryRow[],
): { directory: Directory; problems: readonly string[] } => {
  const problems: string[] = [];
  const officers: Officer[] = [];
  const roster: Shift[] = [];
  /** Each office the valid rows name, with where it first appears. */
  const offices = new Map<string, string>();
  /** Shifts that name somebody of their office in the file, who counts as on duty. */
  const staffed: Shift[] = [];
  for (const row of rows) {
    const parsed = (row.kind === 'officer' ? officerSchema : shiftSchema).safeParse(row.value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`${row.where}: ${issue.path.join('.') || row.kind}: ${issue.message}`);
      continue;
    }
    if (!offices.has(parsed.data.office)) offices.set(parsed.data.office, row.where);
    if (row.kind === 'officer') {
      const o = parsed.data as z.output<typeof officerSchema>;
      if (officers.some((x) => x.office === o.office && x.personId === o.personId)) {
        problems.push(`${row.where}: person ${o.personId} of ${o.office} is listed twice`);
        continue;
      }
      officers.push({
        office: o.office,
        personId: o.personId,
        name: o.name,
        roles: o.roles,
        endpoints: {
          ...(o.email ? { email: o.email } : {}),
          ...(o.sms ? { sms: o.sms } : {}),
          ...(o.webhook ? { webhook: o.webhook } : {}),
        },
      });
    } else {
      const s = parsed.data as z.output<typeof shiftSchema>;
      roster.push(s);
      // Against every officer row, valid or not: a bad officer row is reported once, as itself.
      if (rows.some((r) => r.kind === 'officer' && isSamePerson(r.value, s))) staffed.push(s);
      else problems.push(`${row.where}: shift of ${s.personId} names nobody of office ${s.office} in this file`);
    }
  }
  for (const [code, where] of offices) {
    const people = officers.filter((o) => o.office === code);
    for (const role of OFFICER_ROLES) {
      if (!people.some((o) => o.roles.includes(role)))
        problems.push(`${where}: office ${code} names nobody as ${role}`);
    }
    const gaps = rosterGaps(staffed.filter((s) => s.office === code));
    if (gaps.length > 0) problems.push(`${where}: office ${code}: nobody is on duty ${gaps.join(', ')}`);
  }
  return { directory: { officers, roster }, problems };
};

const isSamePerson = (value: unknown, shift: Shift): boolean =>
  typeof value === 'object' &&
  value !== null &&
  (value as { office?: unknown }).office === shift.office &&
  (value as { personId?: unknown }).personId === shift.personId;

/** The header of a directory CSV file; one `officer` or `shift` row per line follows it. */
export const DIRECTORY_CSV_HEADER = [
  'kind',
  'office',
  'personId',
  'name',
  'roles',
  'email',
  'sms',
  'webhook',
  'from',
  'to',
] as const;

/**
 * Rows from a file's text (decoded with `decodeFile` of `./csv`). JSON: `{ "officers": [...],
 * "roster": [...] }`. CSV, read by `readCsv` of `./csv` (quoted cells, any line ends): the header
 * `kind,office,personId,name,roles,email,sms,webhook,from,to`, then rows with `kind` officer or
 * shift and roles separated by `|`.
 */
export const directoryRows = (text: string, format: 'json' | 'csv'): { rows: DirectoryRow[]; problems: string[] } => {
  if (format === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { rows: [], problems: [`the file is not valid JSON: ${(error as Error).message}`] };
    }
    const shape = z
      .strictObject({ officers: z.array(z.unknown()).default([]), roster: z.array(z.unknown()).default([]) })
      .safeParse(parsed);
    if (!shape.success) return { rows: [], problems: ['the file must be { "officers": [...], "roster": [...] }'] };
    return {
      rows: [
        ...shape.data.officers.map((value, i) => ({ where: `officers[${i}]`, kind: 'officer' as const, value })),
        ...shape.data.roster.map((value, i) => ({ where: `roster[${i}]`, kind: 'shift' as const, value })),
      ],
      problems: [],
    };
  }
  const { records, problems } = readCsv(text, DIRECTORY_CSV_HEADER);
  const rows: DirectoryRow[] = [];
  for (const { line, cells } of records) {
    const where = `line ${line}`;
    const [kind, office, personId, name, roles, email, sms, webhook, from, to] = cells;
    if (kind === 'officer') {
      rows.push({
        where,
        kind,
        value: {
          office,
          personId,
          name,
          roles: (roles ?? '').split('|').filter(Boolean),
          ...(email ? { email } : {}),
          ...(sms ? { sms } : {}),
          ...(webhook ? { webhook } : {}),
        },
      });
    } else if (kind === 'shift') {
      rows.push({ where, kind, value: { office, personId, from, to } });
    } else {
      problems.push(`${where}: kind must be officer or shift, not ${JSON.stringify(kind)}`);
    }
  }
  return { rows, problems };
};
