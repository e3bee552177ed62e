/** The unit registry's use cases: importing it, and finding the units a duty period obliges. */
import { ValidationError } from '../domain/errors';
import { type ReportingUnit, reportingRegionsWithin } from '../domain/zero-reports';
import type { UnitRegistry } from '../ports/unit-registry';
import { type UnitRow, validateUnits } from '../schemas/zero-reports';
import { mapBounded } from './concurrency';

const refused = (problems: readonly string[]) =>
  new ValidationError(
    `the units were not imported: ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
    problems.map((problem) => ({ field: problem.split(':')[0] ?? '(file)', problem })),
  );

/**
 * Imports a registry file's rows: all of it or, if any row is bad, none of it — the error lists
 * every problem by line. The counties named in the file are replaced as a whole, so a unit
 * dropped from a county's list no longer owes zero reports. A unit id is registered in one county
 * only, so a unit already registered in a county the file does not list is refused: moving a unit
 * to another county is an import of both counties' lists, which takes it out of the old one.
 */
export const makeImportUnits =
  (deps: { readonly registry: UnitRegistry }) =>
  async (rows: readonly UnitRow[], problemsSoFar: readonly string[] = []) => {
    const { units, problems, lines } = validateUnits(rows);
    const all = [...problemsSoFar, ...problems];
    if (all.length > 0) throw refused(all);
    if (units.length === 0) {
      throw new ValidationError('the units were not imported: the file lists no unit', [
        { field: '(file)', problem: 'the file lists no unit' },
      ]);
    }
    const counties = [...new Set(units.map((u) => u.county))].sort();
    const replaced = new Set(counties);
    const registered = await deps.registry.countiesOf(units.map((u) => u.unitId));
    const elsewhere = units.flatMap((unit) => {
      const county = registered.get(unit.unitId);
      if (county === undefined || county === unit.county || replaced.has(county)) return [];
      return [
        `line ${lines.get(unit.unitId) ?? '?'}: unit ${unit.unitId} is already registered in ${county}, which this ` +
          `file does not list; to move it, import ${county}'s list without it together with this one`,
      ];
    });
    if (elsewhere.length > 0) throw refused(elsewhere);
    await deps.registry.replaceCounties(counties, units);
    return { counties, units: units.length };
  };

/** Every registered unit inside `region`, as filed by county (a unit filed twice appears twice). */
export const unitsWithin = async (registry: UnitRegistry, region: string): Promise<readonly ReportingUnit[]> =>
  (await mapBounded(reportingRegionsWithin(region), 16, (county) => registry.unitsOf(county))).flat();

/**
 * The units a duty period of `region` obliges, each once. A unit id filed under two counties (left
 * by imports made before the registry kept one county per unit) counts under the county the
 * registry points it at; if it points at neither, the unit is left out and named in `skipped`,
 * as guessing would file its evidence under the wrong county office.
 */
export const obligedUnits = async (
  registry: UnitRegistry,
  region: string,
): Promise<{ readonly units: readonly ReportingUnit[]; readonly skipped: readonly string[] }> => {
  const byId = new Map<string, ReportingUnit[]>();
  for (const unit of await unitsWithin(registry, region)) {
    byId.set(unit.unitId, [...(byId.get(unit.unitId) ?? []), unit]);
  }
  const twice = [...byId].filter(([, filed]) => filed.length > 1).map(([unitId]) => unitId);
  const pointed = twice.length > 0 ? await registry.countiesOf(twice) : new Map<string, string>();
  const units: ReportingUnit[] = [];
  const skipped: string[] = [];
  for (const [unitId, filed] of byId) {
    const chosen = filed.length === 1 ? filed[0] : filed.find((u) => u.county === pointed.get(unitId));
    if (chosen) units.push(chosen);
    else {
      skipped.push(
        `unit ${unitId} is registered in ${filed.map((u) => u.county).join(' and ')}; import those counties' lists together to keep it in one`,
      );
    }
  }
  return { units, skipped };
};
