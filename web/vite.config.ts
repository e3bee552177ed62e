/**
 * The web console's build: Preact through @preact/preset-vite, and a service worker (`sw.js`)
 * compiled after the bundle is written, so it can precache exactly the files of this build: a new
 * build is a new version, which the browser installs beside the old one and which takes over on
 * the next load.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { build } from 'esbuild';
import { defineConfig, type Plugin, type ResolvedConfig } from 'vite';
import { buildVerifierPage } from './evidence-verifier';

/** Written by the server or the deployment at run time: never precached, always asked for first. */
const NOT_PRECACHED = new Set(['sw.js', 'config.json']);

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });

const serviceWorker = (): Plugin => {
  let config: ResolvedConfig;
  return {
    name: 'incident-console-service-worker',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    async closeBundle() {
      const outDir = join(config.root, config.build.outDir);
      const files = filesUnder(outDir)
        .map((path) => relative(outDir, path).split(sep).join('/'))
        .filter((name) => !NOT_PRECACHED.has(name) && !name.endsWith('.map'))
        .sort();
      const hash = createHash('sha256');
      for (const name of files) hash.update(name).update(readFileSync(join(outDir, name)));
      const version = hash.digest('hex').slice(0, 16);
      // `/` stands for index.html: navigations are answered with the app shell.
      const precache = files.map((name) => (name === 'index.html' ? '/' : `/${name}`));
      await build({
        entryPoints: [join(config.root, 'src/sw.ts')],
        outfile: join(outDir, 'sw.js'),
        bundle: true,
        format: 'iife',
        target: 'es2022',
        minify: true,
        legalComments: 'none',
        define: { __PRECACHE__: JSON.stringify(precache), __VERSION__: JSON.stringify(version) },
        logLevel: 'warning',
      });
    },
  };
};

/**
 * The offline evidence verifier, one self-contained page beside the console: emitted with the
 * bundle, so the service worker precaches it and an inspector can save it even offline.
 */
const evidenceVerifier = (): Plugin => ({
  name: 'incident-console-evidence-verifier',
  apply: 'build',
  async generateBundle() {
    this.emitFile({ type: 'asset', fileName: 'evidence-verifier.html', source: await buildVerifierPage() });
  },
});

const webRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: webRoot,
  base: '/',
  // The console is served with a strict Content-Security-Policy: no inline script, no eval.
  plugins: [preact({ prerender: { enabled: false }, devToolsEnabled: false }), serviceWorker(), evidenceVerifier()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Every file by its own URL: a data: URI would need a looser policy, and the files are cached anyway.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
