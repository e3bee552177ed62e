/**
 * The CSV files offices hand in (the officer directory, the unit registry), read as spreadsheets
 * write them: cells in quotes holding commas, doubled quotes and line breaks (RFC 4180, which is
 * what Excel and WPS write), a byte-order mark, CRLF or LF line ends, and the two encodings a
 * Chinese office's file comes in: UTF-8 ("CSV UTF-8") and GB18030 (plain "CSV" saved by Excel on
 * Chinese Windows). Both importers read through here, locally and on AWS, so a file is read the same
 * way wherever it is imported, and every problem is named by the line it starts on.
 */
import { CsvError, parse } from 'csv-parse/sync';

/** The encodings a file may be read in; `--encoding` and the import function's `encoding` take these names. */
export const TEXT_ENCODINGS = ['utf-8', 'gb18030'] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

const LABEL: Readonly<Record<TextEncoding, string>> = { 'utf-8': 'UTF-8', gb18030: 'GB18030' };

export type DecodedFile =
  | { readonly ok: true; readonly text: string; readonly encoding: TextEncoding }
  | { readonly ok: false; readonly problem: string };

/**
 * The first line (1-based) whose bytes are not valid in `encoding`. Lines are split on the byte
 * 0x0A, which neither UTF-8 nor GB18030 uses inside a multi-byte character.
 */
const firstBadLine = (bytes: Uint8Array, encoding: TextEncoding): number => {
  const decoder = new TextDecoder(encoding, { fatal: true });
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x0a) continue;
    try {
      decoder.decode(bytes.subarray(start, i));
    } catch {
      return line;
    }
    line += 1;
    start = i + 1;
  }
  // Only a character cut off at the very end of the file is left.
  return line - 1;
};

