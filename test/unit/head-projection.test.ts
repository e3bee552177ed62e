/**
 * A head rebuilt from its log — an incident's, a zero-report log's — and every field where a stored
 * head (or a stored item, keys and all) departs from it, named by its path as an inspector reads it.
 */
import { describe, expect, it } from 'vitest';
import { headItem } from '../../shared/adapters/dynamodb/incident-store';
import { policyByName } from '../../shared/adapters/policy-source';
import { makeSubmitReport } from '../../shared/application/submit-report';
import type { Actor } from '../../shared/domain/access';
import {
  describeDifference,
  headDifferences,
  itemDifferences,
  replayHead,
  replayZeroHead,
} from '../../shared/domain/head-projection';
import type { IncidentEvent, IncidentState } from '../../shared/domain/incident';
import { CUTOFF_CHECK_ACTOR, sealZeroEvents, type ZeroReportEvent } from '../../shared/domain/zero-reports';
import type { Clock } from '../../shared/ports/clock';
import { makeReportBodySchema } from '../../shared/schemas/report';
import { InMemoryIncidentStore } from '../fakes/in-memory-incident-store';
import { reportWith } from '../fixtures/reports';

const RECEIVED = new Date('2026-11-22T01:00:00.000Z');
const clock: Clock = { now: () => new Date(RECEIVED) };
const UNIT: Actor = { sub: 'unit-110101', role: 'reporter', region: '110101', unit: 'U-1' };

/** One incident in Dongcheng with a follow-up that raises its grade, as the appender stored it. */
const stored = async () => {
  const incidents = new InMemoryIncidentStore();
  const submit = makeSubmitReport({
    incidents,
    clock,
    policy: policyByName('national'),
    ids: { incidentId: () => 'INC-20261122-00000001', unique: () => 'id-1' },
  });
  const schema = makeReportBodySchema(() => RECEIVED.getTime());
  const { response } = await submit({ actor: UNIT, report: schema.parse(reportWith({ grade: 'IV' })) });
  await submit({
    actor: UNIT,
    report: schema.parse(
      reportWith({ kind: 'follow-up', incidentId: response.incidentId, grade: 'II' }, { casualties: { dead: 12 } }),
    ),
  });
  const id = response.incidentId;
  return { events: incidents.eventsOf(id), head: incidents.headOf(id) as IncidentState };
};

describe('replaying a log into its head', () => {
  it('gives exactly the head the appender stored', async () => {
    const { events, head } = await stored();
    expect(head.obligations.length).toBeGreaterThan(1);
    expect(replayHead(events)).toStrictEqual(head);
    expect(headDifferences(head, replayHead(events) as IncidentState)).toEqual([]);
  });

  it('gives nothing for an empty log, and refuses a log the appender cannot have written', async () => {
    const { events } = await stored();
    expect(replayHead([])).toBeUndefined();
    expect(() => replayHead(events.slice(1))).toThrow(/not the first report/);
    const first = events[0] as Extract<IncidentEvent, { type: 'ReportSubmitted' }>;
    expect(() => replayHead([{ ...first, data: { ...first.data, regionCode: '110000' } }])).toThrow();
  });
});

