/** The officer directory port kept in memory, adding a version per office as the real one does. */
import type { DirectoryHistory, DirectoryVersion, Officer, Shift } from '../../shared/domain/officers';
import type { OfficerDirectory } from '../../shared/ports/officer-directory';

export class InMemoryOfficerDirectory implements OfficerDirectory {
  #versions = new Map<string, DirectoryVersion[]>();
  /** How many times versions were written: an import refused for a bad row writes none. */
  replacements = 0;

  async ofOffice(office: string): Promise<DirectoryHistory> {
    return { versions: structuredClone(this.#versions.get(office) ?? []) };
  }

  async replaceOffices(
    offices: readonly string[],
    officers: readonly Officer[],
    roster: readonly Shift[],
    effectiveAt: Date,
  ) {
    for (const office of offices) {
      const version: DirectoryVersion = {
        effectiveAt: effectiveAt.toISOString(),
        officers: structuredClone(officers.filter((o) => o.office === office)),
        roster: structuredClone(roster.filter((s) => s.office === office)),
      };
      const others = (this.#versions.get(office) ?? []).filter((v) => v.effectiveAt !== version.effectiveAt);
      this.#versions.set(
        office,
        [...others, version].sort((a, b) => a.effectiveAt.localeCompare(b.effectiveAt)),
      );
    }
    this.replacements += 1;
  }
}
