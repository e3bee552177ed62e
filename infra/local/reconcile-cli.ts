/**
 * `npm run reconcile [-- --fix]`: recomputes every roll-up summary and every office-day's
 * punctuality counters from the event log and lists
 * the differences; `--fix` repairs them. Uses the running local runtime's DynamoDB Local if there
 * is one (DATA_DIR/runtime.json), otherwise starts DynamoDB Local on DATA_DIR itself.
 */
import { resolve } from 'node:path';
import { commandLine } from './command-line';

process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

const { values } = commandLine('usage: npm run reconcile [-- --fix]', {
  options: { fix: { type: 'boolean', default: false } },
});
const dataDir = resolve(process.env.DATA_DIR ?? '.data');

const { makeDynamoIncidentStore } = await import('../../shared/adapters/dynamodb/incident-store');
const { makeDynamoSummaryStore } = await import('../../shared/adapters/dynamodb/summary-store');
const { makeReconcileAll } = await import('../../shared/application/reconcile');
const { connectToLocalDynamoDb } = await import('./local-dynamodb-connection');

const connection = await connectToLocalDynamoDb(dataDir);

try {
  const { client } = connection;
  const stores = {
    incidents: makeDynamoIncidentStore({ client, incidentsTable: connection.table('incidents') }),
    summaries: makeDynamoSummaryStore({ client, table: connection.table('summaries') }),
  };
  const {
    incidents,
    summaries: result,
    duties,
  } = await makeReconcileAll(stores)({
    fix: values.fix ?? false,
    progress: (done) => console.error(`… ${done} incidents`),
  });
  console.log(`${incidents} incidents, ${result.events} events, ${result.items} summary items recomputed`);
  if (result.differences.length === 0) {
    console.log('every summary equals the recomputation from the event log');
  } else {
    console.log(
      `${result.differences.length} differences${values.fix ? ` — repaired ${result.fixed} items` : ' (run with --fix to repair)'}:`,
    );
    for (const d of result.differences.slice(0, 50)) {
      console.log(`  ${d.key.region} ${d.key.period} ${d.counter}: stored ${d.stored}, log says ${d.recomputed}`);
    }
    if (result.differences.length > 50) console.log(`  … and ${result.differences.length - 50} more`);
    if (!values.fix) process.exitCode = 1;
  }
  // The offices' punctuality counters, from the same pass over the log.
  console.log(`${duties.officeDays} office-days of punctuality counters recomputed`);
  if (duties.differences.length === 0) {
    console.log('every office-day equals the recomputation from the event log');
  } else {
    console.log(
      `${duties.differences.length} differences${values.fix ? ` — repaired ${duties.fixed} office-days` : ' (run with --fix to repair)'}:`,
    );
    for (const d of duties.differences.slice(0, 50)) {
      console.log(`  ${d.key.office} ${d.key.day} ${d.counter}: stored ${d.stored}, log says ${d.recomputed}`);
    }
    if (duties.differences.length > 50) console.log(`  … and ${duties.differences.length - 50} more`);
    if (!values.fix) process.exitCode = 1;
  }
} finally {
  await connection.stop();
}
