/**
 * `npm run officers -- import FILE` loads the officer directory (JSON or CSV, by the file's
 * ending) into the local pipeline: every row is checked first, and a bad row stops the import
 * with its line named — nothing is half-imported. Uses the running runtime's DynamoDB Local if
 * there is one, otherwise starts one on DATA_DIR.
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const [command, file] = process.argv.slice(2);
if (command !== 'import' || !file) {
  console.error('usage: npm run officers -- import FILE   (FILE is .json or .csv)');
  process.exit(2);
}
if (!existsSync(file)) {
  console.error(`no such file: ${file}`);
  process.exit(2);
}

const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
const { makeDocumentClient } = await import('../../shared/adapters/dynamodb/document-client');
const { makeDynamoOfficerDirectory } = await import('../../shared/adapters/dynamodb/officer-directory');
const { makeImportOfficers } = await import('../../shared/application/officers');
const { DomainError } = await import('../../shared/domain/errors');
const { directoryRows } = await import('../../shared/schemas/officers');
const { LOCAL_REGION, localCredentials } = await import('./aws-local');
const { connectToLocalDynamoDb } = await import('./local-dynamodb-connection');
const { tables } = await import('../resources');

const { rows, problems } = directoryRows(
  readFileSync(file, 'utf8'),
  extname(file).toLowerCase() === '.csv' ? 'csv' : 'json',
);
const dataDir = resolve(process.env.DATA_DIR ?? '.data');
const connection = await connectToLocalDynamoDb(dataDir);
try {
  const client = makeDocumentClient(
    new DynamoDBClient({ endpoint: connection.endpoint, region: LOCAL_REGION, credentials: localCredentials }),
  );
  const table = connection.tables?.officers ?? tables.officers.localName;
  const importOfficers = makeImportOfficers({ directory: makeDynamoOfficerDirectory({ client, table }) });
  const result = await importOfficers(rows, problems);
  console.log(
    `imported ${result.officers} officers and ${result.shifts} shifts for ${result.offices} offices from ${file}`,
  );
} catch (error) {
  if (!(error instanceof DomainError)) throw error;
  console.error(error.message);
  for (const detail of error.details ?? []) console.error(`  ${detail.problem}`);
  process.exitCode = 1;
} finally {
  await connection.stop();
}
