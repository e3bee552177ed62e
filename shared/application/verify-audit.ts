/**
 * Verifying the audit trail of a jurisdiction: every hash chain filed inside it — each incident's
 * event log, each unit's zero-report log — recomputed and checked against its head; each head held
 * to what its log projects to, an incident's with the index keys the views select it by (the views
 * read heads, not logs); each zero-report miss held to the lookup through which the missed list
 * finds it, and every such lookup to a miss of the log; every broken link named, and the refused
 * requests of the jurisdiction listed beside them. The command-line tool runs it to the end; the
 * API runs it a page at a time, inside a time budget.
 */
import { type Actor, mayInspect } from '../domain/access';
import { attachmentKey } from '../domain/attachments';
import { type AuditDigest, anchorIndex, anchorKey, type ChainAnchor, checkAnchor } from '../domain/audit-digest';
import { type ChainVerdict, type ExpectedHead, verifyChain } from '../domain/hash-chain';
import {
  describeDifference,
  type HeadDifference,
  headDifferences,
  itemDifferences,
  replayHead,
  replayZeroHead,
} from '../domain/head-projection';
import type { IncidentEvent, IncidentState } from '../domain/incident';
import { childrenOf, NATIONAL, regionOf } from '../domain/regions/regions';
import type { ZeroChainState, ZeroReportEvent } from '../domain/zero-reports';
import type { AccessDenied, AccessLog } from '../ports/access-log';
import type { AttachmentStore } from '../ports/attachment-store';
import type { AttachmentFound, AuditChain, AuditChainSource, MissLookups } from '../ports/audit-chains';
import type { Clock } from '../ports/clock';
import type { IncidentStore } from '../ports/incident-store';
import {
  readChainsBefore,
  readIncidentPosition,
  readStoppedAt,
  writeChainsBefore,
  writeIncidentPosition,
  writeStoppedAt,
} from '../schemas/verification-cursors';
import { mapBounded } from './concurrency';
import { regionToRead } from './jurisdiction';
import { makeListAccessDenied } from './list-access-denied';
import { readIncidentLog } from './read-log';

/**
 * Why a chain does not hold: the chain's own verdict, a head that is not there at all, a head that
 * is not what its log projects to, a zero-report log's misses not as the missed list's lookups say
 * them (a miss without its lookup, a lookup changed, a lookup for a miss the log does not hold),
 * or — against an earlier digest — an event the digest recorded that is changed or gone, or a
 * whole chain gone.
 */
export type BreakReason =
  | Exclude<ChainVerdict, { intact: true }>['reason']
  | 'head-missing'
  | 'head-projection-mismatch'
  | 'lookup-mismatch'
  | 'anchor-mismatch'
  | 'anchor-missing-events'
  | 'chain-missing'
  | 'attachment-mismatch'
  | 'unverifiable';

/** One broken chain, at the first link that does not hold (every later link hangs off it). */
export interface BrokenLink {
  readonly kind: AuditChain['kind'];
  /** The incident id, or `<period id>/<unit>` for a zero-report log. */
  readonly id: string;
  readonly region: string;
  readonly seq: number;
  readonly reason: BreakReason;
  readonly detail: string;
}

export interface ChainCounts {
  readonly chains: number;
  readonly events: number;
  readonly intact: number;
  readonly broken: number;
}

/** A page of chains and where the next one starts (absent after the last). */
export interface AuditChainPage {
  readonly chains: readonly AuditChain[];
  readonly after?: string;
}

/**
 * A source that can resume where a page ended, so an API call verifies part of a jurisdiction and
 * the next call carries on. A source without it is resumed by position, re-reading what it skips.
 */
export interface ResumableAuditChainSource extends AuditChainSource {
  chainsPage(region: string, page: { readonly limit: number; readonly after?: string }): Promise<AuditChainPage>;
}

const isResumable = (source: AuditChainSource): source is ResumableAuditChainSource =>
  typeof (source as Partial<ResumableAuditChainSource>).chainsPage === 'function';

