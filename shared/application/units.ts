/** The unit registry's use cases: importing it, and finding the units a duty period obliges. */
import { ValidationError } from '../domain/errors';
import { effectiveTimeProblem } from '../domain/history';
import { type CountyRegistryHistory, unitsAt } from '../domain/unit-registry';
import { type ReportingUnit, reportingRegionsWithin } from '../domain/zero-reports';
import type { Clock } from '../ports/clock';
import type { UnitRegistry } from '../ports/unit-registry';
import { type UnitRow, validateUnits } from '../schemas/zero-reports';
import { mapBounded } from './concurrency';

const refused = (problems: readonly string[]) =>
  new ValidationError(
    `the units were not imported: ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
    problems.map((problem) => ({ field: problem.split(':')[0] ?? '(file)', problem })),
  );

/** What an import may state besides its rows. */
export interface ImportUnitsOptions {
  /** When the file takes effect; now if not given. Never before now: an import does not rewrite the past. */
  readonly effectiveAt?: Date;
}

/**
 * Imports a registry file's rows: all of it or, if any row is bad, none of it — the error lists
 * every problem by line. The counties named in the file get a new version, whole, taking effect at
 * the stated instant (default now), so a unit dropped from a county's list owes no zero report for
 * a day whose cut-off is after it; what the registry held before stays on record as it was, and an
 * effective time in the past is refused for the same reason. A unit id is registered in one county
 * only, so a unit already registered in a county the file does not list is refused: moving a unit
 * to another county is an import of both counties' lists, which takes it out of the old one.
 */
export const makeImportUnits =
  (deps: {
    readonly registry: UnitRegistry;
    /** What "now" is: the default effective time, and the earliest one an import may state. @default the system's */
    readonly clock?: Clock;
  }) =>
  async (rows: readonly UnitRow[], problemsSoFar: readonly string[] = [], options: ImportUnitsOptions = {}) => {
    const now = deps.clock?.now() ?? new Date();
    const effectiveAt = options.effectiveAt ?? now;
    const { units, problems, lines } = validateUnits(rows);
    const all = [...problemsSoFar, ...problems];
    const late = effectiveTimeProblem(effectiveAt, now, 'registry');
    if (late) all.push(late);
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
    await deps.registry.replaceCounties(counties, units, effectiveAt);
    return { counties, units: units.length, effectiveAt: effectiveAt.toISOString() };
  };

/** Every unit registered inside `region` now, as filed by county (a unit filed twice appears twice). */
export const unitsWithin = async (registry: UnitRegistry, region: string): Promise<readonly ReportingUnit[]> => {
  const now = new Date();
  return (await historiesWithin(registry, region)).flatMap((history) => unitsAt(history, now));
};

/** The registry history of every county inside `region`, read once for all the days asked about. */
export const historiesWithin = (registry: UnitRegistry, region: string): Promise<readonly CountyRegistryHistory[]> =>
  mapBounded(reportingRegionsWithin(region), 16, (county) => registry.historyOf(county));

/**
 * The units the registry held inside a region at an instant, each once. A unit id filed under two
 * counties (left by imports made before the registry kept one county per unit) counts under the
 * county the registry points it at (`pointed`); if it points at neither, the unit is left out and
 * named in `skipped`, as guessing would file its evidence under the wrong county office.
 */
export const obligedAt = (
  histories: readonly CountyRegistryHistory[],
  at: Date,
  pointed: ReadonlyMap<string, string>,
): { readonly units: readonly ReportingUnit[]; readonly skipped: readonly string[] } => {
  const byId = new Map<string, ReportingUnit[]>();
  for (const unit of histories.flatMap((history) => unitsAt(history, at))) {
    byId.set(unit.unitId, [...(byId.get(unit.unitId) ?? []), unit]);
  }
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

/**
 * The registry of a region through time, for the owed days of a duty period: the units obliged at
 * any instant (see {@link obligedAt}). The histories, and the pointers of the unit ids found under
 * two counties in any version (moved, or filed twice by older imports), are read once.
 */
export const registryWithin = async (registry: UnitRegistry, region: string) => {
  const histories = await historiesWithin(registry, region);
  const counts = new Map<string, Set<string>>();
  for (const history of histories) {
    for (const version of history.versions) {
      for (const unit of version.units)
        counts.set(unit.unitId, (counts.get(unit.unitId) ?? new Set()).add(unit.county));
    }
  }
  const twice = [...counts].filter(([, counties]) => counties.size > 1).map(([unitId]) => unitId);
  const pointed = twice.length > 0 ? await registry.countiesOf(twice) : new Map<string, string>();
  return { histories, obligedAt: (at: Date) => obligedAt(histories, at, pointed) };
};
