/**
 * `npm run migrate-heads [-- --after POSITION]`: rewrites every incident's head from its log where
 * the stored item is not what the log projects to — heads written before the boards' index keys
 * existed — each on the condition that no append moved it meanwhile. Prints its progress with the
 * position to resume from; running it again changes nothing more. Exits 1 when some heads were
 * left (their state disagrees with their log, or appends kept moving them), 2 when it cannot run.
 * Uses the running local runtime's DynamoDB Local if there is one (DATA_DIR/runtime.json),
 * otherwise starts DynamoDB Local on DATA_DIR itself.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

const usage = 'usage: npm run migrate-heads [-- --after <position from a previous run>]';
const { values } = (() => {
  try {
    return parseArgs({ options: { after: { type: 'string' } } });
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return process.exit(2);
  }
})();
const dataDir = resolve(process.env.DATA_DIR ?? '.data');

const { makeDynamoIncidentStore } = await import('../../shared/adapters/dynamodb/incident-store');
const { makeRewriteHeads, headRewriteSummary } = await import('../../shared/application/rewrite-heads');
const { ValidationError } = await import('../../shared/domain/errors');
const { connectToLocalDynamoDb } = await import('./local-dynamodb-connection');

const connection = await connectToLocalDynamoDb(dataDir);
try {
  const { client } = connection;
  const rewriteHeads = makeRewriteHeads({
    incidents: makeDynamoIncidentStore({
      client,
      incidentsTable: connection.table('incidents'),
    }),
  });
  const result = await rewriteHeads({
    ...(values.after ? { after: values.after } : {}),
    progress: ({ heads, rewritten, after }) =>
      console.error(`… ${heads} heads, ${rewritten} rewritten (to resume: --after ${after})`),
  });
  console.log(headRewriteSummary(result));
  if (result.moving.length > 0 || result.disagreeing.length > 0) process.exitCode = 1;
} catch (error) {
  if (!(error instanceof ValidationError)) throw error;
  console.error(`--after ${values.after}: ${(error.details ?? []).map((d) => d.problem).join('; ')}\n${usage}`);
  process.exitCode = 2;
} finally {
  await connection.stop();
}
