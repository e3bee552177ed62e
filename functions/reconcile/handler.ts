/**
 * On-demand reconciliation on AWS: recomputes every summary and every office-day's punctuality
 * counters from the event log, in one pass over it, and reports the differences; with `{ "fix": true }`, repairs them. `npm run reconcile` runs the same use case
 * locally.
 */
import middy from '@middy/core';
import * as z from 'zod';
import { incidentTablesEnv, makeIncidentStore, makeSummaryStore, summariesEnv } from '../../shared/adapters/dynamodb';
import { makeReconcileAll } from '../../shared/application/reconcile';
import { readEnv } from '../../shared/config/env';
import { logger, observe } from '../../shared/observability';

const env = readEnv(incidentTablesEnv.extend(summariesEnv.shape));
const stores = { incidents: makeIncidentStore(env), summaries: makeSummaryStore(env) };
const reconcile = makeReconcileAll(stores);
const input = z.object({ fix: z.boolean().default(false) });

export const handler = middy()
  .use(observe())
  .handler(async (event: unknown) => {
    const { fix } = input.parse(event ?? {});
    const { incidents, summaries, duties } = await reconcile({
      fix,
      progress: (done) => logger.info('reconciling', { incidents: done }),
    });
    if (summaries.differences.length > 0)
      logger.warn('summaries differed from the event log', { count: summaries.differences.length, fix });
    if (duties.differences.length > 0)
      logger.warn('punctuality counters differed from the event log', { count: duties.differences.length, fix });
    return {
      incidents,
      ...summaries,
      differences: summaries.differences.slice(0, 100),
      duties: { ...duties, differences: duties.differences.slice(0, 100) },
    };
  });
