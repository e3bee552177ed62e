/** The officer directory's use cases: importing it, and offices reading their own. */
import { type Actor, mayQueryRegion } from '../domain/access';
import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors';
import { effectiveTimeProblem } from '../domain/history';
import { onDuty, versionAt } from '../domain/officers';
import { isKnownRegion, NATIONAL } from '../domain/regions/regions';
import type { Clock } from '../ports/clock';
import type { OfficerDirectory } from '../ports/officer-directory';
import type { DeadLetteringSubscriptionRegistry, SubscriptionRegistry } from '../ports/officer-subscriptions';
import { type DirectoryRow, validateDirectory } from '../schemas/officers';
import { makeSyncOfficerSubscriptions, type SubscriptionChange, type SyncResult } from './officer-subscriptions';

/** What an import wrote: the offices given a new version, from when, and the officers and shifts in it. */
export interface ImportedDirectory {
  readonly offices: number;
  /** When the new versions take effect (ISO). */
  readonly effectiveAt: string;
  readonly officers: number;
  readonly shifts: number;
}

/**
 * The directory was imported, but its subscriptions were not all synced (SNS failed or throttled
 * half-way). Importing the same file again, effective now, records the same directory again and
 * retries the sync.
 */
export class SubscriptionSyncFailed extends Error {
  constructor(
    readonly imported: ImportedDirectory,
    cause: unknown,
  ) {
    super(
      `the directory was imported (${imported.officers} officers and ${imported.shifts} shifts for ` +
        `${imported.offices} offices), but syncing the officers' subscriptions failed: ` +
        `${cause instanceof Error ? cause.message : String(cause)}. Import the same file again, effective now, to retry the sync.`,
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
  /** What "now" is: the default effective time, and the earliest one an import may state. */
  readonly clock: Clock;
  readonly onSubscriptionChange?: (change: SubscriptionChange) => void;
  /** Whether SNS sends the officers' SMS (see {@link SyncDependencies}). @default true */
  readonly smsBySns?: boolean;
} & (
  | { readonly subscriptions?: SubscriptionRegistry; readonly deadLetterTarget?: undefined }
  | { readonly subscriptions: DeadLetteringSubscriptionRegistry; readonly deadLetterTarget: string }
);

/** What an import may state besides its rows. */
export interface ImportOptions {
  /** When the file takes effect; now if not given. Never before now: an import does not rewrite the past. */
  readonly effectiveAt?: Date;
}

/**
 * Imports a directory file's rows: all of it or, if any row is bad, none of it — the error lists
 * every problem by line, and nothing is written or subscribed. Each office named in the file gets
 * a new version, whole, taking effect at the stated instant (default now); what the directory held
 * before that instant stays on record as it was, since notifications went out and duties fell due
 * under it. An effective time in the past is refused for the same reason. Given the
 * officer-notifications topic's subscriptions, it then syncs them
 * for the people of those offices, before and after the import: a newcomer's channels are
 * subscribed, a leaver's removed, and everyone else's subscriptions are left as they are (save
 * their dead-letter target, when one is given).
 */
export const makeImportOfficers = (deps: ImportOfficersDependencies) => {
  const sync =
    deps.deadLetterTarget === undefined
      ? deps.subscriptions && makeSyncOfficerSubscriptions({ registry: deps.subscriptions, smsBySns: deps.smsBySns })
      : makeSyncOfficerSubscriptions({
          registry: deps.subscriptions,
          deadLetterTarget: deps.deadLetterTarget,
          smsBySns: deps.smsBySns,
        });
  return async (
    rows: readonly DirectoryRow[],
    problemsSoFar: readonly string[] = [],
    options: ImportOptions = {},
  ): Promise<ImportedDirectory & { readonly subscriptions?: SyncResult }> => {
    const now = deps.clock.now();
    const effectiveAt = options.effectiveAt ?? now;
    const { directory, problems } = validateDirectory(rows);
    const all = [...problemsSoFar, ...problems];
    const late = effectiveTimeProblem(effectiveAt, now, 'directory');
    if (late) all.push(late);
    if (all.length > 0) {
      throw new ValidationError(
        `the directory was not imported: ${all.length} problem${all.length === 1 ? '' : 's'}`,
        all.map((problem) => ({ field: problem.split(':')[0] ?? '(file)', problem })),
      );
    }
    const offices = [
      ...new Set([...directory.officers.map((o) => o.office), ...directory.roster.map((s) => s.office)]),
    ];
    // Read before the new versions are written: the people leaving the offices are the ones whose
    // subscriptions this import must remove.
    const before = sync
      ? await Promise.all(offices.map(async (office) => versionAt(await deps.directory.ofOffice(office), now)))
      : [];
    await deps.directory.replaceOffices(offices, directory.officers, directory.roster, effectiveAt);
    const imported = {
      offices: offices.length,
      effectiveAt: effectiveAt.toISOString(),
      officers: directory.officers.length,
      shifts: directory.roster.length,
    };
    if (!sync) return imported;

    const current = before.flatMap((version) => version?.officers ?? []);
    const people = [...current, ...directory.officers].map((o) => o.personId);
    // Until a version in the future takes effect, the people in post now are still the ones told:
    // they keep their subscriptions beside the newcomers', and the next import after it removes them.
    const coming = new Set(directory.officers.map((o) => o.personId));
    const subscribed =
      effectiveAt.getTime() > now.getTime()
        ? [...directory.officers, ...current.filter((o) => !coming.has(o.personId))]
        : directory.officers;
    try {
      const subscriptions = await sync(subscribed, {
        onlyFor: people,
        ...(deps.onSubscriptionChange ? { onChange: deps.onSubscriptionChange } : {}),
      });
      return { ...imported, subscriptions };
    } catch (error) {
      throw new SubscriptionSyncFailed(imported, error);
    }
  };
};

/** An office's officers and roster as in effect now, and who is on duty now, for offices and inspectors within jurisdiction. */
export const makeReadOfficers =
  (deps: { readonly directory: OfficerDirectory; readonly clock: Clock }) => async (actor: Actor, office: string) => {
    if (office !== NATIONAL && !isKnownRegion(office))
      throw new NotFoundError(`office ${office} is not a GB/T 2260 code`);
    const decision = mayQueryRegion(actor, office);
    if (!decision.allowed) throw new ForbiddenError(decision.reason, { targetRegion: office });
    const now = deps.clock.now();
    const version = versionAt(await deps.directory.ofOffice(office), now);
    const { officers, roster } = version ?? { officers: [], roster: [] };
    return { office, officers, roster, onDutyNow: onDuty(roster, office, now), since: version?.effectiveAt ?? null };
  };
