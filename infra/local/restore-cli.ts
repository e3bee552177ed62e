/**
 * `npm run restore -- BACKUP_FOLDER` (or `-- --latest`): replaces the data folder (DATA_DIR,
 * default .data) with a backup made by `npm run backup`, after checking every file of the backup
 * against its manifest. The data it replaces is moved to `<DATA_DIR>-backups/replaced-<time>`,
 * not deleted. Refuses while the runtime or any DynamoDB Local has the folder open: stop
 * `npm start` first, and start it again afterwards.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BadBackupError, backupsOf, DataFolderInUseError, restoreDataFolder } from './data-folder';

const usage = 'usage: npm run restore -- BACKUP_FOLDER   (or: npm run restore -- --latest)';
const { values, positionals } = (() => {
  try {
    return parseArgs({ options: { latest: { type: 'boolean', default: false } }, allowPositionals: true });
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return process.exit(2);
  }
})();
const dataDir = resolve(process.env.DATA_DIR ?? '.data');
const available = backupsOf(dataDir);
const backup = values.latest ? available[0] : positionals[0];
if (!backup || positionals.length > 1 || (values.latest && positionals.length > 0)) {
  console.error(usage);
  console.error(
    available.length > 0
      ? `backups of ${dataDir}, newest first:\n${available.map((folder) => `  ${folder}`).join('\n')}`
      : `no backups of ${dataDir} yet: make one with \`npm run backup\``,
  );
  process.exit(2);
}

try {
  const { manifest, replacedMovedTo } = restoreDataFolder(dataDir, backup);
  console.log(`Restored ${dataDir}`);
  console.log(`  from ${resolve(backup)} (taken at ${manifest.takenAt}, ${manifest.files.length} files, all checked)`);
  if (replacedMovedTo) console.log(`  the data it replaced is in ${replacedMovedTo}`);
  console.log('Start the pipeline with `npm start`.');
} catch (error) {
  if (error instanceof DataFolderInUseError || error instanceof BadBackupError) {
    console.error(`Cannot restore: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
