/**
 * `npm run bench:coldstart`: what a cold start of each function loads, and how long loading it takes.
 *
 * Every function is bundled exactly as a deployment bundles it: the script synthesises the CDK app
 * (`buildApp`, without cdk-nag) with bundling on, so each bundle comes from `PipelineFunction` and
 * its esbuild options, nothing restated here. For each function it prints the size of the bundle
 * (`index.mjs`) and of everything shipped with it, and the median time a fresh Node process takes
 * to import the bundled handler, with the function's own environment (`NODE_OPTIONS` included)
 * and placeholder resource names. The same is measured for an empty module in the same rounds,
 * interleaved, so the ratio is what the bundle adds to the cost of loading any module at all.
 *
 * Options: --rounds N (imports per function, default 7), --only NAME[,NAME…] (construct ids or
 * names from infra/api.ts and infra/workers.ts), --json.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Stack } from 'aws-cdk-lib';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { apiFunctions, type FunctionDef } from '../../infra/api';
import { buildApp } from '../../infra/bin/build-app';
import { repositoryRoot } from '../../infra/constructs/pipeline-function';
import { workerFunctions } from '../../infra/workers';
import { functionEnvironment, lambdaBaseEnvironment } from '../fakes/function-environment';
import { median } from './support';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    only: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive integer');

const definitions: Record<string, FunctionDef> = { ...apiFunctions, ...workerFunctions };
const only = values.only?.split(',').map((name) => name.trim());
const selected = Object.entries(definitions).filter(
  ([name, def]) => !only || only.includes(name) || only.includes(def.id),
);
if (selected.length === 0) throw new Error(`no function is called ${values.only}`);

// Bundle: synthesise the app with bundling on, into a throw-away folder.
const outdir = mkdtempSync(join(tmpdir(), 'incident-pipeline-coldstart-'));
process.on('exit', () => rmSync(outdir, { recursive: true, force: true }));
const bundlingStarted = performance.now();
// With cdk.json's context (its feature flags), as `cdk synth` runs the app.
const { context } = JSON.parse(readFileSync(join(repositoryRoot, 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};
// Environment-agnostic, as the app is when no account or region is configured.
const { app, stateless } = buildApp({ outdir, context, nag: false, env: {} });
const assembly = app.synth();
const bundlingSeconds = (performance.now() - bundlingStarted) / 1000;

interface Bundle {
  readonly name: string;
  readonly id: string;
  readonly file: string;
  readonly bundleBytes: number;
  readonly assetBytes: number;
  readonly files: readonly string[];
  readonly env: Record<string, string>;
}

const template = assembly.getStackByName(stateless.stackName).template as {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
};
const bundles: Bundle[] = selected.map(([name, def]) => {
  const fn = stateless.node.findChild(def.id).node.defaultChild;
  if (!(fn instanceof CfnFunction)) throw new Error(`${def.id} is not a Lambda function`);
  const properties = template.Resources[Stack.of(fn).getLogicalId(fn)]?.Properties as {
    Code: { S3Key: string };
    Environment?: { Variables?: Record<string, unknown> };
  };
  const assetDirectory = join(assembly.directory, `asset.${properties.Code.S3Key.replace(/\.zip$/, '')}`);
  const files = readdirSync(assetDirectory);
  const env = functionEnvironment(properties.Environment?.Variables);
  return {
    name,
    id: def.id,
    file: join(assetDirectory, 'index.mjs'),
    bundleBytes: statSync(join(assetDirectory, 'index.mjs')).size,
    assetBytes: files.reduce((sum, file) => sum + statSync(join(assetDirectory, file)).size, 0),
    files,
    env,
  };
});

// Import: one fresh process per import, timing the import alone (not Node's own start-up).
const empty = join(outdir, 'empty.mjs');
writeFileSync(empty, 'export const handler = async () => undefined;\n');
const probe =
  'const started = performance.now();' +
  'const module = await import(process.env.BENCH_MODULE);' +
  "if (typeof module.handler !== 'function') throw new Error('no handler');" +
  'process.stdout.write(String(performance.now() - started));';

const importMs = (file: string, env: Record<string, string>): number => {
  const result = spawnSync(process.execPath, ['--input-type=module', '--eval', probe], {
    env: {
      PATH: process.env.PATH,
      ...lambdaBaseEnvironment,
      NODE_OPTIONS: '',
      ...env,
      BENCH_MODULE: pathToFileURL(file).href,
    },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    const reason = /^\w*Error: .*$/m.exec(result.stderr)?.[0] ?? `exit ${result.status}`;
    throw new Error(`importing ${file} failed: ${reason}`);
  }
  return Number(result.stdout);
};

const samples = new Map<string, number[]>(bundles.map((bundle) => [bundle.name, []]));
const emptySamples: number[] = [];
// A bundle that cannot load with the environment its function is given is a finding, not noise.
const failures = new Map<string, string>();
importMs(empty, {}); // warm the file cache
for (let round = 1; round <= rounds; round++) {
  for (const bundle of bundles) {
    if (failures.has(bundle.name)) continue;
    emptySamples.push(importMs(empty, {}));
    try {
      samples.get(bundle.name)?.push(importMs(bundle.file, bundle.env));
    } catch (error) {
      failures.set(bundle.name, (error as Error).message);
    }
  }
  if (!values.json) process.stderr.write(`round ${round}/${rounds} done\n`);
}

const emptyMedian = median(emptySamples);
const results = bundles.map((bundle) => {
  const failure = failures.get(bundle.name);
  const importMedian = failure ? Number.NaN : median(samples.get(bundle.name) ?? []);
  return {
    function: bundle.name,
    id: bundle.id,
    bundleKB: Math.round(bundle.bundleBytes / 1024),
    shippedKB: Math.round(bundle.assetBytes / 1024),
    files: bundle.files,
    nodeOptions: bundle.env.NODE_OPTIONS ?? '',
    importMs: Number(importMedian.toFixed(1)),
    ratio: Number((importMedian / emptyMedian).toFixed(1)),
    ...(failure ? { failure } : {}),
  };
});

process.exitCode = failures.size > 0 ? 1 : 0;
if (values.json) {
  console.log(JSON.stringify({ node: process.version, rounds, emptyImportMs: emptyMedian, results }, null, 2));
} else {
  console.log(
    `\n${bundles.length} functions bundled in ${bundlingSeconds.toFixed(0)} s; Node ${process.version}; ` +
      `${rounds} imports each; empty module: ${emptyMedian.toFixed(1)} ms (median of ${emptySamples.length})\n`,
  );
  console.log('| function | bundle KB | shipped KB | import ms (median) | ÷ empty module |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of results) {
    const timing = r.failure ? 'does not load | –' : `${r.importMs} | ${r.ratio}`;
    console.log(`| ${r.function} | ${r.bundleKB} | ${r.shippedKB} | ${timing} |`);
  }
  for (const [name, failure] of failures) console.log(`\n${name}: ${failure}`);
  const apiNames = new Set(Object.keys(apiFunctions));
  const api = results.filter((r) => apiNames.has(r.function) && !r.failure);
  if (api.length > 0) {
    console.log(
      `\nAPI functions: bundle ${Math.min(...api.map((r) => r.bundleKB))}–${Math.max(...api.map((r) => r.bundleKB))} KB, ` +
        `median import ${median(api.map((r) => r.importMs)).toFixed(1)} ms (${median(api.map((r) => r.ratio)).toFixed(1)} × empty)`,
    );
  }
}