const strictly = (bytes: Uint8Array, encoding: TextEncoding): string | undefined => {
  try {
    // A byte-order mark (UTF-8's, or GB18030's, which decodes to the same character) is not text.
    return new TextDecoder(encoding, { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
};

/**
 * A file's bytes as text. With `encoding`, strictly in that encoding. Without, UTF-8 if the bytes
 * are valid UTF-8 (an ASCII file is), otherwise GB18030 if they are valid GB18030: Chinese text in
 * GB18030 is practically never also valid UTF-8, so the guess is safe, and `encoding` settles the
 * rare file where it is not. Bytes valid in neither are refused with the line where they stop
 * being readable, never read with replacement characters in place of names.
 */
export const decodeFile = (bytes: Uint8Array, encoding?: TextEncoding): DecodedFile => {
  const candidates: readonly TextEncoding[] = encoding ? [encoding] : TEXT_ENCODINGS;
  for (const candidate of candidates) {
    const text = strictly(bytes, candidate);
    if (text !== undefined) return { ok: true, text, encoding: candidate };
  }
  if (encoding) {
    const hint =
      encoding === 'utf-8'
        ? 'a file saved by Excel as plain "CSV" on Chinese Windows is GB18030: give the encoding gb18030, or none'
        : 'save it from the spreadsheet again, as "CSV UTF-8"';
    return {
      ok: false,
      problem: `the file is not ${LABEL[encoding]} text (line ${firstBadLine(bytes, encoding)} is not): ${hint}`,
    };
  }
  return {
    ok: false,
    problem:
      `the file is neither UTF-8 (line ${firstBadLine(bytes, 'utf-8')} is not) nor GB18030 ` +
      `(line ${firstBadLine(bytes, 'gb18030')} is not) text: save it from the spreadsheet again, as "CSV UTF-8"`,
  };
};

/** One row of a CSV file: the line it starts on, and its cells, trimmed. */
export interface CsvRecord {
  readonly line: number;
  readonly cells: readonly string[];
}

interface Problem {
  readonly line: number;
  readonly text: string;
}

const newlinesIn = (cells: readonly string[]): number =>
  cells.reduce((count, cell) => count + (cell.match(/\n/g)?.length ?? 0), 0);

/** What a malformed quote means, in the words of someone fixing the file in a spreadsheet or an editor. */
const quoteProblem = (error: CsvError, text: string, lastGoodLine: number): Problem => {
  const after = ' (nothing after it was read: fix it first)';
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED': {
      // The parser only notices at the end of the file; the cell opened on the first line that is
      // not blank after the last row it read.
      const lines = text.split('\n');
      let line = lastGoodLine + 1;
      while (line < lines.length && (lines[line - 1] ?? '').trim() === '') line += 1;
      return { line, text: `a quoted cell is not closed: the rest of the file was read as part of it${after}` };
    }
    case 'INVALID_OPENING_QUOTE':
      return {
        line: Number(error.lines),
        text: `a quote inside a cell that does not start with one: put the whole cell in quotes and write the quote twice ("")${after}`,
      };
    case 'CSV_INVALID_CLOSING_QUOTE':
      return {
        line: Number(error.lines),
        text: `a quoted cell goes on after its closing quote: write a quote inside a cell twice ("")${after}`,
      };
    default:
      return { line: Number(error.lines), text: `${error.message}${after}` };
  }
};

/**
 * The rows of a CSV file's text under the header `header` (checked cell by cell), each with the
 * line it starts on. Every problem is named by its line: a wrong header, a row with the wrong
 * number of cells, a cell holding U+FFFD (a character an earlier conversion already lost, so the
 * name in it is not the one the office wrote), and the first malformed quote, after which nothing
 * can be read reliably. Rows whose cells are all empty (spreadsheets write them after the last
 * row) are skipped, as are blank lines.
 */
export const readCsv = (
  text: string,
  header: readonly string[],
): { readonly records: CsvRecord[]; readonly problems: string[] } => {
  // CRLF (Excel), LF and CR alike, inside quoted cells too: a line break in a cell (Alt+Enter)
  // then counts as one line however the file was saved, and the line numbers below hold.
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const problems: Problem[] = [];
  // The line each row ends on, as the parser counts them, in the order of the rows.
  const endLines: number[] = [];
  let parsed: string[][];
  try {
    parsed = parse(normalised, {
      // A row with the wrong number of cells is reported with its line below, not thrown.
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (record, context) => {
        endLines.push(context.lines);
        return record;
      },
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const problem = quoteProblem(error, normalised, endLines.at(-1) ?? 0);
    return { records: [], problems: [`line ${problem.line}: ${problem.text}`] };
  }
  const rows = parsed.map((cells, i) => ({ cells, endLine: endLines[i] ?? 0 }));

  const [first, ...rest] = rows;
  const found = (first?.cells ?? []).map((cell) => cell.trim());
  if (first === undefined || found.join(',') !== header.join(',')) {
    return { records: [], problems: [`line 1: the header must be ${header.join(',')}`] };
  }

  const records: CsvRecord[] = [];
  for (const row of rest) {
    const cells = row.cells.map((cell) => cell.trim());
    if (cells.every((cell) => cell === '')) continue;
    // The parser counts lines at a row's end; a row spans one line more per line break in its cells.
    const line = row.endLine - newlinesIn(row.cells);
    if (cells.length !== header.length) {
      problems.push({ line, text: `expected ${header.length} columns, found ${cells.length}` });
      continue;
    }
    const lost = cells.findIndex((cell) => cell.includes('\uFFFD'));
    if (lost >= 0) {
      problems.push({
        line,
        text:
          `${header[lost]}: holds the character U+FFFD (�) where an earlier conversion lost a character; ` +
          'export the file from the spreadsheet again and import those bytes as they are',
      });
      continue;
    }
    records.push({ line, cells });
  }
  return {
    records,
    problems: problems.sort((a, b) => a.line - b.line).map((p) => `line ${p.line}: ${p.text}`),
  };
};
