/**
 * The task behind the escalation state machine's Remind and CheckDeadline states. Its input is
 * built by the state machine, so it is validated like any other input; its output is the outcome
 * the machine branches on.
 */
import middy from '@middy/core';
import * as z from 'zod';
import { makeCheckDeadline, makeRemind } from '../../shared/application/escalation';
import { logger, observe, pipelineMetrics } from '../../shared/observability';
import { composeAppendEvents } from '../append-events-composition';

const { appendEvents } = await composeAppendEvents();
const checkDeadline = makeCheckDeadline({ appendEvents });
const remind = makeRemind({ appendEvents });

const taskInput = z.object({
  action: z.enum(['remind', 'check']),
  incidentId: z.string().min(1),
  obligationId: z.string().min(1),
  /** The deadline the execution was started for (absent from executions started before it was passed). */
  dueAt: z.string().min(1).optional(),
});

export const handler = middy()
  .use(observe())
  .handler(async (event: unknown) => {
    const input = taskInput.parse(event);
    const outcome = input.action === 'remind' ? await remind(input) : await checkDeadline(input);
    logger.info('deadline task', { ...input, ...outcome });
    pipelineMetrics.deadlineTask(outcome);
    return outcome;
  });
