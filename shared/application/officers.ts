/** The officer directory's use cases: importing it, and offices reading their own. */
import { mayQueryRegion } from '../domain/access';
import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors';
import type { Actor } from '../domain/incident';
import { onDuty } from '../domain/officers';
import { isKnownRegion, NATIONAL } from '../domain/regions/regions';
import type { Clock } from '../ports/clock';
import type { OfficerDirectory } from '../ports/officer-directory';
import { type DirectoryRow, validateDirectory } from '../schemas/officers';

/**
 * Imports a directory file's rows: all of it or, if any row is bad, none of it — the error lists
 * every problem by line. Offices named in the file are replaced as a whole.
 */
export const makeImportOfficers =
  (deps: { readonly directory: OfficerDirectory }) =>
  async (rows: readonly DirectoryRow[], problemsSoFar: readonly string[] = []) => {
    const { directory, problems } = validateDirectory(rows);
    const all = [...problemsSoFar, ...problems];
    if (all.length > 0) {
      throw new ValidationError(
        `the directory was not imported: ${all.length} problem${all.length === 1 ? '' : 's'}`,
        all.map((problem) => ({ field: problem.split(':')[0] ?? '(file)', problem })),
      );
    }
    const offices = [
      ...new Set([...directory.officers.map((o) => o.office), ...directory.roster.map((s) => s.office)]),
    ];
    await deps.directory.replaceOffices(offices, directory.officers, directory.roster);
    return { offices: offices.length, officers: directory.officers.length, shifts: directory.roster.length };
  };

/** An office's officers and roster, and who is on duty now, for offices and inspectors within jurisdiction. */
export const makeReadOfficers =
  (deps: { readonly directory: OfficerDirectory; readonly clock: Clock }) => async (actor: Actor, office: string) => {
    if (office !== NATIONAL && !isKnownRegion(office))
      throw new NotFoundError(`office ${office} is not a GB/T 2260 code`);
    const decision = mayQueryRegion(actor, office);
    if (!decision.allowed) throw new ForbiddenError(decision.reason, { targetRegion: office });
    const { officers, roster } = await deps.directory.ofOffice(office);
    return { office, officers, roster, onDutyNow: onDuty(roster, office, deps.clock.now()) };
  };
