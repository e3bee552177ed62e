/**
 * Building an evidence pack (`pack-format.ts`) from incidents read back from the store: their
 * logs as chained, their heads, their duties with the persons who answered for them, a digest of
 * where each chain ends and the seal over all of it.
 */
import { createHash } from 'node:crypto';
import { type OfficeDirectory, obligationEntry, withPeople } from '../audit/rows';
import { digestOf } from '../audit-digest';
import type { IncidentEvent, IncidentState } from '../incident';
import {
  EVIDENCE_PACK_FORMAT,
  EVIDENCE_PACK_VERSION,
  type EvidencePack,
  type PackAttachment,
  type PackDuty,
  type PackIncident,
  type PackScope,
  PERSONS_AT_DEADLINE,
  sealText,
} from './pack-format';

/** Every duty of the incident, with its office's persons at the duty's deadline, from the history `directoryOf` gives. */
export const dutiesOf = (state: IncidentState, directoryOf: (office: string) => OfficeDirectory): PackDuty[] =>
  state.obligations.map((o) => ({ ...withPeople(obligationEntry(state, o), directoryOf(o.office)), status: o.status }));

export interface IncidentEvidence {
  /** The head as stored: it says where the log ends and carries the duties. */
  readonly state: IncidentState;
  readonly events: readonly IncidentEvent[];
  readonly duties: readonly PackDuty[];
  readonly attachments?: readonly PackAttachment[];
}

export interface PackRequest {
  readonly builtAt: string;
  readonly builtBy: EvidencePack['builtBy'];
  readonly scope: PackScope;
  /** The jurisdiction the digest is of. */
  readonly region: string;
  readonly incidents: readonly IncidentEvidence[];
}

/** The pack, sealed. The digest anchors each chain at its head: where the system says it ends. */
export const evidencePackOf = (request: PackRequest): EvidencePack => {
  const incidents: PackIncident[] = request.incidents.map(({ state, events, duties, attachments }) => ({
    incidentId: state.incidentId,
    region: state.regionCode,
    head: { seq: state.version, hash: state.lastHash },
    events,
    duties,
    ...(attachments && attachments.length > 0 ? { attachments } : {}),
    ...(state.drill ? { drillId: state.drill.drillId } : {}),
  }));
  const digest = digestOf(
    request.region,
    request.builtAt,
    incidents.map((i) => ({ kind: 'incident', id: i.incidentId, region: i.region, ...i.head })),
  );
  const body: Omit<EvidencePack, 'seal'> = {
    format: EVIDENCE_PACK_FORMAT,
    version: EVIDENCE_PACK_VERSION,
    builtAt: request.builtAt,
    builtBy: request.builtBy,
    scope: request.scope,
    persons: PERSONS_AT_DEADLINE,
    incidents,
    digest,
  };
  return { ...body, seal: createHash('sha256').update(sealText(body)).digest('hex') };
};
