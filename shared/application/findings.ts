/**
 * An inspector records a finding of a false or concealed report: the one thing an inspector
 * writes, appended to the incident's own hash-chained log through the same path as every other
 * event, so it is as lasting and as tamper-evident as the reports it judges.
 */
import { createHash } from 'node:crypto';
import { type Actor, mayRecordFinding } from '../domain/access';
import { canonicalJson } from '../domain/canonical';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors';
import type { IncidentEvent, InspectionFindingData } from '../domain/incident';
import type { IncidentStore } from '../ports/incident-store';
import type { FindingBody } from '../schemas/findings';
import type { AppendEvents } from './append-events';

export interface RecordFindingCommand {
  readonly actor: Actor;
  readonly incidentId: string;
  readonly finding: FindingBody;
  /** The client's `Idempotency-Key`, if it sent one. */
  readonly idempotencyKey?: string;
}

/** The 201 answer: the finding as the log now holds it. */
export interface RecordedFinding extends InspectionFindingData {
  readonly incidentId: string;
  /** Where in the incident's log the finding stands. */
  readonly seq: number;
  readonly recordedAt: string;
  readonly recordedBy: { readonly sub: string; readonly region: string };
}

export interface RecordFindingResult {
  readonly finding: RecordedFinding;
  /** True when the finding was already in the log (a retried request) and nothing was written. */
  readonly replayed: boolean;
}

/**
 * The finding's id is derived from who records it, on which incident, and either the
 * `Idempotency-Key` or the finding itself: a retried request names the same finding, which the log
 * already holds, so it is never recorded twice — without a separate idempotency table, which the
 * function has no grant to.
 */
export const findingIdFor = (actor: Actor, incidentId: string, body: FindingBody, idempotencyKey?: string): string => {
  const what = idempotencyKey === undefined ? `body:${canonicalJson(contentOf(body))}` : `key:${idempotencyKey}`;
  const digest = createHash('sha256').update(`${actor.sub}\n${incidentId}\n${what}`).digest('hex');
  return `FND-${digest.slice(0, 16).toUpperCase()}`;
};

const contentOf = (body: FindingBody) => ({
  finding: body.finding,
  basis: body.basis,
  reportIds: [...body.reportIds],
  responsible: [...body.responsible],
});

const recorded = (event: IncidentEvent): RecordedFinding | undefined =>
  event.type === 'InspectionFinding'
    ? {
        incidentId: event.incidentId,
        seq: event.seq,
        recordedAt: event.at,
        recordedBy: { sub: event.actor.sub, region: event.actor.region },
        ...event.data,
      }
    : undefined;

const findIn = (events: readonly IncidentEvent[], findingId: string): RecordedFinding | undefined =>
  events.map(recorded).find((f) => f?.findingId === findingId);

/**
 * Records an inspector's finding on an incident of its jurisdiction. The reports it names must be
 * reports of this incident. A retry (same key, or same finding without a key) returns the finding
 * already recorded; the same key with a different finding is a conflict.
 *
 * @throws NotFoundError, ForbiddenError, ValidationError, ConflictError
 */
export const makeRecordFinding =
  (deps: { readonly incidents: IncidentStore; readonly appendEvents: AppendEvents }) =>
  async (command: RecordFindingCommand): Promise<RecordFindingResult> => {
    const { actor, incidentId, finding } = command;
    const state = await deps.incidents.getState(incidentId);
    if (!state) throw new NotFoundError(`incident ${incidentId} does not exist`);
    const refuseIfNotAllowed = (regionCode: string) => {
      const decision = mayRecordFinding(actor, regionCode);
      if (!decision.allowed) throw new ForbiddenError(decision.reason, { targetRegion: regionCode, incidentId });
    };
    refuseIfNotAllowed(state.regionCode);

    const findingId = findingIdFor(actor, incidentId, finding, command.idempotencyKey);
    const replay = (existing: RecordedFinding): RecordFindingResult => {
      const { findingId: _id, finding: kind, basis, reportIds, responsible } = existing;
      if (canonicalJson({ finding: kind, basis, reportIds, responsible }) !== canonicalJson(contentOf(finding))) {
        throw new ConflictError(
          'this Idempotency-Key was already used for a different finding; use a new key for a new finding',
          'idempotency-key-reused',
        );
      }
      return { finding: existing, replayed: true };
    };

    const events = await deps.incidents.getEvents(incidentId);
    const existing = findIn(events, findingId);
    if (existing) return replay(existing);

    // Reports are never removed from a log, so ids checked now still name reports when appended.
    const reportIds = new Set(events.flatMap((e) => (e.type === 'ReportSubmitted' ? [e.data.reportId] : [])));
    const unknown = finding.reportIds.flatMap((id, index) => (reportIds.has(id) ? [] : [{ id, index }]));
    if (unknown.length > 0) {
      throw new ValidationError(
        `${unknown.map((u) => u.id).join(', ')} ${unknown.length === 1 ? 'is not a report' : 'are not reports'} of incident ${incidentId}`,
        unknown.map((u) => ({ field: `reportIds.${u.index}`, problem: `${u.id} is not a report of ${incidentId}` })),
      );
    }

    const appended = await deps.appendEvents(incidentId, actor, (current) => {
      refuseIfNotAllowed(current.regionCode);
      // A concurrent retry got there first: nothing more to write.
      if (current.findings?.some((f) => f.findingId === findingId)) return [];
      return [{ type: 'InspectionFinding', data: { findingId, ...contentOf(finding) } }];
    });
    const written = findIn(appended.events, findingId);
    if (written) return { finding: written, replayed: false };
    const raced = findIn(await deps.incidents.getEvents(incidentId), findingId);
    if (!raced) throw new Error(`finding ${findingId} of ${incidentId} is neither new nor in the log`);
    return replay(raced);
  };

export type RecordFinding = ReturnType<typeof makeRecordFinding>;
