/**
 * `npm run soak` (crash-restart part; `npm run soak:crash-restart -- [options]` to pass options):
 * kills the whole local runtime (node and Java, SIGKILL to the process group) again and again —
 * right after a 201, and in the middle of bursts of reports — restarts it on the same data folder
 * each time, and holds it to what it answered: every 201 readable, every retried key one incident,
 * no 5xx, every deadline pending at a crash flagged after the restart; at the end, the roll-up
 * summaries equal to a recomputation from the log (`npm run reconcile`) and every hash chain intact
 * (`npm run verify-audit`). Prints the figures and exits 1 if any of that fails.
 *
 * Options: --after-201 N   kills right after a single 201 (default 6)
 *          --bursts N      kills in the middle of a burst (default 4)
 *          --reports N     reports per burst (default 300)
 *          --in-flight N   concurrent requests in a burst (default 24)
 *          --policy P      time-limit policy (default test/fixtures/policies/fast-drill.json: deadlines
 *                          of seconds, so they come due around the crashes)
 *          --max-minutes M stop starting new phases after M minutes (default 15)
 *          --keep          keep the data folder (its path is printed)
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  burstAndKill,
  type Crash,
  type Deadlines,
  deadlinesAfter,
  killRightAfter201,
  newLedger,
  PROVINCE,
  type Recovery,
  recoverFrom,
  summariesMatchLog,
  tokensFor,
} from './crash-phases';
import { type RuntimeGroup, startRuntimeGroup } from './runtime-group';

const repositoryRoot = resolve(import.meta.dirname, '../..');

const { values } = parseArgs({
  options: {
    'after-201': { type: 'string', default: '6' },
    bursts: { type: 'string', default: '4' },
    reports: { type: 'string', default: '300' },
    'in-flight': { type: 'string', default: '24' },
    policy: { type: 'string', default: 'test/fixtures/policies/fast-drill.json' },
    'max-minutes': { type: 'string', default: '15' },
    keep: { type: 'boolean', default: false },
  },
});
const count = (name: keyof typeof values, min: number): number => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < min) {
    console.error(`--${name} must be a whole number of at least ${min}`);
    process.exit(2);
  }
  return value;
};
const after201 = count('after-201', 0);
const bursts = count('bursts', 0);
const reports = count('reports', 1);
const inFlight = count('in-flight', 1);
const maxMinutes = count('max-minutes', 1);
const policy = values.policy ?? 'national';

/** Bursts spread evenly among the single-201 kills. */
const schedule: ('after-201' | 'mid-burst')[] = [];
for (let i = 0, b = 0; i < after201 + bursts; i += 1) {
  const burstDue = bursts > 0 && (b + 1) / bursts <= (i + 1) / (after201 + bursts);
  schedule.push(burstDue ? 'mid-burst' : 'after-201');
  if (burstDue) b += 1;
}

const runScript = (dataDir: string, script: string, ...args: string[]): Promise<{ code: number; output: string }> =>
  new Promise((done) => {
    execFile(
      'npm',
      ['run', '--silent', script, '--', ...args],
      { cwd: repositoryRoot, env: { ...process.env, DATA_DIR: dataDir }, timeout: 300_000, maxBuffer: 64 << 20 },
      (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, output: `${stdout}${stderr}` }),
    );
  });

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

