/**
 * The offices' punctuality counters on DynamoDB Local: a workload over two China days (on time,
 * late, missed then met, missed, pending, a waiver, a return and its correction, exercises) is
 * rolled up with every event delivered one to three times, shuffled, in batches some of which fail
 * and come back. The punctuality table read from the counters must then equal, for every period,
 * the table computed from every incident head of the period; and reconcile must find the counters
 * equal to the log, find a counter changed behind its back, and repair it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { makeDynamoDrillStore } from '../../shared/adapters/dynamodb/drill-store';
import { makeDynamoIncidentStore } from '../../shared/adapters/dynamodb/incident-store';
import { makeDynamoSummaryStore } from '../../shared/adapters/dynamodb/summary-store';
import { policyByName } from '../../shared/adapters/policy-source';
import { randomIds } from '../../shared/adapters/system';
import { makeAppendEvents } from '../../shared/application/append-events';
import { makeOfficePunctuality } from '../../shared/application/audit';
import { makeStartDrill } from '../../shared/application/drills';
import { makeMoveDuties, makeReconcileDuties } from '../../shared/application/duty-counters';
import { makeCheckDeadline, makeForward, makeSweepDeadlines } from '../../shared/application/escalation';
import { makeReturnReport } from '../../shared/application/return-report';
import { makeRollUpEvents } from '../../shared/application/roll-up';
import { makeSubmitReport } from '../../shared/application/submit-report';
import type { Actor } from '../../shared/domain/access';
import type { IncidentEvent } from '../../shared/domain/incident';
import type { SummaryStore } from '../../shared/ports/summary-store';
import { makeReportBodySchema } from '../../shared/schemas/report';
import { FakeClock } from '../fakes/fake-clock';
import { BEIJING_CITY_OFFICE as CITY, countyOffice, BEIJING_INSPECTOR as INSPECTOR, unitOf } from '../fixtures/actors';
import { initialReport } from '../fixtures/reports';
import { provisionTestResources } from './support';

// 22:00 in China: the workload runs past midnight, so the period has two days to cut.
const START = '2026-12-05T14:00:00.000Z';
const MINUTE = 60_000;
const HOUR = 3_600_000;
const COUNTIES = ['110101', '110102', '110105'] as const;

const closings: (() => void)[] = [];
afterAll(() => {
  for (const close of closings) close();
});

/** A small seeded generator (mulberry32): the same deliveries every run. */
const seeded = (seed: number) => {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

describe('punctuality counters on DynamoDB Local', () => {
  it('equal the punctuality computed from every head, for any period, under redelivery; reconcile rebuilds them', async () => {
    const { resources, documents, close } = await provisionTestResources();
    closings.push(close);
    const clock = new FakeClock(START);
    const policy = policyByName('national');
    const incidents = makeDynamoIncidentStore({ client: documents, incidentsTable: resources.tables.incidents });
    const drills = makeDynamoDrillStore({ client: documents, table: resources.tables.drills });
    const summaries = makeDynamoSummaryStore({ client: documents, table: resources.tables.summaries });
    const appendEvents = makeAppendEvents({ incidents, clock, policy });
    const schema = makeReportBodySchema(() => clock.now().getTime());
    const submit = makeSubmitReport({ incidents, clock, ids: randomIds, policy, drills });
    const sweep = makeSweepDeadlines({ incidents, clock, checkDeadline: makeCheckDeadline({ appendEvents }) });
    const forward = (region: string, id: string, command = {}) =>
      makeForward({ appendEvents })(countyOffice(region), id, command);
    const report = async (region: string, unit: string, extra: object = {}) => {
      const learned = new Date(clock.now().getTime() - MINUTE).toISOString();
      const body = schema.parse(initialReport(region, unit, { learnedAt: learned, occurredAt: learned, ...extra }));
      return (await submit({ actor: unitOf(region, unit), report: body })).response.incidentId;
    };

    // The workload: twelve real incidents a quarter of an hour apart (22:00 to 00:45 in China),
    // and four exercises among them.
    await makeStartDrill({ drills, clock, policy })(CITY, { title: '防汛演练', duration: 6 * HOUR });
    const real: { id: string; region: string }[] = [];
    for (let i = 0; i < 12; i++) {
      const region = COUNTIES[i % COUNTIES.length] ?? '110101';
      real.push({
        id: await report(
          region,
          `U-${i}`,
          i % 4 === 0 ? { casualties: { dead: i === 0 ? 12 : 3, injured: 2, missing: 0, trapped: 0 } } : {},
        ),
        region,
      });
      if (i % 3 === 0) await report(region, `D-${i}`, { exercise: true });
      clock.advance(15 * MINUTE);
    }
    // On time: every third county forwards at once.
    for (const [i, { id, region }] of real.entries()) if (i % 3 === 1) await forward(region, id);
    // A grade II lowered to III by the county as it forwards: the direct reports II called for are waived.
    const first = real[0];
    if (first) await forward(first.region, first.id, { grade: 'III' });
    // A return to the county, and the county's corrected forward.
    const returned = real[4];
    if (returned) {
      const correction = await makeReturnReport({ incidents, appendEvents, policy })(CITY, returned.id, {
        fields: ['summary'],
        note: '经过不清',
      });
      await forward(returned.region, returned.id, { correcting: correction.correction.obligationId });
    }
    // Returns to units: one corrects at once, one never does. A unit's duty is not its office's.
    const returnReport = makeReturnReport({ incidents, appendEvents, policy });
    for (const i of [7, 10]) {
      const incident = real[i];
      if (!incident) continue;
      const { correction } = await returnReport(countyOffice(incident.region), incident.id, {
        fields: ['summary'],
        note: '请补充经过',
      });
      if (i === 7) {
        await report(incident.region, `U-${i}`, {
          kind: 'follow-up',
          incidentId: incident.id,
          correcting: correction.obligationId,
        });
      }
    }
    // Hours pass: some forwarded late before the sweep, the rest marked missed; some of those
    // forward after the miss; the last two stay pending (their deadline is hours away).
    clock.advance(90 * MINUTE);
    for (const [i, { id, region }] of real.entries()) if (i % 3 === 2 && i < 6) await forward(region, id);
    clock.advance(3 * HOUR);
    await sweep();
    for (const [i, { id, region }] of real.entries()) if (i % 3 === 2 && i >= 6) await forward(region, id);
    for (let i = 0; i < 2; i++) {
      await report(COUNTIES[i] ?? '110101', `P-${i}`);
      clock.advance(MINUTE);
    }

    // Every event delivered one to three times, shuffled.
    const events: IncidentEvent[] = [];
    for await (const log of incidents.allEvents()) events.push(...log);
    // The log holds every kind of move the counters follow, and some they must leave out.
    const has = (test: (e: IncidentEvent) => boolean) => events.some(test);
    expect(has((e) => e.type === 'ReportCorrected' && e.data.unit !== undefined)).toBe(true);
    expect(has((e) => e.type === 'ReportCorrected' && e.data.unit === undefined)).toBe(true);
    expect(has((e) => e.type === 'DeadlineMissed' && e.data.unit !== undefined)).toBe(true);
    expect(has((e) => e.type === 'ObligationWaived')).toBe(true);
    const missed = new Set(events.flatMap((e) => (e.type === 'DeadlineMissed' ? [e.data.obligationId] : [])));
    expect(has((e) => e.type === 'ReportForwarded' && missed.has(e.data.obligationId))).toBe(true);
    expect(has((e) => e.scope.drill !== undefined && e.type === 'DeadlineMissed')).toBe(true);
    const random = seeded(19);
    const deliveries = events.flatMap((e) => Array.from({ length: 1 + Math.floor(random() * 3) }, () => e));
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j] as IncidentEvent, deliveries[i] as IncidentEvent];
    }
    let failNext = false;
    let failed = 0;
    /** A consumer that dies after its write landed, when told to: the batch comes back. */
    const dieAfter = async (write: Promise<void>) => {
      await write;
      if (failNext) {
        failNext = false;
        failed += 1;
        throw new Error('the consumer died after writing');
      }
    };
    const flaky: SummaryStore = {
      ...summaries,
      apply: (ids, items) => dieAfter(summaries.apply(ids, items)),
      moveDuties: (moves, days) => dieAfter(summaries.moveDuties(moves, days)),
    };
    // The roll-up consumer's two steps, as its handler runs them.
    const rollUpEvents = makeRollUpEvents({ summaries: flaky });
    const moveDuties = makeMoveDuties({ summaries: flaky });
    const consume = async (batch: readonly IncidentEvent[]) => {
      await rollUpEvents(batch);
      await moveDuties(batch);
    };
    // The first half by three consumers at once, as Lambda scales the queue out: they collide on
    // the same duties and office-days. The rest by one, a third of its batches dying after their
    // write and coming back.
    const half = Math.floor(deliveries.length / 2);
    const thirds = [0, 1, 2].map((k) => deliveries.slice(0, half).filter((_, i) => i % 3 === k));
    await Promise.all(
      thirds.map(async (third) => {
        for (let start = 0; start < third.length; start += 8) await consume(third.slice(start, start + 8));
      }),
    );
    for (let start = half; start < deliveries.length; ) {
      const size = 1 + Math.floor(random() * 12);
      const batch = deliveries.slice(start, start + size);
      failNext = random() < 0.3;
      await consume(batch).catch(() => consume(batch));
      start += size;
    }
    expect(failed).toBeGreaterThan(0);

    // The head scan: today's computation, the check.
    const fromHeads = makeOfficePunctuality({ incidents, clock });
    const fromCounters = makeOfficePunctuality({ incidents, clock, summaries });
    const scanned = await fromHeads(INSPECTOR, { region: '110000' });
    const total = (key: 'metOnTime' | 'metLate' | 'missed' | 'pending' | 'waived') =>
      scanned.offices.reduce((sum, o) => sum + o[key], 0);
    // The mix holds every outcome.
    for (const key of ['metOnTime', 'metLate', 'missed', 'pending', 'waived'] as const) {
      expect(total(key), key).toBeGreaterThan(0);
    }

    const periods: { from?: string; to?: string }[] = [
      {},
      // Whole China days only.
      { from: '2026-12-05T16:00:00.000Z', to: '2026-12-06T15:59:59.999Z' },
      { from: '2026-12-04T16:00:00.000Z', to: '2026-12-06T15:59:59.999Z' },
      // Cut inside a day, at either end or both.
      { from: '2026-12-05T14:20:00.000Z', to: '2026-12-06T15:59:59.999Z' },
      { from: '2026-12-04T16:00:00.000Z', to: '2026-12-05T16:20:00.000Z' },
      { from: '2026-12-05T14:20:00.000Z', to: '2026-12-05T16:20:00.000Z' },
      { from: '2026-12-05T15:00:00.000Z', to: '2026-12-05T15:30:00.000Z' },
      { from: '2026-12-01T00:00:00Z', to: '2026-12-07T00:00:00Z' },
    ];
    for (const period of periods) {
      const expected = await fromHeads(INSPECTOR, { region: '110000', ...period });
      expect(await fromCounters(INSPECTOR, { region: '110000', ...period }), JSON.stringify(period)).toStrictEqual(
        expected,
      );
    }
    // A county's inspector sees only its own office, from the same counters.
    const county: Actor = { sub: 'county-inspector', role: 'inspector', region: '110101' };
    expect(await fromCounters(county, { region: '110101' })).toStrictEqual(
      await fromHeads(county, { region: '110101' }),
    );

    // Reconcile: equal; a changed counter found and repaired.
    const reconcile = makeReconcileDuties({ incidents, summaries });
    expect((await reconcile({ fix: false })).differences).toStrictEqual([]);
    const day = (await summaries.allDutyDays()).find((d) => d.key.office === '110101');
    expect(day).toBeDefined();
    if (!day) return;
    await summaries.moveDuties([], [{ key: day.key, counters: new Map([['on-time', 5]]) }]);
    const found = await reconcile({ fix: false });
    expect(found.differences).toStrictEqual([
      {
        key: day.key,
        counter: 'on-time',
        stored: (day.counters['on-time'] ?? 0) + 5,
        recomputed: day.counters['on-time'] ?? 0,
      },
    ]);
    expect((await reconcile({ fix: true })).fixed).toBe(1);
    expect((await reconcile({ fix: false })).differences).toStrictEqual([]);
    expect(await fromCounters(INSPECTOR, { region: '110000' })).toStrictEqual(scanned);
  });
});
