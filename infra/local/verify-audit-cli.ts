/**
 * `npm run verify-audit -- --region 110000 [--json] [--progress-every 100] [--save-digest FILE]
 * [--against FILE]`: recomputes every hash chain of a jurisdiction in the local data — each
 * incident's event log, with its head held to what the log projects to, and each unit's
 * zero-report log — and names every broken link, with the jurisdiction's refused requests beside
 * them. Unlike the paged endpoint, which finds incidents through their heads, it also scans for
 * incident logs whose head was deleted (`head-missing`). `--save-digest` writes where every intact chain
 * ends, sealed by one root hash, for the inspector to keep outside the system; `--against` holds
 * the chains to such a digest, which catches what the chains alone cannot: a log rewritten
 * together with its head, or deleted with it. Exits 1 when anything is broken, 2 when it cannot run (a bad command line, no data). Uses the running local
 * runtime's DynamoDB Local if there is one (DATA_DIR/runtime.json), otherwise starts DynamoDB
 * Local on DATA_DIR itself.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { commandLine } from './command-line';

process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

const usage =
  'usage: npm run verify-audit -- --region <six-digit code> [--json] [--progress-every <chains>] ' +
  '[--save-digest <file>] [--against <digest file>]';
const { values, fail } = commandLine(usage, {
  options: {
    region: { type: 'string' },
    json: { type: 'boolean', default: false },
    'progress-every': { type: 'string', default: '100' },
    'save-digest': { type: 'string' },
    against: { type: 'string' },
  },
});

const { isKnownRegion, regionOf } = await import('../../shared/domain/regions/regions');
const region = values.region ?? fail('give the jurisdiction to verify with --region');
if (!/^\d{6}$/.test(region) || !isKnownRegion(region)) fail(`${region} is not a GB/T 2260 region code`);
const progressEvery = Number(values['progress-every']);
if (!Number.isInteger(progressEvery) || progressEvery < 1) fail('--progress-every must be a whole number above 0');

const { digestHolds, digestOf } = await import('../../shared/domain/audit-digest');
type AuditDigest = import('../../shared/domain/audit-digest').AuditDigest;
const against = ((): AuditDigest | undefined => {
  if (values.against === undefined) return undefined;
  let digest: AuditDigest;
  try {
    digest = JSON.parse(readFileSync(values.against, 'utf8')) as AuditDigest;
  } catch (error) {
    return fail(`cannot read the digest ${values.against}: ${(error as Error).message}`, false);
  }
  if (digest?.version !== 1 || !Array.isArray(digest.chains) || !digestHolds(digest)) {
    return fail(
      `${values.against} is not a digest this tool wrote, or it was changed after: its root does not recompute`,
      false,
    );
  }
  if (digest.region !== region) fail(`${values.against} is a digest of ${digest.region}, not of ${region}`, false);
  return digest;
})();

const dataDir = resolve(process.env.DATA_DIR ?? '.data');

const { makeDynamoIncidentStore } = await import('../../shared/adapters/dynamodb/incident-store');
const { makeDynamoHeadlessIncidentLogs } = await import('../../shared/adapters/dynamodb/orphan-events');
const { makeDynamoAccessDeniedChains, makeDynamoAccessLog } = await import('../../shared/adapters/dynamodb/access-log');
const { makeDynamoZeroReportAuditChains } = await import('../../shared/adapters/dynamodb/zero-report-audit-chains');
const { systemClock } = await import('../../shared/adapters/system');
const { makeIncidentAuditChains, makeVerifyAudit } = await import('../../shared/application/verify-audit');
const { connectToLocalDynamoDb } = await import('./local-dynamodb-connection');
const { connectToLocalAttachments } = await import('./local-s3-connection');

// 1 means "something is broken"; not being able to look at all must not be mistaken for it.
const connection = await connectToLocalDynamoDb(dataDir).catch((error: unknown) =>
  fail(`cannot reach the local data: ${(error as Error).message}`, false),
);
// The files reports name, to read back and hash; none when no file was ever stored here.
const files = await connectToLocalAttachments(dataDir).catch((error: unknown) =>
  fail(`cannot reach the local attachments: ${(error as Error).message}`, false),
);

try {
  const { client } = connection;
  const verifyAudit = makeVerifyAudit({
    sources: [
      makeIncidentAuditChains({
        incidents: makeDynamoIncidentStore({ client, incidentsTable: connection.table('incidents') }),
        ...(files ? { attachments: files.attachments } : {}),
      }),
      // The logs whose head is gone, which the head indexes above cannot find: a whole-table scan,
      // affordable here because this run reads everything anyway.
      makeDynamoHeadlessIncidentLogs({ client, incidentsTable: connection.table('incidents') }),
      makeDynamoZeroReportAuditChains({ client, table: connection.table('zeroReports') }),
      makeDynamoAccessDeniedChains({ client, table: connection.table('accessLog') }),
    ],
    accessLog: makeDynamoAccessLog({ client, table: connection.table('accessLog') }),
    clock: systemClock,
  });
  // Whoever holds the machine's data folder holds every record in it: the tool reads as an
  // inspector of the jurisdiction it was asked about.
  const result = await verifyAudit(
    { sub: 'local:verify-audit', role: 'inspector', region },
    {
      region,
      progressEvery,
      progress: (c) => console.error(`… ${c.chains} chains verified (${c.events} events, ${c.broken} broken)`),
      ...(against ? { against } : {}),
      collectAnchors: values['save-digest'] !== undefined,
    },
  );
  const saved =
    values['save-digest'] !== undefined
      ? digestOf(region, systemClock.now().toISOString(), result.anchors ?? [])
      : undefined;
  if (saved && values['save-digest']) writeFileSync(values['save-digest'], `${JSON.stringify(saved, null, 2)}\n`);

  if (values.json) {
    // The anchors are in the digest file; the report names the file and its root.
    const { anchors: _anchors, ...report } = result;
    const digest = saved ? { digest: { file: values['save-digest'], root: saved.root } } : {};
    console.log(JSON.stringify({ ...report, ...digest }, null, 2));
  } else {
    const { counts, byKind, broken, accessDenied } = result;
    console.log(`Audit trail of ${region} ${regionOf(region).name}`);
    console.log(`  incident event logs: ${byKind.incident.chains} chains, ${byKind.incident.events} events`);
    console.log(
      `  zero-report logs:    ${byKind['zero-report'].chains} chains, ${byKind['zero-report'].events} events`,
    );
    console.log(
      `  refusals by day:     ${byKind['access-denied'].chains} chains, ${byKind['access-denied'].events} events`,
    );
    console.log(`  ${counts.chains} chains, ${counts.events} events: ${counts.intact} intact, ${counts.broken} broken`);
    if (against) {
      console.log(`  held to the digest of ${against.takenAt} (root ${against.root}, ${against.chains.length} chains)`);
    }
    if (broken.length > 0) {
      console.log('');
      console.log('Broken links (each at the first event that does not hold; everything after it hangs off it):');
      for (const link of broken) {
        console.log(`  ${link.kind} ${link.id} (${link.region}) at event ${link.seq}: ${link.reason}`);
        console.log(`      ${link.detail}`);
      }
    }
    const refusals = accessDenied?.items ?? [];
    console.log('');
    console.log(`Refused requests in ${region}: ${refusals.length}`);
    for (const r of refusals) {
      const who = `${r.actor.role} ${r.actor.sub} of ${r.actor.region}${r.actor.unit ? ` (unit ${r.actor.unit})` : ''}`;
      console.log(`  ${r.at}  ${who}: ${r.action}${r.incidentId ? ` on ${r.incidentId}` : ''} — ${r.reason}`);
    }
    if (saved) {
      console.log('');
      console.log(`Digest of ${saved.chains.length} intact chains written to ${values['save-digest']}`);
      console.log(`  root ${saved.root} — keep the file, and this root in the inspection record`);
    }
    console.log('');
    console.log(
      counts.broken === 0
        ? `RESULT: intact — every one of the ${counts.chains} chains recomputes to its head, and every head and miss lookup is what its log says`
        : `RESULT: BROKEN — ${counts.broken} of ${counts.chains} chains do not hold`,
    );
  }
  if (result.counts.broken > 0) process.exitCode = 1;
} catch (error) {
  // 1 says "something is broken"; a run that could not finish must not be read as that verdict.
  console.error(`verification could not finish, so nothing is known about the chains: ${(error as Error).message}`);
  process.exitCode = 2;
} finally {
  await files?.stop();
  await connection.stop();
}
