/**
 * The deadline sweeper, run on a schedule: checks every pending obligation past its deadline,
 * exactly as its timer would, so a lost timer never lets a deadline pass unflagged.
 */
import middy from '@middy/core';
import { makeCheckDeadline, makeSweepDeadlines } from '../../shared/application/escalation';
import { logger, observe, pipelineMetrics } from '../../shared/observability';
import { composeAppendEvents } from '../append-events-composition';

const { appendEvents, incidents, clock } = await composeAppendEvents();
const sweep = makeSweepDeadlines({ incidents, clock, checkDeadline: makeCheckDeadline({ appendEvents }) });

export const handler = middy()
  .use(observe())
  .handler(async () => {
    const result = await sweep();
    pipelineMetrics.swept(result);
    if (result.missed > 0) logger.warn('sweeper flagged deadlines their timers did not', { ...result });
    return result;
  });
