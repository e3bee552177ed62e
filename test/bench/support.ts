/**
 * Shared by the benchmarks: start `npm start`'s entry point as its own process on a free port
 * with a throw-away data folder, as a person would run it, and stop it afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { freePort } from '../../infra/local/ports';

export interface BenchRuntime {
  readonly url: string;
  readonly dataDir: string;
  readonly dynamodbEndpoint: string;
  readonly output: () => string;
  /** CPU seconds the runtime's own process and DynamoDB Local's JVM have used so far (Linux only). */
  readonly cpu: () => ProcessCpu | undefined;
  /** Stops the runtime as Ctrl-C would; keeps the data folder only when asked to. */
  stop(options?: { readonly keepData?: boolean }): Promise<void>;
}

export interface ProcessCpu {
  readonly node: number;
  readonly java: number;
  /** Of `java`, by what its threads do (`jvmThreads`), for the threads still alive. */
  readonly javaThreads?: JvmThreadCpu;
}

/**
 * A JVM's CPU seconds by what its threads do: compiling its code (the JIT's compiler threads),
 * collecting garbage (the collector's and the VM's own thread), DynamoDB Local's database thread
 * (SQLite, one thread: where its writes queue) and its HTTP threads (Jetty: parsing, serving).
 */
export interface JvmThreadCpu {
  readonly jit: number;
  readonly gc: number;
  readonly database: number;
  readonly http: number;
  readonly other: number;
}

export const JVM_THREAD_KINDS = ['jit', 'gc', 'database', 'http', 'other'] as const;

const threadKind = (comm: string): keyof JvmThreadCpu =>
  /CompilerThre/.test(comm)
    ? 'jit'
    : /^(GC Thread|G1 |VM Thread)/.test(comm)
      ? 'gc'
      : /^SQLiteQueue/.test(comm)
        ? 'database'
        : /^qtp/.test(comm)
          ? 'http'
          : 'other';

/** `[command name, user + system CPU seconds]` from a /proc stat line. */
const statOf = (stat: string): [string, number] => {
  const close = stat.lastIndexOf(')');
  // After the command: state, ppid, … utime and stime are the 12th and 13th fields.
  const fields = stat.slice(close + 2).split(' ');
  return [stat.slice(stat.indexOf('(') + 1, close), (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND];
};

/**
 * A JVM's CPU by thread kind (Linux only). A thread that has ended (a compiler thread the JVM let
 * go) no longer counts, so the kinds can add up to less than the process's whole.
 */
export const jvmThreads = (pid: number): JvmThreadCpu | undefined => {
  try {
    const cpu = { jit: 0, gc: 0, database: 0, http: 0, other: 0 };
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        const [comm, seconds] = statOf(readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8'));
        cpu[threadKind(comm)] += seconds;
      } catch {
        // The thread ended while we looked.
      }
    }
    return cpu;
  } catch {
    return undefined;
  }
};

/** `a + sign × b`, kind by kind, times `scale`. */
export const combineThreads = (
  a: JvmThreadCpu | undefined,
  b: JvmThreadCpu | undefined,
  sign: 1 | -1 = 1,
  scale = 1,
): JvmThreadCpu | undefined =>
  a && b
    ? {
        jit: (a.jit + sign * b.jit) * scale,
        gc: (a.gc + sign * b.gc) * scale,
        database: (a.database + sign * b.database) * scale,
        http: (a.http + sign * b.http) * scale,
        other: (a.other + sign * b.other) * scale,
      }
    : undefined;

/** A JVM's thread CPU as one line: each kind's share, in ms per `per` (a report, a call). */
export const describeThreads = (cpu: JvmThreadCpu, per: number): string =>
  JVM_THREAD_KINDS.map((k) => `${k} ${((1000 * cpu[k]) / per).toFixed(1)}`).join(', ');

// Linux counts a process's CPU time in clock ticks of 1/100 s (USER_HZ).
const TICKS_PER_SECOND = 100;

/** `[command name, user + system CPU seconds, child pids]` of a process, from /proc. */
const procOf = (pid: number): [string, number, number[]] | undefined => {
  try {
    const [comm, seconds] = statOf(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const children = readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
    );
    return [comm, seconds, children];
  } catch {
    return undefined;
  }
};

/** CPU seconds a process has used so far (Linux only). */
export const cpuSecondsOf = (pid: number): number | undefined => procOf(pid)?.[1];

/** CPU seconds of a runtime process and of the JVMs among its descendants. */
const cpuOf = (pid: number): ProcessCpu | undefined => {
  const own = procOf(pid);
  if (!own) return undefined;
  let java = 0;
  let javaThreads: JvmThreadCpu | undefined;
  const pending = [...own[2]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const child = procOf(next);
    if (!child) continue;
    if (child[0] === 'java') {
      java += child[1];
      const threads = jvmThreads(next);
      javaThreads = javaThreads ? combineThreads(javaThreads, threads) : threads;
    }
    pending.push(...child[2]);
  }
  return { node: own[1], java, ...(javaThreads ? { javaThreads } : {}) };
};

export const startRuntimeProcess = async (
  env: Record<string, string> = {},
  options: { readonly dataDir?: string; readonly port?: number } = {},
): Promise<BenchRuntime> => {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'incident-pipeline-bench-'));
  const port = options.port ?? (await freePort());
  // BENCH_PROFILE_DIR: where the runtime writes a CPU profile of its run as it stops (Node's
  // --cpu-prof), to see where a benchmark's time goes in the process that serves it.
  const profile = process.env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
    : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, '--import', 'tsx', 'infra/local/main.ts'], {
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
    cpu: () => (child.pid === undefined ? undefined : cpuOf(child.pid)),
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

/** A bare table (no index, no stream) for DynamoDB Local's raw single-item write rate. */
export const createRawWriteTable = async (client: DynamoDBClient): Promise<string> => {
  const table = 'BenchRawWrites';
  await client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: table });
  return table;
};

/** DynamoDB Local's raw single-item writes: how many a second, and how long each took (ms, sorted). */
export interface RawWrites {
  readonly perSecond: number;
  readonly latencies: readonly number[];
  /** Writes the engine refused (on a starved machine DynamoDB Local times out waiting for its lock). */
  readonly failed: number;
}

/**
 * DynamoDB Local's raw write rate, the yardstick the benchmarks' ratios are taken against:
 * `connections` loops each writing one ~1 KB item at a time, for `seconds`; answers writes a second
 * and each write's latency, so a latency at that concurrency can be read beside it.
 */
export const rawWrites = async (
  client: DynamoDBClient,
  table: string,
  connections: number,
  seconds: number,
): Promise<RawWrites> => {
  const payload = 'x'.repeat(1024);
  const until = Date.now() + seconds * 1000;
  const latencies: number[] = [];
  let failed = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < until) {
        const started = performance.now();
        const ok = await client
          .send(new PutItemCommand({ TableName: table, Item: { pk: { S: randomUUID() }, payload: { S: payload } } }))
          .then(
            () => true,
            () => false,
          );
        if (ok) latencies.push(performance.now() - started);
        else failed += 1;
      }
    }),
  );
  if (failed > 0) console.log(`  (DynamoDB Local refused ${failed} raw writes: the machine is starved)`);
  return { perSecond: latencies.length / seconds, latencies: latencies.sort((a, b) => a - b), failed };
};
