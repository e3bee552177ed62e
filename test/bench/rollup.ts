/**
 * `npm run bench:rollup`: a burst of reports spread over the counties of one province, submitted
 * over HTTP at a fixed rate to the local runtime, and what it does to the summaries: writes per
 * report to the provincial summary (the hot key) and in total, the lag from a report's 201 to its
 * figures in the provincial summary, and whether the final figures equal the recomputation from
 * the event log.
 *
 * Options: --reports N (2000), --rate R per second (100), --province CODE (420000).
 *
 * Lag is measured cumulatively (rollup-lag.ts).
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { openLocalSigner } from '../../infra/local/auth';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { tables as described } from '../../infra/resources';
import { makeDocumentClient } from '../../shared/adapters/dynamodb/document-client';
import { makeDynamoIncidentStore } from '../../shared/adapters/dynamodb/incident-store';
import { makeDynamoSummaryStore } from '../../shared/adapters/dynamodb/summary-store';
import { makeReconcile } from '../../shared/application/roll-up';
import { chainOf, childrenOf, regionOf } from '../../shared/domain/regions/regions';
import { sampleProvinceCount, waitForCount } from './rollup-lag';
import { percentile, startRuntimeProcess } from './support';

process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

const { values } = parseArgs({
  options: {
    reports: { type: 'string', default: '2000' },
    rate: { type: 'string', default: '100' },
    province: { type: 'string', default: '420000' },
  },
});
const total = Number(values.reports);
const rate = Number(values.rate);
const province = values.province ?? '420000';

/** Every reporting region of the province: its counties, and cities without counties. */
const reportingRegions = (code: string): string[] =>
  childrenOf(code)
    .flatMap((child) => {
      if (child.level === 'county') return [child.code];
      const counties = childrenOf(child.code).map((c) => c.code);
      return counties.length > 0 ? counties : [child.code];
    })
    .filter((c) => {
      try {
        chainOf(c);
        return true;
      } catch {
        return false;
      }
    });

const main = async (): Promise<void> => {
  const regions = reportingRegions(province);
  console.log(
    `bench:rollup — ${total} reports at ${rate}/s over ${regions.length} reporting regions of ${province} ${regionOf(province).name}`,
  );
  const runtime = await startRuntimeProcess({ POLICY: 'national' });
  const dynamodb = new DynamoDBClient({
    region: LOCAL_REGION,
    credentials: localCredentials,
    endpoint: runtime.dynamodbEndpoint,
  });
  const documents = makeDocumentClient(dynamodb);
  const summaries = makeDynamoSummaryStore({ client: documents, table: described.summaries.localName });
  try {
    const signer = await openLocalSigner(runtime.dataDir);
    const tokens = new Map<string, string>();
    for (const region of regions) {
      tokens.set(region, await signer.sign({ sub: `bench-${region}`, role: 'reporter', region, unit: `U-${region}` }));
    }

    // The provincial total, sampled while the burst runs.
    const sampler = sampleProvinceCount(summaries, province);

    const accepted: number[] = [];
    let failed = 0;
    const started = Date.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      // Open loop: report i is sent at its scheduled time whether or not earlier ones are done.
      const due = started + (i * 1000) / rate;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const region = regions[i % regions.length] ?? '420102';
      const now = Date.now();
      inFlight.push(
        fetch(`${runtime.url}/v1/reports`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tokens.get(region)}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            kind: 'initial',
            category: i % 3 === 0 ? 'natural-disaster' : 'accident',
            subtype: 'flood burst',
            occurredAt: new Date(now - 120_000).toISOString(),
            learnedAt: new Date(now - 60_000).toISOString(),
            regionCode: region,
            location: { address: `bench ${i}` },
            casualties: { dead: i % 2, injured: i % 4, missing: i % 3 === 0 ? 1 : 0 },
            affectedPeople: 10 + (i % 50),
            directLossYuan: 1_000 * (i % 20),
            summary: `roll-up benchmark ${i}`,
            reporter: { name: 'Bench', phone: '+86 27 0000 0000', unit: `U-${region}` },
          }),
        })
          .then(async (response) => {
            if (response.status === 201) {
              accepted.push(Date.now());
            } else {
              failed += 1;
              if (failed <= 3) console.error(`report ${i}: ${response.status} ${await response.text()}`);
            }
          })
          .catch((error: unknown) => {
            failed += 1;
            if (failed <= 3)
              console.error(`report ${i}: ${(error as Error).message} ${String((error as Error).cause)}`);
          }),
      );
    }
    await Promise.all(inFlight);
    const sentIn = (Date.now() - started) / 1000;

    // Wait for the summaries to catch up with every accepted report (or give up after 60 s).
    await waitForCount(sampler, accepted.length, 60_000);
    const lags = await sampler.stop(accepted);

    const all = await summaries.all();
    const provinceItems = all.filter((i) => i.key.region === province);
    const totalWrites = all.reduce((n, i) => n + i.writes, 0);
    const reconcile = makeReconcile({
      incidents: makeDynamoIncidentStore({ client: documents, incidentsTable: described.incidents.localName }),
      summaries,
    });
    const check = await reconcile({ fix: false });

    const n = accepted.length;
    console.log(
      `\nsent ${total} in ${sentIn.toFixed(1)} s (${(total / sentIn).toFixed(0)}/s); accepted ${n}, failed ${failed}`,
    );
    console.log(
      `  province summary writes per report     ${(provinceItems.reduce((x, i) => x + i.writes, 0) / n).toFixed(3)}   (target ≤ 0.1)`,
    );
    console.log(
      `  summary writes per report, all items   ${(totalWrites / n).toFixed(3)}   (${totalWrites} writes to ${all.length} items)`,
    );
    console.log(
      `  lag 201 → province summary  p50 ${percentile(lags, 50)} ms, p99 ${percentile(lags, 99)} ms, max ${lags.at(-1)} ms   (target p99 ≤ 2000 ms)`,
    );
    console.log(
      `  recomputation from the event log       ${check.differences.length === 0 ? 'EQUAL' : `${check.differences.length} DIFFERENCES`}   (must be equal)`,
    );
    for (const item of provinceItems)
      console.log(`    stored ${item.key.period}: incidents ${item.counters.incidents}, writes ${item.writes}`);
    for (const d of check.differences.slice(0, 5)) {
      console.log(`    ${d.key.region} ${d.key.period} ${d.counter}: stored ${d.stored}, recomputed ${d.recomputed}`);
    }
    if (check.differences.length > 0 || failed > 0) {
      console.log('\nlast lines of the runtime:');
      console.log(runtime.output().split('\n').slice(-15).join('\n'));
      process.exitCode = 1;
    }
  } finally {
    dynamodb.destroy();
    await runtime.stop();
  }
};

await main();
