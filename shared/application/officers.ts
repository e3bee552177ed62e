/** The officer directory's use cases: importing it, and offices reading their own. */
import { type Actor, mayQueryRegion } from '../domain/access';
import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors';
import { onDuty } from '../domain/officers';
import { isKnownRegion, NATIONAL } from '../domain/regions/regions';
import type { Clock } from '../ports/clock';
import type { OfficerDirectory } from '../ports/officer-directory';
import type { DeadLetteringSubscriptionRegistry, SubscriptionRegistry } from '../ports/officer-subscriptions';
import { type DirectoryRow, validateDirectory } from '../schemas/officers';
import { makeSyncOfficerSubscriptions, type SubscriptionChange, type SyncResult } from './officer-subscriptions';

/** What an import wrote: offices replaced, and the officers and shifts they now have. */
export interface ImportedDirectory {
  readonly offices: number;
  readonly officers: number;
  readonly shifts: number;
}

/**
 * The directory was imported, but its subscriptions were not all synced (SNS failed or throttled
 * half-way). Importing the same file again rewrites the same directory and retries the sync.
 */
export class SubscriptionSyncFailed extends Error {
  constructor(
    readonly imported: ImportedDirectory,
    cause: unknown,
  ) {
    super(
      `the directory was imported (${imported.officers} officers and ${imported.shifts} shifts for ` +
        `${imported.offices} offices), but syncing the officers' subscriptions failed: ` +
        `${cause instanceof Error ? cause.message : String(cause)}. Import the same file again to retry the sync.`,
      { cause },
    );
    this.name = 'SubscriptionSyncFailed';
  }
}

/**
 * What an import works with. `subscriptions` are the officer-notifications topic's; without them
 * only the directory is written (the local CLI when no runtime is running). `deadLetterTarget` is
 * the queue SNS parks undeliverable officer notifications in, set on every officer's subscription
 * (see `SyncDependencies`); it is optional because the local runtime has none: fauxqs keeps no
 * dead-letter queue for officers, and the local CLI syncs without one.
 */
export type ImportOfficersDependencies = {
  readonly directory: OfficerDirectory;
  readonly onSubscriptionChange?: (change: SubscriptionChange) => void;
} & (
  | { readonly subscriptions?: SubscriptionRegistry; readonly deadLetterTarget?: undefined }
  | { readonly subscriptions: DeadLetteringSubscriptionRegistry; readonly deadLetterTarget: string }
);

/**
 * Imports a directory file's rows: all of it or, if any row is bad, none of it — the error lists
 * every problem by line, and nothing is written or subscribed. Offices named in the file are
 * replaced as a whole. Given the officer-notifications topic's subscriptions, it then syncs them
 * for the people of those offices, before and after the import: a newcomer's channels are
 * subscribed, a leaver's removed, and everyone else's subscriptions are left as they are (save
 * their dead-letter target, when one is given).
 */
export const makeImportOfficers = (deps: ImportOfficersDependencies) => {
  const sync =
    deps.deadLetterTarget === undefined
      ? deps.subscriptions && makeSyncOfficerSubscriptions({ registry: deps.subscriptions })
      : makeSyncOfficerSubscriptions({ registry: deps.subscriptions, deadLetterTarget: deps.deadLetterTarget });
  return async (
    rows: readonly DirectoryRow[],
    problemsSoFar: readonly string[] = [],
  ): Promise<ImportedDirectory & { readonly subscriptions?: SyncResult }> => {
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
    // Read before the offices are replaced: the people leaving them are the ones whose
    // subscriptions this import must remove.
    const before = sync ? await Promise.all(offices.map((office) => deps.directory.ofOffice(office))) : [];
    await deps.directory.replaceOffices(offices, directory.officers, directory.roster);
    const imported = { offices: offices.length, officers: directory.officers.length, shifts: directory.roster.length };
    if (!sync) return imported;

    const people = [...before.flatMap((office) => office.officers), ...directory.officers].map((o) => o.personId);
    try {
      const subscriptions = await sync(directory.officers, {
        onlyFor: people,
        ...(deps.onSubscriptionChange ? { onChange: deps.onSubscriptionChange } : {}),
      });
      return { ...imported, subscriptions };
    } catch (error) {
      throw new SubscriptionSyncFailed(imported, error);
    }
  };
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
