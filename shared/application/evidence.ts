/**
 * Building an evidence pack for an inspector: the incidents named, or those of a jurisdiction
 * received in a period, each read with the head that vouches for its log (as verification reads
 * them), its duties named with their persons, all sealed into one file (`domain/evidence`).
 * Inspectors only, inside their jurisdiction; a refusal is a ForbiddenError, which the edge
 * records.
 */
import { createHash } from 'node:crypto';
import { type Actor, mayInspect } from '../domain/access';
import { attachmentKey } from '../domain/attachments';
import { auditPeriod } from '../domain/audit/listing';
import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors';
import { dutiesOf, evidencePackOf, type IncidentEvidence } from '../domain/evidence/build-pack';
import {
  type EvidencePack,
  MAX_PACK_INCIDENTS,
  type PackAttachment,
  type PackScope,
} from '../domain/evidence/pack-format';
import type { IncidentEvent } from '../domain/incident';
import type { AttachmentStore } from '../ports/attachment-store';
import type { Clock } from '../ports/clock';
import type { IncidentStore } from '../ports/incident-store';
import type { OfficerDirectory } from '../ports/officer-directory';
import { directoryReader } from './audit';
import { mapBounded } from './concurrency';
import { indexedLevelOf, regionToRead } from './jurisdiction';
import { readIncidentLog } from './read-log';

/** Either `ids`, or a jurisdiction (the caller's by default) and a period of receipt. */
export type EvidenceQuery =
  | { readonly ids: readonly string[] }
  | { readonly region?: string; readonly from?: string; readonly to?: string };

/** Logs read at once. */
const LOG_READS_AT_ONCE = 8;

/**
 * The largest pack one answer carries: a Lambda's answer is at most 6 MB, and a pack of long logs
 * can outgrow it well before it reaches the most incidents a pack holds.
 */
export const MAX_PACK_BYTES = 5 * 1024 * 1024;

export interface EvidenceDeps {
  readonly incidents: IncidentStore;
  readonly directory: OfficerDirectory;
  readonly clock: Clock;
  /**
   * Where the files the reports name are stored: given, each is read back and its status put in
   * the pack, and with `files: 'content'` its bytes too. Without it the pack has the names and
   * hashes the logs carry, and nothing about storage.
   */
  readonly attachments?: AttachmentStore;
  readonly files?: 'hashes' | 'content';
  /** {@link MAX_PACK_BYTES} unless given. */
  readonly maxBytes?: number;
}

/** Each file the log names, as `store` holds it now: read back, hashed, and with `content`, included. */
const attachmentsOf = async (
  store: AttachmentStore,
  incidentId: string,
  events: readonly IncidentEvent[],
  content: boolean,
): Promise<PackAttachment[]> =>
  Promise.all(
    events.flatMap((event) =>
      event.type === 'ReportSubmitted'
        ? (event.data.attachments ?? []).map(async (file): Promise<PackAttachment> => {
            const named = { sha256: file.sha256, bytes: file.bytes, contentType: file.contentType, seq: event.seq };
            const bytes = await store.read(attachmentKey(incidentId, file.sha256));
            if (!bytes) return { ...named, status: 'missing' };
            const stored = createHash('sha256').update(bytes).digest('hex');
            const status = stored === file.sha256 && bytes.length === file.bytes ? 'arrived' : 'mismatched';
            return {
              ...named,
              status,
              ...(status === 'mismatched' ? { storedSha256: stored } : {}),
              ...(content ? { content: Buffer.from(bytes).toString('base64') } : {}),
            };
          })
        : [],
    ),
  );

/** @throws ValidationError, ForbiddenError, NotFoundError */
export const makeBuildEvidencePack = (deps: EvidenceDeps) => {
  /** The ids of the incidents of a region received in a period, at most the most a pack holds. */
  const idsReceived = async (region: string, from: string, to: string): Promise<string[]> => {
    const level = indexedLevelOf(region, 'audit');
    const ids: string[] = [];
    let after: Readonly<Record<string, string>> | undefined;
    do {
      const page = await deps.incidents.list({
        level,
        regionCode: region,
        from,
        to,
        limit: MAX_PACK_INCIDENTS + 1 - ids.length,
        ...(after ? { after } : {}),
      });
      ids.push(...page.items.map((state) => state.incidentId));
      after = page.after;
    } while (after && ids.length <= MAX_PACK_INCIDENTS);
    if (ids.length > MAX_PACK_INCIDENTS) {
      throw new ValidationError(`more than ${MAX_PACK_INCIDENTS} incidents were received in the period`, [
        { field: 'from', problem: `gives more than ${MAX_PACK_INCIDENTS} incidents with to: narrow the period` },
      ]);
    }
    return ids;
  };

  return async (actor: Actor, query: EvidenceQuery): Promise<EvidencePack> => {
    let scope: PackScope;
    let region: string;
    if ('ids' in query) {
      region = actor.region;
      scope = { kind: 'incidents', ids: [...query.ids] };
    } else {
      region = regionToRead(actor, query.region, mayInspect);
      const period = auditPeriod(deps.clock.now(), query.from, query.to);
      scope = { kind: 'period', region, ...period };
    }
    const ids = scope.kind === 'incidents' ? scope.ids : await idsReceived(region, scope.from, scope.to);
    const officers = directoryReader(deps.directory);
    const logs = await mapBounded(ids, LOG_READS_AT_ONCE, async (id) => {
      // The log and the head that vouches for it, read as one; the head also says who may see them.
      const { events, head } = await readIncidentLog(deps.incidents, id);
      if (!head) throw new NotFoundError(`incident ${id} does not exist`);
      const decision = mayInspect(actor, head.state.regionCode);
      if (!decision.allowed) {
        throw new ForbiddenError(decision.reason, { targetRegion: head.state.regionCode, incidentId: id });
      }
      return { state: head.state, events };
    });
    const offices = [...new Set(logs.flatMap(({ state }) => state.obligations.map((o) => o.office)))];
    const directories = new Map(
      await Promise.all(offices.map(async (office) => [office, await officers(office)] as const)),
    );
    const store = deps.attachments;
    const incidents: IncidentEvidence[] = await Promise.all(
      logs.map(async ({ state, events }) => ({
        state,
        events,
        duties: dutiesOf(state, (office) => directories.get(office) ?? { versions: [] }),
        ...(store
          ? { attachments: await attachmentsOf(store, state.incidentId, events, deps.files === 'content') }
          : {}),
      })),
    );
    const pack = evidencePackOf({
      builtAt: deps.clock.now().toISOString(),
      builtBy: { sub: actor.sub, role: actor.role, region: actor.region },
      scope,
      region,
      incidents,
    });
    const bytes = new TextEncoder().encode(JSON.stringify(pack)).length;
    const maxBytes = deps.maxBytes ?? MAX_PACK_BYTES;
    if (bytes > maxBytes) {
      const field = scope.kind === 'incidents' ? 'incidents' : 'from';
      throw new ValidationError(`the pack would be ${bytes} bytes, more than one answer carries`, [
        { field, problem: `gives a pack over ${maxBytes} bytes: ask for fewer incidents` },
      ]);
    }
    return pack;
  };
};

export type BuildEvidencePack = ReturnType<typeof makeBuildEvidencePack>;
