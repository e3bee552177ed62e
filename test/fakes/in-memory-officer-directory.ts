/** The officer directory port kept in memory, replacing offices wholesale as the real one does. */
import type { Officer, Shift } from '../../shared/domain/officers';
import type { OfficerDirectory } from '../../shared/ports/officer-directory';

export class InMemoryOfficerDirectory implements OfficerDirectory {
  #officers: Officer[] = [];
  #roster: Shift[] = [];
  /** How many times the offices were replaced: an import refused for a bad row replaces none. */
  replacements = 0;

  async ofOffice(office: string) {
    return {
      officers: structuredClone(this.#officers.filter((o) => o.office === office)),
      roster: structuredClone(this.#roster.filter((s) => s.office === office)),
    };
  }

  async replaceOffices(offices: readonly string[], officers: readonly Officer[], roster: readonly Shift[]) {
    const replaced = new Set(offices);
    this.#officers = [...this.#officers.filter((o) => !replaced.has(o.office)), ...structuredClone(officers)];
    this.#roster = [...this.#roster.filter((s) => !replaced.has(s.office)), ...structuredClone(roster)];
    this.replacements += 1;
  }
}
