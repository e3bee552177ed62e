/**
 * The one way events are appended after an incident exists: read the head, decide, seal the new
 * events onto the chain, open whatever obligations the new state calls for, and append it all in
 * one conditional write — recomputing from the fresh head when someone else appended first.
 */

import type { Actor } from '../domain/access';
import { ConflictError, NotFoundError } from '../domain/errors';
import { deadlinesToShorten, obligationsToOpen } from '../domain/escalation';
import type { Grade } from '../domain/grade';
import { seal } from '../domain/hash-chain';
import type { EventDraft, EventScope, IncidentEvent, IncidentEventBody, IncidentState } from '../domain/incident';
import { project } from '../domain/incident';
import type { Obligation } from '../domain/obligation';
import { type Policy, policyFor } from '../domain/policy/policy';
import { chainOf } from '../domain/regions/regions';
import type { Clock } from '../ports/clock';
import { type IncidentStore, VersionConflict } from '../ports/incident-store';
import { retryOnConflict } from './retry-on-conflict';

export interface AppendDeps {
  readonly incidents: IncidentStore;
  readonly clock: Clock;
  readonly policy: Policy;
  readonly maxAttempts?: number;
}

/** What a decision produced once appended: the new state and the obligations it opened. */
export interface Appended {
  readonly state: IncidentState;
  readonly events: readonly IncidentEvent[];
  readonly opened: readonly Obligation[];
}

/** The incident's grade once `draft` is applied: what the event's scope records. */
const gradeAfter = (state: IncidentState | undefined, draft: EventDraft): Grade => {
  if (draft.type === 'GradeAssessed') return draft.data.to;
  if (state) return state.grade;
  if (draft.type === 'ReportSubmitted') return draft.data.proposedGrade ?? draft.data.assessedGrade;
  throw new Error(`the first event of an incident must be its report, not ${draft.type}`);
};

/**
 * Seals drafts onto `state`'s chain in order, then — when the grade changed — a `DeadlineShortened`
 * for every running duty the new grade gives less time (see {@link deadlinesToShorten}), and an
 * `ObligationOpened` for every duty the resulting state calls for (see {@link obligationsToOpen}),
 * so no change can forget one.
 */
export const applyDrafts = (
  state: IncidentState | undefined,
  drafts: readonly EventDraft[],
  context: {
    readonly incidentId: string;
    readonly actor: Actor;
    readonly now: Date;
    readonly policy: Policy;
    readonly regionCode: string;
  },
): Appended & { readonly expectedVersion: number | null } => {
  const chain = chainOf(context.regionCode);
  const codes = { county: chain.county?.code ?? null, city: chain.city?.code ?? null, province: chain.province.code };
  const at = context.now.toISOString();
  let current = state;
  // An exercise stays one: its first report's mark is on every event after it.
  const drill = state?.drill ?? (drafts[0]?.type === 'ReportSubmitted' ? drafts[0].data.drill : undefined);
  // Its deadlines follow its drill's policy, not the runtime's.
  const policy = policyFor(context.policy, drill);
  let seq = state?.version ?? 0;
  let previousHash = state?.lastHash;
  const events: IncidentEvent[] = [];
  const append = (draft: EventDraft) => {
    seq += 1;
    const scope: EventScope = {
      regionCode: context.regionCode,
      ...codes,
      category: current?.category ?? (draft.type === 'ReportSubmitted' ? draft.data.category : 'accident'),
      grade: gradeAfter(current, draft),
      ...(drill ? { drill } : {}),
    };
    const body = {
      v: 1,
      incidentId: context.incidentId,
      seq,
      at,
      actor: context.actor,
      scope,
      ...draft,
    } as IncidentEventBody;
    const event: IncidentEvent = seal(body, previousHash ?? '0'.repeat(64));
    previousHash = event.hash;
    events.push(event);
    current = project(current, event, codes);
  };
  for (const draft of drafts) append(draft);
  // A new grade may call for shorter limits on the duties already running: their deadlines move.
  if (state && current && current.grade !== state.grade) {
    for (const shortened of deadlinesToShorten(current, policy, context.now)) append(shortened);
  }
  const opened: Obligation[] = [];
  if (current && events.length > 0) {
    for (const obligation of obligationsToOpen(current, policy, context.now)) {
      append({ type: 'ObligationOpened', data: { obligation } });
      opened.push(obligation);
    }
  }
  if (!current) throw new Error('no state after applying events');
  return { state: current, events, opened, expectedVersion: state?.version ?? null };
};

