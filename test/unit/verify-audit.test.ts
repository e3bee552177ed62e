/**
 * Verifying a jurisdiction's hash chains: the incident logs found through the store's region
 * indexes, every broken link named, heads held to their logs (an incident's with its index keys),
 * zero-report misses held to the missed list's lookups, pages that resume where they stopped, and
 * who may ask.
 */
import { describe, expect, it } from 'vitest';
import { missLookupItem } from '../../shared/adapters/dynamodb/zero-report-items';
import { policyByName } from '../../shared/adapters/policy-source';
import { makeAppendEvents } from '../../shared/application/append-events';
import { makeAcknowledge, makeCheckDeadline, makeForward, makeRemind } from '../../shared/application/escalation';
import { makeRecordFinding } from '../../shared/application/findings';
import { makeSubmitReport } from '../../shared/application/submit-report';
import {
  checkChain,
  makeIncidentAuditChains,
  makeVerifyAudit,
  type VerifyAuditResult,
} from '../../shared/application/verify-audit';
import type { Actor } from '../../shared/domain/access';
import { ForbiddenError, ValidationError } from '../../shared/domain/errors';
import { GENESIS_HASH, seal } from '../../shared/domain/hash-chain';
import type { IncidentEvent, IncidentState } from '../../shared/domain/incident';
import {
  CUTOFF_CHECK_ACTOR,
  sealZeroEvents,
  type ZeroChainState,
  type ZeroReportDraft,
  type ZeroReportEvent,
} from '../../shared/domain/zero-reports';
import type { AccessDenied, AccessLog } from '../../shared/ports/access-log';
import type {
  AuditChain,
  AuditChainSource,
  DailyReportMissedEvent,
  MissLookup,
  StoredItem,
} from '../../shared/ports/audit-chains';
import type { Clock } from '../../shared/ports/clock';
import type { IncidentStore } from '../../shared/ports/incident-store';
import { findingBodySchema } from '../../shared/schemas/findings';
import { makeReportBodySchema } from '../../shared/schemas/report';
import { InMemoryIncidentStore } from '../fakes/in-memory-incident-store';
import { reportWith } from '../fixtures/reports';

const RECEIVED = new Date('2026-11-22T01:00:00.000Z');
const clock: Clock = { now: () => new Date(RECEIVED) };
const INSPECTOR: Actor = { sub: 'insp-bj', role: 'inspector', region: '110000' };
const NATIONAL_INSPECTOR: Actor = { sub: 'insp-cn', role: 'inspector', region: '000000' };
const schema = makeReportBodySchema(() => RECEIVED.getTime());

/** Incidents in two Beijing counties and one in Shanghai, each with a follow-up. */
const seed = async () => {
  const incidents = new InMemoryIncidentStore();
  let n = 0;
  const submit = makeSubmitReport({
    incidents,
    clock,
    policy: policyByName('national'),
    ids: { incidentId: () => `INC-20261122-${String(++n).padStart(8, '0')}`, unique: () => `id-${n}` },
  });
  const ids: Record<string, string[]> = {};
  for (const region of ['110101', '110101', '110102', '310101']) {
    const actor: Actor = { sub: `unit-${region}`, role: 'reporter', region, unit: 'U-1' };
    const { response } = await submit({ actor, report: schema.parse(reportWith({ regionCode: region })) });
    await submit({
      actor,
      report: schema.parse(
        reportWith({ kind: 'follow-up', incidentId: response.incidentId, grade: undefined, regionCode: region }),
      ),
    });
    ids[region] = [...(ids[region] ?? []), response.incidentId];
  }
  return { incidents, ids };
};

/** The store as it is, but with one incident's log read back altered. */
const tampered = (
  store: IncidentStore,
  incidentId: string,
  alter: (events: IncidentEvent[], reads: number) => IncidentEvent[],
): IncidentStore => {
  let reads = 0;
  return {
    getState: (id) => store.getState(id),
    getEvents: async (id) => {
      const events = [...(await store.getEvents(id))];
      return id === incidentId ? alter(events, ++reads) : events;
    },
    append: (change) => store.append(change),
    findAnswer: (key) => store.findAnswer(key),
    list: (query) => store.list(query),
    board: (query) => store.board(query),
    withPendingObligations: (query) => store.withPendingObligations(query),
    allEvents: () => store.allEvents(),
  };
};

/** The store as it is, but with one incident's head read back altered (as an UpdateItem on it would). */
const headTampered = (
  store: IncidentStore,
  incidentId: string,
  alter: (head: IncidentState) => IncidentState,
): IncidentStore => ({
  ...tampered(store, '', (events) => events),
  getState: async (id) => {
    const head = await store.getState(id);
    return head && id === incidentId ? alter(head) : head;
  },
  list: (query) => store.list(query),
});

/** The store as it is, but with one incident's head item read back altered, keys and all (as an UpdateItem on it would). */
const itemTampered = (
  store: InMemoryIncidentStore,
  incidentId: string,
  alter: (item: Record<string, unknown>) => Record<string, unknown>,
): IncidentStore => ({
  ...tampered(store, '', (events) => events),
  getHeadItem: async (id) => {
    const head = await store.getHeadItem(id);
    return head && id === incidentId ? { ...head, item: alter({ ...head.item }) } : head;
  },
  headItemOf: (state) => store.headItemOf(state),
});

