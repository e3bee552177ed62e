/**
 * The local command-line tools (`npm run verify-audit`, `officers`, `backup`, …: the package.json
 * scripts that run an `infra/local/*-cli.ts` under tsx), built once per test run into ES modules
 * that plain Node runs. A tool run through `npm run` costs about a second of CPU before it does
 * anything (npm's own start, then tsx compiling every source file the tool imports); built, about
 * a third of that. The integration suite's global setup builds them; `runScript` runs them, with
 * the script's own entry file and arguments, and `cli.test.ts` holds each built tool to its
 * `npm run` script.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const repositoryRoot = resolve(import.meta.dirname, '../..');

/** The package.json scripts that run a command-line tool under tsx, by script name: their entry files. */
export const localToolScripts = (): Readonly<Record<string, string>> => {
  const { scripts } = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return Object.fromEntries(
    Object.entries(scripts).flatMap(([script, command]) => {
      const entry = /^node --import tsx (infra\/local\/[\w-]+-cli\.ts)$/.exec(command)?.[1];
      return entry ? [[script, entry]] : [];
    }),
  );
};

/**
 * Where a source file asks for its own place (`import.meta.dirname`, `.filename`, `.url`: the
 * division data is read from beside its module), it gets the source's place, not the bundle's.
 */
const ownPlaces: Plugin = {
  name: 'own-places',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      if (path.includes(`${sep}node_modules${sep}`)) return undefined;
      const source = await readFile(path, 'utf8');
      if (!source.includes('import.meta.')) return undefined;
      return {
        loader: 'ts',
        contents: source
          .replaceAll('import.meta.dirname', JSON.stringify(dirname(path)))
          .replaceAll('import.meta.filename', JSON.stringify(path))
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href)),
      };
    });
  },
};

export interface LocalTools {
  /** The folder of the built tools: `<script>.mjs` runs what `npm run <script>` runs. */
  readonly dir: string;
  remove(): void;
}

/**
 * Builds every tool into a temporary folder. Only the project's own code is bundled; packages are
 * imported from the repository's node_modules (linked from the folder) as they are under tsx, and
 * the tools' lazy imports stay lazy (one chunk per dynamic import), so each run loads what it did.
 */
export const buildLocalTools = async (): Promise<LocalTools> => {
  const dir = mkdtempSync(join(tmpdir(), 'incident-pipeline-tools-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    symlinkSync(join(repositoryRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
    await build({
      absWorkingDir: repositoryRoot,
      entryPoints: Object.entries(localToolScripts()).map(([script, entry]) => ({ in: entry, out: script })),
      outdir: dir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      plugins: [ownPlaces],
      logLevel: 'error',
    });
  } catch (error) {
    remove();
    throw error;
  }
  return { dir, remove };
};
