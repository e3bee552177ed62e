/**
 * On-demand on AWS: rewrites incident heads from their logs where the stored item differs (heads
 * written before the boards' index keys), each on the condition that no append moved it
 * meanwhile. `npm run migrate-heads` runs the same use case locally. A run stops a minute before
 * its invocation would be cut off and answers `after`: invoke again with `{ "after": … }` to go on.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { incidentTablesEnv, makeIncidentStore } from '../../shared/adapters/dynamodb';
import { makeRewriteHeads } from '../../shared/application/rewrite-heads';
import { readEnv } from '../../shared/config/env';
import { logger, observe } from '../../shared/observability';

const env = readEnv(incidentTablesEnv);
const rewriteHeads = makeRewriteHeads({ incidents: makeIncidentStore(env) });
const input = z.object({ after: z.string().min(1).optional() });

/** Time kept back for the page under way (200 items, each head's log read and maybe rewritten). */
const FINISH_MARGIN_MS = 60_000;

export const handler = middy()
  .use(observe())
  .handler(async (event: unknown, context: Context) => {
    const { after } = input.parse(event ?? {});
    const result = await rewriteHeads({
      ...(after ? { after } : {}),
      keepGoing: () => context.getRemainingTimeInMillis() > FINISH_MARGIN_MS,
      progress: (progress) => logger.info('rewriting heads', { ...progress }),
    });
    if (result.disagreeing.length > 0 || result.moving.length > 0) {
      logger.warn('heads left as they are', { disagreeing: result.disagreeing.length, moving: result.moving.length });
    }
    return {
      ...result,
      moving: result.moving.slice(0, 100),
      disagreeing: result.disagreeing.slice(0, 100),
    };
  });