/** The store as it is, but with one incident's head gone (its events left behind), from its indexes too. */
const headDeleted = (store: IncidentStore, incidentId: string): IncidentStore => ({
  ...tampered(store, '', (events) => events),
  getState: async (id) => (id === incidentId ? undefined : store.getState(id)),
  list: async (query) => {
    const page = await store.list(query);
    return { ...page, items: page.items.filter((head) => head.incidentId !== incidentId) };
  },
});

/** The ValidationError a call is refused with, to look at the field it names. */
const refusal = async (act: Promise<unknown>): Promise<ValidationError> => {
  const error = await act.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
};

const denied: AccessDenied = {
  id: 'd-1',
  at: '2026-11-22T01:00:00.000Z',
  actor: { sub: 'u-9', role: 'reporter', region: '110101', unit: 'U-9' },
  action: 'GET /v1/audit/verify',
  targetRegion: '110000',
  reason: 'a reporter cannot read the accountability audit',
};
const accessLog: AccessLog = {
  recordDenied: async () => undefined,
  listDenied: async (query) => ({ items: query.region.startsWith('11') ? [denied] : [] }),
};

/** A unit's one-day zero-report log. */
const zeroLog = (unit: string): AuditChain => {
  const event = seal({ seq: 1, type: 'DailyReport', unit }, GENESIS_HASH);
  return {
    kind: 'zero-report',
    id: `P-1/${unit}`,
    region: '110101',
    events: [event],
    head: { seq: 1, hash: event.hash },
  };
};

const verifierOver = (incidents: IncidentStore, extra: AuditChainSource[] = [], at: Clock = clock) =>
  makeVerifyAudit({ sources: [makeIncidentAuditChains({ incidents }), ...extra], accessLog, clock: at });

/** Every page of a verification, followed to the end. */
const allPages = async (
  verify: ReturnType<typeof verifierOver>,
  query: { limit: number; region?: string },
  actor = INSPECTOR,
) => {
  const pages: VerifyAuditResult[] = [];
  let after: VerifyAuditResult['after'];
  do {
    const page = await verify(actor, { ...query, ...(after ? { after } : {}) });
    pages.push(page);
    after = page.after;
  } while (after);
  return pages;
};

describe('a chain’s first broken link', () => {
  const chain = (count: number): AuditChain => {
    const events = [];
    let previous = GENESIS_HASH;
    for (let seq = 1; seq <= count; seq++) {
      const event = seal({ seq, type: 'DailyReport', data: { day: seq } }, previous);
      events.push(event);
      previous = event.hash;
    }
    return { kind: 'zero-report', id: 'P-1/U-1', region: '110101', events, head: { seq: count, hash: previous } };
  };

  it('is nothing for an intact chain', () => {
    expect(checkChain(chain(3))).toBeUndefined();
  });

  it('names kind, id, region, sequence number, reason and detail', () => {
    const c = chain(3);
    const events = c.events.map((e) => (e.seq === 2 ? { ...e, data: { day: 9 } } : e));
    expect(checkChain({ ...c, events })).toMatchObject({
      kind: 'zero-report',
      id: 'P-1/U-1',
      region: '110101',
      seq: 2,
      reason: 'hash-mismatch',
      detail: expect.stringContaining('event 2 is stored with hash'),
    });
  });

  it('counts a missing head as a break: nothing would show events cut from the end', () => {
    const { head: _head, ...headless } = chain(2);
    expect(checkChain(headless)).toMatchObject({ seq: 2, reason: 'head-missing' });
  });

  it('names a missing head before a break in the log, at the last event, and says where the log breaks', () => {
    const { head: _head, ...headless } = chain(3);
    const events = headless.events.map((e) => (e.seq === 2 ? { ...e, data: { day: 9 } } : e));
    const link = checkChain({ ...headless, kind: 'incident', id: 'INC-20261122-00000001', events });
    expect(link).toMatchObject({ seq: 3, reason: 'head-missing' });
    expect(link?.detail).toContain('the incident is in none of the views');
    expect(link?.detail).toContain('also breaks at event 2 (hash-mismatch)');
  });
});

