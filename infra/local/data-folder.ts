/**
 * Backing up and restoring the local runtime's data folder (DATA_DIR): DynamoDB Local's database,
 * the token signing key, the officer inbox and the attachments' files (`s3/`). A copy of the
 * folder is only a consistent copy while nothing has it open, so both refuse while the runtime —
 * or any DynamoDB Local on the folder, such as a command-line tool's — is running. A backup carries a manifest of every file
 * with its size and SHA-256, and a restore checks it before it touches anything; the data a
 * restore replaces is moved aside, not deleted.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Written by the running runtime into its data folder; never part of a backup. */
export const RUNTIME_FILE = 'runtime.json';
export const MANIFEST_FILE = 'backup.json';

export interface BackupManifest {
  readonly version: 1;
  readonly takenAt: string;
  /** The data folder it was taken from. */
  readonly source: string;
  readonly files: readonly { readonly path: string; readonly bytes: number; readonly sha256: string }[];
}

/** Refused because something has the data folder open; the message says what and what to do. */
export class DataFolderInUseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataFolderInUseError';
  }
}

/** A backup that is not one, is incomplete, or was changed after it was taken. */
export class BadBackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadBackupError';
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Processes whose command line opens `dbPath` (DynamoDB Local is started with `-dbPath <folder>`). */
const processesWithDbPath = (dbPath: string): { pid: number; args: string }[] => {
  let listing: string;
  try {
    listing = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  } catch {
    return [];
  }
  return listing
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ pid: Number(match[1]), args: match[2] ?? '' }))
    .filter(({ pid, args }) => pid !== process.pid && `${args} `.includes(`-dbPath ${dbPath} `));
};

/**
 * Why the data folder may not be copied now, or undefined when nothing has it open: a runtime
 * whose announcement (DATA_DIR/runtime.json) names a live process, or any DynamoDB Local running
 * on the folder (a runtime still starting, or a command-line tool's own engine). An announcement
 * left behind by a runtime that was killed names a dead process and is ignored.
 */
export const whyInUse = (dataDir: string): string | undefined => {
  const folder = resolve(dataDir);
  const runtimeFile = join(folder, RUNTIME_FILE);
  if (existsSync(runtimeFile)) {
    try {
      const announced = JSON.parse(readFileSync(runtimeFile, 'utf8')) as { pid?: unknown; url?: unknown };
      if (typeof announced.pid === 'number' && alive(announced.pid)) {
        return (
          `the local runtime is running on ${folder} (pid ${announced.pid}` +
          `${typeof announced.url === 'string' ? `, ${announced.url}` : ''}): stop it first (Ctrl-C in its terminal)`
        );
      }
    } catch {
      // A half-written announcement: the process check below still applies.
    }
  }
  const engines = processesWithDbPath(join(folder, 'dynamodb'));
  if (engines.length > 0) {
    return (
      `DynamoDB Local (pid ${engines.map((e) => e.pid).join(', ')}) has ${folder} open — a runtime starting or ` +
      'stopping, or a command-line tool: wait for it to finish, or stop it'
    );
  }
  return undefined;
};

const assertNotInUse = (dataDir: string): void => {
  const why = whyInUse(dataDir);
  if (why) throw new DataFolderInUseError(why);
};

const sha256Of = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Every file under `root`, as paths relative to it, in a stable order. */
const filesUnder = (root: string, skip: (path: string) => boolean = () => false): string[] => {
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(folder, entry.name);
      const path = relative(root, full);
      if (skip(path)) continue;
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) found.push(path);
    }
  };
  walk(root);
  return found;
};

/** `<DATA_DIR>-backups`: beside the data folder, so replacing the folder never touches them. */
export const backupsFolderOf = (dataDir: string): string => `${resolve(dataDir)}-backups`;

/** A timestamp that sorts and is safe in a file name: 2026-05-22T10-15-00-123Z. */
const stamp = (at: Date): string => at.toISOString().replace(/[:.]/g, '-');

/**
 * Copies the data folder (all but the runtime's announcement) to `to`, by default a new folder in
 * {@link backupsFolderOf}, with a manifest. Refuses while anything has the folder open.
 */