/** The first broken link of a chain, or nothing if the chain holds. */
export const checkChain = (chain: AuditChain): BrokenLink | undefined => {
  const where = { kind: chain.kind, id: chain.id, region: chain.region };
  if (!chain.head && chain.events.length === 0 && chain.lookups && chain.lookups.stored.length > 0) {
    // Only a lookup says this log exists: a miss on the missed list that no log holds.
    return checkLookups(chain, chain.lookups, 0);
  }
  const verdict = verifyChain(chain.events, chain.head);
  if (!chain.head) {
    // Without a head nothing says where the log should end, so events cut from its end would go
    // unseen: the head is part of the evidence. An incident without one is also in none of the
    // views, which find incidents through their heads — the graver fault, so it is the one named
    // even when the log breaks as well.
    const last = chain.events.at(-1)?.seq;
    const lastSeq = typeof last === 'number' ? last : chain.events.length;
    const unseen =
      chain.kind === 'incident'
        ? ', so the incident is in none of the views and nothing vouches for where its log ends'
        : ', so nothing vouches for where it ends';
    const alsoBroken = verdict.intact
      ? ''
      : `; the log itself also breaks at event ${verdict.brokenAtSeq} (${verdict.reason}): ${verdict.detail}`;
    return {
      ...where,
      seq: lastSeq,
      reason: 'head-missing',
      detail: `the log holds ${verdict.events} events but its head item is missing${unseen}${alsoBroken}`,
    };
  }
  if (!verdict.intact) {
    return { ...where, seq: verdict.brokenAtSeq, reason: verdict.reason, detail: verdict.detail };
  }
  if (chain.kind === 'incident') {
    return (
      (chain.state ? checkProjection(chain, chain.head, chain.state) : undefined) ??
      (chain.attachments ? checkAttachments(chain, chain.attachments) : undefined)
    );
  }
  if (chain.kind === 'zero-report') {
    return (
      (chain.zeroState ? checkZeroProjection(chain, chain.head, chain.zeroState) : undefined) ??
      (chain.lookups ? checkLookups(chain, chain.lookups, chain.head.seq) : undefined)
    );
  }
  return undefined;
};

/**
 * {@link checkChain}, never throwing: a log holding what no check can read (a value written around
 * the API) is itself a broken chain, and one such log must not stop the verification of the others.
 */
const checkOrName = (chain: AuditChain): BrokenLink | undefined => {
  try {
    return checkChain(chain);
  } catch (error) {
    const first = chain.events[0]?.seq;
    return {
      kind: chain.kind,
      id: chain.id,
      region: chain.region,
      seq: typeof first === 'number' ? first : 1,
      reason: 'unverifiable',
      detail: `the stored log cannot be recomputed (${(error as Error).message}): it holds a value the API never writes`,
    };
  }
};

/** Differences named in a detail; the rest are counted. */
const DIFFERENCES_NAMED = 5;

/** The first few of `items` as text, and how many more there are. */
const listed = (items: readonly string[]): string => {
  const more = items.length > DIFFERENCES_NAMED ? `; and ${items.length - DIFFERENCES_NAMED} more` : '';
  return `${items.slice(0, DIFFERENCES_NAMED).join('; ')}${more}`;
};

const differencesNamed = (differences: readonly HeadDifference[]): string =>
  listed(differences.map(describeDifference));

/** Whether an incident's stored head is what its (intact) log projects to. */
const checkProjection = (chain: AuditChain, head: ExpectedHead, stored: IncidentState): BrokenLink | undefined => {
  const where = { kind: chain.kind, id: chain.id, region: chain.region, seq: head.seq } as const;
  let projected: IncidentState | undefined;
  try {
    // Read from the incident store, an incident chain's events are its IncidentEvents.
    projected = replayHead(chain.events as readonly IncidentEvent[]);
  } catch (error) {
    return {
      ...where,
      reason: 'head-projection-mismatch',
      detail: `the log does not project to any head (${(error as Error).message}), yet a head is stored for it`,
    };
  }
  if (!projected) return undefined;
  // The item as stored where the store gives it: the keys the views select by (an audit period by
  // the list key, a region by its codes) and the sweeper finds pending deadlines by are in it.
  const differences = chain.headItem
    ? itemDifferences(chain.headItem.item, chain.headItem.itemOf(projected))
    : headDifferences(stored, projected);
  if (differences.length === 0) return undefined;
  const reads = chain.headItem
    ? 'which the late, missed and offices views read and select incidents by, and the deadline sweeper finds pending duties by'
    : 'which the late, missed and offices views read';
  return {
    ...where,
    reason: 'head-projection-mismatch',
    detail: `the head item, ${reads}, is not what the log's ${chain.events.length} events project to: ${differencesNamed(differences)}`,
  };
};

