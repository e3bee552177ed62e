/**
 * A drill shows the numbers an operator would see on AWS: with metrics on, as `npm start` runs,
 * the local runtime takes the handlers' EMF lines off stdout and prints their tally — reports by
 * kind and grade, deadlines missed, roll-up lag — once an interval (a minute for `npm start`; a
 * second here).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { LocalRuntime } from '../../infra/local/runtime';
import { call, initialReport, tokenFor } from './support';

// Before anything loads the handlers' shared metrics, which read it when they are created: the
// suite runs with metrics off.
vi.hoisted(() => {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
});

describe('the local runtime’s metrics line', () => {
  const lines: string[] = [];
  let runtime: LocalRuntime;
  let dataDir: string;

  beforeAll(async () => {
    const { startLocalRuntime } = await import('../../infra/local/runtime');
    dataDir = mkdtempSync(join(tmpdir(), 'incident-pipeline-test-'));
    runtime = await startLocalRuntime({
      port: 0,
      dataDir,
      policy: 'national',
      engines: { dynamodbEndpoint: inject('dynamodbEndpoint'), messagingEndpoint: inject('messagingEndpoint') },
      resourcePrefix: `t${randomUUID().slice(0, 8)}-`,
      metricsEveryMs: 1_000,
      log: (line) => lines.push(line),
    });
  });

  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    vi.unstubAllEnvs();
  });

  it('counts a report and the lag of its roll-up, from the handlers’ own EMF lines', async () => {
    // ACT
    const token = await tokenFor(runtime, { sub: 'u-1', role: 'reporter', region: '110101', unit: 'U-1' });
    const answer = await call(runtime, 'POST', '/v1/reports', { token, body: initialReport('110101', 'U-1') });
    expect(answer.status).toBe(201);
    const { grade } = answer.body as { grade: string };

    // ASSESS: within a few intervals, the report by kind and grade, and its events rolled up.
    const metricLines = () => lines.filter((line) => line.startsWith('metrics, last minute:'));
    await vi.waitFor(
      () => {
        expect(metricLines().some((line) => line.includes(`reports 1 (initial 1; grade ${grade} 1)`))).toBe(true);
        expect(metricLines().some((line) => /roll-up lag p50 \d+\.\d s, max \d+\.\d s \(\d+ events\)/.test(line))).toBe(
          true,
        );
      },
      { timeout: 20_000, interval: 250 },
    );
    expect(metricLines().every((line) => line.includes('deadlines missed 0'))).toBe(true);
  });
});
