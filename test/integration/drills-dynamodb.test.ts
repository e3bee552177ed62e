/**
 * Drills run on the live system and leave its real figures alone: one real workload (reports,
 * forwards on time and late, silent offices, a concealment candidate) is run twice on DynamoDB
 * Local, on two sets of tables, once alone and once with a drill of 100 exercises interleaved,
 * silent offices among them. Every real summary, late and missed list, punctuality table and
 * candidate list must come out exactly the same; and the drill's report accounts for each exercise.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { makeDynamoDrillStore } from '../../shared/adapters/dynamodb/drill-store';
import { makeDynamoIncidentStore } from '../../shared/adapters/dynamodb/incident-store';
import { makeDynamoMissedZeroReports } from '../../shared/adapters/dynamodb/missed-zero-reports';
import { makeDynamoOfficerDirectory } from '../../shared/adapters/dynamodb/officer-directory';
import { makeDynamoSummaryStore } from '../../shared/adapters/dynamodb/summary-store';
import { policyByName } from '../../shared/adapters/policy-source';
import { makeAppendEvents } from '../../shared/application/append-events';
import { makeListLate, makeListMissed, makeOfficePunctuality } from '../../shared/application/audit';
import { makeListCandidates } from '../../shared/application/candidates';
import { makeDrillReport } from '../../shared/application/drill-report';
import { makeStartDrill } from '../../shared/application/drills';
import { makeCheckDeadline, makeForward, makeSweepDeadlines } from '../../shared/application/escalation';
import { makeRollUpEvents } from '../../shared/application/roll-up';
import { makeSubmitReport } from '../../shared/application/submit-report';
import type { IncidentEvent } from '../../shared/domain/incident';
import type { IdGenerator } from '../../shared/ports/ids';
import { makeReportBodySchema } from '../../shared/schemas/report';
import { FakeClock } from '../fakes/fake-clock';
import { BEIJING_CITY_OFFICE as CITY, countyOffice, BEIJING_INSPECTOR as INSPECTOR, unitOf } from '../fixtures/actors';
import { initialReport } from '../fixtures/reports';
import { provisionTestResources } from './support';

const START = '2026-12-05T01:00:00.000Z';
const SECOND = 1_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const COUNTIES = ['110101', '110102', '110105'] as const;

/** Ids numbered in their own series, so the real incidents have the same ids with or without the drill. */
const series = (prefix: string): IdGenerator => {
  let next = 0;
  return {
    incidentId: (at) =>
      `INC-${at.toISOString().slice(0, 10).replaceAll('-', '')}-${prefix}${String(++next).padStart(7, '0')}`,
    unique: () => `${prefix}-${next}`,
  };
};

const closings: (() => void)[] = [];
afterAll(() => {
  for (const close of closings) close();
});

/** One set of tables and the use cases on them, all on one clock. */
const pipelineOn = async () => {
  const { resources, documents, close } = await provisionTestResources();
  closings.push(close);
  const clock = new FakeClock(START);
  const policy = policyByName('national');
  const incidents = makeDynamoIncidentStore({ client: documents, incidentsTable: resources.tables.incidents });
  const drills = makeDynamoDrillStore({ client: documents, table: resources.tables.drills });
  const summaries = makeDynamoSummaryStore({ client: documents, table: resources.tables.summaries });
  const directory = makeDynamoOfficerDirectory({ client: documents, table: resources.tables.officers });
  const missedZeroReports = makeDynamoMissedZeroReports({ client: documents, table: resources.tables.zeroReports });
  const appendEvents = makeAppendEvents({ incidents, clock, policy });
  const schema = makeReportBodySchema(() => clock.now().getTime());
  const submitWith = (ids: IdGenerator) => makeSubmitReport({ incidents, clock, ids, policy, drills });
  const submitReal = submitWith(series('R'));
  const submitExercise = submitWith(series('D'));
  const sweep = makeSweepDeadlines({ incidents, clock, checkDeadline: makeCheckDeadline({ appendEvents }) });
  return {
    clock,
    incidents,
    /** A unit's initial report, learned of `learnedAgoMs` before now. */
    report: async (
      region: string,
      unit: string,
      options: { exercise?: boolean; learnedAgoMs?: number; extra?: object },
    ) => {
      const learned = new Date(clock.now().getTime() - (options.learnedAgoMs ?? MINUTE)).toISOString();
      const body = schema.parse(
        initialReport(region, unit, {
          learnedAt: learned,
          occurredAt: learned,
          ...(options.exercise ? { exercise: true } : {}),
          ...options.extra,
        }),
      );
      const submit = options.exercise ? submitExercise : submitReal;
      return (await submit({ actor: unitOf(region, unit), report: body })).response.incidentId;
    },
    forward: (region: string, incidentId: string) =>
      makeForward({ appendEvents })(countyOffice(region), incidentId, {}),
    sweep,
    startDrill: makeStartDrill({ drills, clock, policy }),
    drillReport: makeDrillReport({ drills, incidents, clock, policy }),
    /** What a real consumer would have rolled up: every event of the log, once. */
    rollUpAll: async () => {
      const events: IncidentEvent[] = [];
      for await (const log of incidents.allEvents()) events.push(...log);
      await makeRollUpEvents({ summaries })(events);
    },
    /** Every real figure an inspector or a desk reads. */
    figures: async () => {
      const late = await makeListLate({ incidents, directory, clock })(INSPECTOR, { region: '110000', limit: 500 });
      const missed = await makeListMissed({ incidents, directory, clock, missedZeroReports })(INSPECTOR, {
        region: '110000',
        limit: 500,
      });
      const punctuality = await makeOfficePunctuality({ incidents, clock })(INSPECTOR, { region: '110000' });
      const candidates = await makeListCandidates({ incidents })(INSPECTOR, { region: '110000', limit: 500 });
      const stored = await summaries.all();
      return {
        summaries: stored
          .map(({ key, counters }) => ({ key, counters }))
          .sort((a, b) => `${a.key.region}${a.key.period}`.localeCompare(`${b.key.region}${b.key.period}`)),
        late: late.rows,
        missed: missed.rows,
        punctuality: punctuality.offices,
        // How many incidents a page examined is a count of reads, not a figure: what it found is.
        candidates: candidates.items,
      };
    },
  };
};