/**
 * Whether every file the (intact) log names is stored as named: bytes read back whose SHA-256 or
 * size is not the named one are a break, wherever they came from. A file not stored at all is not:
 * a unit's photos may still be on their way, and the attachment list shows them as missing.
 */
const checkAttachments = (chain: AuditChain, found: readonly AttachmentFound[]): BrokenLink | undefined => {
  const mismatched = found.filter(
    (file) => file.stored && (file.stored.sha256 !== file.sha256 || file.stored.bytes !== file.bytes),
  );
  const first = mismatched[0];
  if (!first) return undefined;
  return {
    kind: chain.kind,
    id: chain.id,
    region: chain.region,
    seq: first.seq,
    reason: 'attachment-mismatch',
    detail: `the attachment store holds other bytes than the log names: ${listed(
      mismatched.map(
        (file) =>
          `${file.sha256} (named by event ${file.seq}, ${file.bytes} bytes) holds ${file.stored?.bytes} bytes hashing to ${file.stored?.sha256}`,
      ),
    )}`,
  };
};

/** Whether a zero-report log's stored head is what its (intact) log projects to. */
const checkZeroProjection = (chain: AuditChain, head: ExpectedHead, stored: ZeroChainState): BrokenLink | undefined => {
  const where = { kind: chain.kind, id: chain.id, region: chain.region, seq: head.seq } as const;
  let projected: ZeroChainState | undefined;
  try {
    // Read from the zero-report store, a zero-report chain's events are its ZeroReportEvents.
    projected = replayZeroHead(chain.events as readonly ZeroReportEvent[], stored.unitName);
  } catch (error) {
    return {
      ...where,
      reason: 'head-projection-mismatch',
      detail: `the log does not project to any head (${(error as Error).message}), yet a head is stored for it`,
    };
  }
  if (!projected) return undefined;
  const differences = itemDifferences(stored, projected);
  if (differences.length === 0) return undefined;
  return {
    ...where,
    reason: 'head-projection-mismatch',
    detail: `the head item, which the missed list reads for late filings and notifications, is not what the log's ${chain.events.length} events project to: ${differencesNamed(differences)}`,
  };
};

/**
 * Whether the missed list's lookups say what a zero-report log's misses say: each miss has its
 * lookup, as the store writes it, and no lookup names this log without a miss of the log behind it.
 * The list reads the lookups, not the log, so a lookup deleted hides a miss, a lookup changed
 * changes it, and a lookup added invents one, while every chain still recomputes.
 */
const checkLookups = (chain: AuditChain, lookups: MissLookups, lastSeq: number): BrokenLink | undefined => {
  // Read from the zero-report store, a zero-report chain's events are its ZeroReportEvents.
  const events = chain.events as readonly ZeroReportEvent[];
  const problems: { readonly seq: number; readonly text: string }[] = [];
  const unmatched = new Map(lookups.stored.map((lookup) => [lookup.key, lookup]));
  const expectedKeys = new Map<number, string>();
  for (const event of events) {
    if (event.type !== 'DailyReportMissed') continue;
    const miss = `the miss of ${event.data.date} (event ${event.seq})`;
    let expected: ReturnType<MissLookups['of']>;
    try {
      expected = lookups.of(event);
    } catch (error) {
      problems.push({ seq: event.seq, text: `${miss} cannot be filed on the list (${(error as Error).message})` });
      continue;
    }
    expectedKeys.set(event.seq, expected.key);
    const found = unmatched.get(expected.key);
    unmatched.delete(expected.key);
    if (!found) {
      problems.push({
        seq: event.seq,
        text: `${miss} has no lookup item (${expected.key}), so the list does not show it`,
      });
      continue;
    }
    const differences = itemDifferences(found.item, expected.item);
    if (differences.length > 0) {
      problems.push({
        seq: event.seq,
        text: `${miss} has a lookup that says otherwise: ${differencesNamed(differences)}`,
      });
    }
  }
  const bySeq = new Map(events.map((event) => [event.seq, event]));
  for (const lookup of unmatched.values()) {
    const claimed = lookup.seq === undefined ? undefined : bySeq.get(lookup.seq);
    let why: string;
    if (lookup.seq === undefined) why = 'it names no event of the log';
    else if (!claimed) why = `the log has no event ${lookup.seq}`;
    else if (claimed.type !== 'DailyReportMissed') why = `event ${lookup.seq} is a ${claimed.type}, not a miss`;
    else
      why = `event ${lookup.seq} is the miss of ${claimed.data.date}, whose lookup is ${expectedKeys.get(lookup.seq)}`;
    problems.push({
      seq: claimed ? claimed.seq : lastSeq,
      text: `the lookup ${lookup.key} puts on the list a miss the log does not hold: ${why}`,
    });
  }
  if (problems.length === 0) return undefined;
  problems.sort((a, b) => a.seq - b.seq);
  return {
    kind: chain.kind,
    id: chain.id,
    region: chain.region,
    seq: problems[0]?.seq ?? lastSeq,
    reason: 'lookup-mismatch',
    detail: `the missed list finds this log's misses through lookup items, and they are not what its ${events.length} events say: ${listed(problems.map((p) => p.text))}`,
  };
};

