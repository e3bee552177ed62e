/**
 * The officer directory as offices hand it in (`npm run officers -- import FILE`), in JSON or CSV.
 * Every row is checked, and every problem is reported by its line, before anything is written.
 */
import { z } from 'zod';
import { covers, OFFICER_ROLES, type Officer, type Shift } from '../domain/officers';
import { isKnownRegion, NATIONAL } from '../domain/regions/regions';

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
  /** 1-based line in the file (for JSON, the element's position in its list). */
  readonly line: number;
  readonly kind: 'officer' | 'shift';
  readonly value: unknown;
}

export interface Directory {
  readonly officers: readonly Officer[];
  readonly roster: readonly Shift[];
}

/**
 * Checks every row and the directory as a whole: each shift names a known officer of its office,
 * and an office with a roster has somebody on duty every minute of the day.
 */
export const validateDirectory = (
  rows: readonly DirectoryRow[],
): { directory: Directory; problems: readonly string[] } => {
  const problems: string[] = [];
  const officers: Officer[] = [];
  const roster: Shift[] = [];
  for (const row of rows) {
    const parsed = (row.kind === 'officer' ? officerSchema : shiftSchema).safeParse(row.value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`line ${row.line}: ${issue.path.join('.') || row.kind}: ${issue.message}`);
      continue;
    }
    if (row.kind === 'officer') {
      const o = parsed.data as z.output<typeof officerSchema>;
      if (officers.some((x) => x.office === o.office && x.personId === o.personId)) {
        problems.push(`line ${row.line}: person ${o.personId} of ${o.office} is listed twice`);
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
      if (!rows.some((r) => r.kind === 'officer' && isSamePerson(r.value, s))) {
        problems.push(`line ${row.line}: shift of ${s.personId} names nobody of office ${s.office} in this file`);
      }
    }
  }
  for (const code of new Set(roster.map((s) => s.office))) {
    const shifts = roster.filter((s) => s.office === code);
    const gaps: string[] = [];
    for (let minute = 0; minute < 1440; minute++) {
      // A fixed day; the roster repeats daily, in China time.
      const at = new Date(Date.UTC(2026, 0, 1, 0, minute) - 8 * 3600_000);
      if (!shifts.some((s) => covers(s, at)))
        gaps.push(`${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`);
    }
    if (gaps.length > 0)
      problems.push(
        `office ${code}: nobody is on duty at ${gaps[0]}${gaps.length > 1 ? ` (and ${gaps.length - 1} more minutes)` : ''}`,
      );
  }
  return { directory: { officers, roster }, problems };
};

const isSamePerson = (value: unknown, shift: Shift): boolean =>
  typeof value === 'object' &&
  value !== null &&
  (value as { office?: unknown }).office === shift.office &&
  (value as { personId?: unknown }).personId === shift.personId;

/**
 * Rows from a file's text. JSON: `{ "officers": [...], "roster": [...] }`. CSV: a header line,
 * then `kind,office,personId,name,roles,email,sms,webhook,from,to` with `kind` officer or shift
 * and roles separated by `|`.
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
        ...shape.data.officers.map((value, i) => ({ line: i + 1, kind: 'officer' as const, value })),
        ...shape.data.roster.map((value, i) => ({ line: i + 1, kind: 'shift' as const, value })),
      ],
      problems: [],
    };
  }
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const expected = ['kind', 'office', 'personId', 'name', 'roles', 'email', 'sms', 'webhook', 'from', 'to'];
  if (header.join(',') !== expected.join(','))
    return { rows: [], problems: [`line 1: the header must be ${expected.join(',')}`] };
  const rows: DirectoryRow[] = [];
  const problems: string[] = [];
  lines.slice(1).forEach((raw, i) => {
    const line = i + 2;
    if (raw.trim() === '') return;
    const cells = raw.split(',').map((c) => c.trim());
    if (cells.length !== expected.length) {
      problems.push(`line ${line}: expected ${expected.length} columns, found ${cells.length}`);
      return;
    }
    const [kind, office, personId, name, roles, email, sms, webhook, from, to] = cells;
    const optional = (value: string | undefined) => (value ? value : undefined);
    if (kind === 'officer') {
      rows.push({
        line,
        kind,
        value: {
          office,
          personId,
          name,
          roles: (roles ?? '').split('|').filter(Boolean),
          ...(optional(email) ? { email } : {}),
          ...(optional(sms) ? { sms } : {}),
          ...(optional(webhook) ? { webhook } : {}),
        },
      });
    } else if (kind === 'shift') {
      rows.push({ line, kind, value: { office, personId, from, to } });
    } else {
      problems.push(`line ${line}: kind must be officer or shift, not ${JSON.stringify(kind)}`);
    }
  });
  return { rows, problems };
};
