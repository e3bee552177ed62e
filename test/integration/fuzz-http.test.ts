/**
 * A small, seeded HTTP fuzz of every route (`test/soak/http-fuzz.ts`; the long run is
 * `npm run soak:fuzz`): no answer is a 5xx, every 4xx has the contract's error shape, and a refused
 * request writes nothing to the incident logs, the zero-report logs or the stored answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceCounter, prepareFuzzTargets } from '../soak/fuzz-targets';
import { describeFigures, type FuzzTargets, runFuzz } from '../soak/http-fuzz';
import { startTestRuntime, type TestRuntime } from './support';

const SEED = 12;
const COUNT = 150;

describe('the HTTP API under a seeded fuzz', () => {
  let runtime: TestRuntime;
  let targets: FuzzTargets;
  let counter: ReturnType<typeof evidenceCounter>;

  beforeAll(async () => {
    // Unthrottled (the limiter has its own tests), and no background check that would write while
    // the fuzz compares the tables before and after a refusal.
    runtime = await startTestRuntime('national', { throttle: false, zeroReportCheckIntervalMs: 3_600_000 });
    targets = await prepareFuzzTargets(runtime);
    counter = evidenceCounter(runtime);
  });

  afterAll(async () => {
    counter?.close();
    await runtime?.close();
  });

  it(`answers ${COUNT} requests of seed ${SEED} without a 5xx, every 4xx in the error shape, no refusal writing`, async () => {
    const started = performance.now();
    const figures = await runFuzz({
      baseUrl: runtime.url,
      targets,
      seed: SEED,
      count: COUNT,
      writes: counter.writes,
      settle: counter.settle,
    });
    const report = describeFigures(figures, (performance.now() - started) / 1000);

    expect(figures.failures, report).toEqual([]);
    expect(figures.serverErrors).toBe(0);
    expect(figures.requests).toBe(COUNT);
    // It reached the handlers, not only the edge: refusals of every kind came back.
    expect(Object.keys(figures.byStatus)).toEqual(expect.arrayContaining(['400', '401', '403', '404']));
  });
});
