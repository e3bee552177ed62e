/**
 * Stop the local runtime while obligations are pending, start it again on the same data, and the
 * deadlines still fire: timers are re-armed from the persisted obligations at start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { openLocalSigner } from '../../infra/local/auth';
import { SHORT_RUN_JVM_OPTIONS } from '../../infra/local/dynamodb-local';
import { type BenchRuntime, startRuntimeProcess } from '../bench/support';
import { initialReport } from './support';

/** The drill's, with 45 s for the county: room to stop and start again before it is due. */
const POLICY = fileURLToPath(new URL('../fixtures/policies/restart-drill.json', import.meta.url));
/** The runtime as `npm start` runs it, its Java spending less CPU on a run this short. */
const ENV = { POLICY, JAVA_TOOL_OPTIONS: SHORT_RUN_JVM_OPTIONS.join(' ') };
const dataDir = mkdtempSync(join(tmpdir(), 'incident-pipeline-restart-'));
let running: BenchRuntime | undefined;

afterAll(async () => {
  await running?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

// Two starts of the runtime with its own Java, and the county's 45 s window.
it('fires the deadlines of obligations left pending across a restart', { timeout: 150_000 }, async () => {
  // The county has 45 s: long enough to stop and start again before it is due, even on a busy machine.
  running = await startRuntimeProcess(ENV, { dataDir });
  const signer = await openLocalSigner(dataDir);
  const reporter = await signer.sign({ sub: 'u1', role: 'reporter', region: '110101', unit: 'U-1' });
  const inspector = await signer.sign({ sub: 'insp', role: 'inspector', region: '110000' });
  const created = await fetch(`${running.url}/v1/reports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${reporter}`, 'content-type': 'application/json' },
    body: JSON.stringify(
      initialReport('110101', 'U-1', {
        learnedAt: new Date().toISOString(),
        occurredAt: new Date(Date.now() - 60_000).toISOString(),
      }),
    ),
  });
  expect(created.status).toBe(201);
  const { incidentId, obligations } = (await created.json()) as {
    incidentId: string;
    obligations: { dueAt: string }[];
  };
  const dueAt = Date.parse(obligations[0]?.dueAt ?? '');

  await running.stop({ keepData: true });
  running = await startRuntimeProcess(ENV, { dataDir });
  expect(running.output()).toContain('re-armed 1 deadline timer');
  expect(Date.now()).toBeLessThan(dueAt);

  let types: string[] = [];
  while (Date.now() < dueAt + 5_000 && !types.includes('DeadlineMissed')) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const audit = await fetch(`${running.url}/v1/incidents/${incidentId}/audit`, {
      headers: { authorization: `Bearer ${inspector}` },
    });
    types = ((await audit.json()) as { events: { type: string }[] }).events.map((e) => e.type);
  }
  expect(types).toContain('DeadlineWarned');
  expect(types).toContain('DeadlineMissed');
  expect(types).toContain('AutoEscalated');
});
