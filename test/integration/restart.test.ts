/**
 * Stop the local runtime while obligations are pending, start it again on the same data, and the
 * deadlines still fire: timers are re-armed from the persisted obligations at start. Both runs are
 * `npm start`'s entry point on the suite's engines, under one resource prefix: the tables outlive
 * the runtime as DynamoDB Local's files do, and no Java starts with either run (that the files keep
 * the data across a restart of Java itself is npm-start.test.ts's, crash-restart's and
 * backup-restore's).
 */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, inject, it } from 'vitest';
import { openLocalSigner } from '../../infra/local/auth';
import { type BenchRuntime, startRuntimeProcess } from '../bench/support';
import { initialReport } from './support';

/**
 * The drill's, with 45 s for the county, or 30 s or 20 s by the incident's category: room to stop
 * and start again before it is due.
 */
const POLICY = fileURLToPath(new URL('../fixtures/policies/restart-drill.json', import.meta.url));
/** The runtime as `npm start` runs it, on the suite's engines, the same resource names both times. */
const ENV = {
  POLICY,
  DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
  MESSAGING_ENDPOINT: inject('messagingEndpoint'),
  RESOURCE_PREFIX: `t${randomUUID().slice(0, 8)}-`,
};
const dataDir = mkdtempSync(join(tmpdir(), 'incident-pipeline-restart-'));
let running: BenchRuntime | undefined;

afterAll(async () => {
  await running?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The county's shorter windows in the policy, shortest first, the category each applies to, and its longest. */
const WINDOWS = [
  { ms: 20_000, category: 'public-health' },
  { ms: 30_000, category: 'social-security' },
] as const;
const LONGEST = { ms: 45_000, category: 'accident' } as const;
const REMINDER_AT = 0.75;

// Two starts of the runtime, and one of the county's windows.
it('fires the deadlines of obligations left pending across a restart', { timeout: 150_000 }, async () => {
  const starting = Date.now();
  running = await startRuntimeProcess(ENV, { dataDir });
  // The shortest window whose reminder falls due after three such starts and 3 s more: time to stop
  // and start again before either timer is due, however busy the machine, and no longer to wait.
  const restartBudget = 3 * (Date.now() - starting) + 3_000;
  const window = WINDOWS.find((w) => w.ms * REMINDER_AT >= restartBudget) ?? LONGEST;
  const signer = await openLocalSigner(dataDir);
  const reporter = await signer.sign({ sub: 'u1', role: 'reporter', region: '110101', unit: 'U-1' });
  const inspector = await signer.sign({ sub: 'insp', role: 'inspector', region: '110000' });
  const posted = Date.now();
  const created = await fetch(`${running.url}/v1/reports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${reporter}`, 'content-type': 'application/json' },
    body: JSON.stringify(
      initialReport('110101', 'U-1', {
        category: window.category,
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
  // The policy gave the county the window chosen, counted from the report's arrival.
  expect(dueAt).toBeGreaterThanOrEqual(posted + window.ms);
  expect(dueAt).toBeLessThanOrEqual(Date.now() + window.ms);
  const remindAt = dueAt - window.ms * (1 - REMINDER_AT);

  await running.stop({ keepData: true });
  running = await startRuntimeProcess(ENV, { dataDir });
  expect(running.output()).toContain('re-armed 1 deadline timer');
  // Both timers, the reminder's and the deadline's, still ahead: the restarted runtime fires them.
  expect(Date.now()).toBeLessThan(remindAt);

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
