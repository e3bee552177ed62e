/**
 * `npm run soak:fuzz -- [--seed S] [--count N] [--throttle]`: the HTTP fuzz of `http-fuzz.ts`,
 * as long as asked, on a runtime of its own (DynamoDB Local in memory, fauxqs, throw-away data).
 * Prints the figures — requests, answers by status, 4xx by code, 5xx (which must be 0), 4xx
 * without the error shape, refused requests that wrote — and exits 1 if any rule was broken.
 * The same seed draws the same requests. `--throttle` keeps the stage's throttling on, so the
 * figures include its 429s; by default it is off, so that every request reaches the handlers.
 * The run is meant for minutes, not hours: after hours the pipeline's own reminders would write
 * to the incident logs in the background, which the "refused requests write nothing" check reads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    count: { type: 'string', default: '2000' },
    throttle: { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed);
const count = Number(values.count);
if (!Number.isInteger(seed) || !Number.isInteger(count) || count < 1) {
  console.error('usage: npm run soak:fuzz -- [--seed <whole number>] [--count <requests, at least 1>] [--throttle]');
  process.exit(2);
}

// Loaded after the settings above, which the handlers' logger reads when it is created.
const { startLocalRuntime } = await import('../../infra/local/runtime');
const { describeFigures, runFuzz } = await import('./http-fuzz');
const { evidenceCounter, prepareFuzzTargets } = await import('./fuzz-targets');

const dataDir = mkdtempSync(join(tmpdir(), 'incident-pipeline-fuzz-'));
const runtime = await startLocalRuntime({
  port: 0,
  dataDir,
  policy: 'national',
  inMemory: true,
  // Nothing may write in the background while a refusal's before and after are compared.
  zeroReportCheckIntervalMs: 24 * 3600_000,
  ...(values.throttle ? {} : { throttle: false }),
});
const counter = evidenceCounter(runtime);
let broken = true;
try {
  const targets = await prepareFuzzTargets(runtime);
  console.log(
    `soak:fuzz — seed ${seed}, ${count} requests, against ${runtime.url}${values.throttle ? ' (throttled)' : ''}`,
  );
  const started = performance.now();
  const figures = await runFuzz({
    baseUrl: runtime.url,
    targets,
    seed,
    count,
    writes: counter.writes,
    settle: counter.settle,
    progress: (done, so) => {
      if (done % 500 === 0) {
        console.error(`… ${done} requests: ${so.serverErrors} 5xx, ${so.shapeViolations} without the error shape`);
      }
    },
  });
  console.log(describeFigures(figures, (performance.now() - started) / 1000));
  broken = figures.failures.length > 0;
  console.log(
    broken
      ? 'RESULT: BROKEN — see the failures above'
      : 'RESULT: every answer below 500, every 4xx in shape, no refusal wrote',
  );
} finally {
  counter.close();
  await runtime.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(broken ? 1 : 0);