/** Each file the log names, with what the store holds under its key, read back and hashed. */
const attachmentsFound = (
  attachments: AttachmentStore,
  incidentId: string,
  events: readonly IncidentEvent[],
): Promise<AttachmentFound[]> =>
  Promise.all(
    events.flatMap((event) =>
      event.type === 'ReportSubmitted'
        ? (event.data.attachments ?? []).map(async (file): Promise<AttachmentFound> => {
            const stored = await attachments.hashOf(attachmentKey(incidentId, file.sha256));
            return { sha256: file.sha256, bytes: file.bytes, seq: event.seq, ...(stored ? { stored } : {}) };
          })
        : [],
    ),
  );

/** A consistent read of one incident: its log and the head that vouches for it (and its files, given a store). */
const readIncidentChain = async (
  incidents: IncidentStore,
  incidentId: string,
  region: string,
  attachments?: AttachmentStore,
): Promise<AuditChain> => {
  const { events, head } = await readIncidentLog(incidents, incidentId);
  const itemOf = incidents.headItemOf?.bind(incidents);
  return {
    kind: 'incident',
    id: incidentId,
    region: head?.state.regionCode ?? region,
    events,
    ...(attachments ? { attachments: await attachmentsFound(attachments, incidentId, events) } : {}),
    ...(head
      ? {
          head: { seq: head.state.version, hash: head.state.lastHash },
          state: head.state,
          ...(head.item && itemOf ? { headItem: { item: head.item, itemOf } } : {}),
        }
      : {}),
  };
};

/** Logs read at once while verifying a page of incidents. */
const READ_CONCURRENCY = 8;

/**
 * Chains asked of a resumable source at a time: the time budget is looked at between reads, so
 * this bounds how far past its budget a page can run.
 */
const CHAINS_PER_READ = 25;

/**
 * The incidents' event logs as audit chains, found through the incident store's region indexes
 * (heads by county, city or province); a national verification walks the provinces in turn. An
 * incident whose head is gone is not found here, as it is not in the views: only a full run that
 * also scans for logs without a head (the CLI) names it.
 */
