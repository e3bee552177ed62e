/** The unit registry's use cases: importing it, and finding the units a duty period obliges. */
import { ValidationError } from '../domain/errors';
import { type ReportingUnit, reportingRegionsWithin } from '../domain/zero-reports';
import type { UnitRegistry } from '../ports/unit-registry';
import { type UnitRow, validateUnits } from '../schemas/zero-reports';

/**
 * Imports a registry file's rows: all of it or, if any row is bad, none of it — the error lists
 * every problem by line. The counties named in the file are replaced as a whole, so a unit
 * dropped from a county's list no longer owes zero reports.
 */
export const makeImportUnits =
  (deps: { readonly registry: UnitRegistry }) =>
  async (rows: readonly UnitRow[], problemsSoFar: readonly string[] = []) => {
    const { units, problems } = validateUnits(rows);
    const all = [...problemsSoFar, ...problems];
    if (all.length > 0) {
      throw new ValidationError(
        `the units were not imported: ${all.length} problem${all.length === 1 ? '' : 's'}`,
        all.map((problem) => ({ field: problem.split(':')[0] ?? '(file)', problem })),
      );
    }
    if (units.length === 0) {
      throw new ValidationError('the units were not imported: the file lists no unit', [
        { field: '(file)', problem: 'the file lists no unit' },
      ]);
    }
    const counties = [...new Set(units.map((u) => u.county))].sort();
    await deps.registry.replaceCounties(counties, units);
    return { counties, units: units.length };
  };

/** Runs `task` over `items`, at most `limit` at a time, keeping the order of the results. */
export const mapLimit = async <T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> => {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await task(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};

/** Every registered unit inside `region`: the units a duty period of that region obliges. */
export const unitsWithin = async (registry: UnitRegistry, region: string): Promise<readonly ReportingUnit[]> =>
  (await mapLimit(reportingRegionsWithin(region), 16, (county) => registry.unitsOf(county))).flat();
