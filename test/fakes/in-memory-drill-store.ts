/** The drill store port in memory, for use-case tests; the DynamoDB adapter is tested on DynamoDB Local. */
import { type Drill, provinceOfDrill } from '../../shared/domain/drills';
import { DrillChanged, type DrillStore } from '../../shared/ports/drill-store';

export class InMemoryDrillStore implements DrillStore {
  readonly #drills = new Map<string, Drill>();

  async create(drill: Drill) {
    const existing = this.#drills.get(drill.drillId);
    if (existing) return { created: false, drill: existing };
    this.#drills.set(drill.drillId, drill);
    return { created: true, drill };
  }

  async get(drillId: string) {
    return this.#drills.get(drillId);
  }

  async inProvince(province: string) {
    return [...this.#drills.values()]
      .filter((d) => provinceOfDrill(d.drillId) === province)
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.drillId.localeCompare(b.drillId));
  }

  async end(drill: Drill) {
    const stored = this.#drills.get(drill.drillId);
    if (!stored || stored.endedEarly || !drill.endedEarly) throw new DrillChanged(drill.drillId);
    this.#drills.set(drill.drillId, drill);
  }
}
