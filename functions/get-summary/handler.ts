/** GET /v1/summaries/{region}: a region's roll-up, day by day and by child region. */
import { accessLogEnv, makeAccessLog, makeSummaryStore, summariesEnv } from '../../shared/adapters/dynamodb';
import { apiHandler, json } from '../../shared/adapters/http/api-handler';
import { systemClock } from '../../shared/adapters/system';
import { makeReadSummary } from '../../shared/application/roll-up';
import { readEnv } from '../../shared/config/env';
import { regionPathSchema, summaryQuerySchema } from '../../shared/schemas/queries';

const env = readEnv(accessLogEnv.extend(summariesEnv.shape));
const readSummary = makeReadSummary({ summaries: makeSummaryStore(env) });

export const handler = apiHandler(
  {
    action: 'GET /v1/summaries/{region}',
    input: {
      path: regionPathSchema,
      query: summaryQuerySchema,
    },
    accessLog: makeAccessLog(env),
    clock: systemClock,
  },
  async ({ actor, path, query }) => json(200, await readSummary(actor, path.region, query)),
);
