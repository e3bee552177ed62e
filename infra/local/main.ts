/**
 * `npm start`: the pipeline on this machine, on real engines. Configuration (docs/operations.md#local-runtime):
 * PORT (default 3000), POLICY (national | drill | path to a policy file, default national),
 * DATA_DIR (default .data), THROTTLE_RATE and THROTTLE_BURST (the API stage's 100 requests a
 * second and bursts of 200 by default; a rate of 0 turns throttling off), ROLLUP_CONSUMERS (1; more
 * roll-up consumers polling at once, as on AWS), DYNAMODB_ENDPOINT and MESSAGING_ENDPOINT (engines
 * already running, e.g. a test suite's, instead of starting DynamoDB Local and fauxqs; both or
 * neither) with RESOURCE_PREFIX (table, queue and topic names of its own there). Ctrl-C or SIGTERM
 * stops everything it started, Java included.
 */
import { resolve } from 'node:path';
import * as z from 'zod';
import { DomainError } from '../../shared/domain/errors';
import { parseClaimNames } from '../../shared/schemas/claims';
import { PortInUseError } from './ports';
import type { LocalRuntime } from './runtime';
import { ensureWebBuild } from './web-build';

// The handlers' structured logs are for CloudWatch; on a console only warnings and errors help.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
// Metrics on, as in Lambda: the runtime takes the handlers' EMF lines off stdout and prints their
// tally once a minute (metrics-tally.ts).
process.env.POWERTOOLS_METRICS_DISABLED ??= 'false';
const { apiThrottle } = await import('../api');
const { loadPolicy } = await import('../../shared/adapters/policy-source');

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  POLICY: z.string().min(1).default('national'),
  DATA_DIR: z.string().min(1).default('.data'),
  THROTTLE_RATE: z.coerce.number().min(0).default(apiThrottle.rateLimit),
  THROTTLE_BURST: z.coerce.number().int().min(1).default(apiThrottle.burstLimit),
  // Concurrent roll-up consumers, as Lambda scales the queue's consumers out on AWS (benchmarks).
  ROLLUP_CONSUMERS: z.coerce.number().int().min(1).max(32).default(1),
  DYNAMODB_ENDPOINT: z.url().optional(),
  MESSAGING_ENDPOINT: z.url().optional(),
  RESOURCE_PREFIX: z
    .string()
    .regex(/^[a-z0-9-]*$/, 'lower-case letters, digits and hyphens')
    .default(''),
  // An external OpenID Connect issuer to trust instead of the local key (docs/operations.md#identity-provider).
  OIDC_ISSUER: z.string().min(1).optional(),
  OIDC_AUDIENCE: z.string().min(1).optional(),
  OIDC_WEB_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLAIMS: z.string().optional(),
});

const fail = (message: string): never => {
  console.error(`\nCannot start the local pipeline: ${message}\n`);
  process.exit(1);
};

