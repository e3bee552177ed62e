/**
 * The cursors of a chain verification (`GET /v1/audit/verify`), opaque to clients: the HTTP edge
 * only knows a cursor is a record of strings. They are written and read here, side by side, and
 * anything but exactly what was written — an extra or a missing part, a number out of range, text
 * that is not JSON — is the caller's bad cursor, never a fault of ours.
 */
import * as z from 'zod';
import { ValidationError } from '../domain/errors';

const badCursor = () =>
  new ValidationError('the cursor is not valid', [{ field: 'cursor', problem: 'is not a cursor this API returned' }]);

/** A whole number written as text, as the cursors carry them (no sign, no leading zeros). */
const wholeNumber = z
  .string()
  .regex(/^(0|[1-9]\d{0,14})$/)
  .transform(Number);

/** JSON text, parsed inside the schema so bad text and a bad shape fail alike. */
const jsonText = z.string().transform((text, ctx): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'is not JSON' });
    return z.NEVER;
  }
});

/** Where an incident page ended: the index being walked and the store's key inside it. */
const incidentPositionOf = (parts: number) =>
  jsonText.pipe(
    z.strictObject({
      part: z
        .number()
        .int()
        .min(0)
        .max(parts - 1),
      key: z.record(z.string(), z.string()).optional(),
    }),
  );

/** Where a verification stopped: which source, and where inside it. */
const stoppedAtOf = (sources: number) =>
  z.strictObject({
    source: wholeNumber.pipe(
      z
        .number()
        .min(0)
        .max(sources - 1),
    ),
    position: z.string().optional(),
  });

/** `schema` applied to a cursor: its value, or the caller's bad cursor. */
const parseCursor = <T>(schema: z.ZodType<T>, cursor: unknown): T => {
  const parsed = schema.safeParse(cursor);
  if (!parsed.success) throw badCursor();
  return parsed.data;
};

/**
 * Where a page of incident chains ended: which of the region indexes walked (one, or each province
 * of the whole country in turn), and the store's key inside it (absent at its start).
 */
export interface IncidentPosition {
  readonly part: number;
  readonly key?: Readonly<Record<string, string>>;
}

export const writeIncidentPosition = ({ part, key }: IncidentPosition): string =>
  JSON.stringify({ part, ...(key ? { key } : {}) });

/** @throws ValidationError unless `text` is a position written for a walk of `parts` indexes */
export const readIncidentPosition = (text: string, parts: number): IncidentPosition =>
  parseCursor(incidentPositionOf(parts), text);

/** Where a verification stopped: the index of its source, and the source's own position inside it. */
export interface StoppedAt {
  readonly source: number;
  readonly position?: string;
}

export const writeStoppedAt = ({ source, position }: StoppedAt): Record<string, string> => ({
  source: String(source),
  ...(position !== undefined ? { position } : {}),
});

/** @throws ValidationError unless `cursor` is where a verification over `sources` sources stopped */
export const readStoppedAt = (cursor: unknown, sources: number): StoppedAt => parseCursor(stoppedAtOf(sources), cursor);

/** The position inside a source that cannot resume by itself: how many of its chains came before. */
export const writeChainsBefore = (count: number): string => String(count);

/** @throws ValidationError unless `position` is a count of chains as written */
export const readChainsBefore = (position: string): number => parseCursor(wholeNumber, position);
