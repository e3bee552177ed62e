/**
 * The fake must keep the IncidentStore contract, or the use-case tests that lean on it prove
 * nothing: these pin the conditions the real table enforces in its transaction.
 */
import { describe, expect, it } from 'vitest';
import { policyByName } from '../../shared/adapters/policy-source';
import { makeSubmitReport } from '../../shared/application/submit-report';
import type { Json } from '../../shared/domain/canonical';
import { seal } from '../../shared/domain/hash-chain';
import type { IncidentEvent, IncidentState } from '../../shared/domain/incident';
import type { ReportReceipt } from '../../shared/domain/report-receipt';
import { DuplicateRequest, type IncidentChange, VersionConflict } from '../../shared/ports/incident-store';
import { makeReportBodySchema } from '../../shared/schemas/report';
import { InMemoryIncidentStore, MalformedChange } from '../fakes/in-memory-incident-store';
import { reportWith } from '../fixtures/reports';

const RECEIVED = new Date('2026-11-22T01:00:00.000Z');
const schema = makeReportBodySchema(() => RECEIVED.getTime());
const actor = { sub: 'unit-1', role: 'reporter', region: '110101', unit: 'U-1' } as const;

/** A store holding the incidents the real use case records for these region codes, in order. */
const seeded = async (regions: readonly string[] = ['110101']) => {
  const incidents = new InMemoryIncidentStore();
  let next = 0;
  const submit = makeSubmitReport({
    incidents,
    clock: { now: () => new Date(RECEIVED.getTime() + next * 60_000) },
    ids: { incidentId: () => `INC-20261122-0000000${++next}`, unique: () => 'u' },
    policy: policyByName('national'),
  });
  for (const region of regions) {
    await submit({ actor: { ...actor, region }, report: schema.parse(reportWith({ regionCode: region })) });
  }
  return incidents;
};

/** A well-formed change that closes the incident, computed from `head`. */
/** What an idempotent change keeps for its retries (its content does not matter to the store). */
const receipt: ReportReceipt = {
  incidentId: 'INC-20261122-00000001',
  reportId: 'INC-20261122-00000001-R2',
  seq: 3,
  grade: 'IV',
  gradeBasis: 'assessed',
  status: 'closed',
  obligations: [],
};

const closing = (head: IncidentState, expectedVersion: number | null, key?: string): IncidentChange => {
  const body = {
    v: 1 as const,
    incidentId: head.incidentId,
    seq: head.version + 1,
    type: 'IncidentClosed' as const,
    at: RECEIVED.toISOString(),
    actor,
    data: { reportId: `${head.incidentId}-R9` },
  };
  // Events are plain JSON data by construction.
  const event = seal(body as unknown as { readonly [key: string]: Json }, head.lastHash) as unknown as IncidentEvent;
  return {
    incidentId: head.incidentId,
    expectedVersion,
    state: { ...head, version: event.seq, lastHash: event.hash, status: 'closed' },
    events: [event],
    ...(key ? { answer: { key, requestHash: 'h', receipt } } : {}),
  };
};

const ID = 'INC-20261122-00000001';

const headOf = async (incidents: InMemoryIncidentStore): Promise<IncidentState> => {
  const head = await incidents.getState(ID);
  if (!head) throw new Error('the seeded incident is missing');
  return head;
};

async function failureOf(act: Promise<unknown>): Promise<unknown> {
  try {
    await act;
  } catch (error) {
    return error;
  }
  throw new Error('expected the append to be refused');
}