const parsed = configSchema.safeParse(process.env);
if (!parsed.success) {
  fail(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
}
const config = parsed.data ?? configSchema.parse({});
if ((config.DYNAMODB_ENDPOINT === undefined) !== (config.MESSAGING_ENDPOINT === undefined)) {
  fail('DYNAMODB_ENDPOINT and MESSAGING_ENDPOINT go together: give both engines, or neither to start them');
}
const engines =
  config.DYNAMODB_ENDPOINT && config.MESSAGING_ENDPOINT
    ? { dynamodbEndpoint: config.DYNAMODB_ENDPOINT, messagingEndpoint: config.MESSAGING_ENDPOINT }
    : undefined;
const dataDir = resolve(config.DATA_DIR);
const throttle =
  config.THROTTLE_RATE > 0 ? { rateLimit: config.THROTTLE_RATE, burstLimit: config.THROTTLE_BURST } : undefined;
const externalIssuer = (() => {
  if (!config.OIDC_ISSUER) return undefined;
  const audience = (config.OIDC_AUDIENCE ?? '')
    .split(',')
    .map((client) => client.trim())
    .filter(Boolean);
  if (audience.length === 0) return fail('OIDC_ISSUER needs OIDC_AUDIENCE: the client id(s) its tokens are issued to');
  try {
    return {
      issuer: config.OIDC_ISSUER,
      audience,
      claimNames: parseClaimNames(config.OIDC_CLAIMS, 'OIDC_CLAIMS'),
      ...(config.OIDC_WEB_CLIENT_ID ? { webClientId: config.OIDC_WEB_CLIENT_ID } : {}),
    };
  } catch (error) {
    return fail((error as Error).message);
  }
})();
const started = Date.now();
const time = (): string => new Date().toISOString().slice(11, 19);

console.log(`Starting the incident reporting pipeline (policy ${config.POLICY}, data in ${dataDir}) …`);

// A bad policy is refused before the runtime loads, in a fraction of the time; the runtime reads
// the policy again as it starts.
await loadPolicy(config.POLICY).catch((error: unknown) =>
  error instanceof DomainError ? fail(error.message) : Promise.reject(error),
);

// The web console is served from web/dist: build it now if it is missing or older than its sources.
try {
  const web = ensureWebBuild((line) => console.log(line));
  if (web.built) console.log(`web console built in ${(web.ms / 1000).toFixed(1)} s`);
} catch (error) {
  fail((error as Error).message);
}

let runtime: LocalRuntime | undefined;
let stoppingSince: number | undefined;
const shutdown = async (reason: string): Promise<void> => {
  if (stoppingSince !== undefined) {
    // Ctrl-C reaches us twice when a wrapper relays the terminal's signal: only a signal sent
    // well after the first one means "stop harder".
    if (Date.now() - stoppingSince < 2_000) return;
    console.log('Stopping harder.');
    // Never leave Java behind, even when not waiting for a clean stop.
    if (runtime?.dynamodbPid) {
      try {
        process.kill(runtime.dynamodbPid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    process.exit(130);
  }
  stoppingSince = Date.now();
  console.log(`\n${reason}: stopping the API, fauxqs and DynamoDB Local …`);
  // Still starting: the code after the start stops what it started.
  if (!runtime) return;
  await runtime.stop();
  console.log('Stopped.');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGHUP', () => void shutdown('SIGHUP'));
// `npm start` runs us under a shell that does not pass SIGTERM on: if whoever started us is gone,
// stop rather than leave Java running with nobody to stop it.
const parentPid = process.ppid;
const watchdog = setInterval(() => {
  if (process.ppid === parentPid) return;
  clearInterval(watchdog);
  void shutdown('the parent process exited');
}, 500);
watchdog.unref();

// The runtime and its engines load only now (a second of CPU): a refused configuration ends before
// them. After the settings above, which the shared logger and metrics read when they are created.
const [{ startLocalRuntime }, { JavaMissingError }, { ExternalIssuerError }] = await Promise.all([
  import('./runtime'),
  import('./dynamodb-local'),
  import('./external-issuer'),
]);
try {
  runtime = await startLocalRuntime({
    port: config.PORT,
    dataDir,
    policy: config.POLICY,
    // Unless someone turned the handlers' metrics off: then there is nothing to tally.
    ...(/^(1|true|yes|y|on)$/i.test(process.env.POWERTOOLS_METRICS_DISABLED ?? '') ? {} : { metricsEveryMs: 60_000 }),
    log: (line) => console.log(`${time()} ${line}`),
    throttle: throttle ?? false,
    ...(config.ROLLUP_CONSUMERS > 1 ? { consumersPerQueue: { rollup: config.ROLLUP_CONSUMERS } } : {}),
    ...(engines ? { engines } : {}),
    ...(config.RESOURCE_PREFIX ? { resourcePrefix: config.RESOURCE_PREFIX } : {}),
    ...(externalIssuer ? { externalIssuer } : {}),
  });
} catch (error) {
  if (error instanceof PortInUseError) {
    fail(
      `${error.message}. Is another \`npm start\` running? Stop it, or choose another port: PORT=${error.port + 1} npm start`,
    );
  }
  if (error instanceof JavaMissingError || error instanceof DomainError || error instanceof ExternalIssuerError) {
    fail(error.message);
  }
  throw error;
}
if (stoppingSince !== undefined) {
  await runtime.stop();
  console.log('Stopped.');
  process.exit(0);
}

const policy = runtime.policy;
console.log(
  [
    '',
    `Incident reporting pipeline — local runtime, ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    `  console  ${runtime.url}/   (the web console; sign in as a unit, an office or an inspector)`,
    `  API      ${runtime.url}   (GET ${runtime.url}/health)`,
    `  data     ${dataDir}   (DynamoDB Local files and the token signing key; kept across restarts)`,
    `  policy   ${policy.name}: ${policy.description}`,
    throttle
      ? `  throttle ${throttle.rateLimit} requests a second, bursts of ${throttle.burstLimit}, as the API stage (THROTTLE_RATE=0 turns it off)`
      : '  throttle off (THROTTLE_RATE=0)',
    '  token    npm run token -- --role reporter --region 110101 --unit U-1',
    '           npm run token -- --role office --region 110100 --level city',
    '           npm run token -- --role inspector --region 110000',
    '  stop     Ctrl-C',
    '',
  ].join('\n'),
);
