/**
 * `npm run bench:intake`: accepted reports per second over HTTP against the local runtime, and,
 * in the same run and at the same concurrency, DynamoDB Local's raw single-item write rate, so
 * the ratio between them holds even on a noisy machine. Rounds alternate (raw, intake, raw,
 * intake, …) and the ratio is taken round by round; the intake's latency is printed beside the raw
 * write latency at the same concurrency (a report is one transaction of three items, so it cannot
 * be quicker than one write).
 *
 * Options: --connections N (32), --seconds S per phase (8), --rounds R (2).
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import autocannon from 'autocannon';
import { openLocalSigner } from '../../infra/local/auth';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { createRawWriteTable, median, percentile, rawWrites, startRuntimeProcess } from './support';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '2' },
  },
});
const connections = Number(values.connections);
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);

const COUNTIES = ['110101', '110102', '110105', '110106', '110107', '110108'];

const reportBody = (n: number): string => {
  const learned = new Date(Date.now() - 5 * 60_000);
  const county = COUNTIES[n % COUNTIES.length] ?? '110101';
  return JSON.stringify({
    kind: 'initial',
    category: 'accident',
    subtype: 'road collapse',
    occurredAt: new Date(learned.getTime() - 60_000).toISOString(),
    learnedAt: learned.toISOString(),
    regionCode: county,
    location: { address: `bench site ${n}` },
    casualties: { dead: 0, injured: n % 5, missing: 0 },
    affectedPeople: 10 + (n % 100),
    directLossYuan: 10_000 * (n % 50),
    summary: `Benchmark report ${n}: a section of road collapsed after heavy rain.`,
    measuresTaken: 'Road closed; traffic diverted.',
    unknowns: 'Extent of damage to the water main.',
    reporter: { name: 'Bench', phone: '+86 10 0000 0000', unit: `U-${county}` },
  });
};

const main = async (): Promise<void> => {
  console.log(`bench:intake — ${connections} concurrent, ${seconds} s per phase, ${rounds} rounds`);
  const runtime = await startRuntimeProcess();
  try {
    const client = new DynamoDBClient({
      region: LOCAL_REGION,
      credentials: localCredentials,
      endpoint: runtime.dynamodbEndpoint,
      maxAttempts: 1,
    });
    const table = await createRawWriteTable(client);

    const signer = await openLocalSigner(runtime.dataDir);
    const tokens = await Promise.all(
      COUNTIES.map((county) =>
        signer.sign({ sub: `bench-${county}`, role: 'reporter', region: county, unit: `U-${county}` }),
      ),
    );
    let counter = 0;
    const intake = async (duration: number) =>
      autocannon({
        url: `${runtime.url}/v1/reports`,
        connections,
        duration,
        method: 'POST',
        requests: [
          {
            setupRequest: (request) => {
              const n = counter++;
              return {
                ...request,
                headers: {
                  'content-type': 'application/json',
                  authorization: `Bearer ${tokens[n % tokens.length]}`,
                },
                body: reportBody(n),
              };
            },
          },
        ],
      });

    // Warm up both paths so JIT and DynamoDB Local's caches are not measured.
    await intake(2);
    await rawWrites(client, table, connections, seconds);

    const rows: {
      raw: number;
      rawP50: number;
      rawP99: number;
      reports: number;
      p50: number;
      p99: number;
      errors: number;
    }[] = [];
    for (let round = 1; round <= rounds; round++) {
      const raw = await rawWrites(client, table, connections, seconds);
      const result = await intake(seconds);
      const accepted = result['2xx'];
      rows.push({
        raw: raw.perSecond,
        rawP50: Math.round(percentile(raw.latencies, 50)),
        rawP99: Math.round(percentile(raw.latencies, 99)),
        reports: accepted / seconds,
        p50: result.latency.p50,
        p99: result.latency.p99,
        errors: result.non2xx + result.errors + result.timeouts,
      });
      const row = rows.at(-1);
      if (row) {
        console.log(
          `round ${round}: raw ${row.raw.toFixed(0)} writes/s, p50 ${row.rawP50} ms, p99 ${row.rawP99} ms | intake ${row.reports.toFixed(0)} reports/s, ` +
            `p50 ${row.p50} ms, p99 ${row.p99} ms, failed ${row.errors} | ratio ${(row.reports / row.raw).toFixed(3)}`,
        );
      }
    }
    client.destroy();

    const ratio = median(rows.map((r) => r.reports / r.raw));
    const p99 = Math.max(...rows.map((r) => r.p99));
    const rawP99 = Math.max(...rows.map((r) => r.rawP99));
    console.log('\nsummary (median over rounds; p99 is the worst round)');
    console.log(`  raw DynamoDB Local single-item writes/s  ${median(rows.map((r) => r.raw)).toFixed(0)}`);
    console.log(`  accepted reports/s                       ${median(rows.map((r) => r.reports)).toFixed(0)}`);
    console.log(
      `  raw write latency p50 / p99              ${median(rows.map((r) => r.rawP50))} ms / ${rawP99} ms   (${connections} in flight)`,
    );
    console.log(
      `  intake latency p50 / p99                 ${median(rows.map((r) => r.p50))} ms / ${p99} ms   (${connections} in flight)`,
    );
    console.log(`  failed requests                          ${rows.reduce((n, r) => n + r.errors, 0)}`);
    console.log(`  ratio reports/s ÷ raw writes/s           ${ratio.toFixed(3)}   (target ≥ 0.25)`);
    console.log(`  p99 at ${connections} concurrent              ${p99} ms   (target ≤ 250 ms)`);
  } finally {
    await runtime.stop();
  }
};

await main();