/** How an existing incident's next events are decided: on the freshest state, at `now`. */
export type Decide = (state: IncidentState, now: Date) => readonly EventDraft[];

/** What became of one decision of a shared write: appended, or refused by its own decide. */
export type Outcome = { readonly appended: Appended } | { readonly refused: unknown };

/** How an append may begin. */
export interface AppendFrom {
  /**
   * The incident's head as the caller has just read it: the first attempt decides on it instead of
   * reading the head again. Its version is the write's expected version, so a head that moved
   * meanwhile refuses the write and the next attempt reads it afresh; and when the decisions on it
   * write nothing, which no condition would check, they are made again on the head as stored. A
   * stale start costs a read or a retry, never a decision left standing on an old state.
   */
  readonly from?: IncidentState;
}

/** Each decision on the state the ones before it left: their outcomes, the events and the state after them. */
const decideInTurn = (
  deps: AppendDeps,
  incidentId: string,
  actor: Actor,
  decides: readonly Decide[],
  state: IncidentState,
) => {
  const now = deps.clock.now();
  let current = state;
  const events: IncidentEvent[] = [];
  const outcomes = decides.map((decide): Outcome => {
    try {
      const drafts = decide(current, now);
      if (drafts.length === 0) return { appended: { state: current, events: [], opened: [] } };
      const applied = applyDrafts(current, drafts, {
        incidentId,
        actor,
        now,
        policy: deps.policy,
        regionCode: current.regionCode,
      });
      current = applied.state;
      events.push(...applied.events);
      return { appended: { state: applied.state, events: applied.events, opened: applied.opened } };
    } catch (error) {
      return { refused: error };
    }
  });
  return { outcomes, events, after: current };
};

/**
 * Appends what each of `decides` asks for to an existing incident, in order, in one conditional
 * write: each decides on the state the ones before it left, exactly as if they had been appended
 * one after another. A decide that throws is refused alone; the others go on. On a conflict the
 * head is read again and every decision made again.
 */
export const appendDecisions = (
  deps: AppendDeps,
  incidentId: string,
  actor: Actor,
  decides: readonly Decide[],
  options: AppendFrom = {},
): Promise<Outcome[]> =>
  retryOnConflict(
    async (attempt) => {
      const read = async () => {
        const state = await deps.incidents.getState(incidentId);
        if (!state) throw new NotFoundError(`incident ${incidentId} does not exist`);
        return state;
      };
      const given = attempt === 1 && options.from?.incidentId === incidentId ? options.from : undefined;
      let state = given ?? (await read());
      let decided = decideInTurn(deps, incidentId, actor, decides, state);
      if (given && decided.events.length === 0) {
        state = await read();
        decided = decideInTurn(deps, incidentId, actor, decides, state);
      }
      if (decided.events.length > 0) {
        await deps.incidents.append({
          incidentId,
          expectedVersion: state.version,
          state: decided.after,
          events: decided.events,
        });
      }
      return decided.outcomes;
    },
    {
      attempts: deps.maxAttempts ?? 40,
      isConflict: (error) => error instanceof VersionConflict,
      giveUp: () => new ConflictError(`incident ${incidentId} is changing too fast; send the request again`, 'busy'),
    },
  );

/**
 * Appends the events `decide` asks for to an existing incident. `decide` sees the freshest state
 * and may throw a domain error to refuse, or return no drafts when there is nothing to do (which
 * makes repeated calls harmless). A caller that has just read the head passes it as `from`.
 */
export const makeAppendEvents =
  (deps: AppendDeps) =>
  async (incidentId: string, actor: Actor, decide: Decide, options: AppendFrom = {}): Promise<Appended> => {
    const [outcome] = await appendDecisions(deps, incidentId, actor, [decide], options);
    if (!outcome || 'refused' in outcome) throw outcome?.refused;
    return outcome.appended;
  };

export type AppendEvents = ReturnType<typeof makeAppendEvents>;