export const makeIncidentAuditChains = (deps: {
  readonly incidents: IncidentStore;
  /** Where the files the reports name are stored: given, each is read back and held to its name. */
  readonly attachments?: AttachmentStore;
}): ResumableAuditChainSource => {
  const partsOf = (region: string): readonly string[] =>
    regionOf(region).level === 'national' ? childrenOf(NATIONAL).map((p) => p.code) : [region];

  const chainsPage: ResumableAuditChainSource['chainsPage'] = async (region, page) => {
    const parts = partsOf(region);
    let part = 0;
    let key: Readonly<Record<string, string>> | undefined;
    if (page.after !== undefined) {
      // A key of the wrong index or range is the store's to refuse (it names the cursor too).
      ({ part, key } = readIncidentPosition(page.after, parts.length));
    }
    const chains: AuditChain[] = [];
    while (chains.length < page.limit && part < parts.length) {
      const code = parts[part] as string;
      const level = regionOf(code).level;
      if (level === 'national') throw new Error('a national region has no incident index of its own');
      const heads = await deps.incidents.list({
        level,
        regionCode: code,
        limit: page.limit - chains.length,
        ...(key ? { after: key } : {}),
      });
      chains.push(
        ...(await mapBounded(heads.items, READ_CONCURRENCY, (state) =>
          readIncidentChain(deps.incidents, state.incidentId, state.regionCode, deps.attachments),
        )),
      );
      key = heads.after;
      if (!key) part += 1;
    }
    const more = key !== undefined || part < parts.length;
    return { chains, ...(more ? { after: writeIncidentPosition({ part, key }) } : {}) };
  };

  return {
    chainsPage,
    async *chainsIn(region) {
      let after: string | undefined;
      do {
        const page = await chainsPage(region, { limit: CHAINS_PER_READ, ...(after !== undefined ? { after } : {}) });
        yield* page.chains;
        after = page.after;
      } while (after !== undefined);
    },
  };
};

export interface VerifyAuditQuery {
  /** The jurisdiction to verify; the caller's own by default. */
  readonly region?: string;
  /** Verify at most this many chains, then stop with a cursor (a page); absent: all of them. */
  readonly limit?: number;
  /** Stop with a cursor once this much time has gone (a page); absent: no limit. */
  readonly budgetMs?: number;
  /** Where the previous page stopped. */
  readonly after?: Readonly<Record<string, string>>;
  /** Refusals listed with the first page: at most this many (absent: all of them). */
  readonly accessDeniedLimit?: number;
  /** Called every `progressEvery` chains with the counts so far (long runs). */
  readonly progress?: (counts: ChainCounts) => void;
  readonly progressEvery?: number;
  /**
   * An earlier digest of the same jurisdiction to hold the chains to: each recorded event must
   * still hash the same, and each recorded chain must still exist (checked when the run is complete).
   */
  readonly against?: AuditDigest;
  /** Collect where each intact chain ends, for a new digest. */
  readonly collectAnchors?: boolean;
}

export interface VerifyAuditResult {
  readonly region: string;
  /** True when the run reached the last chain of the jurisdiction; otherwise `after` says where it stopped. */
  readonly complete: boolean;
  readonly counts: ChainCounts;
  readonly byKind: Readonly<Record<AuditChain['kind'], ChainCounts>>;
  readonly broken: readonly BrokenLink[];
  /** The jurisdiction's refused requests, with the first page only (a cursor continues neither). */
  readonly accessDenied?: {
    readonly items: readonly AccessDenied[];
    /** More refusals: continue at `GET /v1/audit/access-denied` with this cursor. */
    readonly after?: Readonly<Record<string, string>>;
  };
  readonly after?: Readonly<Record<string, string>>;
  /** Where each intact chain ended, when asked for (`collectAnchors`). */
  readonly anchors?: readonly ChainAnchor[];
}

const emptyCounts = (): { chains: number; events: number; intact: number; broken: number } => ({
  chains: 0,
  events: 0,
  intact: 0,
  broken: 0,
});

/**
 * Recomputes every hash chain of a jurisdiction, from `sources` in turn, for an inspector of it.
 * With `limit` or `budgetMs` it stops early and returns `after`, from which the next call resumes:
 * sum the pages' counts and broken links for the whole jurisdiction.
 *
 * @throws ValidationError, ForbiddenError
 */