describe('the differences between a stored head and its projection', () => {
  it('names each differing field by its path, in obligations by index', async () => {
    const { events, head } = await stored();
    const projected = replayHead(events) as IncidentState;
    const forged: IncidentState = {
      ...head,
      unitLate: true,
      figures: { ...head.figures, dead: 2 },
      obligations: head.obligations.map((o, i) => (i === 1 ? { ...o, status: 'met', metAt: o.dueAt } : o)),
    };
    const named = headDifferences(forged, projected).map(describeDifference);
    const due = head.obligations[1]?.dueAt;
    expect(named).toEqual([
      'figures.dead: stored 2, events say 12',
      `obligations[1].metAt: stored ${due}, events say nothing`,
      'obligations[1].status: stored met, events say pending',
      'unitLate: stored true, events say false',
    ]);
  });

  it('ignores key order and an undefined member, but not a missing or an added element', async () => {
    const { events, head } = await stored();
    const projected = replayHead(events) as IncidentState;
    const reordered = Object.fromEntries(Object.entries(head).reverse()) as unknown as IncidentState;
    expect(headDifferences({ ...reordered, notified: undefined }, projected)).toEqual([]);
    const dropped = headDifferences({ ...head, obligations: head.obligations.slice(0, 1) }, projected);
    expect(dropped.map((d) => d.path)).toEqual(head.obligations.slice(1).map((_, i) => `obligations[${i + 1}]`));
    expect(describeDifference(dropped[0] ?? { path: '', stored: 1, projected: 1 })).toMatch(
      /^obligations\[1\]: stored nothing, events say \{.{60,}…$/,
    );
  });

  it('tells a value of another type apart, however it prints', async () => {
    const { events, head } = await stored();
    const projected = replayHead(events) as IncidentState;
    const typed = {
      ...head,
      reportCount: String(head.reportCount),
      unitLate: new Set([false]),
    } as unknown as IncidentState;
    expect(headDifferences(typed, projected).map((d) => d.path)).toEqual(['reportCount', 'unitLate']);
  });
});

describe('the differences between a stored item and the item its log projects to', () => {
  it('names the index keys a head is filed by, which the state read from it leaves out', async () => {
    const { events, head } = await stored();
    const projected = headItem(replayHead(events) as IncidentState);
    const tampered: Record<string, unknown> = {
      ...headItem(head),
      listKey: `2020-01-01T00:00:00.000Z#${head.incidentId}`,
    };
    const { openShard: _shard, ...moved } = tampered;
    expect(itemDifferences(headItem(head), projected)).toEqual([]);
    expect(itemDifferences(moved, projected).map(describeDifference)).toEqual([
      `listKey: stored 2020-01-01T00:00:00.000Z#${head.incidentId}, events say ${head.receivedAt}#${head.incidentId}`,
      `openShard: stored nothing, events say ${String(projected.openShard)}`,
    ]);
  });
});

describe('replaying a zero-report log into its head', () => {
  const identity = {
    periodId: 'DP-110101-20260701-1A2B3C4D',
    unit: 'DC-ZX',
    unitName: '北京市第五中学',
    county: '110101',
  };
  const missedThenFiled = () => {
    const missed = sealZeroEvents(
      undefined,
      identity,
      [
        {
          type: 'DailyReportMissed',
          data: {
            date: '2026-07-01',
            cutoffAt: '2026-07-01T08:00:00.000Z',
            unitName: identity.unitName,
            office: '110101',
          },
        },
      ],
      { actor: CUTOFF_CHECK_ACTOR, now: new Date('2026-07-01T08:02:30.000Z') },
    );
    const filed = sealZeroEvents(
      missed.state,
      identity,
      [
        {
          type: 'DailyReportFiled',
          data: {
            date: '2026-07-01',
            cutoffAt: '2026-07-01T08:00:00.000Z',
            filedAt: '2026-07-01T09:00:00.000Z',
            late: true,
            lateByMs: 3_600_000,
            nothingToReport: true,
            incidentIds: [],
            requestHash: 'h',
            afterMissSeq: 1,
          },
        },
      ],
      { actor: UNIT, now: new Date('2026-07-01T09:00:00.000Z') },
    );
    return { events: [...missed.events, ...filed.events], head: filed.state };
  };

  it('gives exactly the head the appender stored, the unit’s name taken from the stored head', () => {
    const { events, head } = missedThenFiled();
    expect(replayZeroHead(events, head.unitName)).toStrictEqual(head);
    expect(replayZeroHead([], head.unitName)).toBeUndefined();
  });

  it('refuses a log holding an event it does not know', () => {
    const { events, head } = missedThenFiled();
    const unknown = { ...events[0], seq: 2, type: 'DailyReportErased' } as unknown as ZeroReportEvent;
    expect(() => replayZeroHead([events[0] as ZeroReportEvent, unknown], head.unitName)).toThrow(
      'event 2 is a DailyReportErased, not a zero-report event',
    );
  });
});
