/**
 * Rewriting every incident's head from its log, once, after the store's head item has gained keys
 * (the boards' `boardKey` and `changeKey`): a head written before carries none until its incident
 * next changes, so the boards miss the incident and verification finds the head not matching its
 * log. Each head is rebuilt as verification rebuilds it and written only where the stored item
 * differs, on the condition that no append moved it meanwhile (the append wins: its head already
 * has the keys). A run is idempotent, and resumable from the position its progress reports.
 */
import { headDifferences, itemDifferences, replayHead } from '../domain/head-projection';
import type { IncidentState } from '../domain/incident';
import type { IncidentStore } from '../ports/incident-store';
import { readIncidentLog } from './read-log';

/** Items scanned per page (heads and events alike). */
const PAGE = 200;
/** Reads and rewrites of one head before leaving it to a later run: appends kept moving it. */
const ATTEMPTS = 3;

export interface HeadRewriteProgress {
  /** Heads read so far in this run. */
  readonly heads: number;
  readonly rewritten: number;
  /** Where a run started with it as `after` goes on. */
  readonly after: string;
}

export interface HeadRewriteResult {
  readonly heads: number;
  /** Heads whose item was rewritten from the log. */
  readonly rewritten: number;
  /** Heads that were already what their log projects to. */
  readonly unchanged: number;
  /** Heads an append kept moving while they were being rewritten; a later run finishes them. */
  readonly moving: readonly string[];
  /** Where a run stopped by `keepGoing` goes on; absent when every head was read. */
  readonly after?: string;
  /**
   * Heads whose state (not only their index keys) is not what their log projects to, or whose log
   * projects to nothing: left as they are, for verification to name and an inspector to look at.
   */
  readonly disagreeing: readonly string[];
}

type Outcome = 'rewritten' | 'unchanged' | 'moving' | 'disagreeing';

export const makeRewriteHeads = (deps: { readonly incidents: IncidentStore }) => {
  const { incidents } = deps;
  const { headsPage, rewriteHead, headItemOf } = incidents;
  if (!headsPage || !rewriteHead || !headItemOf) throw new Error('this incident store cannot rewrite its heads');

  const rewriteOne = async (incidentId: string): Promise<Outcome> => {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const { events, head } = await readIncidentLog(incidents, incidentId);
      // Deleted since the scan found it: nothing to rewrite.
      if (!head?.item) return 'unchanged';
      let projected: IncidentState | undefined;
      try {
        projected = replayHead(events);
      } catch {
        return 'disagreeing';
      }
      if (!projected || headDifferences(head.state, projected).length > 0) {
        // An append between the two reads shows as a head ahead of its log: read again.
        if (projected && head.state.version > projected.version) continue;
        return 'disagreeing';
      }
      if (itemDifferences(head.item, headItemOf.call(incidents, projected)).length === 0) return 'unchanged';
      if (await rewriteHead.call(incidents, projected)) return 'rewritten';
    }
    return 'moving';
  };

  return async (
    options: {
      /** A position a previous run's progress reported: go on from there. */
      readonly after?: string;
      /** Only heads without the boards' keys: the cheap check `npm start` makes. */
      readonly onlyWithoutBoardKeys?: boolean;
      /** Items scanned per page, heads and events alike; 200 by default. */
      readonly pageSize?: number;
      /** Asked before each page after the first: false stops the run there, its `after` the place to go on. */
      readonly keepGoing?: () => boolean;
      readonly progress?: (progress: HeadRewriteProgress) => void;
    } = {},
  ): Promise<HeadRewriteResult> => {
    let heads = 0;
    let rewritten = 0;
    let unchanged = 0;
    const moving: string[] = [];
    const disagreeing: string[] = [];
    let after = options.after;
    do {
      const page = await headsPage.call(incidents, { limit: options.pageSize ?? PAGE, ...(after ? { after } : {}) });
      for (const head of page.heads) {
        heads += 1;
        if (options.onlyWithoutBoardKeys && 'boardKey' in head.item && 'changeKey' in head.item) {
          unchanged += 1;
          continue;
        }
        const id = head.state.incidentId;
        const outcome = await rewriteOne(id);
        if (outcome === 'rewritten') rewritten += 1;
        else if (outcome === 'unchanged') unchanged += 1;
        else if (outcome === 'moving') moving.push(id);
        else disagreeing.push(id);
      }
      after = page.after;
      if (after && page.heads.length > 0) options.progress?.({ heads, rewritten, after });
    } while (after && (options.keepGoing?.() ?? true));
    return { heads, rewritten, unchanged, moving, disagreeing, ...(after ? { after } : {}) };
  };
};

/** What a run did, in a line or two, for the command line and `npm start`'s output. */
export const headRewriteSummary = (result: HeadRewriteResult): string => {
  const lines = [
    `${result.heads} incident heads read: ${result.rewritten} rewritten from their logs, ${result.unchanged} already right`,
  ];
  if (result.after) lines.push(`stopped before the end: go on with --after ${result.after}`);
  if (result.moving.length > 0) {
    lines.push(`${result.moving.length} kept changing while being rewritten (run again): ${result.moving.join(', ')}`);
  }
  if (result.disagreeing.length > 0) {
    lines.push(
      `${result.disagreeing.length} disagree with their logs beyond the index keys, left for verification (npm run verify-audit): ${result.disagreeing.join(', ')}`,
    );
  }
  return lines.join('\n');
};
