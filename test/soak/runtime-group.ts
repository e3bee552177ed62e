/**
 * The local runtime as its own process group (node, and the Java of DynamoDB Local under it), as
 * `npm start` runs in a terminal, so a test can kill all of it at once with SIGKILL — a power cut
 * for the processes, with no shutdown code running — and start it again on the same data folder.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '../../infra/local/ports';

const repositoryRoot = resolve(import.meta.dirname, '../..');

export interface RuntimeGroup {
  readonly url: string;
  readonly dataDir: string;
  readonly dynamodbEndpoint: string;
  /** The process group's id (the node process's pid). */
  readonly pgid: number;
  readonly output: () => string;
  /** SIGKILL to the whole group; resolves when no process of it is left. */
  kill(): Promise<void>;
  /** SIGINT to the whole group, as Ctrl-C; resolves when no process of it is left. */
  stop(): Promise<void>;
}

/** The live (not zombie) processes of a process group. */
export const groupMembers = (pgid: number): number[] =>
  execFileSync('ps', ['-eo', 'pid=,pgid=,stat='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, group, stat]) => Number(group) === pgid && !stat?.startsWith('Z'))
    .map(([pid]) => Number(pid));

const untilGroupGone = async (pgid: number, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (groupMembers(pgid).length > 0) {
    if (Date.now() > deadline) throw new Error(`process group ${pgid} still has ${groupMembers(pgid).join(', ')}`);
    await new Promise((done) => setTimeout(done, 50));
  }
};

/**
 * Starts `infra/local/main.ts` (what `npm start` runs) in a new process group on a free port and
 * resolves once /health answers. `env` adds to (or overrides) this process's environment.
 */
export const startRuntimeGroup = async (options: {
  readonly dataDir: string;
  readonly env?: Record<string, string>;
  readonly timeoutMs?: number;
}): Promise<RuntimeGroup> => {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
    cwd: repositoryRoot,
    env: { ...process.env, PORT: String(port), DATA_DIR: options.dataDir, ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pgid = child.pid;
  if (pgid === undefined) throw new Error('the runtime did not start');
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-200_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    try {
      process.kill(-pgid, signal);
    } catch {
      // already gone
    }
    await exited;
    await untilGroupGone(pgid);
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await untilGroupGone(pgid);
      throw new Error(`the runtime exited while starting:\n${output}`);
    }
    if (Date.now() > deadline) {
      await end('SIGKILL');
      throw new Error(`the runtime did not answer /health in time:\n${output}`);
    }
    // Our own process must say it is listening there: between `freePort` and the bind, another
    // runtime (a test running beside this one) may take the port, and its /health answers too.
    const listening = output.includes(`API      ${url}`);
    const healthy =
      listening &&
      (await fetch(`${url}/health`).then(
        (answer) => answer.ok,
        () => false,
      ));
    if (healthy) break;
    await new Promise((done) => setTimeout(done, 100));
  }
  const dynamodbEndpoint = /DynamoDB Local at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
  if (!dynamodbEndpoint) {
    await end('SIGKILL');
    throw new Error(`no DynamoDB endpoint in the runtime's output:\n${output}`);
  }
  return {
    url,
    dataDir: options.dataDir,
    dynamodbEndpoint,
    pgid,
    output: () => output,
    kill: () => end('SIGKILL'),
    stop: () => end('SIGINT'),
  };
};
