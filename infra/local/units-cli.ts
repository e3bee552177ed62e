/**
 * `npm run units -- import FILE` loads the registry of reporting units (JSON or CSV, by the file's
 * ending) into the local pipeline: every row is checked first, and a bad row stops the import with
 * its line named — nothing is half-imported. The counties in the file get exactly the units listed
 * for them, from the instant it takes effect (`--effective`, now if not given; never in the past),
 * and what they held before stays on record; a unit already registered in a county the file does
 * not list is refused, so moving a unit is an import of both counties' lists. Uses the running runtime's DynamoDB Local if there is one, otherwise starts one on
 * DATA_DIR.
 */
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { importCommandLine } from './import-command-line';

const usage =
  'usage: npm run units -- import FILE [--encoding utf-8|gb18030] [--effective ISO-INSTANT]   (FILE is .json or .csv; effective now if not given)';
const { file, encoding, effective } = importCommandLine(usage);

const { makeDynamoUnitRegistry } = await import('../../shared/adapters/dynamodb/unit-registry');
const { makeImportUnits } = await import('../../shared/application/units');
const { systemClock } = await import('../../shared/adapters/system');
const { DomainError } = await import('../../shared/domain/errors');
const { decodeFile } = await import('../../shared/schemas/csv');
const { unitRows } = await import('../../shared/schemas/zero-reports');
const { connectToLocalDynamoDb } = await import('./local-dynamodb-connection');

// The bytes as they are, so that a GB18030 file is read as GB18030, not as broken UTF-8.
const decoded = decodeFile(readFileSync(file), encoding);
const { rows, problems } = decoded.ok
  ? unitRows(decoded.text, extname(file).toLowerCase() === '.csv' ? 'csv' : 'json')
  : { rows: [], problems: [decoded.problem] };
// Said only when it was not UTF-8, so that an office's GB18030 export is seen to be read as such.
const readAs = decoded.ok && decoded.encoding !== 'utf-8' ? ` (read as ${decoded.encoding.toUpperCase()})` : '';
const dataDir = resolve(process.env.DATA_DIR ?? '.data');
const connection = await connectToLocalDynamoDb(dataDir);
try {
  const { client } = connection;
  const table = connection.table('officers');
  const importUnits = makeImportUnits({ registry: makeDynamoUnitRegistry({ client, table }), clock: systemClock });
  const result = await importUnits(rows, problems, effective ? { effectiveAt: effective } : {});
  console.log(
    `imported ${result.units} units for ${result.counties.length} ${result.counties.length === 1 ? 'county' : 'counties'} (${result.counties.join(', ')}) from ${file}${readAs}, in effect from ${result.effectiveAt}`,
  );
} catch (error) {
  if (!(error instanceof DomainError)) throw error;
  console.error(error.message);
  for (const detail of error.details ?? []) console.error(`  ${detail.problem}`);
  process.exitCode = 1;
} finally {
  await connection.stop();
}
