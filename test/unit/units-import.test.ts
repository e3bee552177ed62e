/**
 * Importing the registry of reporting units: every bad row named by its line, nothing written
 * when any row is bad, a county's list replaced as a whole on re-import, and a unit registered in
 * one county only.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeImportUnits, unitsWithin } from '../../shared/application/units';
import { ValidationError } from '../../shared/domain/errors';
import { unitRows, validateUnits } from '../../shared/schemas/zero-reports';
import { FakeClock } from '../fakes/fake-clock';
import { InMemoryUnitRegistry } from '../fakes/in-memory-unit-registry';

/** Imports take effect at the clock's now; the registry is read at the real one, after it. */
const clock = new FakeClock('2026-01-01T00:00:00.000Z');

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../fixtures/units/${name}`, import.meta.url)), 'utf8');

const problemsOf = async (promise: Promise<unknown>): Promise<string[]> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ValidationError) return (error.details ?? []).map((d) => d.problem);
    throw error;
  }
  throw new Error('the import was accepted');
};

describe('importing the unit registry', () => {
  it('imports a CSV file, filing each unit under its county', async () => {
    // PREPARE
    const registry = new InMemoryUnitRegistry();
    const { rows, problems } = unitRows(fixture('beijing.csv'), 'csv');

    // ACT
    const result = await makeImportUnits({ registry, clock })(rows, problems);

    // ASSESS
    expect(result).toEqual({ counties: ['110101', '110102'], units: 6, effectiveAt: clock.now().toISOString() });
    expect((await registry.unitsOf('110101')).map((u) => u.unitId)).toEqual([
      'DC-JDJ',
      'DC-HSJ',
      'DC-XH',
      'DC-ZX',
      'DC-YJ',
    ]);
    expect(await registry.unit('110101', 'DC-XH')).toEqual({
      unitId: 'DC-XH',
      name: '协和医院',
      county: '110101',
      kind: 'hospital',
      contact: { name: '孙伟', phone: '+86 10 6529 0003' },
    });
    expect((await unitsWithin(registry, '110100')).map((u) => u.unitId)).toContain('XC-JR');
  });

  it('refuses a bad file whole, naming every bad row by its line', async () => {
    // PREPARE
    const registry = new InMemoryUnitRegistry();
    const { rows, problems } = unitRows(fixture('broken.csv'), 'csv');

    // ACT
    const named = await problemsOf(makeImportUnits({ registry, clock })(rows, problems));

    // ASSESS
    expect(named).toEqual(
      expect.arrayContaining([
        'line 7: expected 6 columns, found 4',
        expect.stringMatching(/^line 3: unitId: must be 1–64 letters/),
        'line 4: county: is a city (北京市市辖区); give the county-level code',
        expect.stringMatching(/^line 4: kind: must be one of township, village/),
        'line 5: county: is not a GB/T 2260 code',
        'line 5: contact.name: must not be empty',
        'line 5: contact.phone: must be a phone number',
        'line 6: unit DC-OK is already listed on line 2',
      ]),
    );
    expect(named).toHaveLength(8);
    // Line 2 was good, and still nothing was written.
    expect(registry.replacements).toBe(0);
    expect(registry.all()).toEqual([]);
  });

  it('reads JSON, numbering rows by their place in the list', () => {
    // PREPARE
    const { rows } = unitRows(
      JSON.stringify({ units: [{ unitId: 'A', name: 'x', county: '110101', kind: 'school', contact: {} }] }),
      'json',
    );

    // ACT
    const { problems } = validateUnits(rows);

    // ASSESS
    expect(problems).toEqual(['line 1: contact.name: must be text', 'line 1: contact.phone: must be text']);
    expect(unitRows('{ "units": 3 }', 'json').problems).toEqual(['the file must be { "units": [...] }']);
    expect(unitRows('not json', 'json').problems[0]).toMatch(/^the file is not valid JSON/);
    expect(unitRows('id,name\n', 'csv').problems).toEqual([
      'line 1: the header must be unitId,name,county,kind,contactName,contactPhone',
    ]);
  });

  it('replaces a county’s list on re-import, and leaves the counties not in the file alone', async () => {
    // PREPARE
    const registry = new InMemoryUnitRegistry();
    const importUnits = makeImportUnits({ registry, clock });
    await importUnits(unitRows(fixture('beijing.csv'), 'csv').rows);

    // ACT
    const result = await importUnits(unitRows(fixture('dongcheng.json'), 'json').rows);

    // ASSESS
    expect(result).toEqual({ counties: ['110101'], units: 2, effectiveAt: clock.now().toISOString() });
    expect((await registry.unitsOf('110101')).map((u) => u.unitId)).toEqual(['DC-JDJ', 'DC-XH']);
    expect((await registry.unitsOf('110102')).map((u) => u.unitId)).toEqual(['XC-JR']);
  });
});

describe('one county per unit', () => {
  const unit = (unitId: string, county: string) => ({
    unitId,
    name: `unit ${unitId}`,
    county,
    kind: 'school',
    contact: { name: '王老师', phone: '+86 10 6601 0099' },
  });
  const json = (...units: ReturnType<typeof unit>[]) => unitRows(JSON.stringify({ units }), 'json').rows;

  it('refuses a unit already registered in a county the file does not list, naming the line and the county', async () => {
    // PREPARE
    const registry = new InMemoryUnitRegistry();
    const importUnits = makeImportUnits({ registry, clock });
    await importUnits(unitRows(fixture('beijing.csv'), 'csv').rows);

    // ACT: Xicheng's list claims Dongcheng's hospital.
    const named = await problemsOf(importUnits(json(unit('XC-JR', '110102'), unit('DC-XH', '110102'))));

    // ASSESS
    expect(named).toEqual([
      "line 2: unit DC-XH is already registered in 110101, which this file does not list; to move it, import 110101's list without it together with this one",
    ]);
    expect(registry.replacements).toBe(1);
    expect((await registry.unitsOf('110102')).map((u) => u.unitId)).toEqual(['XC-JR']);
  });

  it('moves a unit to another county when both counties’ lists are imported together', async () => {
    // PREPARE
    const registry = new InMemoryUnitRegistry();
    const importUnits = makeImportUnits({ registry, clock });
    await importUnits(unitRows(fixture('beijing.csv'), 'csv').rows);

    // ACT
    const result = await importUnits(json(unit('DC-JDJ', '110101'), unit('XC-JR', '110102'), unit('DC-XH', '110102')));

    // ASSESS
    expect(result).toEqual({ counties: ['110101', '110102'], units: 3, effectiveAt: clock.now().toISOString() });
    expect((await unitsWithin(registry, '110100')).map((u) => `${u.unitId}@${u.county}`)).toEqual([
      'DC-JDJ@110101',
      'XC-JR@110102',
      'DC-XH@110102',
    ]);
    expect(await registry.countiesOf(['DC-XH', 'DC-ZX', 'DC-JDJ'])).toEqual(
      new Map([
        ['DC-XH', '110102'],
        ['DC-JDJ', '110101'],
      ]),
    );
  });
});

describe('the registry through time', () => {
  const T0 = '2026-07-01T02:00:00.000Z';
  const LATER = new Date('2026-07-02T12:00:00.000Z');

  it('keeps each version from the instant it takes effect, and earlier ones readable as of then', async () => {
    // PREPARE
    const registry = new InMemoryUnitRegistry();
    const importUnits = makeImportUnits({ registry, clock: new FakeClock(T0) });
    await importUnits(unitRows(fixture('beijing.csv'), 'csv').rows);

    // ACT: Dongcheng's list shrinks to two units from a stated instant ahead.
    const result = await importUnits(unitRows(fixture('dongcheng.json'), 'json').rows, [], { effectiveAt: LATER });

    // ASSESS
    expect(result.effectiveAt).toBe(LATER.toISOString());
    const at = async (iso: string) => (await registry.unitsOf('110101', new Date(iso))).map((u) => u.unitId).sort();
    expect(await at('2026-07-01T01:59:59.999Z')).toEqual([]);
    expect(await at(T0)).toEqual(['DC-HSJ', 'DC-JDJ', 'DC-XH', 'DC-YJ', 'DC-ZX']);
    expect(await at('2026-07-02T11:59:59.999Z')).toHaveLength(5);
    expect(await at(LATER.toISOString())).toEqual(['DC-JDJ', 'DC-XH']);
    expect((await registry.historyOf('110101')).versions.map((v) => v.effectiveAt)).toEqual([T0, LATER.toISOString()]);
  });

  it('refuses an effective time before now, or not an instant, writing nothing', async () => {
    // PREPARE
    const registry = new InMemoryUnitRegistry();
    const importUnits = makeImportUnits({ registry, clock: new FakeClock(T0) });
    const { rows } = unitRows(fixture('beijing.csv'), 'csv');

    // ACT
    const past = await problemsOf(importUnits(rows, [], { effectiveAt: new Date('2026-06-30T16:00:00.000Z') }));
    const invalid = await problemsOf(importUnits(rows, [], { effectiveAt: new Date('not a time') }));

    // ASSESS
    expect(past).toEqual([
      `effective: 2026-06-30T16:00:00.000Z is before now (${T0}); an import takes effect now or later and never rewrites what the registry held`,
    ]);
    expect(invalid).toEqual(['effective: is not an instant']);
    expect(registry.replacements).toBe(0);
  });
});