export const makeVerifyAudit = (deps: {
  readonly sources: readonly AuditChainSource[];
  readonly accessLog: AccessLog;
  readonly clock: Clock;
}) => {
  const listAccessDenied = makeListAccessDenied({ accessLog: deps.accessLog });

  const deniedOf = async (actor: Actor, region: string, limit: number | undefined) => {
    const items: AccessDenied[] = [];
    let after: Readonly<Record<string, string>> | undefined;
    do {
      const page = await listAccessDenied(actor, {
        region,
        limit: limit === undefined ? 200 : limit - items.length,
        ...(after ? { after } : {}),
      });
      items.push(...page.items);
      after = page.after;
    } while (after && (limit === undefined || items.length < limit));
    return { items, ...(after ? { after } : {}) };
  };

  return async (actor: Actor, query: VerifyAuditQuery): Promise<VerifyAuditResult> => {
    const region = regionToRead(actor, query.region, mayInspect);

    let sourceIndex = 0;
    let position: string | undefined;
    if (query.after) {
      ({ source: sourceIndex, position } = readStoppedAt(query.after, deps.sources.length));
    }

    const started = deps.clock.now().getTime();
    const counts = emptyCounts();
    const byKind = { incident: emptyCounts(), 'zero-report': emptyCounts(), 'access-denied': emptyCounts() };
    const broken: BrokenLink[] = [];
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    const every = query.progressEvery ?? 100;
    const full = () =>
      counts.chains >= limit ||
      (query.budgetMs !== undefined && deps.clock.now().getTime() - started >= query.budgetMs);
    const anchors = query.against ? anchorIndex(query.against) : undefined;
    const seen = new Set<string>();
    const collected: ChainAnchor[] = [];
    const checkAgainstDigest = (chain: AuditChain): BrokenLink | undefined => {
      const anchor = anchors?.get(anchorKey(chain));
      const broke = anchor && checkAnchor(chain.events, anchor);
      return broke ? { kind: chain.kind, id: chain.id, region: chain.region, ...broke } : undefined;
    };
    const check = (chain: AuditChain) => {
      seen.add(anchorKey(chain));
      const link = checkOrName(chain) ?? checkAgainstDigest(chain);
      const last = chain.events.at(-1);
      if (query.collectAnchors && !link && last) {
        collected.push({ kind: chain.kind, id: chain.id, region: chain.region, seq: last.seq, hash: last.hash });
      }
      for (const tally of [counts, byKind[chain.kind]]) {
        tally.chains += 1;
        tally.events += chain.events.length;
        if (link) tally.broken += 1;
        else tally.intact += 1;
      }
      if (link) broken.push(link);
      if (query.progress && counts.chains % every === 0) query.progress({ ...counts });
    };

    let stoppedAt: Record<string, string> | undefined;
    sources: while (sourceIndex < deps.sources.length) {
      const source = deps.sources[sourceIndex] as AuditChainSource;
      if (isResumable(source)) {
        do {
          if (full()) {
            stoppedAt = writeStoppedAt({ source: sourceIndex, position });
            break sources;
          }
          const page = await source.chainsPage(region, {
            limit: Math.min(limit - counts.chains, CHAINS_PER_READ),
            ...(position !== undefined ? { after: position } : {}),
          });
          for (const chain of page.chains) check(chain);
          position = page.after;
        } while (position !== undefined);
      } else {
        // Resumed by position: the chains before it are read again and skipped.
        const skip = position === undefined ? 0 : readChainsBefore(position);
        let index = 0;
        for await (const chain of source.chainsIn(region)) {
          if (index >= skip) {
            if (full()) {
              stoppedAt = writeStoppedAt({ source: sourceIndex, position: writeChainsBefore(index) });
              break sources;
            }
            check(chain);
          }
          index += 1;
        }
      }
      sourceIndex += 1;
      position = undefined;
    }

    if (anchors && stoppedAt === undefined) {
      // Only a complete run can say a chain is gone: a page has simply not reached it yet.
      for (const [key, anchor] of anchors) {
        if (seen.has(key)) continue;
        const { kind, id, region: chainRegion, seq } = anchor;
        broken.push({
          kind,
          id,
          region: chainRegion,
          seq,
          reason: 'chain-missing',
          detail: `the digest recorded this log up to event ${seq}, but the chain is no longer found through its head: the head is gone (with or without its events) or no longer files it in this jurisdiction`,
        });
        for (const tally of [counts, byKind[kind]]) tally.broken += 1;
      }
    }

    return {
      region,
      complete: stoppedAt === undefined,
      counts,
      byKind,
      broken,
      ...(query.after ? {} : { accessDenied: await deniedOf(actor, region, query.accessDeniedLimit) }),
      ...(stoppedAt ? { after: stoppedAt } : {}),
      ...(query.collectAnchors ? { anchors: collected } : {}),
    };
  };
};

export type VerifyAudit = ReturnType<typeof makeVerifyAudit>;
