/**
 * Checking an evidence pack (`pack-format.ts`) with nothing but the file and a SHA-256: every
 * event's hash recomputed and its link to the one before, each log held to its head, each head
 * to the digest, the digest to its root and the whole pack to its seal — and, given the value the
 * inspector wrote down, the seal to that. By the same rules as the server (`chain-rules.ts`,
 * `digest-rules.ts`), hashing with whatever the caller gives: Web Crypto in the offline verifier
 * page, Node's crypto in tests. The findings are codes with the values involved, so a page can say
 * them in any language.
 */
import { type ChainVerdict, hashedText, judgeChain } from '../chain-rules';
import { type AnchorBreak, anchorKey, checkAnchor, rootText } from '../digest-rules';
import { EVIDENCE_PACK_FORMAT, EVIDENCE_PACK_VERSION, type EvidencePack, sealText } from './pack-format';

/** SHA-256 of UTF-8 text, as lowercase hex. */
export type Sha256 = (text: string) => Promise<string>;

/** SHA-256 of bytes, as lowercase hex: for the files a pack may carry. */
export type Sha256OfBytes = (bytes: Uint8Array) => Promise<string>;

type ChainBreak = Exclude<ChainVerdict, { intact: true }>['reason'];

/** What one event of a log shows when recomputed. */
export interface EventCheck {
  /** As the pack gives them (a changed pack may hold anything there). */
  readonly seq: unknown;
  readonly type: unknown;
  readonly at: unknown;
  readonly hash: unknown;
  readonly recomputed: string;
  /** `holds`; `broken` at the first event that does not; every event after it hangs off it. */
  readonly status: 'holds' | 'broken' | 'after-break';
  readonly reason?: 'sequence-gap' | 'prev-hash-mismatch' | 'hash-mismatch';
}

export interface IncidentCheck {
  readonly incidentId: string;
  readonly region: unknown;
  readonly events: readonly EventCheck[];
  readonly verdict: ChainVerdict;
}

/** Everything that does not hold, each naming where. */
export type PackProblem =
  | { readonly code: 'chain-broken'; readonly incidentId: string; readonly seq: number; readonly reason: ChainBreak }
  | {
      readonly code: AnchorBreak['reason'];
      readonly incidentId: string;
      readonly seq: number;
      readonly recorded: string;
    }
  | { readonly code: 'incident-missing'; readonly incidentId: string; readonly seq: number }
  | { readonly code: 'incident-not-in-digest'; readonly incidentId: string }
  | { readonly code: 'digest-root-mismatch'; readonly stored: unknown; readonly recomputed: string }
  | { readonly code: 'seal-mismatch'; readonly stored: unknown; readonly recomputed: string }
  | { readonly code: 'recorded-value-differs'; readonly recorded: string }
  /** When the pack was built, storage held other bytes than the log names for this file. */
  | {
      readonly code: 'attachment-mismatched';
      readonly incidentId: string;
      readonly sha256: string;
      readonly seq: number;
    }
  /** The pack carries a file's bytes that do not hash to the name the log gives it. */
  | { readonly code: 'attachment-content-mismatch'; readonly incidentId: string; readonly sha256: string }
  /** The pack lists a file that no report of the incident's log names (with that hash and size). */
  | { readonly code: 'attachment-not-named'; readonly incidentId: string; readonly sha256: string };

export interface PackReport {
  /** True when nothing in {@link problems}: every hash recomputes and everything agrees. */
  readonly holds: boolean;
  readonly builtAt: unknown;
  readonly builtBy: unknown;
  readonly scope: unknown;
  readonly persons: unknown;
  readonly seal: { readonly stored: unknown; readonly recomputed: string };
  readonly digest: { readonly region: unknown; readonly root: unknown; readonly recomputed: string };
  readonly incidents: readonly IncidentCheck[];
  readonly events: number;
  readonly problems: readonly PackProblem[];
  /** Whether the value the inspector wrote down is this pack's seal or its digest's root. */
  readonly recorded?: { readonly value: string; readonly matches: 'seal' | 'digest-root' | false };
}

