/**
 * Shared by the benchmarks: start `npm start`'s entry point as its own process on a free port
 * with a throw-away data folder, as a person would run it, and stop it afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../infra/local/ports';

export interface BenchRuntime {
  readonly url: string;
  readonly dataDir: string;
  readonly dynamodbEndpoint: string;
  readonly output: () => string;
  /** Stops the runtime as Ctrl-C would; keeps the data folder only when asked to. */
  stop(options?: { readonly keepData?: boolean }): Promise<void>;
}

export const startRuntimeProcess = async (
  env: Record<string, string> = {},
  options: { readonly dataDir?: string; readonly port?: number } = {},
): Promise<BenchRuntime> => {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'incident-pipeline-bench-'));
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
    // The benchmarks measure the pipeline, not the stage's throttling, which would cap them at 100/s.
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, THROTTLE_RATE: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the runtime exited while starting:\n${output}`);
    if (Date.now() > deadline) throw new Error(`the runtime did not start within 60 s:\n${output}`);
    // Our own process must say it listens there: another runtime may take the port first.
    const healthy =
      output.includes(`API      ${url}`) &&
      (await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      ));
    if (healthy) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const dynamodbEndpoint = /DynamoDB Local at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
  if (!dynamodbEndpoint) throw new Error(`no DynamoDB endpoint in the runtime's output:\n${output}`);
  return {
    url,
    dataDir,
    dynamodbEndpoint,
    output: () => output,
    stop: async ({ keepData = false } = {}) => {
      child.kill('SIGINT');
      await exited;
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

export const percentile = (sorted: readonly number[], p: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
};

export const median = (values: readonly number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