const main = async (): Promise<number> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'incident-pipeline-soak-'));
  const env = { POLICY: policy };
  // A start reconciles the summaries from every incident's log, so it takes longer as data grows.
  const start = () => startRuntimeGroup({ dataDir, env, timeoutMs: 300_000 });
  const started = Date.now();
  console.log(
    `soak: crash-restart — ${after201} kills right after a 201, ${bursts} mid-burst kills ` +
      `(${reports} reports, ${inFlight} in flight), policy ${policy}, at most ${maxMinutes} min`,
  );
  let runtime: RuntimeGroup | undefined = await start();
  const tokens = await tokensFor(dataDir);
  const ledger = newLedger();
  const totals = {
    phases: 0,
    sent: 0,
    created: 0,
    cut: 0,
    completedByRetry: 0,
    cutButLanded: 0,
    lost: 0,
    doubled: 0,
    changedAnswers: 0,
    serverErrors: 0,
    pendingAtCrash: 0,
    flagged: 0,
    unflagged: 0,
  };
  const restarts: number[] = [];
  let incidentsStored = 0;
  let failed = false;
  try {
    for (const [index, kind] of schedule.entries()) {
      if (Date.now() - started > maxMinutes * 60_000) {
        console.log(`time is up after ${index} phases`);
        break;
      }
      const live: RuntimeGroup = runtime;
      const killAfter = Math.max(1, Math.floor(reports * (0.25 + Math.random() * 0.5)));
      const crash: Crash =
        kind === 'after-201'
          ? await killRightAfter201(live, tokens, ledger, ledger.attempts.size)
          : await burstAndKill(live, tokens, ledger, { reports, inFlight, killAfter, first: ledger.attempts.size });
      runtime = undefined;
      const restartBegan = Date.now();
      runtime = await start();
      restarts.push(Date.now() - restartBegan);
      const recovery: Recovery = await recoverFrom(runtime, tokens, ledger, crash, inFlight);
      const deadlines: Deadlines = await deadlinesAfter(runtime, crash.at);

      incidentsStored = recovery.incidentsStored;
      totals.phases += 1;
      totals.sent += crash.sent;
      totals.created += crash.created;
      totals.cut += crash.cut;
      totals.completedByRetry += recovery.completedByRetry;
      totals.cutButLanded += recovery.cutButLanded;
      totals.lost += recovery.lost.length;
      totals.doubled += recovery.doubled.length + Math.max(0, recovery.incidentsStored - recovery.keys);
      totals.changedAnswers += recovery.changedAnswers;
      totals.serverErrors += crash.serverErrors + recovery.serverErrors;
      totals.pendingAtCrash += deadlines.pendingAtCrash;
      totals.flagged += deadlines.flagged;
      totals.unflagged += deadlines.unflagged.length;
      console.log(
        `phase ${index + 1} ${kind.padEnd(9)} sent ${crash.sent}, 201 ${crash.created}, cut ${crash.cut}; ` +
          `after restart (${seconds(restarts.at(-1) ?? 0)}): lost ${recovery.lost.length}, ` +
          `doubled ${recovery.doubled.length}, cut requests answered 201 on retry ${recovery.completedByRetry} (${recovery.cutButLanded} had landed), ` +
          `incidents ${recovery.incidentsStored} for ${recovery.keys} keys, ` +
          `deadlines pending at the crash ${deadlines.pendingAtCrash}, flagged ${deadlines.flagged}`,
      );
      if (recovery.lost.length > 0) console.log(`  lost: ${recovery.lost.join(', ')}`);
      if (recovery.doubled.length > 0) console.log(`  doubled: ${recovery.doubled.join(', ')}`);
      if (deadlines.unflagged.length > 0) console.log(`  not flagged: ${deadlines.unflagged.join(', ')}`);
    }

    const live: RuntimeGroup = runtime;
    const summaries = await summariesMatchLog(live);
    const reconcile = await runScript(dataDir, 'reconcile');
    const verify = await runScript(dataDir, 'verify-audit', '--region', PROVINCE);
    const verifyLine = verify.output
      .split('\n')
      .filter((line) => /^\s+\d+ chains, \d+ events:|^RESULT/.test(line))
      .map((line) => line.trim())
      .join(' / ');

    failed =
      totals.lost > 0 ||
      totals.doubled > 0 ||
      totals.changedAnswers > 0 ||
      totals.serverErrors > 0 ||
      totals.unflagged > 0 ||
      summaries.differences > 0 ||
      reconcile.code !== 0 ||
      verify.code !== 0;
    const sortedRestarts = [...restarts].sort((a, b) => a - b);
    console.log(
      [
        '',
        `phases            ${totals.phases} (${schedule.slice(0, totals.phases).filter((k) => k === 'after-201').length} right after a 201, ${schedule.slice(0, totals.phases).filter((k) => k === 'mid-burst').length} mid-burst)`,
        `reports sent      ${totals.sent}`,
        `201 before a kill ${totals.created}`,
        `cut by a kill     ${totals.cut} (retried: ${totals.completedByRetry} answered 201, ` +
          `${totals.cutButLanded} of them had landed before the kill and were replayed)`,
        `lost              ${totals.lost}`,
        `doubled           ${totals.doubled}`,
        `changed answers   ${totals.changedAnswers}`,
        `5xx               ${totals.serverErrors}`,
        `incidents         ${incidentsStored} stored for ${ledger.attempts.size} keys`,
        `deadlines         ${totals.pendingAtCrash} pending at a crash, ${totals.flagged} flagged after the restart`,
        `summaries         ${summaries.differences === 0 ? 'equal to the log' : `${summaries.differences} differences`} ` +
          `(${summaries.incidents} incidents, ${summaries.events} events; caught up in ${seconds(summaries.waitedMs)}); ` +
          `npm run reconcile exit ${reconcile.code}`,
        `verify-audit      exit ${verify.code}${verifyLine ? ` — ${verifyLine}` : ''}`,
        `restart           median ${seconds(sortedRestarts[Math.floor(sortedRestarts.length / 2)] ?? 0)}, ` +
          `max ${seconds(sortedRestarts.at(-1) ?? 0)}`,
        `took              ${seconds(Date.now() - started)}`,
        failed ? 'FAILED' : 'PASSED',
      ].join('\n'),
    );
    if (reconcile.code !== 0) console.log(reconcile.output);
    if (verify.code !== 0) console.log(verify.output);
  } finally {
    await runtime?.stop();
    if (values.keep) console.log(`data kept in ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
  return failed ? 1 : 0;
};

process.exitCode = await main().catch((error: unknown) => {
  console.error(error);
  return 1;
});