describe('InMemoryIncidentStore', () => {
  it('appends a change computed from the current head', async () => {
    // PREPARE
    const incidents = await seeded();
    const head = await headOf(incidents);

    // ACT
    await incidents.append(closing(head, 2, 'k-1'));

    // ASSESS
    expect((await incidents.getEvents(ID)).map((event) => event.seq)).toEqual([1, 2, 3]);
    expect(await incidents.getState(ID)).toMatchObject({ version: 3, status: 'closed' });
    expect(await incidents.findAnswer('k-1')).toStrictEqual({ key: 'k-1', requestHash: 'h', receipt });
  });

  it('keeps obligations in the head alone: the change that meets one replaces them with the head', async () => {
    // PREPARE
    const incidents = await seeded();
    const head = await headOf(incidents);
    const [opened] = head.obligations;
    if (!opened) throw new Error('the seeded incident has no obligation');
    expect(incidents.obligations()).toStrictEqual([opened]);
    expect(opened).toMatchObject({ incidentId: ID, status: 'pending' });

    // ACT
    await incidents.append(closing({ ...head, obligations: [{ ...opened, status: 'met' }] }, 2));

    // ASSESS
    const met = { ...opened, status: 'met' };
    expect((await incidents.getState(ID))?.obligations).toStrictEqual([met]);
    expect(incidents.obligations()).toStrictEqual([met]);
  });

  it.each<[string, number | null]>([
    ['computed from a stale head', 1],
    ['computed from a head that never was', 3],
    ['for a new incident whose id is taken', null],
  ])('refuses a change %s with VersionConflict and writes nothing', async (_what, expectedVersion) => {
    // PREPARE
    const incidents = await seeded();
    const head = await headOf(incidents);

    // ACT
    const stale = { ...head, version: expectedVersion ?? 0 };
    const error = await failureOf(incidents.append(closing(stale, expectedVersion, 'k-1')));

    // ASSESS
    expect(error).toBeInstanceOf(VersionConflict);
    expect(incidents.eventsOf(ID)).toHaveLength(2);
    expect(incidents.headOf(ID)).toStrictEqual(head);
    expect(await incidents.findAnswer('k-1')).toBeUndefined();
  });

  it('refuses an expected version for an incident that has no head', async () => {
    // PREPARE
    const incidents = await seeded();
    const head = { ...(await headOf(incidents)), incidentId: 'INC-20261122-00000009' };

    // ACT + ASSESS
    expect(await failureOf(incidents.append(closing(head, 2)))).toBeInstanceOf(VersionConflict);
  });

  it('refuses a used idempotency key with DuplicateRequest and writes nothing', async () => {
    // PREPARE
    const incidents = await seeded();
    const head = await headOf(incidents);
    await incidents.append(closing(head, 2, 'k-1'));
    const after = await headOf(incidents);

    // ACT
    const error = await failureOf(incidents.append(closing(after, 3, 'k-1')));

    // ASSESS
    expect(error).toBeInstanceOf(DuplicateRequest);
    expect(error).toMatchObject({ key: 'k-1' });
    expect(incidents.eventsOf(ID)).toHaveLength(3);
  });

  it('lets exactly one of two racing appends from the same head land', async () => {
    // PREPARE
    const incidents = await seeded();
    const head = await headOf(incidents);

    // ACT
    const outcomes = await Promise.allSettled([incidents.append(closing(head, 2)), incidents.append(closing(head, 2))]);

    // ASSESS
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((outcome) => outcome.status === 'rejected')).toMatchObject({
      reason: expect.any(VersionConflict),
    });
    expect(incidents.eventsOf(ID)).toHaveLength(3);
  });

  it('hands out snapshots that the caller cannot change the store through', async () => {
    // PREPARE
    const incidents = await seeded();
    const head = (await headOf(incidents)) as { -readonly [K in keyof IncidentState]: IncidentState[K] };

    // ACT
    head.version = 99;

    // ASSESS
    expect(incidents.headOf(ID)?.version).toBe(2);
  });

  it('refuses a malformed change: events not numbered on from the expected version', async () => {
    // PREPARE
    const incidents = await seeded();
    const head = await headOf(incidents);
    const change = closing({ ...head, version: 5 }, 2);

    // ACT + ASSESS
    expect(await failureOf(incidents.append(change))).toBeInstanceOf(MalformedChange);
    expect(incidents.eventsOf(ID)).toHaveLength(2);
  });

  it('lists incidents by the office level that holds them, filtered and paged', async () => {
    // PREPARE: two in 东城区, one in 西城区 (both Beijing), one in 仙桃 (Hubei)
    const incidents = await seeded(['110101', '110102', '110101', '429004']);
    await incidents.append(closing(await headOf(incidents), 2));

    // ACT
    const county = await incidents.list({ level: 'county', regionCode: '110101', limit: 10 });
    const firstPage = await incidents.list({ level: 'city', regionCode: '110100', limit: 2 });
    const secondPage = await incidents.list({
      level: 'city',
      regionCode: '110100',
      limit: 2,
      ...(firstPage.after ? { after: firstPage.after } : {}),
    });
    const open = await incidents.list({ level: 'province', regionCode: '110000', status: 'open', limit: 10 });
    const hubei = await incidents.list({ level: 'province', regionCode: '420000', limit: 10 });

    // ASSESS
    const ids = (page: { items: readonly IncidentState[] }) => page.items.map((item) => item.incidentId.slice(-1));
    expect(ids(county)).toEqual(['1', '3']);
    expect(ids(firstPage)).toEqual(['1', '2']);
    expect(firstPage.after).toEqual({ incidentId: 'INC-20261122-00000002' });
    expect(ids(secondPage)).toEqual(['3']);
    expect(secondPage.after).toBeUndefined();
    expect(ids(open)).toEqual(['2', '3']);
    expect(ids(hubei)).toEqual(['4']);
  });
});