describe('an incident head held to what its log projects to', () => {
  it('finds a head whose obligation was changed, at the head’s version, naming the field', async () => {
    const { incidents, ids } = await seed();
    const id = ids['110102']?.[0] ?? '';
    const head = incidents.headOf(id);
    expect(head?.obligations[0]?.status).toBe('pending');
    const forged = headTampered(incidents, id, (h) => ({
      ...h,
      obligations: h.obligations.map((o, i) => (i === 0 ? { ...o, status: 'met', metAt: h.receivedAt } : o)),
    }));

    const result = await verifierOver(forged)(INSPECTOR, {});

    expect(result.counts).toMatchObject({ chains: 3, intact: 2, broken: 1 });
    expect(result.broken).toEqual([
      {
        kind: 'incident',
        id,
        region: '110102',
        seq: head?.version,
        reason: 'head-projection-mismatch',
        detail: expect.stringContaining('obligations[0].status: stored met, events say pending'),
      },
    ]);
    expect(result.broken[0]?.detail).toContain(`obligations[0].metAt: stored ${head?.receivedAt}, events say nothing`);
  });

  it('finds a flag, a status or a field added to the head, and lists at most five differences', async () => {
    const { incidents, ids } = await seed();
    const [a, b] = ids['110101'] ?? [];
    const flagged = headTampered(incidents, a ?? '', (h) => ({ ...h, unitLate: !h.unitLate, status: 'closed' }));
    const padded = headTampered(flagged, b ?? '', (h) => ({
      ...h,
      ...Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`extra${i}`, i])),
    }));
    const result = await verifierOver(padded)(INSPECTOR, { region: '110101' });
    const byId = Object.fromEntries(result.broken.map((l) => [l.id, l]));
    expect(byId[a ?? '']?.detail).toContain('status: stored closed, events say open');
    expect(byId[a ?? '']?.detail).toContain('unitLate: stored true, events say false');
    expect(byId[b ?? '']?.reason).toBe('head-projection-mismatch');
    expect(byId[b ?? '']?.detail).toContain('extra0: stored 0, events say nothing');
    expect(byId[b ?? '']?.detail).toContain('and 2 more');
  });

  it('calls a head intact after forwards, a miss and an escalation, notifications, a finding, grade changes and a final report', async () => {
    let now = RECEIVED.getTime();
    const moving: Clock = { now: () => new Date(now) };
    const incidents = new InMemoryIncidentStore();
    const policy = policyByName('national');
    const appendEvents = makeAppendEvents({ incidents, clock: moving, policy });
    const submit = makeSubmitReport({
      incidents,
      clock: moving,
      policy,
      ids: { incidentId: () => 'INC-20261122-00000009', unique: () => 'id-9' },
    });
    const unit: Actor = { sub: 'unit-110101', role: 'reporter', region: '110101', unit: 'U-1' };
    const county: Actor = { sub: 'dongcheng', role: 'office', region: '110101', level: 'county' };
    const city: Actor = { sub: 'beijing', role: 'office', region: '110100', level: 'city' };
    const parse = makeReportBodySchema(() => now).parse;
    const { response } = await submit({ actor: unit, report: parse(reportWith({ regionCode: '110101' })) });
    const id = response.incidentId;
    const duty = () => incidents.headOf(id)?.obligations.find((o) => o.status === 'pending');
    const first = duty();
    if (!first) throw new Error('the county should owe a forward');

    now += 60_000;
    await makeRemind({ appendEvents })(first);
    await makeAcknowledge({ appendEvents })(county, id, 'received');
    now = Date.parse(first.dueAt) + 1_000;
    expect(await makeCheckDeadline({ appendEvents })(first)).toMatchObject({ outcome: 'missed' });
    now += 60_000;
    // Forwarded late, with the county's grade raised: the next office's duty opens.
    await makeForward({ appendEvents })(county, id, { grade: 'III', note: 'late, regraded' });
    await appendEvents(id, county, () => [
      {
        type: 'NotificationSent',
        data: {
          key: '1:report-received',
          aboutSeq: 1,
          kind: 'report-received',
          recipients: [
            { office: '110101', role: 'duty-officer', personId: 'P-1', channels: ['sms'], messageId: 'm-1' },
          ],
        },
      },
      {
        type: 'NotificationFailed',
        data: { key: '2:deadline-warned', aboutSeq: 2, kind: 'deadline-warned', reason: 'nobody', willRetry: false },
      },
    ]);
    const cityDuty = duty();
    if (cityDuty) await makeForward({ appendEvents })(city, id, { grade: 'IV', note: 'regraded down' });
    await makeRecordFinding({ incidents, appendEvents })({
      actor: INSPECTOR,
      incidentId: id,
      finding: findingBodySchema.parse({ finding: 'false-report', basis: 'figures corrected', responsible: ['U-1'] }),
    });
    await submit({
      actor: unit,
      report: parse(reportWith({ kind: 'final', incidentId: id, grade: undefined, regionCode: '110101' })),
    });

    const head = incidents.headOf(id);
    const types = new Set(incidents.eventsOf(id).map((e) => e.type));
    expect(head?.status).toBe('closed');
    expect([...types].sort()).toEqual(
      expect.arrayContaining([
        'AutoEscalated',
        'DeadlineMissed',
        'DeadlineWarned',
        'GradeAssessed',
        'IncidentClosed',
        'InspectionFinding',
        'NotificationFailed',
        'NotificationSent',
        'ObligationOpened',
        'ReportAcknowledged',
        'ReportForwarded',
        'ReportSubmitted',
      ]),
    );
    const result = await verifierOver(incidents)(INSPECTOR, { region: '110101' });
    expect(result.broken).toEqual([]);
    expect(result.counts).toMatchObject({ chains: 1, intact: 1 });
  });
});

