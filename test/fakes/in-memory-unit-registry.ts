/**
 * The unit registry port kept in memory, with its history: each replacement adds a version of the
 * counties it names, and each unit id is pointed at its county, as the real one does.
 */
import { BEFORE_HISTORY } from '../../shared/domain/history';
import { type RegistryVersion, unitsAt } from '../../shared/domain/unit-registry';
import type { ReportingUnit } from '../../shared/domain/zero-reports';
import type { UnitRegistry } from '../../shared/ports/unit-registry';

export class InMemoryUnitRegistry implements UnitRegistry {
  readonly #versions = new Map<string, RegistryVersion[]>();
  readonly #countyOf = new Map<string, string>();
  /** How many times counties were replaced: an import refused for a bad row replaces none. */
  replacements = 0;

  async historyOf(county: string) {
    const versions = [...(this.#versions.get(county) ?? [])].sort((a, b) => a.effectiveAt.localeCompare(b.effectiveAt));
    return structuredClone({ county, versions });
  }

  async unitsOf(county: string, at = new Date()) {
    return unitsAt(await this.historyOf(county), at);
  }

  async unit(county: string, unitId: string, at = new Date()) {
    return (await this.unitsOf(county, at)).find((u) => u.unitId === unitId);
  }

  async countiesOf(unitIds: readonly string[]) {
    const found = new Map<string, string>();
    for (const unitId of unitIds) {
      const county = this.#countyOf.get(unitId);
      if (county !== undefined) found.set(unitId, county);
    }
    return found;
  }

  async replaceCounties(counties: readonly string[], units: readonly ReportingUnit[], effectiveAt = new Date()) {
    const ids = new Set(units.map((u) => u.unitId));
    for (const county of counties) {
      for (const stale of (await this.unitsOf(county, effectiveAt)).filter((u) => !ids.has(u.unitId))) {
        if (this.#countyOf.get(stale.unitId) === county) this.#countyOf.delete(stale.unitId);
      }
      const at = effectiveAt.toISOString();
      const kept = (this.#versions.get(county) ?? []).filter((v) => v.effectiveAt !== at);
      this.#versions.set(county, [
        ...kept,
        { effectiveAt: at, units: structuredClone(units.filter((u) => u.county === county)) },
      ]);
    }
    for (const unit of units) this.#countyOf.set(unit.unitId, unit.county);
    this.replacements += 1;
  }

  /**
   * Files a unit under a county without the import's checks or the pointer, as registries written
   * before the registry kept one county per unit may hold it: in every version of the county.
   */
  fileWithoutChecks(unit: ReportingUnit): void {
    const versions = this.#versions.get(unit.county) ?? [{ effectiveAt: BEFORE_HISTORY, units: [] }];
    this.#versions.set(
      unit.county,
      versions.map((v) => ({ ...v, units: [...v.units, structuredClone(unit)] })),
    );
  }

  all(): readonly ReportingUnit[] {
    const now = new Date();
    return [...this.#versions].flatMap(([county, versions]) => structuredClone(unitsAt({ county, versions }, now)));
  }
}
