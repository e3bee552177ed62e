import type { Drill } from '../domain/drills';

/** An office ended the drill first, or it was never started: the end was not written. */
export class DrillChanged extends Error {
  constructor(readonly drillId: string) {
    super(`drill ${drillId} changed while it was being ended`);
    this.name = 'DrillChanged';
  }
}

/** The drills started on the live system, filed by the province they cover. */
export interface DrillStore {
  /**
   * Writes a new drill unless one with its id exists; answers the drill stored under that id,
   * which is `drill` itself when it was created.
   */
  create(drill: Drill): Promise<{ readonly created: boolean; readonly drill: Drill }>;
  get(drillId: string): Promise<Drill | undefined>;
  /** Every drill of a province, earliest start first. */
  inProvince(province: string): Promise<readonly Drill[]>;
  /**
   * Replaces a drill with its early end, on the condition that it has not been ended meanwhile.
   * @throws DrillChanged
   */
  end(drill: Drill): Promise<void>;
}
