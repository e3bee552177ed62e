/**
 * The unit registry through time: each county's list of reporting units, one version per import
 * taking effect at its instant. A unit moved or closed keeps its past duties where they were: each
 * owed day is held to the registry in effect at its cut-off.
 */
import type { Versioned } from './history';
import { versionAt } from './history';
import type { ReportingUnit } from './zero-reports';

/** A county's units as one import put them on record, from `effectiveAt` on. */
export interface RegistryVersion extends Versioned {
  readonly units: readonly ReportingUnit[];
}

/** A county's registry through time, oldest version first. */
export interface CountyRegistryHistory {
  readonly county: string;
  readonly versions: readonly RegistryVersion[];
}

/** The units a county had registered at an instant (none before its first version). */
export const unitsAt = (history: CountyRegistryHistory, at: Date): readonly ReportingUnit[] =>
  versionAt(history, at)?.units ?? [];