type Pipeline = Awaited<ReturnType<typeof pipelineOn>>;

/**
 * The real workload, step by step; between steps `interleave` runs (the drill's exercises, or
 * nothing). Real reports: on time and forwarded, forwarded late, late from the unit, silent
 * counties, and one naming another unit (a concealment candidate).
 */
const runRealWorkload = async (p: Pipeline, interleave: (step: number) => Promise<void>) => {
  const real: { id: string; region: string }[] = [];
  for (let i = 0; i < 12; i++) {
    const region = COUNTIES[i % COUNTIES.length] ?? '110101';
    await interleave(i);
    const id = await p.report(region, `U-${i}`, {
      // Every fourth learned of it two hours ago: late from the unit.
      learnedAgoMs: i % 4 === 0 ? 2 * HOUR : MINUTE,
      extra: {
        ...(i === 5 ? { concernedUnit: 'MINE-7' } : {}),
        ...(i % 3 === 0 ? { casualties: { dead: 3, injured: 2, missing: 1, trapped: 0 } } : {}),
      },
    });
    real.push({ id, region });
    p.clock.advance(10 * SECOND);
  }
  // A third forwarded at once; the rest silent for now.
  for (const [i, incident] of real.entries()) if (i % 3 === 1) await p.forward(incident.region, incident.id);
  await interleave(100);
  // The drill's seconds pass, then the real hours: a third forwarded late, the rest missed.
  p.clock.advance(20 * SECOND);
  await p.sweep();
  await interleave(101);
  p.clock.advance(20 * SECOND);
  await p.sweep();
  p.clock.advance(2 * HOUR + 30 * MINUTE);
  for (const [i, incident] of real.entries()) if (i % 3 === 2) await p.forward(incident.region, incident.id);
  await p.sweep();
  p.clock.advance(3 * HOUR);
  await p.sweep();
  await p.rollUpAll();
};

describe('a drill on the live system', () => {
  it('leaves every real figure exactly as without it, and its report accounts for each exercise', async () => {
    const [alone, withDrill] = await Promise.all([pipelineOn(), pipelineOn()]);

    await runRealWorkload(alone, async () => {});

    const { drill } = await withDrill.startDrill(CITY, { title: '防汛应急演练', duration: HOUR });
    const exercises: string[] = [];
    await runRealWorkload(withDrill, async (step) => {
      if (step >= 100) {
        // Some counties answer the drill, most stay silent: misses and escalations of its own.
        for (const [i, id] of exercises.entries()) {
          if (i % 5 !== 0) continue;
          const region = COUNTIES[i % COUNTIES.length] ?? '110101';
          await withDrill.forward(region, id).catch(() => undefined);
        }
        return;
      }
      // Ten exercises before each of the ten first real reports: 100 in all.
      if (step >= 10) return;
      for (let j = 0; j < 10; j++) {
        const i = step * 10 + j;
        const region = COUNTIES[i % COUNTIES.length] ?? '110101';
        exercises.push(
          await withDrill.report(region, `D-${i}`, {
            exercise: true,
            learnedAgoMs: i % 4 === 0 ? 2 * MINUTE : SECOND,
            extra: {
              ...(i % 7 === 0 ? { concernedUnit: 'MINE-9' } : {}),
              ...(i % 3 === 0 ? { casualties: { dead: 4, injured: 0, missing: 0, trapped: 0 } } : {}),
            },
          }),
        );
      }
    });
    expect(exercises).toHaveLength(100);

    const [expected, actual] = await Promise.all([alone.figures(), withDrill.figures()]);
    // The workload did produce real figures of each kind, so the comparison can fail.
    expect(expected.summaries).not.toHaveLength(0);
    expect(expected.late.length).toBeGreaterThan(0);
    expect(expected.missed.length).toBeGreaterThan(0);
    expect(expected.candidates.length).toBeGreaterThan(0);
    expect(actual).toEqual(expected);

    const report = await withDrill.drillReport(CITY, drill.drillId);
    expect(report.incidents.map((i) => i.incidentId).sort()).toEqual([...exercises].sort());
    for (const incident of report.incidents) {
      expect(incident.handovers[0]?.handover).toBe('unitToCounty');
      expect(incident.handovers.length).toBeGreaterThan(1);
    }
    // The silent offices of the drill are on its own account: missed and escalated past.
    expect(report.totals.missed).toBeGreaterThan(0);
    expect(report.totals.onTime).toBeGreaterThan(0);
    expect(report.totals.late).toBeGreaterThan(0);
    const counted = report.totals.onTime + report.totals.late + report.totals.missed + report.totals.pending;
    expect(counted + report.totals.waived).toBe(report.totals.handovers);
  }, 60_000);
});
