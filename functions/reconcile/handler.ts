/**
 * On-demand reconciliation on AWS: recomputes every summary from the event log and reports the
 * differences; with `{ "fix": true }`, repairs them. `npm run reconcile` runs the same use case
 * locally.
 */
import middy from '@middy/core';
import * as z from 'zod';
import { incidentTablesEnv, makeIncidentStore, makeSummaryStore, summariesEnv } from '../../shared/adapters/dynamodb';
import { makeReconcile } from '../../shared/application/roll-up';
import { readEnv } from '../../shared/config/env';
import { logger, observe } from '../../shared/observability';

const env = readEnv(incidentTablesEnv.extend(summariesEnv.shape));
const reconcile = makeReconcile({ incidents: makeIncidentStore(env), summaries: makeSummaryStore(env) });
const input = z.object({ fix: z.boolean().default(false) });

export const handler = middy()
  .use(observe())
  .handler(async (event: unknown) => {
    const { fix } = input.parse(event ?? {});
    const result = await reconcile({ fix, progress: (done) => logger.info('reconciling', { incidents: done }) });
    if (result.differences.length > 0)
      logger.warn('summaries differed from the event log', { count: result.differences.length, fix });
    return { ...result, differences: result.differences.slice(0, 100) };
  });
