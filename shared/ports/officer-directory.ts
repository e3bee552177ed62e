import type { Officer, Shift } from '../domain/officers';

/** The officer directory: each office's responsible persons and duty roster. */
export interface OfficerDirectory {
  /** One office's officers and shifts. */
  ofOffice(office: string): Promise<{ readonly officers: readonly Officer[]; readonly roster: readonly Shift[] }>;
  /** Replaces everything known about these offices with what is given for them. */
  replaceOffices(offices: readonly string[], officers: readonly Officer[], roster: readonly Shift[]): Promise<void>;
}
