import type { DirectoryHistory, Officer, Shift } from '../domain/officers';

/** The officer directory: each office's responsible persons and duty roster, through time. */
export interface OfficerDirectory {
  /** One office's every version, oldest first (none if nothing was ever imported for it). */
  ofOffice(office: string): Promise<DirectoryHistory>;
  /**
   * Puts on record what these offices hold from `effectiveAt` on: a new version of each, leaving
   * every version before it as it was. A version at the same instant is the same import repeated,
   * and is written again.
   */
  replaceOffices(
    offices: readonly string[],
    officers: readonly Officer[],
    roster: readonly Shift[],
    effectiveAt: Date,
  ): Promise<void>;
}