/** A file that is not an evidence pack at all, or not one this version of the format reads. */
export class UnreadablePack extends Error {
  constructor(
    /** Where in the file, as a path (`incidents[3].events`), or `''` for the whole file. */
    readonly field: string,
    readonly problem: 'not-json' | 'not-a-pack' | 'unknown-version' | 'wrong-shape',
    detail: string,
  ) {
    super(detail);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Holds the file to the shape the checks walk; values inside may still be anything. */
const readShape = (value: unknown): EvidencePack => {
  const wrong = (field: string, what: string): never => {
    throw new UnreadablePack(field, 'wrong-shape', `${field} is not ${what}`);
  };
  if (!isObject(value) || value.format !== EVIDENCE_PACK_FORMAT) {
    throw new UnreadablePack('format', 'not-a-pack', `the file is not an ${EVIDENCE_PACK_FORMAT}`);
  }
  if (value.version !== EVIDENCE_PACK_VERSION) {
    throw new UnreadablePack('version', 'unknown-version', `version ${JSON.stringify(value.version)} is not known`);
  }
  if (!Array.isArray(value.incidents)) wrong('incidents', 'a list');
  (value.incidents as unknown[]).forEach((incident, i) => {
    if (!isObject(incident)) wrong(`incidents[${i}]`, 'an object');
    const { events } = incident as Record<string, unknown>;
    if (!Array.isArray(events)) wrong(`incidents[${i}].events`, 'a list');
    (events as unknown[]).forEach((event, j) => {
      if (!isObject(event)) wrong(`incidents[${i}].events[${j}]`, 'an object');
    });
  });
  if (!isObject(value.digest)) wrong('digest', 'an object');
  const { chains } = value.digest as Record<string, unknown>;
  if (!Array.isArray(chains)) wrong('digest.chains', 'a list');
  (chains as unknown[]).forEach((anchor, i) => {
    if (!isObject(anchor)) wrong(`digest.chains[${i}]`, 'an object');
  });
  // The checks below compare every value they read, so a value of the wrong type is a mismatch.
  return value as unknown as EvidencePack;
};

/** Parses a pack file's text; a file that is not JSON is named with where it stops being so. */
export const parsePack = (text: string): EvidencePack => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UnreadablePack('', 'not-json', (error as Error).message);
  }
  return readShape(value);
};

const eventChecks = (
  events: EvidencePack['incidents'][number]['events'],
  recomputed: readonly string[],
  verdict: ChainVerdict,
): EventCheck[] => {
  // The verdict's first break is at an event's index when it is about that event itself.
  const brokenAt =
    !verdict.intact && ['sequence-gap', 'prev-hash-mismatch', 'hash-mismatch'].includes(verdict.reason)
      ? verdict.brokenAtSeq - 1
      : Number.POSITIVE_INFINITY;
  return events.map((event, index) => {
    const { type, at } = event as unknown as Record<string, unknown>;
    const base = { seq: event.seq, type, at, hash: event.hash, recomputed: recomputed[index] as string };
    if (index < brokenAt) return { ...base, status: 'holds' };
    if (index > brokenAt) return { ...base, status: 'after-break' };
    return { ...base, status: 'broken', reason: (verdict as { reason: EventCheck['reason'] }).reason };
  });
};

/** Base64 to bytes, with nothing but what browsers and Node both have. */
const base64Bytes = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/**
 * The files an incident's entry lists, held to the names its log gives them: each must be named by
 * a report event (hash and size), must not have been found changed in storage, and bytes the pack
 * carries must hash to the name. A file listed as missing is no problem: it may never have been sent.
 */
