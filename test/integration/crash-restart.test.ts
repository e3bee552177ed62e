/**
 * The runtime killed outright — SIGKILL to its whole process group, Java included — and started
 * again on the same data folder keeps every promise it made before dying: a 201 answered the
 * instant before the kill is readable and its Idempotency-Key still answers with the same
 * incident; after a kill in the middle of a burst every 201 is there, every key makes one
 * incident, nothing answers 5xx, every deadline pending at the crash is flagged, the summaries
 * equal the log and every chain verifies. `npm run soak` does the same at length.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHORT_RUN_JVM_OPTIONS } from '../../infra/local/dynamodb-local';
import {
  burstAndKill,
  deadlinesAfter,
  killRightAfter201,
  type Ledger,
  newLedger,
  PROVINCE,
  recoverFrom,
  summariesMatchLog,
  type Tokens,
  tokensFor,
} from '../soak/crash-phases';
import { type RuntimeGroup, startRuntimeGroup } from '../soak/runtime-group';

// Deadlines of seconds, so those pending at a crash come due while the runtime is down; each
// start's Java spending less CPU on a run this short.
const env = {
  POLICY: fileURLToPath(new URL('../fixtures/policies/fast-drill.json', import.meta.url)),
  JAVA_TOOL_OPTIONS: SHORT_RUN_JVM_OPTIONS.join(' '),
};
// Each start is a new Java: generous limits for a loaded machine.
const LONG = 240_000;

describe('crash and restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'incident-pipeline-crash-'));
  let runtime: RuntimeGroup | undefined;
  let tokens: Tokens;
  const ledger: Ledger = newLedger();

  beforeAll(async () => {
    runtime = await startRuntimeGroup({ dataDir, env });
    tokens = await tokensFor(dataDir);
  }, LONG);

  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }, LONG);

  const restart = async (): Promise<RuntimeGroup> => {
    runtime = await startRuntimeGroup({ dataDir, env });
    return runtime;
  };

  it(
    'keeps a 201 answered right before a SIGKILL, and its key answers with the same incident',
    async () => {
      // Without the commit barrier about half such kills lost the report; `npm run soak` kills
      // many times over, this once (each restart is a new Java).
      const live = runtime as RuntimeGroup;
      const crash = await killRightAfter201(live, tokens, ledger, ledger.attempts.size);
      const recovery = await recoverFrom(await restart(), tokens, ledger, crash);
      expect(recovery.lost).toEqual([]);
      expect(recovery.doubled).toEqual([]);
      expect(recovery.changedAnswers).toBe(0);
      expect(recovery.incidentsStored).toBe(recovery.keys);
    },
    LONG,
  );

  it(
    'recovers from a kill mid-burst: every 201 kept, one incident per key, no 5xx, deadlines flagged, summaries and chains intact',
    async () => {
      const live = runtime as RuntimeGroup;
      const crash = await burstAndKill(live, tokens, ledger, {
        reports: 48,
        inFlight: 24,
        killAfter: 16,
        first: ledger.attempts.size,
      });
      expect(crash.created).toBeGreaterThanOrEqual(16);
      expect(crash.serverErrors).toBe(0);

      const restarted = await restart();
      const recovery = await recoverFrom(restarted, tokens, ledger, crash);
      expect(recovery.lost).toEqual([]);
      expect(recovery.doubled).toEqual([]);
      expect(recovery.changedAnswers).toBe(0);
      expect(recovery.serverErrors).toBe(0);
      expect(recovery.incidentsStored).toBe(recovery.keys);

      const deadlines = await deadlinesAfter(restarted, crash.at);
      expect(deadlines.pendingAtCrash).toBeGreaterThan(0);
      expect(deadlines.unflagged).toEqual([]);

      expect((await summariesMatchLog(restarted)).differences).toBe(0);
      // The verification endpoint, paged to the end (`npm run soak` runs `npm run verify-audit`).
      let next: string | undefined;
      let chains = 0;
      do {
        const page = await fetch(
          `${restarted.url}/v1/audit/verify?region=${PROVINCE}${next ? `&cursor=${encodeURIComponent(next)}` : ''}`,
          { headers: { authorization: `Bearer ${tokens.inspector}` } },
        );
        expect(page.status).toBe(200);
        const body = (await page.json()) as { counts: { chains: number; broken: number }; next?: string };
        expect(body.counts.broken).toBe(0);
        chains += body.counts.chains;
        next = body.next;
      } while (next);
      expect(chains).toBe(recovery.keys);
    },
    LONG,
  );
});
