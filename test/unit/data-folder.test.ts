/**
 * Backup and restore of the local data folder, on throw-away folders: what is copied, what a
 * restore checks and keeps, and when both refuse because something has the folder open.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BadBackupError,
  backupDataFolder,
  backupsOf,
  checkBackup,
  DataFolderInUseError,
  restoreDataFolder,
  whyInUse,
} from '../../infra/local/data-folder';

let root: string;
let dataDir: string;

const write = (path: string, content: string): void => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
};

/** A data folder as a stopped runtime leaves it. */
const seed = (content = 'state 1'): void => {
  write(join(dataDir, 'dynamodb', 'shared-local-instance.db'), content);
  write(join(dataDir, 'signing-key.json'), '{"kid":"k1"}');
  write(join(dataDir, 'inbox.jsonl'), '{"personId":"p1"}\n');
};

/** The pid of a process that has exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid ?? 999_999;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'incident-pipeline-backup-unit-'));
  dataDir = join(root, 'data');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('backup and restore of the data folder', () => {
  it('copies everything but the runtime announcement, and a restore brings exactly that back', () => {
    // PREPARE
    seed('state 1');
    write(join(dataDir, 'runtime.json'), JSON.stringify({ pid: deadPid(), url: 'http://127.0.0.1:1' }));

    // ACT
    const { folder, manifest } = backupDataFolder(dataDir, { now: new Date('2026-05-22T10:15:00Z') });
    seed('state 2, written after the backup');
    write(join(dataDir, 'dynamodb', 'later.db'), 'more');
    const restored = restoreDataFolder(dataDir, folder, { now: new Date('2026-05-22T11:00:00Z') });

    // ASSESS
    expect(folder).toBe(join(`${dataDir}-backups`, '2026-05-22T10-15-00-000Z'));
    expect(manifest.files.map((f) => f.path)).toEqual([
      join('dynamodb', 'shared-local-instance.db'),
      'inbox.jsonl',
      'signing-key.json',
    ]);
    expect(readFileSync(join(dataDir, 'dynamodb', 'shared-local-instance.db'), 'utf8')).toBe('state 1');
    expect(existsSync(join(dataDir, 'dynamodb', 'later.db'))).toBe(false);
    expect(existsSync(join(dataDir, 'runtime.json'))).toBe(false);
    // What the restore replaced is kept aside, not deleted.
    expect(restored.replacedMovedTo).toBe(join(`${dataDir}-backups`, 'replaced-2026-05-22T11-00-00-000Z'));
    expect(readFileSync(join(restored.replacedMovedTo ?? '', 'dynamodb', 'later.db'), 'utf8')).toBe('more');
    expect(backupsOf(dataDir)).toEqual([folder]);
  });

  it('refuses while the runtime announced in the folder is alive, and ignores one left by a killed runtime', () => {
    seed();
    write(join(dataDir, 'runtime.json'), JSON.stringify({ pid: process.pid, url: 'http://127.0.0.1:3000' }));

    expect(() => backupDataFolder(dataDir)).toThrow(DataFolderInUseError);
    expect(whyInUse(dataDir)).toMatch(
      /the local runtime is running on .* \(pid \d+, http:\/\/127\.0\.0\.1:3000\): stop it first/,
    );

    write(join(dataDir, 'runtime.json'), JSON.stringify({ pid: deadPid(), url: 'http://127.0.0.1:3000' }));
    expect(whyInUse(dataDir)).toBeUndefined();
  });

  it('refuses while any process has the folder open as DynamoDB Local does, and restores nothing then', async () => {
    seed();
    const { folder } = backupDataFolder(dataDir);
    // Stands in for Java: a process with DynamoDB Local's `-dbPath <folder>` on its command line.
    const engine = spawn(process.execPath, [
      '-e',
      'setInterval(() => {}, 1000)',
      '--',
      '-dbPath',
      join(dataDir, 'dynamodb'),
    ]);
    try {
      await new Promise((started) => engine.once('spawn', started));

      expect(whyInUse(dataDir)).toMatch(/DynamoDB Local \(pid \d+\) has .* open/);
      expect(() => restoreDataFolder(dataDir, folder)).toThrow(DataFolderInUseError);
      expect(readdirSync(`${dataDir}-backups`).filter((name) => name.startsWith('replaced-'))).toEqual([]);
      expect(readFileSync(join(dataDir, 'signing-key.json'), 'utf8')).toBe('{"kid":"k1"}');
    } finally {
      engine.kill('SIGKILL');
    }
  });

  it('refuses a backup that was changed or lost a file, before touching the data folder', () => {
    seed('state 1');
    const { folder } = backupDataFolder(dataDir);
    writeFileSync(join(folder, 'dynamodb', 'shared-local-instance.db'), 'tampered');
    rmSync(join(folder, 'inbox.jsonl'));
    seed('current');

    expect(() => restoreDataFolder(dataDir, folder)).toThrow(
      /dynamodb\/shared-local-instance\.db differs from what was backed up; inbox\.jsonl is missing/,
    );
    expect(readFileSync(join(dataDir, 'dynamodb', 'shared-local-instance.db'), 'utf8')).toBe('current');
    expect(() => checkBackup(root)).toThrow(BadBackupError);
  });

  it('refuses to back up nothing, into the data folder itself, or over another folder', () => {
    expect(() => backupDataFolder(dataDir)).toThrow(/no data in/);
    seed();
    expect(() => backupDataFolder(dataDir, { to: join(dataDir, 'copy') })).toThrow(/inside the data folder/);
    write(join(root, 'taken', 'x'), 'x');
    expect(() => backupDataFolder(dataDir, { to: join(root, 'taken') })).toThrow(/not empty/);
  });
});
