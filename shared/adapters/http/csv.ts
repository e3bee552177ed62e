/**
 * CSV as RFC 4180 writes it, for the routes that answer with a file an inspector opens in a
 * spreadsheet: presentation, so it lives at the HTTP edge and the rules above it never see it.
 */

export type CsvValue = string | number | boolean | null;

/**
 * Text a spreadsheet may run as a formula: it starts with one of the characters OWASP lists for
 * CSV injection (`=`, `+`, `-`, `@`, and tab or CR, which some strip before looking). Names come
 * from imported files, so any text field may.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One field as RFC 4180 writes it: quoted when it holds a comma, a double quote, CR or LF, with
 * quotes doubled; null is an empty field. Text that a spreadsheet would take for a formula gets a
 * leading single quote (OWASP's CSV-injection advice), so `=HYPERLINK(…)` is shown, not run.
 * Numbers are written as they are: the ones these views produce are never negative.
 */
export const csvField = (value: CsvValue): string => {
  if (value === null) return '';
  const text = typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** A header row and records, each ended by CRLF (RFC 4180). */
export const toCsv = (header: readonly string[], records: readonly (readonly CsvValue[])[]): string =>
  [header, ...records].map((record) => `${record.map(csvField).join(',')}\r\n`).join('');
