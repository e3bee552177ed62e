/**
 * Builds the web console (`web/dist`) when it is missing or older than its sources, so that
 * `npm start`, `npm test` and `npm run synth` never serve or deploy a stale console and nobody needs
 * an extra step. Fresh means: the hash of the console's sources (everything under `web/` but its
 * output, the domain modules it bundles, the lock file) is the one recorded by the last build.
 *
 * Synchronous, because the CDK app is built synchronously; a lock file keeps two processes (a test
 * run's browser suite and its CDK synthesis) from building into the same folder at once.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const repositoryRoot = resolve(import.meta.dirname, '../..');
export const webDist = join(repositoryRoot, 'web', 'dist');
const STAMP = '.build-stamp';
const LOCK = join(repositoryRoot, 'web', '.build.lock');
const STALE_LOCK_MS = 3 * 60_000;

const SOURCES = ['web', 'shared/domain', 'package-lock.json'];
const SKIPPED = new Set(['dist', 'node_modules', '.build.lock']);

const filesUnder = (path: string): string[] => {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => !SKIPPED.has(entry.name))
    .flatMap((entry) => filesUnder(join(path, entry.name)));
};

/** The hash of everything the console is built from. */
export const webSourceHash = (root = repositoryRoot): string => {
  const hash = createHash('sha256');
  for (const file of SOURCES.flatMap((source) => filesUnder(join(root, source))).sort()) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file));
  }
  return hash.digest('hex');
};

const isFresh = (hash: string): boolean => {
  const stamp = join(webDist, STAMP);
  return existsSync(join(webDist, 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash;
};

const sleep = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

const takeLock = (): boolean => {
  try {
    closeSync(openSync(LOCK, 'wx'));
    return true;
  } catch {
    try {
      if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { force: true });
    } catch {
      // Released meanwhile.
    }
    return false;
  }
};

export interface WebBuildResult {
  readonly dist: string;
  readonly built: boolean;
  readonly ms: number;
}

/**
 * Builds `web/dist` unless it is fresh (or `force`); returns where it is. Throws with Vite's output
 * if the build fails.
 */
export const ensureWebBuild = (
  log: (line: string) => void = () => undefined,
  options: { readonly force?: boolean } = {},
): WebBuildResult => {
  const started = Date.now();
  const hash = webSourceHash();
  if (!options.force && isFresh(hash)) return { dist: webDist, built: false, ms: Date.now() - started };
  while (!takeLock()) {
    sleep(200);
    if (isFresh(hash)) return { dist: webDist, built: false, ms: Date.now() - started };
  }
  try {
    if (!options.force && isFresh(hash)) return { dist: webDist, built: false, ms: Date.now() - started };
    log('building the web console (web/dist) …');
    try {
      execFileSync(
        process.execPath,
        [join(repositoryRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.ts'],
        { cwd: repositoryRoot, stdio: 'pipe', env: { ...process.env, NODE_ENV: 'production' } },
      );
    } catch (error) {
      const output = error as { stdout?: Buffer; stderr?: Buffer };
      throw new Error(
        `the web console did not build (npm run build:web):\n${output.stdout?.toString() ?? ''}${output.stderr?.toString() ?? ''}`,
      );
    }
    writeFileSync(join(webDist, STAMP), hash);
    return { dist: webDist, built: true, ms: Date.now() - started };
  } finally {
    rmSync(LOCK, { force: true });
  }
};

// `npm run build:web`: always builds, and records the sources it was built from.
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const result = ensureWebBuild((line) => console.log(line), { force: true });
  console.log(`web console built in ${(result.ms / 1000).toFixed(1)} s: ${relative(process.cwd(), result.dist)}`);
}
