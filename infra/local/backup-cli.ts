/**
 * `npm run backup [-- --to FOLDER]`: copies the data folder (DATA_DIR, default .data) — DynamoDB
 * Local's database, the token signing key, the officer inbox — to a new folder in
 * `<DATA_DIR>-backups/` (or FOLDER), with a manifest of every file's size and SHA-256. Refuses
 * while the runtime or any DynamoDB Local has the folder open: stop `npm start` first.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BadBackupError, backupDataFolder, DataFolderInUseError } from './data-folder';

const { values } = (() => {
  try {
    return parseArgs({ options: { to: { type: 'string' } } });
  } catch (error) {
    console.error(`${(error as Error).message}\nusage: npm run backup [-- --to FOLDER]`);
    return process.exit(2);
  }
})();
const dataDir = resolve(process.env.DATA_DIR ?? '.data');

try {
  const { folder, manifest } = backupDataFolder(dataDir, values.to ? { to: values.to } : {});
  const bytes = manifest.files.reduce((sum, file) => sum + file.bytes, 0);
  console.log(`Backed up ${dataDir}`);
  console.log(`  to ${folder}`);
  console.log(`  ${manifest.files.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MB, taken at ${manifest.takenAt}`);
  console.log(`Restore it with: npm run restore -- ${folder}`);
} catch (error) {
  if (error instanceof DataFolderInUseError || error instanceof BadBackupError) {
    console.error(`Cannot back up: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
