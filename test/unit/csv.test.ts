/**
 * CSV files as offices produce them: Excel's "CSV UTF-8" (byte-order mark, CRLF) and its plain
 * "CSV" on Chinese Windows (GB18030), with cells quoted around commas, quotes and line breaks.
 * The fixtures in test/fixtures/excel are those bytes (written by its generate.sh); both importers
 * read them through the one reader, and every bad row is still named by the line it starts on.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeImportUnits } from '../../shared/application/units';
import { ValidationError } from '../../shared/domain/errors';
import { decodeFile, readCsv } from '../../shared/schemas/csv';
import { directoryRows, validateDirectory } from '../../shared/schemas/officers';
import { unitRows } from '../../shared/schemas/zero-reports';
import { FakeClock } from '../fakes/fake-clock';
import { InMemoryUnitRegistry } from '../fakes/in-memory-unit-registry';

/** Imports take effect at the clock's now; the registry is read at the real one, after it. */
const clock = new FakeClock('2026-01-01T00:00:00.000Z');

const bytesOf = (name: string): Buffer => readFileSync(new URL(`../fixtures/excel/${name}`, import.meta.url));

const EXCEL_FILES = [
  ['UTF-8 with a byte-order mark (Excel’s “CSV UTF-8”)', 'utf8-bom', 'utf-8'],
  ['GB18030 (Excel’s plain “CSV” on Chinese Windows)', 'gb18030', 'gb18030'],
] as const;

const decoded = (name: string, encoding?: 'utf-8' | 'gb18030'): string => {
  const file = decodeFile(bytesOf(name), encoding);
  if (!file.ok) throw new Error(file.problem);
  return file.text;
};

describe('decoding a file', () => {
  it.each(EXCEL_FILES)('reads %s, detecting the encoding', (_what, suffix, encoding) => {
    // ACT
    const file = decodeFile(bytesOf(`units-dongcheng.${suffix}.csv`));

    // ASSESS: the text, without the byte-order mark.
    expect(file).toMatchObject({ ok: true, encoding });
    expect(file.ok && file.text.startsWith('unitId,name,')).toBe(true);
    expect(file.ok && file.text).toContain('东城区应急局, 值班室');
  });

  it('reads the bytes in the encoding it is told', () => {
    expect(decodeFile(bytesOf('units-dongcheng.gb18030.csv'), 'gb18030')).toMatchObject({ ok: true });
  });

  it('refuses GB18030 bytes read as UTF-8 instead of replacing every Chinese character', () => {
    // ACT
    const file = decodeFile(bytesOf('units-dongcheng.gb18030.csv'), 'utf-8');

    // ASSESS: the first line with Chinese text is named, and what to do about it.
    expect(file).toEqual({
      ok: false,
      problem:
        'the file is not UTF-8 text (line 2 is not): a file saved by Excel as plain "CSV" on Chinese Windows is ' +
        'GB18030: give the encoding gb18030, or none',
    });
  });

  it('names the encoding problem when the bytes are neither UTF-8 nor GB18030', () => {
    // PREPARE: 0xFF is a byte neither encoding has.
    const bytes = Buffer.concat([
      Buffer.from('unitId,name\r\nDC-1,', 'utf8'),
      Buffer.from([0xff, 0x80]),
      Buffer.from('\r\n'),
    ]);

    // ACT
    const file = decodeFile(bytes);

    // ASSESS
    expect(file).toEqual({
      ok: false,
      problem:
        'the file is neither UTF-8 (line 2 is not) nor GB18030 (line 2 is not) text: save it from the spreadsheet ' +
        'again, as "CSV UTF-8"',
    });
  });

  it('reads plain ASCII as UTF-8', () => {
    expect(decodeFile(Buffer.from('a,b\r\n1,2\r\n'))).toEqual({ ok: true, text: 'a,b\r\n1,2\r\n', encoding: 'utf-8' });
  });
});

