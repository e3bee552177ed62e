/**
 * Incidents for the DynamoDB adapter tests, built with the real domain: events are sealed into the
 * hash chain and the head is their projection, exactly as the submit-report use case builds them.
 */

import { builtInPolicies } from '../../shared/adapters/policy-source';
import type { Actor } from '../../shared/domain/access';
import type { Grade } from '../../shared/domain/grade';
import { GENESIS_HASH, seal } from '../../shared/domain/hash-chain';
import {
  deltaOf,
  type EventScope,
  type Figures,
  type IncidentEvent,
  type IncidentEventBody,
  type IncidentState,
  project,
  type ReportSubmittedData,
  ZERO_FIGURES,
} from '../../shared/domain/incident';
import { forwardingObligation, type Obligation } from '../../shared/domain/obligation';
import { chainOf, firstOfficeOf, type RegionChain } from '../../shared/domain/regions/regions';
import type { IdempotentAnswer, IncidentChange } from '../../shared/ports/incident-store';

export interface IncidentSpec {
  readonly incidentId: string;
  /** A reporting region: a county, or a city without counties such as Dongguan 441900. */
  readonly regionCode: string;
  /** UTC, as `Date.toISOString()` writes it: the form the list index sorts on. */
  readonly receivedAt: string;
  /** The grade the reporter proposes; without one the assessed grade (IV) stands. */
  readonly grade?: Grade;
  /** Appends an IncidentClosed event after the obligation. */
  readonly closed?: boolean;
}

/**
 * An incident as a first append writes it: its events and their projection, whose `obligations`
 * hold the one pending obligation the ObligationOpened event opened.
 */
export interface BuiltIncident {
  readonly state: IncidentState;
  readonly events: readonly IncidentEvent[];
  readonly chain: RegionChain;
}

const FIGURES: Figures = {
  dead: 0,
  injured: 2,
  seriouslyInjured: null,
  missing: 1,
  trapped: 0,
  affectedPeople: 120,
  directLossYuan: 500_000,
};

const chainCodes = (chain: RegionChain) => ({
  county: chain.county?.code ?? null,
  city: chain.city?.code ?? null,
  province: chain.province.code,
});

const minutesBefore = (iso: string, minutes: number): string =>
  new Date(Date.parse(iso) - minutes * 60_000).toISOString();

const sealAll = (bodies: readonly IncidentEventBody[], previousHash: string): IncidentEvent[] => {
  const sealed: IncidentEvent[] = [];
  let prev = previousHash;
  for (const body of bodies) {
    const event: IncidentEvent = seal(body, prev);
    sealed.push(event);
    prev = event.hash;
  }
  return sealed;
};

const fold = (
  state: IncidentState | undefined,
  events: readonly IncidentEvent[],
  chain: RegionChain,
): IncidentState => {
  const folded = events.reduce<IncidentState | undefined>((s, e) => project(s, e, chainCodes(chain)), state);
  if (!folded) throw new Error('no events to project');
  return folded;
};

export const systemActor: Actor = { sub: 'system', role: 'system', region: '000000' };

