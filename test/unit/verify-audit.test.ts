/**
 * Verifying a jurisdiction's hash chains: the incident logs found through the store's region
 * indexes, every broken link named, pages that resume where they stopped, and who may ask.
 */
import { describe, expect, it } from 'vitest';
import { makeSubmitReport } from '../../shared/application/submit-report';
import {
  checkChain,
  makeIncidentAuditChains,
  makeVerifyAudit,
  type VerifyAuditResult,
} from '../../shared/application/verify-audit';
import { ForbiddenError, ValidationError } from '../../shared/domain/errors';
import { GENESIS_HASH, seal } from '../../shared/domain/hash-chain';
import type { Actor, IncidentEvent } from '../../shared/domain/incident';
import { policyByName } from '../../shared/domain/policy/policy';
import type { AccessDenied, AccessLog } from '../../shared/ports/access-log';
import type { AuditChain, AuditChainSource } from '../../shared/ports/audit-chains';
import type { Clock } from '../../shared/ports/clock';
import type { IncidentStore } from '../../shared/ports/incident-store';
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
    findResponse: (key) => store.findResponse(key),
    list: (query) => store.list(query),
    withPendingObligations: (query) => store.withPendingObligations(query),
    allEvents: () => store.allEvents(),
  };
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
});
