/**
 * Reading incidents back: one incident, a list for a region, and an incident's audit trail with
 * the chain recomputed. Every read is checked against the caller's jurisdiction; a refusal is a
 * ForbiddenError, which the edge records.
 */
import { type Actor, mayAuditIncident, mayQueryRegion, mayReadIncident } from '../domain/access';
import { ForbiddenError, NotFoundError } from '../domain/errors';
import type { Grade } from '../domain/grade';
import { type ChainVerdict, verifyChain } from '../domain/hash-chain';
import type { IncidentEvent, IncidentState, ReportSubmittedData } from '../domain/incident';
import type { IncidentStore } from '../ports/incident-store';
import { indexedLevelOf, regionToRead } from './jurisdiction';
import { readIncidentLog } from './read-log';

export interface IncidentView {
  readonly incident: Omit<IncidentState, 'obligations' | 'lastHash' | 'version'> & { readonly version: number };
  readonly reports: readonly ReportSubmittedData[];
  readonly obligations: IncidentState['obligations'];
}

/** The incident's head, if `actor` may see it under `check`: 404 when there is none, 403 (recorded) when not theirs. */
const authorised = (
  actor: Actor,
  incidentId: string,
  state: IncidentState | undefined,
  check: typeof mayReadIncident,
): IncidentState => {
  if (!state) throw new NotFoundError(`incident ${incidentId} does not exist`);
  const decision = check(actor, state.regionCode);
  if (!decision.allowed) {
    throw new ForbiddenError(decision.reason, { targetRegion: state.regionCode, incidentId });
  }
  return state;
};

/** The incident's head, once `check` lets `actor` see it (404 when none, recorded 403 when not theirs). */
export const loadReadable = async (
  incidents: IncidentStore,
  actor: Actor,
  incidentId: string,
  check: typeof mayReadIncident,
): Promise<IncidentState> => authorised(actor, incidentId, await incidents.getState(incidentId), check);

/** The current state of one incident with its reports and obligations. */
export const makeGetIncident =
  (deps: { readonly incidents: IncidentStore }) =>
  async (actor: Actor, incidentId: string): Promise<IncidentView> => {
    const state = await loadReadable(deps.incidents, actor, incidentId, mayReadIncident);
    const events = await deps.incidents.getEvents(incidentId);
    const { obligations, lastHash: _lastHash, findings, ...incident } = state;
    return {
      // Inspection findings are the inspectors' business: a reporting unit — possibly the one a
      // finding concerns — is not told of them through the incident it reads.
      incident: actor.role === 'reporter' || findings === undefined ? incident : { ...incident, findings },
      reports: events.flatMap((e) => (e.type === 'ReportSubmitted' ? [e.data] : [])),
      obligations,
    };
  };

export interface ListIncidentsQuery {
  readonly region?: string;
  readonly from?: string;
  readonly to?: string;
  readonly status?: 'open' | 'closed';
  readonly grade?: Grade;
  readonly limit: number;
  readonly after?: Readonly<Record<string, string>>;
}

/** Incidents of a region (the caller's jurisdiction by default), newest first, a page at a time. */
export const makeListIncidents =
  (deps: { readonly incidents: IncidentStore }) => async (actor: Actor, query: ListIncidentsQuery) => {
    const region = regionToRead(actor, query.region, mayQueryRegion);
    const level = indexedLevelOf(region, 'list');
    const page = await deps.incidents.list({ ...query, level, regionCode: region });
    return {
      items: page.items.map(({ obligations: _o, lastHash: _h, ...incident }) => incident),
      ...(page.after ? { after: page.after } : {}),
    };
  };

export interface AuditTrail {
  readonly incidentId: string;
  readonly events: readonly IncidentEvent[];
  /** The chain recomputed, and checked against the head item's version and last hash. */
  readonly verification: ChainVerdict;
}

/** The incident's whole event log and the result of recomputing its hash chain. */
export const makeAuditIncident =
  (deps: { readonly incidents: IncidentStore }) =>
  async (actor: Actor, incidentId: string): Promise<AuditTrail> => {
    // The log and the head that vouches for it, read as one; the head also says who may see them.
    const { events, head } = await readIncidentLog(deps.incidents, incidentId);
    const state = authorised(actor, incidentId, head?.state, mayAuditIncident);
    return { incidentId, events, verification: verifyChain(events, { seq: state.version, hash: state.lastHash }) };
  };
