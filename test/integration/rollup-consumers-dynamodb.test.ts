/**
 * The roll-up with several consumers at once, as Lambda scales the roll-up queue out on AWS, on
 * DynamoDB Local: every event delivered once to three times, in shuffled batches shared among
 * eight concurrent consumers that all write the same provincial day, and a batch whose consumer
 * fails delivered again, as the queue would. The summaries must equal the roll-up of each event
 * counted once.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoSummaryStore } from '../../shared/adapters/dynamodb/summary-store';
import { makeRollUpEvents } from '../../shared/application/roll-up';
import type { IncidentEvent } from '../../shared/domain/incident';
import { rollUp, summaryKeyId } from '../../shared/domain/rollup';
import type { SummaryStore } from '../../shared/ports/summary-store';
import { buildIncident } from '../adapters/incident-fixtures';
import { provisionTestResources } from './support';

/** Hubei counties in three cities: every event adds to the same provincial day. */
const COUNTIES = ['420102', '420103', '420104', '420202', '420203', '420302'];
const CONSUMERS = 8;
const BATCH = 25;

/** A deterministic shuffle, so a failure can be replayed. */
const shuffled = <T>(items: readonly T[], seed: number): T[] => {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
};

let summaries: SummaryStore;

beforeAll(async () => {
  const { resources, documents } = await provisionTestResources();
  summaries = makeDynamoSummaryStore({ client: documents, table: resources.tables.summaries });
});

describe('the roll-up with concurrent consumers on DynamoDB Local', () => {
  it('counts every event exactly once with eight consumers writing the same provincial day under redelivery', async () => {
    // PREPARE: 90 incidents, a third closed, every event delivered 1–3 times, shuffled into batches.
    const events: IncidentEvent[] = Array.from(
      { length: 90 },
      (_, i) =>
        buildIncident({
          incidentId: `INC-20261205-C${String(i).padStart(7, '0')}`,
          regionCode: COUNTIES[i % COUNTIES.length] as string,
          receivedAt: `2026-12-05T0${i % 8}:00:00.000Z`,
          closed: i % 3 === 0,
        }).events,
    ).flat();
    const deliveries = shuffled(
      events.flatMap((e, i) => Array.from({ length: 1 + (i % 3) }, () => e)),
      7,
    );
    const batches: IncidentEvent[][] = [];
    for (let i = 0; i < deliveries.length; i += BATCH) batches.push(deliveries.slice(i, i + BATCH));

    // ACT: eight consumers take batches from one queue; a failed batch goes back on it.
    const rollUpEvents = makeRollUpEvents({ summaries });
    await Promise.all(
      Array.from({ length: CONSUMERS }, async () => {
        for (let batch = batches.shift(); batch; batch = batches.shift()) {
          try {
            await rollUpEvents(batch);
          } catch {
            batches.push(batch);
          }
        }
      }),
    );

    // ASSESS: what is stored is the roll-up of the events counted once.
    const expected = new Map([...rollUp(events)].map(([id, item]) => [id, Object.fromEntries(item.counters)]));
    const stored = new Map((await summaries.all()).map((item) => [summaryKeyId(item.key), item.counters]));
    expect(stored).toEqual(expected);
    expect(stored.get(summaryKeyId({ region: '420000', period: '2026-12-05' }))?.incidents).toBe(90);
  });
});