const attachmentProblems = async (
  incident: EvidencePack['incidents'][number],
  sha256OfBytes: Sha256OfBytes | undefined,
): Promise<PackProblem[]> => {
  const incidentId = String(incident.incidentId);
  const named = new Set(
    incident.events.flatMap((event) =>
      event.type === 'ReportSubmitted' ? (event.data.attachments ?? []).map((a) => `${a.sha256}/${a.bytes}`) : [],
    ),
  );
  const problems: PackProblem[] = [];
  for (const file of incident.attachments ?? []) {
    const sha256 = String(file.sha256);
    if (!named.has(`${sha256}/${file.bytes}`)) {
      problems.push({ code: 'attachment-not-named', incidentId, sha256 });
      continue;
    }
    if (file.status === 'mismatched')
      problems.push({ code: 'attachment-mismatched', incidentId, sha256, seq: file.seq });
    if (typeof file.content === 'string' && sha256OfBytes) {
      let hashed: string;
      try {
        hashed = await sha256OfBytes(base64Bytes(file.content));
      } catch {
        hashed = '';
      }
      if (hashed !== sha256 && file.status !== 'mismatched') {
        problems.push({ code: 'attachment-content-mismatch', incidentId, sha256 });
      }
    }
  }
  return problems;
};

/**
 * Checks a pack (as {@link parsePack} gave it), hashing with `sha256`; `recorded` is the value the
 * inspector wrote down when the pack was built, if one is at hand. Given `sha256OfBytes`, the files
 * a pack carries are hashed too.
 */
export const checkPack = async (
  pack: EvidencePack,
  sha256: Sha256,
  recorded?: string,
  sha256OfBytes?: Sha256OfBytes,
): Promise<PackReport> => {
  const problems: PackProblem[] = [];
  const anchors = new Map(
    pack.digest.chains.filter((anchor) => anchor.kind === 'incident').map((anchor) => [anchorKey(anchor), anchor]),
  );
  const incidents: IncidentCheck[] = [];
  let events = 0;
  for (const incident of pack.incidents) {
    const incidentId = String(incident.incidentId);
    const recomputed = await Promise.all(incident.events.map((event) => sha256(hashedText(event))));
    const hashes = new Map<object, string>(incident.events.map((event, index) => [event, recomputed[index] as string]));
    const verdict = judgeChain(incident.events, (event) => hashes.get(event) as string, incident.head);
    events += incident.events.length;
    incidents.push({
      incidentId,
      region: incident.region,
      events: eventChecks(incident.events, recomputed, verdict),
      verdict,
    });
    if (!verdict.intact)
      problems.push({ code: 'chain-broken', incidentId, seq: verdict.brokenAtSeq, reason: verdict.reason });
    problems.push(...(await attachmentProblems(incident, sha256OfBytes)));
    const key = anchorKey({ kind: 'incident', id: incidentId });
    const anchor = anchors.get(key);
    anchors.delete(key);
    if (!anchor) {
      problems.push({ code: 'incident-not-in-digest', incidentId });
      continue;
    }
    const broke = checkAnchor(incident.events, anchor);
    if (broke) problems.push({ code: broke.reason, incidentId, seq: anchor.seq, recorded: String(anchor.hash) });
  }
  // The digest names every incident the pack was built with: one named but not here was taken out.
  for (const anchor of anchors.values()) {
    problems.push({ code: 'incident-missing', incidentId: String(anchor.id), seq: anchor.seq });
  }
  const digestRoot = await sha256(rootText(pack.digest));
  if (digestRoot !== pack.digest.root) {
    problems.push({ code: 'digest-root-mismatch', stored: pack.digest.root, recomputed: digestRoot });
  }
  const seal = await sha256(sealText(pack));
  if (seal !== pack.seal) problems.push({ code: 'seal-mismatch', stored: pack.seal, recomputed: seal });
  const wanted = recorded?.trim().toLowerCase();
  const matches = !wanted ? undefined : wanted === seal ? 'seal' : wanted === digestRoot ? 'digest-root' : false;
  if (wanted && matches === false) problems.push({ code: 'recorded-value-differs', recorded: wanted });
  return {
    holds: problems.length === 0,
    builtAt: pack.builtAt,
    builtBy: pack.builtBy,
    scope: pack.scope,
    persons: pack.persons,
    seal: { stored: pack.seal, recomputed: seal },
    digest: { region: pack.digest.region, root: pack.digest.root, recomputed: digestRoot },
    incidents,
    events,
    problems,
    ...(wanted && matches !== undefined ? { recorded: { value: wanted, matches } } : {}),
  };
};
