/**
 * `npm run cost`: what a million accepted reports cost on AWS, from the counts the last
 * `npm run bench:pipeline` saved, at the list prices of `prices.ts` (cost-model.ts says what is
 * measured and what is derived). Prints the cost by service and by stage, and which dominates.
 *
 * Options: --in FILE (.bench/pipeline.json); --lambda-ms N bills every invocation N ms instead of
 * the durations measured on this machine.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { costModel } from './cost-model';
import type { PipelineCounts } from './pipeline';
import { PRICES } from './prices';

const { values } = parseArgs({
  options: { in: { type: 'string', default: '.bench/pipeline.json' }, 'lambda-ms': { type: 'string' } },
});
const file = values.in ?? '.bench/pipeline.json';
let counts: PipelineCounts;
try {
  counts = JSON.parse(readFileSync(file, 'utf8')) as PipelineCounts;
} catch (error) {
  console.error(`cannot read ${file} (${(error as Error).message}): run npm run bench:pipeline first`);
  process.exit(2);
}
const lambdaMs = values['lambda-ms'] === undefined ? undefined : Number(values['lambda-ms']);
const model = costModel(counts, PRICES, lambdaMs === undefined ? {} : { msPerInvocation: lambdaMs });
const dollars = (n: number) => `$${n.toFixed(2)}`.padStart(10);
const share = (n: number) => `${((100 * n) / model.total).toFixed(0)} %`.padStart(6);
const sorted = <K>(map: ReadonlyMap<K, number>) => [...map].sort((a, b) => b[1] - a[1]);

console.log(
  `cost per million accepted reports — ${PRICES.region}, list prices of ${PRICES.asOf} (${PRICES.currency}), counts of ${counts.measuredAt} (${model.reports} reports)`,
);
console.log(
  lambdaMs === undefined
    ? 'Lambda billed at the durations measured here (an upper bound on a loaded machine; --lambda-ms N to state one)'
    : `Lambda billed at ${lambdaMs} ms an invocation`,
);
console.log('\nby service');
for (const [service, cost] of sorted(model.byService))
  console.log(`  ${service.padEnd(18)} ${dollars(cost)} ${share(cost)}`);
console.log('\nby stage');
for (const [stage, cost] of sorted(model.byStage)) console.log(`  ${stage.padEnd(24)} ${dollars(cost)} ${share(cost)}`);
console.log(`\n  ${'total'.padEnd(24)} ${dollars(model.total)}`);
if (counts.officerMessages && counts.officerMessages.sms > 0) {
  const { sms } = counts.officerMessages;
  console.log(
    `\nnot priced: ${((sms / model.reports) * 1e6).toFixed(0)} SMS per million reports, sent through the provider that delivers in mainland China (its own prices, in yuan)`,
  );
}
const [topService] = sorted(model.byService);
const [topStage] = sorted(model.byStage);
if (topService && topStage) {
  console.log(
    `\ndominant: ${topService[0]} (${share(topService[1]).trim()}); stage ${topStage[0]} (${share(topStage[1]).trim()})`,
  );
}