/** A new incident: ReportSubmitted, ObligationOpened (pending) and, if asked, IncidentClosed. */
export const buildIncident = (spec: IncidentSpec): BuiltIncident => {
  const chain = chainOf(spec.regionCode);
  const reporter: Actor = { sub: 'reporter-1', role: 'reporter', region: spec.regionCode, unit: 'U-1' };
  const obligation = forwardingObligation({
    incidentId: spec.incidentId,
    chain,
    holder: firstOfficeOf(chain),
    grade: spec.grade ?? null,
    category: 'accident',
    policy: builtInPolicies.national,
    receivedAt: new Date(spec.receivedAt),
  });
  const report: ReportSubmittedData = {
    reportId: `${spec.incidentId}-R1`,
    kind: 'initial',
    reportNumber: 1,
    office: firstOfficeOf(chain).code,
    reporter: { name: 'Wang Li', phone: '+86 10 1234 5678', unit: 'U-1' },
    occurredAt: minutesBefore(spec.receivedAt, 30),
    learnedAt: minutesBefore(spec.receivedAt, 15),
    receivedAt: spec.receivedAt,
    regionCode: spec.regionCode,
    location: { address: 'No. 3 shaft, 东城区', lat: 39.93, lon: 116.4 },
    category: 'accident',
    subtype: 'mine flooding',
    proposedGrade: spec.grade ?? null,
    assessedGrade: 'IV',
    figures: FIGURES,
    delta: deltaOf(ZERO_FIGURES, FIGURES),
    summary: 'Water broke into the No. 3 shaft during the night shift.',
    measuresTaken: 'Pumps started; rescue team on site.',
    unknowns: '',
  };
  const scope = scopeOf(chain, spec.regionCode, spec.grade ?? 'IV');
  const bodies: IncidentEventBody[] = [
    {
      v: 1,
      incidentId: spec.incidentId,
      seq: 1,
      type: 'ReportSubmitted',
      at: spec.receivedAt,
      actor: reporter,
      scope,
      data: report,
    },
    {
      v: 1,
      incidentId: spec.incidentId,
      seq: 2,
      type: 'ObligationOpened',
      at: spec.receivedAt,
      actor: systemActor,
      scope,
      data: { obligation },
    },
  ];
  if (spec.closed) {
    bodies.push({
      v: 1,
      incidentId: spec.incidentId,
      seq: 3,
      type: 'IncidentClosed',
      at: new Date(Date.parse(spec.receivedAt) + 3_600_000).toISOString(),
      actor: reporter,
      scope,
      data: { reportId: report.reportId },
    });
  }
  const events = sealAll(bodies, GENESIS_HASH);
  return { state: fold(undefined, events, chain), events, chain };
};

/** What every event of a built incident records about where and what the incident is. */
function scopeOf(chain: RegionChain, regionCode: string, grade: Grade): EventScope {
  return {
    regionCode,
    county: chain.county?.code ?? null,
    city: chain.city?.code ?? null,
    province: chain.province.code,
    category: 'accident',
    grade,
  };
}

/** The change that creates a built incident. */
export const creation = (incident: BuiltIncident, answer?: IdempotentAnswer): IncidentChange => ({
  incidentId: incident.state.incidentId,
  expectedVersion: null,
  state: incident.state,
  events: incident.events,
  ...(answer ? { answer } : {}),
});

/**
 * A follow-up change: an office assesses the grade (the next event in the chain). `obligations`,
 * if given, replace the projected head's obligations, as a change that meets, misses or adds one
 * leaves them (they live in the head alone). `expectedVersion` is the version it was computed from.
 */
export const regrade = (
  previous: { readonly state: IncidentState; readonly chain: RegionChain },
  to: Grade,
  options: { readonly obligations?: readonly Obligation[]; readonly answer?: IdempotentAnswer } = {},
): IncidentChange & { readonly state: IncidentState } => {
  const [event] = sealAll(
    [
      {
        v: 1,
        incidentId: previous.state.incidentId,
        seq: previous.state.version + 1,
        type: 'GradeAssessed',
        at: new Date(Date.parse(previous.state.updatedAt) + 60_000).toISOString(),
        actor: { sub: 'office-1', role: 'office', region: previous.state.regionCode, level: 'county' },
        scope: scopeOf(previous.chain, previous.state.regionCode, to),
        data: { from: previous.state.grade, to, basis: 'office', note: 'assessed on site' },
      },
    ],
    previous.state.lastHash,
  );
  if (!event) throw new Error('sealing produced no event');
  const state = fold(previous.state, [event], previous.chain);
  return {
    incidentId: previous.state.incidentId,
    expectedVersion: previous.state.version,
    state: options.obligations ? { ...state, obligations: options.obligations } : state,
    events: [event],
    ...(options.answer ? { answer: options.answer } : {}),
  };
};

export const answerFor = (key: string): IdempotentAnswer => ({
  key,
  requestHash: 'a3f1c9e0b2d4'.repeat(4),
  receipt: {
    incidentId: 'INC-20260301-AAAAAAAA',
    reportId: 'INC-20260301-AAAAAAAA-R2',
    seq: 2,
    grade: 'IV',
    gradeBasis: 'assessed',
    status: 'open',
    obligations: [],
  },
});
