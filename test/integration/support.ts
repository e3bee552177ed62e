/** Helpers for integration tests that run the local runtime on the suite's shared engines. */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { inject } from 'vitest';
import { openLocalSigner } from '../../infra/local/auth';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { provisionLocalResources } from '../../infra/local/provision';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import { makeDynamoOfficerDirectory } from '../../shared/adapters/dynamodb/officer-directory';
import { systemClock } from '../../shared/adapters/system';
import { makeImportOfficers } from '../../shared/application/officers';
import { chinaDateOf } from '../../shared/domain/china-time';
import { addDays, cutoffOf } from '../../shared/domain/zero-reports';
import type { Caller } from '../../shared/schemas/claims';
import { directoryRows } from '../../shared/schemas/officers';

const repositoryRoot = resolve(import.meta.dirname, '../..');

export interface TestRuntime extends LocalRuntime {
  /** Removes the throw-away data folder as well as stopping the runtime. */
  close(): Promise<void>;
}

/** A runtime on a random port, with its own resource prefix and throw-away data folder. */
export const startTestRuntime = async (
  policy = 'national',
  options: Pick<
    Parameters<typeof startLocalRuntime>[0],
    'sweepIntervalMs' | 'skipRearm' | 'zeroReportCheckIntervalMs' | 'throttle' | 'maxReceiveCount' | 'externalIssuer'
  > = {},
): Promise<TestRuntime> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'incident-pipeline-test-'));
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    policy,
    engines: { dynamodbEndpoint: inject('dynamodbEndpoint'), messagingEndpoint: inject('messagingEndpoint') },
    resourcePrefix: `t${randomUUID().slice(0, 8)}-`,
    ...options,
  });
  return {
    ...runtime,
    close: async () => {
      await runtime.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

/** Signs tokens with the runtime's own key, as `npm run token` does. */
export const tokenFor = async (runtime: LocalRuntime, caller: Caller): Promise<string> =>
  (await openLocalSigner(runtime.dataDir)).sign(caller);

export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

/** One HTTP call to the runtime's API. */
export const call = async (
  runtime: LocalRuntime,
  method: 'GET' | 'POST',
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiAnswer> => {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${runtime.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text };
};

// One report body for the integration tests and the soaks (the soaks run outside Vitest).
export { initialReport } from '../fixtures/reports';

/** What a command-line tool did: its exit code and what it printed. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs what `npm run <script> -- <args>` runs, on the runtime's data folder, without blocking this
 * process (whose runtime the tool may be talking to): the script's entry file, built once by the
 * global setup (local-tools.ts), with the arguments, folder and Node that npm would give it.
 */
export const runScript = (
  runtime: Pick<LocalRuntime, 'dataDir'>,
  script: string,
  ...args: string[]
): Promise<CliRun> => {
  const tool = join(inject('localToolsDir'), `${script}.mjs`);
  if (!existsSync(tool)) throw new Error(`npm run ${script} is not one of the command-line tools (local-tools.ts)`);
  return new Promise((resolve) => {
    execFile(
      'node',
      [tool, ...args],
      {
        cwd: repositoryRoot,
        // npm puts the project's own binaries, its Node among them, first on a script's PATH.
        env: {
          ...process.env,
          PATH: `${join(repositoryRoot, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`,
          DATA_DIR: runtime.dataDir,
        },
        timeout: 50_000,
      },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
};

/**
 * Every page of a paged GET route, following `next` to the end; fails the test on any answer but
 * 200. `path` already carries its query.
 */
/**
 * A China day whose zero-report cut-off at `cutoffHour` is still ahead: today until a few minutes
 * before it, then tomorrow. A period of that day can still be activated and its report filed, at
 * whatever hour the suite runs (between 23:00 and midnight China time a period ending today is
 * rightly refused).
 */
export const dayBeforeCutoff = (cutoffHour: number, now: Date = new Date()): string => {
  const today = chinaDateOf(now);
  return Date.parse(cutoffOf(today, cutoffHour)) - now.getTime() > 10 * 60_000 ? today : addDays(today, 1);
};

export const everyPage = async <P extends { readonly next?: string }>(
  runtime: LocalRuntime,
  path: string,
  token: string | undefined,
): Promise<P[]> => {
  const pages: P[] = [];
  let next: string | undefined;
  do {
    const cursor = next ? `${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(next)}` : '';
    const answer = await call(runtime, 'GET', `${path}${cursor}`, token ? { token } : {});
    if (answer.status !== 200) throw new Error(`${path}${cursor}: ${answer.status} ${answer.text}`);
    const page = answer.body as P;
    pages.push(page);
    next = page.next;
  } while (next);
  return pages;
};

/** Loads Dongcheng's example officer directory into the runtime, as `npm run officers -- import` would. */
export const importDongchengOfficers = async (runtime: LocalRuntime): Promise<void> => {
  const client = makeDocumentClient(
    new DynamoDBClient({ region: LOCAL_REGION, credentials: localCredentials, endpoint: runtime.endpoints.dynamodb }),
  );
  const file = readFileSync(new URL('../fixtures/officers/dongcheng.json', import.meta.url), 'utf8');
  await makeImportOfficers({
    directory: makeDynamoOfficerDirectory({ client, table: runtime.resources.tables.officers }),
    clock: systemClock,
  })(directoryRows(file, 'json').rows);
  client.destroy();
};

/**
 * Tables, queues, topics and buckets of a test's own (a random name prefix) on the suite's shared engines,
 * with the clients to reach them: for tests of adapters, below a whole runtime.
 */
export const provisionTestResources = async () => {
  const config = { region: LOCAL_REGION, credentials: localCredentials };
  const dynamodb = new DynamoDBClient({ ...config, endpoint: inject('dynamodbEndpoint') });
  const sqs = new SQSClient({ ...config, endpoint: inject('messagingEndpoint') });
  const sns = new SNSClient({ ...config, endpoint: inject('messagingEndpoint') });
  const s3 = new S3Client({ ...config, endpoint: inject('messagingEndpoint'), forcePathStyle: true });
  const resources = await provisionLocalResources({ dynamodb, sqs, sns, s3 }, `t${randomUUID().slice(0, 8)}-`);
  return {
    dynamodb,
    sqs,
    sns,
    s3,
    resources,
    documents: makeDocumentClient(dynamodb),
    /** Lets go of the clients (the tables stay, under their prefix, until the engines stop). */
    close: () => {
      for (const client of [dynamodb, sqs, sns, s3]) client.destroy();
    },
  };
};
