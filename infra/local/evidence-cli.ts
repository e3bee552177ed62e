/**
 * `npm run evidence -- (--incident <id> ... | --region <code> [--from <time>] [--to <time>])
 * [--out <file>] [--verifier <file>] [--digest <file>] [--with-files]`: builds an evidence pack from the local data, as
 * `GET /v1/audit/evidence` does for an inspector of the jurisdiction asked about (of the country
 * for `--incident`), and writes it to `--out` (default: its own name, in the current folder).
 * `--verifier` also writes the offline verifier page, which opens the pack in any browser with no
 * network (docs/evidence-pack.md). `--digest` also writes the pack's digest alone, which
 * `npm run verify-audit -- --against` holds the system's chains to later. The files the reports name
 * are listed with their status in storage, and with `--with-files` their bytes are in the pack too.
 * Prints the pack's seal: the value to write in the inspection
 * record. Exits 2 when it cannot run (a bad command line, no data, a refusal). Uses the running
 * local runtime's DynamoDB Local if there is one (DATA_DIR/runtime.json), otherwise starts
 * DynamoDB Local on DATA_DIR itself.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { commandLine } from './command-line';

process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

const usage =
  'usage: npm run evidence -- (--incident <id> [--incident <id> ...] | --region <six-digit code> ' +
  '[--from <ISO time>] [--to <ISO time>]) [--out <file>] [--verifier <file>] [--digest <file>] [--with-files]';
const { values, fail } = commandLine(usage, {
  options: {
    incident: { type: 'string', multiple: true },
    region: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    out: { type: 'string' },
    verifier: { type: 'string' },
    digest: { type: 'string' },
    'with-files': { type: 'boolean', default: false },
  },
});

const { evidenceQuerySchema } = await import('../../shared/schemas/inspection-queries');
const { fieldProblems } = await import('../../shared/adapters/http/api-handler');
if (!values.incident && !values.region) fail('give the incidents with --incident, or a jurisdiction with --region');
// The command line is held to the same rules as the route's query, so both refuse the same things.
const parsed = evidenceQuerySchema.safeParse({
  ...(values.incident ? { incidents: values.incident.join(',') } : {}),
  ...(values.region ? { region: values.region } : {}),
  ...(values.from ? { from: values.from } : {}),
  ...(values.to ? { to: values.to } : {}),
});
if (!parsed.success) {
  fail(
    fieldProblems(parsed.error)
      .map((p) => `--${p.field.replace(/^incidents\b/, 'incident')} ${p.problem}`)
      .join('\n'),
  );
}
const query = parsed.data as NonNullable<typeof parsed.data>;

const dataDir = resolve(process.env.DATA_DIR ?? '.data');
const { makeDynamoIncidentStore } = await import('../../shared/adapters/dynamodb/incident-store');
const { makeDynamoOfficerDirectory } = await import('../../shared/adapters/dynamodb/officer-directory');
const { systemClock } = await import('../../shared/adapters/system');
const { makeBuildEvidencePack } = await import('../../shared/application/evidence');
const { packFileName } = await import('../../shared/domain/evidence/pack-format');
const { NATIONAL } = await import('../../shared/domain/regions/regions');
const { connectToLocalDynamoDb } = await import('./local-dynamodb-connection');
const { connectToLocalAttachments } = await import('./local-s3-connection');

const connection = await connectToLocalDynamoDb(dataDir).catch((error: unknown) =>
  fail(`cannot reach the local data: ${(error as Error).message}`, false),
);
// The files reports name, read back for the pack; none when no file was ever stored here.
const files = await connectToLocalAttachments(dataDir).catch((error: unknown) =>
  fail(`cannot reach the local attachments: ${(error as Error).message}`, false),
);
try {
  const { client } = connection;
  const build = makeBuildEvidencePack({
    incidents: makeDynamoIncidentStore({
      client,
      incidentsTable: connection.table('incidents'),
    }),
    directory: makeDynamoOfficerDirectory({ client, table: connection.table('officers') }),
    clock: systemClock,
    ...(files ? { attachments: files.attachments, files: values['with-files'] ? 'content' : 'hashes' } : {}),
  });
  // Whoever holds the machine's data folder holds every record in it: the tool builds as an
  // inspector of the jurisdiction it was asked about.
  const { incidents: ids, ...period } = query;
  const region = period.region ?? NATIONAL;
  const pack = await build({ sub: 'local:evidence', role: 'inspector', region }, ids ? { ids } : period);
  const out = values.out ?? packFileName(pack);
  writeFileSync(out, `${JSON.stringify(pack, null, 2)}\n`);
  const events = pack.incidents.reduce((sum, i) => sum + i.events.length, 0);
  console.log(`Evidence pack of ${pack.incidents.length} incidents (${events} events) written to ${out}`);
  console.log(`  seal ${pack.seal} — write it in the inspection record`);
  console.log(`  digest root ${pack.digest.root}`);
  if (values.digest) {
    writeFileSync(values.digest, `${JSON.stringify(pack.digest, null, 2)}\n`);
    console.log(`Digest of its ${pack.digest.chains.length} chains written to ${values.digest}`);
  }
  if (values.verifier) {
    const { buildVerifierPage } = await import('../../web/evidence-verifier');
    writeFileSync(values.verifier, await buildVerifierPage());
    console.log(`Offline verifier page written to ${values.verifier}: open it in a browser and choose the pack`);
  }
} catch (error) {
  // Not `fail`: the connection must be stopped first.
  console.error(`no pack was built: ${(error as Error).message}`);
  process.exitCode = 2;
} finally {
  await files?.stop();
  await connection.stop();
}