describe('InMemoryIncidentStore.withPendingObligations', () => {
  // Seeded one minute apart: #1 in 东城区 due at 03:00 (2 h); #2 in Wuhan (江岸区 420102), where
  // grade III hands over to the city within 1 h, due at 02:01; #3 in 西城区 due at 03:02.
  const seededThree = () => seeded(['110101', '420102', '110102']);
  const ids = (states: readonly IncidentState[]) => states.map((state) => state.incidentId.slice(-1));

  it('lists every incident with a pending obligation, earliest deadline first', async () => {
    // PREPARE
    const incidents = await seededThree();

    // ACT
    const pending = await incidents.withPendingObligations({});

    // ASSESS
    expect(ids(pending)).toEqual(['2', '1', '3']);
    expect(pending.map((state) => state.obligations[0]?.dueAt)).toEqual([
      '2026-11-22T02:01:00.000Z',
      '2026-11-22T03:00:00.000Z',
      '2026-11-22T03:02:00.000Z',
    ]);
  });

  it('with dueBy, keeps those whose earliest pending deadline is at or before it', async () => {
    // PREPARE
    const incidents = await seededThree();

    // ACT
    const atFirstDeadline = await incidents.withPendingObligations({ dueBy: '2026-11-22T02:01:00.000Z' });
    const justBefore = await incidents.withPendingObligations({ dueBy: '2026-11-22T02:00:59.999Z' });
    const atThree = await incidents.withPendingObligations({ dueBy: '2026-11-22T03:00:00.000Z' });

    // ASSESS
    expect(ids(atFirstDeadline)).toEqual(['2']);
    expect(justBefore).toEqual([]);
    expect(ids(atThree)).toEqual(['2', '1']);
  });

  it('leaves out an incident once none of its obligations is pending, closed or not', async () => {
    // PREPARE: #1's only obligation met
    const incidents = await seededThree();
    const head = await headOf(incidents);
    const [duty] = head.obligations;
    if (!duty) throw new Error('the seeded incident has no obligation');
    await incidents.append(closing({ ...head, obligations: [{ ...duty, status: 'met' }] }, 2));

    // ACT
    const pending = await incidents.withPendingObligations({});

    // ASSESS
    expect(ids(pending)).toEqual(['2', '3']);
  });

  it('keeps a closed incident whose offices still owe a hand-over', async () => {
    // PREPARE: #1 closed by a final report, its county's duty still pending
    const incidents = await seededThree();
    await incidents.append(closing(await headOf(incidents), 2));

    // ACT
    const pending = await incidents.withPendingObligations({ dueBy: '2026-11-22T03:00:00.000Z' });

    // ASSESS
    expect(ids(pending)).toEqual(['2', '1']);
    expect(pending[1]?.status).toBe('closed');
  });

  it('hands out snapshots', async () => {
    // PREPARE
    const incidents = await seeded();
    const [state] = await incidents.withPendingObligations({});
    if (!state) throw new Error('the seeded incident is not pending');

    // ACT
    (state as { version: number }).version = 99;

    // ASSESS
    expect(incidents.headOf(ID)?.version).toBe(2);
  });
});
