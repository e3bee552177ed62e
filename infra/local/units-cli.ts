/**
 * `npm run units -- import FILE` loads the registry of reporting units (JSON or CSV, by the file's
 * ending) into the local pipeline: every row is checked first, and a bad row stops the import with
 * its line named — nothing is half-imported. The counties in the file get exactly the units listed
 * for them; a unit already registered in a county the file does not list is refused, so moving a
 * unit is an import of both counties' lists. Uses the running runtime's DynamoDB Local if there is one, otherwise starts one on
 * DATA_DIR.
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const [command, file] = process.argv.slice(2);
if (command !== 'import' || !file) {
  console.error('usage: npm run units -- import FILE   (FILE is .json or .csv)');
  process.exit(2);
}
if (!existsSync(file)) {
  console.error(`no such file: ${file}`);
  process.exit(2);
}

const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
const { makeDocumentClient } = await import('../../shared/adapters/dynamodb/document-client');
const { makeDynamoUnitRegistry } = await import('../../shared/adapters/dynamodb/unit-registry');
const { makeImportUnits } = await import('../../shared/application/units');
const { DomainError } = await import('../../shared/domain/errors');
const { unitRows } = await import('../../shared/schemas/zero-reports');
const { LOCAL_REGION, localCredentials } = await import('./aws-local');
const { connectToLocalDynamoDb } = await import('./local-dynamodb-connection');
const { tables } = await import('../resources');

const { rows, problems } = unitRows(
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
  const importUnits = makeImportUnits({ registry: makeDynamoUnitRegistry({ client, table }) });
  const result = await importUnits(rows, problems);
  console.log(
    `imported ${result.units} units for ${result.counties.length} ${result.counties.length === 1 ? 'county' : 'counties'} (${result.counties.join(', ')}) from ${file}`,
  );
} catch (error) {
  if (!(error instanceof DomainError)) throw error;
  console.error(error.message);
  for (const detail of error.details ?? []) console.error(`  ${detail.problem}`);
  process.exitCode = 1;
} finally {
  await connection.stop();
}
