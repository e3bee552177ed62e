/**
 * The unit registry port kept in memory, replacing counties wholesale and pointing each unit id at
 * its county as the real one does.
 */
import type { ReportingUnit } from '../../shared/domain/zero-reports';
import type { UnitRegistry } from '../../shared/ports/unit-registry';

export class InMemoryUnitRegistry implements UnitRegistry {
  #units: ReportingUnit[] = [];
  readonly #countyOf = new Map<string, string>();
  /** How many times counties were replaced: an import refused for a bad row replaces none. */
  replacements = 0;

  async unit(county: string, unitId: string) {
    const found = this.#units.find((u) => u.county === county && u.unitId === unitId);
    return found ? structuredClone(found) : undefined;
  }

  async unitsOf(county: string) {
    return structuredClone(this.#units.filter((u) => u.county === county));
  }

  async countiesOf(unitIds: readonly string[]) {
    const found = new Map<string, string>();
    for (const unitId of unitIds) {
      const county = this.#countyOf.get(unitId);
      if (county !== undefined) found.set(unitId, county);
    }
    return found;
  }

  async replaceCounties(counties: readonly string[], units: readonly ReportingUnit[]) {
    const replaced = new Set(counties);
    const ids = new Set(units.map((u) => u.unitId));
    for (const stale of this.#units.filter((u) => replaced.has(u.county) && !ids.has(u.unitId))) {
      if (this.#countyOf.get(stale.unitId) === stale.county) this.#countyOf.delete(stale.unitId);
    }
    this.#units = [...this.#units.filter((u) => !replaced.has(u.county)), ...structuredClone(units)];
    for (const unit of units) this.#countyOf.set(unit.unitId, unit.county);
    this.replacements += 1;
  }

  /**
   * Files a unit under a county without the import's checks or the pointer, as registries written
   * before the registry kept one county per unit may hold it.
   */
  fileWithoutChecks(unit: ReportingUnit): void {
    this.#units.push(structuredClone(unit));
  }

  all(): readonly ReportingUnit[] {
    return structuredClone(this.#units);
  }
}
