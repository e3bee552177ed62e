/** The unit registry port kept in memory, replacing counties wholesale as the real one does. */
import type { ReportingUnit } from '../../shared/domain/zero-reports';
import type { UnitRegistry } from '../../shared/ports/unit-registry';

export class InMemoryUnitRegistry implements UnitRegistry {
  #units: ReportingUnit[] = [];
  /** How many times counties were replaced: an import refused for a bad row replaces none. */
  replacements = 0;

  async unit(county: string, unitId: string) {
    const found = this.#units.find((u) => u.county === county && u.unitId === unitId);
    return found ? structuredClone(found) : undefined;
  }

  async unitsOf(county: string) {
    return structuredClone(this.#units.filter((u) => u.county === county));
  }

  async replaceCounties(counties: readonly string[], units: readonly ReportingUnit[]) {
    const replaced = new Set(counties);
    this.#units = [...this.#units.filter((u) => !replaced.has(u.county)), ...structuredClone(units)];
    this.replacements += 1;
  }

  all(): readonly ReportingUnit[] {
    return structuredClone(this.#units);
  }
}