describe('the incidents’ logs as audit chains', () => {
  it('yields the chains of the region asked for, through its index, and a national walk yields all', async () => {
    const { incidents, ids } = await seed();
    const chains = makeIncidentAuditChains({ incidents });
    const idsIn = async (region: string) => {
      const found: string[] = [];
      for await (const c of chains.chainsIn(region)) found.push(c.id);
      return found.sort();
    };
    expect(await idsIn('110000')).toEqual([...(ids['110101'] ?? []), ...(ids['110102'] ?? [])].sort());
    expect(await idsIn('110102')).toEqual(ids['110102']);
    expect(await idsIn('000000')).toHaveLength(4);
    for await (const c of chains.chainsIn('310000')) {
      expect(c).toMatchObject({ kind: 'incident', region: '310101', head: { seq: c.events.length } });
    }
  });

  it('pages with a cursor and refuses a cursor it did not make', async () => {
    const { incidents } = await seed();
    const chains = makeIncidentAuditChains({ incidents });
    const first = await chains.chainsPage('000000', { limit: 1 });
    expect(first.chains).toHaveLength(1);
    expect(first.after).toBeDefined();
    await expect(chains.chainsPage('000000', { limit: 1, after: 'not json' })).rejects.toBeInstanceOf(ValidationError);
    await expect(chains.chainsPage('110000', { limit: 1, after: '{"part":7}' })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('refuses a cursor with a part added, left out, of the wrong type or out of range, naming the cursor', async () => {
    const { incidents } = await seed();
    const chains = makeIncidentAuditChains({ incidents });
    const real = JSON.parse((await chains.chainsPage('110000', { limit: 1 })).after ?? '') as Record<string, unknown>;
    expect(real).toMatchObject({ part: 0, key: expect.any(Object) });
    const tamperings: unknown[] = [
      { ...real, extra: 1 },
      { key: real.key },
      { ...real, part: '0' },
      { ...real, part: 0.5 },
      { ...real, part: -1 },
      { ...real, part: 1 },
      { ...real, key: { incidentId: 7 } },
      { ...real, key: null },
      null,
      [real],
    ];
    for (const tampering of tamperings) {
      const error = await refusal(chains.chainsPage('110000', { limit: 1, after: JSON.stringify(tampering) }));
      expect(error.details?.map((d) => d.field)).toEqual(['cursor']);
    }
  });

  it('reads again when an append lands between reading the log and its head', async () => {
    const { incidents, ids } = await seed();
    const id = ids['110102']?.[0] ?? '';
    // The first read misses the last event, as a read just before an append would.
    const racing = tampered(incidents, id, (events, reads) => (reads === 1 ? events.slice(0, -1) : events));
    const result = await verifierOver(racing)(INSPECTOR, { region: '110102' });
    expect(result.counts).toMatchObject({ chains: 1, broken: 0 });
  });
});

describe('verifying a jurisdiction', () => {
  it('counts chains and events and finds every one intact', async () => {
    const { incidents } = await seed();
    const result = await verifierOver(incidents)(INSPECTOR, {});
    const events = (
      await Promise.all(
        ['INC-20261122-00000001', 'INC-20261122-00000002', 'INC-20261122-00000003'].map(
          async (id) => (await incidents.getEvents(id)).length,
        ),
      )
    ).reduce((a, b) => a + b, 0);
    expect(result).toMatchObject({
      region: '110000',
      complete: true,
      counts: { chains: 3, events, intact: 3, broken: 0 },
      byKind: { incident: { chains: 3 }, 'zero-report': { chains: 0 } },
      broken: [],
      accessDenied: { items: [denied] },
    });
    expect(result.after).toBeUndefined();
  });

  it('names each broken incident at its sequence number: an event changed, removed, cut from the end', async () => {
    const { incidents, ids } = await seed();
    const [a, b] = ids['110101'] ?? [];
    const [c] = ids['110102'] ?? [];
    const changed = tampered(incidents, a ?? '', (events) =>
      events.map((e) => (e.seq === 2 ? { ...e, at: '2026-11-22T00:00:00.000Z' } : e)),
    );
    const removed = tampered(changed, b ?? '', (events) => events.filter((e) => e.seq !== 2));
    const cut = tampered(removed, c ?? '', (events) => events.slice(0, -1));
    const result = await verifierOver(cut)(INSPECTOR, {});
    expect(result.counts).toMatchObject({ chains: 3, intact: 0, broken: 3 });
    const byId = Object.fromEntries(result.broken.map((l) => [l.id, l]));
    expect(byId[a ?? '']).toMatchObject({ kind: 'incident', region: '110101', seq: 2, reason: 'hash-mismatch' });
    expect(byId[b ?? '']).toMatchObject({ seq: 2, reason: 'sequence-gap' });
    expect(byId[c ?? '']?.reason).toBe('missing-events');
  });

  it('names a log it cannot recompute as broken and goes on with every other chain', async () => {
    // PREPARE: one event read back holding a BigInt, as the SDK reads a stored 1e20 by default
    const { incidents, ids } = await seed();
    const [a] = ids['110101'] ?? [];
    const unreadable = tampered(incidents, a ?? '', (events) =>
      events.map((e) =>
        e.seq === 1 ? ({ ...e, data: { ...e.data, loss: 10n ** 20n } } as unknown as IncidentEvent) : e,
      ),
    );

    // ACT
    const result = await verifierOver(unreadable)(INSPECTOR, {});

    // ASSESS
    expect(result.complete).toBe(true);
    expect(result.counts).toMatchObject({ chains: 3, intact: 2, broken: 1 });
    expect(result.broken).toEqual([
      expect.objectContaining({ id: a, seq: 1, reason: 'unverifiable', detail: expect.stringContaining('BigInt') }),
    ]);
  });

  it('stops at the page limit with a cursor, and the pages add up to the whole', async () => {
    const { incidents } = await seed();
    const verify = verifierOver(incidents);
    const pages = await allPages(verify, { limit: 1, region: '000000' }, NATIONAL_INSPECTOR);
    expect(pages.map((p) => p.counts.chains)).toEqual([1, 1, 1, 1, 0]);
    expect(pages.at(-1)?.complete).toBe(true);
    expect(pages.slice(0, -1).every((p) => !p.complete)).toBe(true);
    // The refusals come with the first page only.
    expect(pages.filter((p) => p.accessDenied !== undefined)).toHaveLength(1);
  });

  it('stops when its time budget is spent, with a cursor to carry on', async () => {
    let now = RECEIVED.getTime();
    // Every look at the clock finds a second gone.
    const ticking: Clock = {
      now: () => {
        now += 1_000;
        return new Date(now);
      },
    };
    const logs: AuditChainSource = {
      async *chainsIn() {
        for (const unit of ['U-1', 'U-2', 'U-3', 'U-4']) yield zeroLog(unit);
      },
    };
    const verify = makeVerifyAudit({ sources: [logs], accessLog, clock: ticking });
    const page = await verify(INSPECTOR, { budgetMs: 2_500 });
    expect(page).toMatchObject({ complete: false, counts: { chains: 2 }, after: { source: '0', position: '2' } });
    const rest = await verify(INSPECTOR, { budgetMs: 60_000, ...(page.after ? { after: page.after } : {}) });
    expect(rest).toMatchObject({ complete: true, counts: { chains: 2, intact: 2 } });
  });

  it('resumes a source without pages of its own by position', async () => {
    const { incidents } = await seed();
    const broken = { ...zeroLog('U-3'), head: { seq: 1, hash: 'f'.repeat(64) } };
    const zeroLogs: AuditChainSource = {
      async *chainsIn() {
        yield zeroLog('U-1');
        yield zeroLog('U-2');
        yield broken;
      },
    };
    const pages = await allPages(verifierOver(incidents, [zeroLogs]), { limit: 2 });
    const seen = pages.flatMap((p) => p.broken.map((l) => l.id));
    expect(seen).toEqual(['P-1/U-3']);
    const total = pages.reduce((sum, p) => sum + p.byKind['zero-report'].chains, 0);
    expect(total).toBe(3);
    expect(pages.reduce((sum, p) => sum + p.counts.chains, 0)).toBe(6);
  });

  it('calls progress every N chains', async () => {
    const { incidents } = await seed();
    const seen: number[] = [];
    await verifierOver(incidents)(NATIONAL_INSPECTOR, {
      region: '000000',
      progressEvery: 2,
      progress: (c) => seen.push(c.chains),
    });
    expect(seen).toEqual([2, 4]);
  });

  it('is for inspectors, inside their jurisdiction', async () => {
    const { incidents } = await seed();
    const verify = verifierOver(incidents);
    const outsiders: Actor[] = [
      { sub: 'u', role: 'reporter', region: '110101', unit: 'U-1' },
      { sub: 'o', role: 'office', region: '110000', level: 'province' },
    ];
    for (const actor of outsiders) {
      await expect(verify(actor, { region: '110000' })).rejects.toBeInstanceOf(ForbiddenError);
    }
    await expect(verify(INSPECTOR, { region: '310000' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(verify(INSPECTOR, { region: '119999' })).rejects.toBeInstanceOf(ValidationError);
    await expect(verify(INSPECTOR, { after: { source: '5' } })).rejects.toBeInstanceOf(ValidationError);
  });

  it('refuses a tampered cursor, naming the cursor: an extra or a missing part, a bad number, a bad position', async () => {
    const { incidents } = await seed();
    const logs: AuditChainSource = {
      async *chainsIn() {
        yield zeroLog('U-1');
        yield zeroLog('U-2');
      },
    };
    const verify = verifierOver(incidents, [logs]);
    const page = await verify(INSPECTOR, { limit: 1 });
    expect(page.after).toMatchObject({ source: '0', position: expect.any(String) });
    const real = page.after ?? {};
    const tamperings: Record<string, string>[] = [
      { ...real, extra: 'x' },
      { position: real.position ?? '' },
      { ...real, source: '' },
      { ...real, source: '-1' },
      { ...real, source: '00' },
      { ...real, source: '2' },
      { ...real, source: '1e0' },
      { ...real, position: 'not json' },
      { ...real, position: '{"part":0,"key":{"incidentId":"x"},"more":1}' },
      { source: '1', position: '-1' },
      { source: '1', position: '1.5' },
      { source: '1', position: 'two' },
    ];
    for (const after of tamperings) {
      const error = await refusal(verify(INSPECTOR, { after }));
      expect(error.details?.map((d) => d.field)).toEqual(['cursor']);
    }
    // The cursors it wrote itself still carry on.
    expect((await verify(INSPECTOR, { after: real })).complete).toBe(true);
    expect((await verify(INSPECTOR, { after: { source: '1', position: '1' } })).counts.chains).toBe(1);
  });
});

describe('an incident whose head was deleted', () => {
  it('is not found through the heads: the paged run cannot see it, a source of headless logs can', async () => {
    const { incidents, ids } = await seed();
    const gone = ids['110102']?.[0] ?? '';
    const store = headDeleted(incidents, gone);
    const headless: AuditChainSource = {
      async *chainsIn() {
        yield { kind: 'incident', id: gone, region: '110102', events: await incidents.getEvents(gone) };
      },
    };
    expect((await verifierOver(store)(INSPECTOR, {})).counts).toMatchObject({ chains: 2, broken: 0 });
    const result = await verifierOver(store, [headless])(INSPECTOR, {});
    expect(result.broken).toEqual([
      {
        kind: 'incident',
        id: gone,
        region: '110102',
        seq: incidents.eventsOf(gone).length,
        reason: 'head-missing',
        detail: expect.stringContaining('the incident is in none of the views'),
      },
    ]);
  });
});

describe('an incident head item held to its log, with the keys the views select it by', () => {
  it('carries the head item as stored, index keys and all, for an incident with a pending duty', async () => {
    const { incidents, ids } = await seed();
    const id = ids['110102']?.[0] ?? '';
    const chains: AuditChain[] = [];
    for await (const chain of makeIncidentAuditChains({ incidents }).chainsIn('110102')) chains.push(chain);
    const head = incidents.headOf(id);
    expect(head?.obligations.some((o) => o.status === 'pending')).toBe(true);
    expect(chains[0]?.headItem?.item).toMatchObject({
      listKey: `${head?.receivedAt}#${id}`,
      countyCode: '110102',
      openShard: expect.stringMatching(/^OPEN#/),
      nextDueAt: head?.obligations[0]?.dueAt,
    });
    expect(checkChain(chains[0] as AuditChain)).toBeUndefined();
  });

  it('names a list key moved out of the incident’s audit period', async () => {
    const { incidents, ids } = await seed();
    const id = ids['110102']?.[0] ?? '';
    const head = incidents.headOf(id);
    const moved = itemTampered(incidents, id, (item) => ({ ...item, listKey: `2020-01-01T00:00:00.000Z#${id}` }));

    const result = await verifierOver(moved)(INSPECTOR, {});

    expect(result.counts).toMatchObject({ chains: 3, intact: 2, broken: 1 });
    expect(result.broken).toEqual([
      {
        kind: 'incident',
        id,
        region: '110102',
        seq: head?.version,
        reason: 'head-projection-mismatch',
        detail: expect.stringContaining(
          `listKey: stored 2020-01-01T00:00:00.000Z#${id}, events say ${head?.receivedAt}#${id}`,
        ),
      },
    ]);
    expect(result.broken[0]?.detail).toContain('select incidents by');
  });

  it('names a pending deadline taken out of the sweeper’s index, and an incident filed under another county', async () => {
    const { incidents, ids } = await seed();
    const [a, b] = ids['110101'] ?? [];
    const due = incidents.headOf(a ?? '')?.obligations[0]?.dueAt;
    const hidden = itemTampered(incidents, a ?? '', ({ openShard: _shard, nextDueAt: _due, ...item }) => item);
    const refiled = itemTampered(incidents, b ?? '', (item) => ({ ...item, countyCode: '110102' }));
    const both: IncidentStore = {
      ...refiled,
      getHeadItem: async (id) => (id === a ? hidden : refiled).getHeadItem?.(id),
    };

    const result = await verifierOver(both)(INSPECTOR, { region: '110101' });

    const byId = Object.fromEntries(result.broken.map((l) => [l.id, l]));
    expect(byId[a ?? '']?.reason).toBe('head-projection-mismatch');
    expect(byId[a ?? '']?.detail).toContain(`nextDueAt: stored nothing, events say ${due}`);
    expect(byId[a ?? '']?.detail).toMatch(/openShard: stored nothing, events say OPEN#\d/);
    expect(byId[b ?? '']?.detail).toContain('countyCode: stored 110102, events say 110101');
  });

  it('still holds the state alone to the log for a store that cannot give the item', async () => {
    const { incidents, ids } = await seed();
    const id = ids['110102']?.[0] ?? '';
    const chains: AuditChain[] = [];
    const plain = tampered(incidents, '', (events) => events);
    for await (const chain of makeIncidentAuditChains({ incidents: plain }).chainsIn('110102')) chains.push(chain);
    expect(chains.map((c) => [c.id, c.headItem])).toEqual([[id, undefined]]);
    expect((await verifierOver(plain)(INSPECTOR, {})).broken).toEqual([]);
  });
});

describe('a zero-report log held to its head and to the missed list’s lookups', () => {
  const PERIOD = 'DP-110101-20260701-1A2B3C4D';
  const identity = { periodId: PERIOD, unit: 'DC-ZX', unitName: '北京市第五中学', county: '110101' };
  const reporter: Actor = { sub: 'r-zx', role: 'reporter', region: '110101', unit: 'DC-ZX' };
  const cutoff = (date: string) => `${date}T08:00:00.000Z`;
  const filed = (date: string, filedAt: string, afterMissSeq?: number): ZeroReportDraft => {
    const lateByMs = Math.max(0, Date.parse(filedAt) - Date.parse(cutoff(date)));
    return {
      type: 'DailyReportFiled',
      data: {
        date,
        cutoffAt: cutoff(date),
        filedAt,
        late: lateByMs > 0,
        lateByMs,
        nothingToReport: true,
        incidentIds: [],
        requestHash: `h-${date}`,
        ...(afterMissSeq !== undefined ? { afterMissSeq } : {}),
      },
    };
  };

  /**
   * 1 July missed at the cut-off, the county office told, then filed late; 2 July filed on time;
   * 3 July missed and filed late in one append (the check had not come yet).
   */
  const log = () => {
    const steps: { drafts: ZeroReportDraft[]; actor: Actor; at: string }[] = [
      {
        drafts: [
          {
            type: 'DailyReportMissed',
            data: { date: '2026-07-01', cutoffAt: cutoff('2026-07-01'), unitName: identity.unitName, office: '110101' },
          },
        ],
        actor: CUTOFF_CHECK_ACTOR,
        at: '2026-07-01T08:02:30.000Z',
      },
      {
        drafts: [
          {
            type: 'ZeroReportNotified',
            data: {
              date: '2026-07-01',
              aboutSeq: 1,
              kind: 'zero-report-missed',
              recipients: [
                { office: '110101', role: 'duty-officer', personId: 'P-ZHAO', channels: ['email'], messageId: 'm-1' },
              ],
            },
          },
        ],
        actor: CUTOFF_CHECK_ACTOR,
        at: '2026-07-01T08:02:31.000Z',
      },
      { drafts: [filed('2026-07-01', '2026-07-01T09:30:00.000Z', 1)], actor: reporter, at: '2026-07-01T09:30:00.000Z' },
      { drafts: [filed('2026-07-02', '2026-07-02T07:00:00.000Z')], actor: reporter, at: '2026-07-02T07:00:00.000Z' },
      {
        drafts: [
          {
            type: 'DailyReportMissed',
            actor: CUTOFF_CHECK_ACTOR,
            data: { date: '2026-07-03', cutoffAt: cutoff('2026-07-03'), unitName: identity.unitName, office: '110101' },
          },
          filed('2026-07-03', '2026-07-03T08:01:00.000Z', 5),
        ],
        actor: reporter,
        at: '2026-07-03T08:01:00.000Z',
      },
    ];
    let state: ZeroChainState | undefined;
    const events: ZeroReportEvent[] = [];
    for (const step of steps) {
      const change = sealZeroEvents(state, identity, step.drafts, { actor: step.actor, now: new Date(step.at) });
      events.push(...change.events);
      state = change.state;
    }
    return { events, state: state as ZeroChainState };
  };

  const lookupOf = (item: StoredItem): MissLookup => ({
    key: `${String(item.pk)}/${String(item.sk)}`,
    ...(typeof item.missedSeq === 'number' ? { seq: item.missedSeq } : {}),
    item,
  });
  const missesOf = (events: readonly ZeroReportEvent[]) =>
    events.filter((e): e is DailyReportMissedEvent => e.type === 'DailyReportMissed');

  /** The log as the zero-report store hands it over: its head, and the lookups given (by default, those its misses wrote). */
  const chainOf = (
    events: readonly ZeroReportEvent[],
    state: ZeroChainState | undefined,
    lookups: readonly StoredItem[] = missesOf(events).map(missLookupItem),
  ): AuditChain => ({
    kind: 'zero-report',
    id: `${PERIOD}/DC-ZX`,
    region: '110101',
    events,
    ...(state ? { head: { seq: state.version, hash: state.lastHash }, zeroState: state } : {}),
    lookups: { stored: lookups.map(lookupOf), of: (event) => lookupOf(missLookupItem(event)) },
  });

  it('calls intact a log with a miss told and filed late, a day filed on time, and a miss recorded with its late filing', () => {
    const { events, state } = log();
    expect(events.map((e) => e.type)).toEqual([
      'DailyReportMissed',
      'ZeroReportNotified',
      'DailyReportFiled',
      'DailyReportFiled',
      'DailyReportMissed',
      'DailyReportFiled',
    ]);
    expect(state.days['2026-07-01']).toMatchObject({
      missedSeq: 1,
      filedSeq: 3,
      late: true,
      notifiedAt: expect.any(String),
    });
    expect(checkChain(chainOf(events, state))).toBeUndefined();
  });

  it('names a miss whose lookup was deleted, at the miss, which the missed list then does not show', () => {
    const { events, state } = log();
    const [, third] = missesOf(events);
    const link = checkChain(chainOf(events, state, missesOf(events).slice(0, 1).map(missLookupItem)));
    expect(link).toMatchObject({
      kind: 'zero-report',
      id: `${PERIOD}/DC-ZX`,
      region: '110101',
      seq: 5,
      reason: 'lookup-mismatch',
      detail: expect.stringContaining('the miss of 2026-07-03 (event 5) has no lookup item'),
    });
    expect(link?.detail).toContain(`MISSED#110000/${missLookupItem(third as DailyReportMissedEvent).sk}`);
  });

  it('names each field of a lookup that says otherwise than its miss', () => {
    const { events, state } = log();
    const [first, third] = missesOf(events).map(missLookupItem) as [StoredItem, StoredItem];
    const edited = { ...first, date: '2026-06-30', unitName: 'someone else', missedSeq: 9 };
    const link = checkChain(chainOf(events, state, [edited, third]));
    expect(link).toMatchObject({ seq: 1, reason: 'lookup-mismatch' });
    expect(link?.detail).toContain('the miss of 2026-07-01 (event 1) has a lookup that says otherwise');
    expect(link?.detail).toContain('date: stored 2026-06-30, events say 2026-07-01');
    expect(link?.detail).toContain('missedSeq: stored 9, events say 1');
    expect(link?.detail).toContain('unitName: stored someone else, events say 北京市第五中学');
  });

  it('names a forged lookup for a day filed on time, and one for a log that holds nothing', () => {
    const { events, state } = log();
    const genuine = missesOf(events).map(missLookupItem);
    const onTime = missLookupItem({
      ...(missesOf(events)[0] as DailyReportMissedEvent),
      seq: 4,
      data: { date: '2026-07-02', cutoffAt: cutoff('2026-07-02'), unitName: identity.unitName, office: '110101' },
    });
    const forged = checkChain(chainOf(events, state, [...genuine, onTime]));
    expect(forged).toMatchObject({ seq: 4, reason: 'lookup-mismatch' });
    expect(forged?.detail).toContain(
      `the lookup MISSED#110000/${String(onTime.sk)} puts on the list a miss the log does not hold: event 4 is a DailyReportFiled, not a miss`,
    );

    const nothing = checkChain(chainOf([], undefined, [onTime]));
    expect(nothing).toMatchObject({ seq: 0, reason: 'lookup-mismatch' });
    expect(nothing?.detail).toContain('the log has no event 4');
  });

  it('names a lookup moved to another key: its miss has none where it belongs, and the moved one holds no miss', () => {
    const { events, state } = log();
    const [first, third] = missesOf(events).map(missLookupItem) as [StoredItem, StoredItem];
    const moved = { ...first, sk: String(first.sk).replace('2026-07-01T08', '2026-06-01T08') };
    const link = checkChain(chainOf(events, state, [moved, third]));
    expect(link).toMatchObject({ seq: 1, reason: 'lookup-mismatch' });
    expect(link?.detail).toContain('the miss of 2026-07-01 (event 1) has no lookup item');
    expect(link?.detail).toContain(
      `event 1 is the miss of 2026-07-01, whose lookup is MISSED#110000/${String(first.sk)}`,
    );
  });

  it('names a head whose late filing or notification was taken out, which the missed list reads there', () => {
    const { events, state } = log();
    const { filedAt: _filedAt, ...day } = state.days['2026-07-01'] ?? {};
    const forged: ZeroChainState = {
      ...state,
      days: { ...state.days, '2026-07-01': { ...day, notifiedAt: '2026-07-01T08:00:00.000Z' } },
    };
    const link = checkChain(chainOf(events, forged));
    expect(link).toMatchObject({ seq: state.version, reason: 'head-projection-mismatch' });
    expect(link?.detail).toContain('days.2026-07-01.filedAt: stored nothing, events say 2026-07-01T09:30:00.000Z');
    expect(link?.detail).toContain(
      'days.2026-07-01.notifiedAt: stored 2026-07-01T08:00:00.000Z, events say 2026-07-01T08:02:31.000Z',
    );
    expect(checkChain(chainOf(events, { ...state, county: '110102' }))?.detail).toContain(
      'county: stored 110102, events say 110101',
    );
  });

  it('is counted broken by a verification run, beside intact incidents', async () => {
    const { incidents } = await seed();
    const { events, state } = log();
    const zeroLogs: AuditChainSource = {
      async *chainsIn() {
        yield chainOf(events, state);
        yield { ...chainOf(events, state, []), id: `${PERIOD}/DC-YJ` };
      },
    };
    const result = await verifierOver(incidents, [zeroLogs])(INSPECTOR, {});
    expect(result.byKind['zero-report']).toMatchObject({ chains: 2, intact: 1, broken: 1 });
    expect(result.broken).toEqual([
      expect.objectContaining({ id: `${PERIOD}/DC-YJ`, seq: 1, reason: 'lookup-mismatch' }),
    ]);
  });
});