describe('reading CSV rows', () => {
  const HEADER = ['unitId', 'name', 'county'];

  it('unquotes commas, doubled quotes and line breaks, and names each row by the line it starts on', () => {
    // PREPARE: CRLF between rows, LF inside a cell, as Excel writes them; a blank line; a row of
    // empty cells, as spreadsheets leave after the last row.
    const text = [
      '\uFEFFunitId,name,county',
      'A,"东城区应急局, 值班室",110101',
      'B,"王府井""百货""集团",110101',
      '',
      'C,"东华门街道办事处\n应急办",110101',
      'D,  协和医院  ,110101',
      ',,',
    ].join('\r\n');

    // ACT
    const { records, problems } = readCsv(text, HEADER);

    // ASSESS
    expect(problems).toEqual([]);
    expect(records).toEqual([
      { line: 2, cells: ['A', '东城区应急局, 值班室', '110101'] },
      { line: 3, cells: ['B', '王府井"百货"集团', '110101'] },
      { line: 5, cells: ['C', '东华门街道办事处\n应急办', '110101'] },
      { line: 7, cells: ['D', '协和医院', '110101'] },
    ]);
  });

  it('names every row with the wrong number of cells, counting lines inside quoted cells', () => {
    // PREPARE: the unquoted comma of line 4 is the failure this reader exists for.
    const text = ['unitId,name,county', 'A,"two\nlines",110101', 'B,东城区应急局, 值班室,110101', 'C,short'].join(
      '\r\n',
    );

    // ACT
    const { records, problems } = readCsv(text, HEADER);

    // ASSESS
    expect(problems).toEqual(['line 4: expected 3 columns, found 4', 'line 5: expected 3 columns, found 2']);
    expect(records.map((r) => r.line)).toEqual([2]);
  });

  it('names the line where a quoted cell is opened and never closed, and reads nothing', () => {
    const text = ['unitId,name,county', 'A,x,110101', '', 'B,"unclosed,110101', 'C,y,110101'].join('\n');

    expect(readCsv(text, HEADER)).toEqual({
      records: [],
      problems: [
        'line 4: a quoted cell is not closed: the rest of the file was read as part of it (nothing after it was read: fix it first)',
      ],
    });
  });

  it('names a quote inside a cell that is not quoted, and one left after a closing quote', () => {
    expect(readCsv('unitId,name,county\nA,x,1\nB,王"府井,1\n', HEADER).problems).toEqual([
      'line 3: a quote inside a cell that does not start with one: put the whole cell in quotes and write the quote ' +
        'twice ("") (nothing after it was read: fix it first)',
    ]);
    expect(readCsv('unitId,name,county\nA,"王"府井,1\n', HEADER).problems).toEqual([
      'line 2: a quoted cell goes on after its closing quote: write a quote inside a cell twice ("") (nothing after ' +
        'it was read: fix it first)',
    ]);
  });

  it('refuses a cell holding U+FFFD: a name an earlier conversion already lost', () => {
    // PREPARE: what reading a GB18030 file as UTF-8 used to produce.
    const mangled = new TextDecoder('utf-8').decode(bytesOf('units-dongcheng.gb18030.csv'));

    // ACT
    const { records, problems } = readCsv(mangled, ['unitId', 'name', 'county', 'kind', 'contactName', 'contactPhone']);

    // ASSESS: every row is named, none is read.
    expect(records).toEqual([]);
    expect(problems).toEqual(
      [2, 3, 4, 6].map(
        (line) =>
          `line ${line}: name: holds the character U+FFFD (�) where an earlier conversion lost a character; export ` +
          'the file from the spreadsheet again and import those bytes as they are',
      ),
    );
  });

  it('checks the header cell by cell', () => {
    expect(readCsv('unitId,county,name\r\n', HEADER).problems).toEqual([
      'line 1: the header must be unitId,name,county',
    ]);
    expect(readCsv('', HEADER).problems).toEqual(['line 1: the header must be unitId,name,county']);
  });
});

describe('the importers read Excel’s files', () => {
  it.each(EXCEL_FILES)('the officer directory in %s', (_what, suffix) => {
    // ACT
    const { rows, problems } = directoryRows(decoded(`officers-dongcheng.${suffix}.csv`), 'csv');

    // ASSESS
    expect(problems).toEqual([]);
    expect(rows.map((r) => r.where)).toEqual(['line 2', 'line 3', 'line 4', 'line 6', 'line 7', 'line 8']);
    const { directory, problems: invalid } = validateDirectory(rows);
    expect(invalid).toEqual([]);
    expect(directory.officers.map((o) => o.name)).toEqual([
      '李主任, 东城区应急局',
      '王副主任 "老王"',
      '赵值班\n值班室',
      '钱值班',
    ]);
    expect(directory.officers[3]?.endpoints).toEqual({
      webhook: 'https://duty.dongcheng.example.cn/hook?office=110101,night',
    });
  });

  it.each(EXCEL_FILES)('the unit registry in %s', async (_what, suffix) => {
    // PREPARE
    const registry = new InMemoryUnitRegistry();
    const { rows, problems } = unitRows(decoded(`units-dongcheng.${suffix}.csv`), 'csv');

    // ACT
    const result = await makeImportUnits({ registry, clock })(rows, problems);

    // ASSESS
    expect(result).toEqual({ counties: ['110101'], units: 4, effectiveAt: clock.now().toISOString() });
    expect((await registry.unitsOf('110101')).map((u) => u.name)).toEqual([
      '东城区应急局, 值班室',
      '王府井"百货"集团',
      '东华门街道办事处\n应急办',
      '协和医院',
    ]);
  });

  it('refuses a file it cannot decode whole, with the encoding problem', async () => {
    // PREPARE
    const registry = new InMemoryUnitRegistry();
    const file = decodeFile(bytesOf('units-dongcheng.gb18030.csv'), 'utf-8');
    const problems = file.ok ? [] : [file.problem];

    // ACT
    const refused = await makeImportUnits({ registry, clock })([], problems).catch((error: unknown) => error);

    // ASSESS
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).details?.map((d) => d.problem)).toEqual([
      expect.stringMatching(/^the file is not UTF-8 text \(line 2 is not\)/),
    ]);
    expect(registry.all()).toEqual([]);
  });
});
