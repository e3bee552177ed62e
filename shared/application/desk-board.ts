/**
 * The duty desk's live board: the incidents an office has in front of it, most urgent first, and,
 * on every poll after the first, only what changed since the last one. Polling this cheap read
 * keeps both runtimes alike (docs/web.md#the-duty-desk says why not a push channel).
 */
import { type Actor, mayQueryRegion } from '../domain/access';
import { type BoardRow, boardRowOf } from '../domain/board';
import { byUrgency } from '../domain/board-order';
import type { OfficeRef } from '../domain/incident';
import { type Policy, policyFor } from '../domain/policy/policy';
import type { Clock } from '../ports/clock';
import type { IncidentStore } from '../ports/incident-store';
import { officeOf } from './escalation';
import { indexedLevelOf, regionToRead } from './jurisdiction';

/**
 * How far back each poll looks again. A head's `updatedAt` is taken before its write commits and
 * the index behind the board is eventually consistent, so a change stamped just before a poll may
 * only be readable just after it: asking again from a little earlier never misses one (the console
 * keeps the newer version of a row it already has).
 */
export const BOARD_OVERLAP_MS = 15_000;

export interface BoardQueryInput {
  /** The `pollSince` of the previous answer; absent for the first read. */
  readonly since?: string;
  readonly limit: number;
}

export interface BoardView {
  readonly office: OfficeRef;
  /** When the board was read (the server's clock: the console counts down against it). */
  readonly asOf: string;
  /** What to send as `since` on the next poll. */
  readonly pollSince: string;
  /** With `since`: only rows that changed; without: the board, most urgent first, up to `limit`. */
  readonly changes: boolean;
  readonly items: readonly BoardRow[];
  /** Rows on the whole board (without `since`), of which `items` are the first. */
  readonly total?: number;
  /** Incidents that left the board since `since`: closed with every duty settled. */
  readonly removed: readonly string[];
}

export const makeReadBoard =
  (deps: { readonly incidents: IncidentStore; readonly clock: Clock; readonly policy: Policy }) =>
  async (actor: Actor, query: BoardQueryInput): Promise<BoardView> => {
    const office = officeOf(actor);
    const region = regionToRead(actor, undefined, mayQueryRegion);
    const level = indexedLevelOf(region, 'list');
    const now = deps.clock.now();
    const heads = await deps.incidents.board({
      // GB/T 2260: a code's first two digits are its province.
      province: `${region.slice(0, 2)}0000`,
      ...(level === 'province' ? {} : { within: { level, code: region } }),
      ...(query.since ? { since: query.since } : {}),
    });
    const rows = heads.onBoard
      .flatMap((state) => boardRowOf(state, office, policyFor(deps.policy, state.drill)) ?? [])
      .sort(byUrgency);
    return {
      office,
      asOf: now.toISOString(),
      pollSince: new Date(now.getTime() - BOARD_OVERLAP_MS).toISOString(),
      changes: query.since !== undefined,
      items: query.since ? rows : rows.slice(0, query.limit),
      ...(query.since ? {} : { total: rows.length }),
      removed: heads.offBoard.map((state) => state.incidentId),
    };
  };