export const backupDataFolder = (
  dataDir: string,
  options: { readonly to?: string; readonly now?: Date } = {},
): { readonly folder: string; readonly manifest: BackupManifest } => {
  const source = resolve(dataDir);
  if (!existsSync(join(source, 'dynamodb'))) {
    throw new BadBackupError(`no data in ${source}: nothing to back up (start the pipeline once, or set DATA_DIR)`);
  }
  assertNotInUse(source);
  const now = options.now ?? new Date();
  const folder = resolve(options.to ?? join(backupsFolderOf(source), stamp(now)));
  if (existsSync(folder) && readdirSync(folder).length > 0) {
    throw new BadBackupError(`${folder} already exists and is not empty: choose another destination`);
  }
  if (folder === source || folder.startsWith(`${source}/`)) {
    throw new BadBackupError(`a backup cannot go inside the data folder it copies (${source})`);
  }
  const files = filesUnder(source, (path) => path === RUNTIME_FILE);
  mkdirSync(folder, { recursive: true });
  for (const path of files) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    cpSync(join(source, path), join(folder, path), { preserveTimestamps: true });
  }
  const manifest: BackupManifest = {
    version: 1,
    takenAt: now.toISOString(),
    source,
    files: files.map((path) => ({
      path,
      bytes: statSync(join(folder, path)).size,
      sha256: sha256Of(join(folder, path)),
    })),
  };
  // Re-checked after the copy: had anything opened the folder meanwhile, the copy could be torn.
  assertNotInUse(source);
  writeFileSync(join(folder, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return { folder, manifest };
};

/** Reads a backup's manifest and checks every file it lists against its size and hash. */
export const checkBackup = (backup: string): BackupManifest => {
  const folder = resolve(backup);
  const manifestFile = join(folder, MANIFEST_FILE);
  if (!existsSync(manifestFile)) throw new BadBackupError(`${folder} is not a backup: it has no ${MANIFEST_FILE}`);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as BackupManifest;
  } catch (error) {
    throw new BadBackupError(`${manifestFile} cannot be read: ${(error as Error).message}`);
  }
  if (manifest.version !== 1 || !Array.isArray(manifest.files)) {
    throw new BadBackupError(`${manifestFile} is not a manifest this tool wrote`);
  }
  const problems: string[] = [];
  for (const file of manifest.files) {
    const path = join(folder, file.path);
    if (!existsSync(path)) problems.push(`${file.path} is missing`);
    else if (statSync(path).size !== file.bytes || sha256Of(path) !== file.sha256) {
      problems.push(`${file.path} differs from what was backed up`);
    }
  }
  if (!manifest.files.some((file) => file.path.startsWith('dynamodb/'))) problems.push('it holds no database');
  if (problems.length > 0) throw new BadBackupError(`${folder} cannot be restored: ${problems.join('; ')}`);
  return manifest;
};

/**
 * Replaces the data folder with the backup's copy, after checking the backup. The data it
 * replaces is moved to `<DATA_DIR>-backups/replaced-<time>`, not deleted. Refuses while anything
 * has the folder open.
 */
export const restoreDataFolder = (
  dataDir: string,
  backup: string,
  options: { readonly now?: Date } = {},
): { readonly manifest: BackupManifest; readonly replacedMovedTo?: string } => {
  const target = resolve(dataDir);
  const source = resolve(backup);
  const manifest = checkBackup(source);
  assertNotInUse(target);
  let replacedMovedTo: string | undefined;
  if (existsSync(target) && readdirSync(target).length > 0) {
    replacedMovedTo = join(backupsFolderOf(target), `replaced-${stamp(options.now ?? new Date())}`);
    mkdirSync(dirname(replacedMovedTo), { recursive: true });
    renameSync(target, replacedMovedTo);
  }
  mkdirSync(target, { recursive: true });
  for (const file of manifest.files) {
    mkdirSync(dirname(join(target, file.path)), { recursive: true });
    cpSync(join(source, file.path), join(target, file.path), { preserveTimestamps: true });
  }
  return { manifest, ...(replacedMovedTo ? { replacedMovedTo } : {}) };
};

/** The backups in {@link backupsFolderOf}, newest first. */
export const backupsOf = (dataDir: string): string[] => {
  const root = backupsFolderOf(dataDir);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => existsSync(join(root, name, MANIFEST_FILE)))
    .sort()
    .reverse()
    .map((name) => join(root, name));
};
