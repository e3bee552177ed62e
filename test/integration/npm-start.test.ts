/**
 * `npm start` as a person runs it: a child process group, stopped the way a terminal's Ctrl-C
 * stops it (SIGINT to the whole group) or with SIGTERM, and checked for leftovers.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { SHORT_RUN_JVM_OPTIONS } from '../../infra/local/dynamodb-local';
import { freePort } from '../../infra/local/ports';
import { tables } from '../../infra/resources';

interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

const startNpm = (env: Record<string, string>): Started => {
  const child = spawn('npm', ['start'], {
    // Java as the other files that start `npm start` run it: a short run spends half the CPU.
    env: { ...process.env, JAVA_TOOL_OPTIONS: SHORT_RUN_JVM_OPTIONS.join(' '), ...env },
    detached: true, // its own process group, as in a terminal
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
};

const waitForHealth = async (url: string, started: Started, timeoutMs: number): Promise<number> => {
  const begin = Date.now();
  while (Date.now() - begin < timeoutMs) {
    if (started.child.exitCode !== null) throw new Error(`npm start exited early:\n${started.output()}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.status === 200) return Date.now() - begin;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no 200 from ${url}/health within ${timeoutMs} ms:\n${started.output()}`);
};

/** Every process whose command line mentions the data folder: Java's `-dbPath` does. */
const processesUsing = (dataDir: string): string[] =>
  execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(dataDir) && !line.includes('ps -eo'));

const stopGroup = async (started: Started, signal: NodeJS.Signals): Promise<void> => {
  if (started.child.pid) process.kill(-started.child.pid, signal);
  await started.exited;
};

/** Stopping is asynchronous (Java needs a moment): wait for the last process to go. */
const leftovers = async (dataDir: string): Promise<string[]> => {
  const deadline = Date.now() + 15_000;
  while (processesUsing(dataDir).length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return processesUsing(dataDir);
};

describe('npm start', () => {
  let dataDir: string;
  let port: number;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'incident-pipeline-start-'));
    port = await freePort();
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves /health within 30 s, refuses a second start on the busy port, and Ctrl-C leaves nothing behind', async () => {
    const first = startNpm({ PORT: String(port), DATA_DIR: dataDir });
    try {
      const elapsed = await waitForHealth(`http://127.0.0.1:${port}`, first, 30_000);
      expect(elapsed).toBeLessThan(30_000);
      expect(first.output()).toContain(`http://127.0.0.1:${port}`);
      expect(first.output()).toContain('npm run token');
      expect(processesUsing(dataDir).length).toBeGreaterThan(0);

      const second = startNpm({ PORT: String(port), DATA_DIR: dataDir });
      expect(await second.exited).toBe(1);
      expect(second.output()).toContain(`port ${port} on 127.0.0.1 is already in use`);

      // Data written now must survive the restart below.
      const endpoint = /DynamoDB Local at (http:\/\/127\.0\.0\.1:\d+)/.exec(first.output())?.[1];
      expect(endpoint).toBeDefined();
      const client = new DynamoDBClient({ region: LOCAL_REGION, credentials: localCredentials, endpoint });
      await client.send(
        new PutItemCommand({
          TableName: tables.incidents.localName,
          Item: { pk: { S: 'PROBE#restart' }, sk: { S: 'HEAD' } },
        }),
      );
      client.destroy();
    } finally {
      // Ctrl-C in a terminal: SIGINT to the whole foreground process group.
      await stopGroup(first, 'SIGINT');
    }
    expect(await leftovers(dataDir)).toEqual([]);
    expect(first.output()).toContain('Stopped.');
  });

  it('keeps its data across a restart and stops on SIGTERM', async () => {
    const again = startNpm({ PORT: String(port), DATA_DIR: dataDir });
    try {
      await waitForHealth(`http://127.0.0.1:${port}`, again, 30_000);
      const endpoint = /DynamoDB Local at (http:\/\/127\.0\.0\.1:\d+)/.exec(again.output())?.[1];
      const client = new DynamoDBClient({ region: LOCAL_REGION, credentials: localCredentials, endpoint });
      const { Item } = await client.send(
        new GetItemCommand({
          TableName: tables.incidents.localName,
          Key: { pk: { S: 'PROBE#restart' }, sk: { S: 'HEAD' } },
        }),
      );
      client.destroy();
      expect(Item?.pk?.S).toBe('PROBE#restart');
    } finally {
      // SIGTERM to npm alone, as a process manager would send it.
      if (again.child.pid) process.kill(again.child.pid, 'SIGTERM');
      await again.exited;
    }
    expect(await leftovers(dataDir)).toEqual([]);
  });

  it('says plainly when the port is taken by something else', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', () => resolve()));
    try {
      const started = startNpm({ PORT: String(port), DATA_DIR: dataDir });
      expect(await started.exited).toBe(1);
      expect(started.output()).toContain('already in use');
      expect(started.output()).toContain('PORT=');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('says what to install when Java is missing', async () => {
    // Run the entry point with no PATH, so no `java` can be found.
    const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
      env: { ...process.env, PATH: '', PORT: String(await freePort()), DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(output).toContain('Java 17');
    expect(output).toMatch(/apt-get install openjdk-17-jre-headless/);
  });
});
