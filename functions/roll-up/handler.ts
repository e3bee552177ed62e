/**
 * Consumer of the roll-up queue. Each message is parsed on its own — a malformed one fails alone
 * and, after the queue's receive limit, lands in its dead-letter queue — and the well-formed ones
 * are applied together, so each summary item is written once per chunk of events rather than once
 * per report; then the offices' punctuality counters are moved by the same events. Applying is
 * idempotent: a redelivered batch changes nothing twice.
 */
import { BatchProcessor, EventType } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { makeSummaryStore, summariesEnv } from '../../shared/adapters/dynamodb';
import { makeMoveDuties } from '../../shared/application/duty-counters';
import { makeRollUpEvents } from '../../shared/application/roll-up';
import { readEnv } from '../../shared/config/env';
import { latestStandings } from '../../shared/domain/audit/duty-counters';
import type { IncidentEvent } from '../../shared/domain/incident';
import { rollUp } from '../../shared/domain/rollup';
import { logger, observe, pipelineMetrics } from '../../shared/observability';
import { incidentEventSchema } from '../../shared/schemas/events';

const summaries = makeSummaryStore(readEnv(summariesEnv));
const rollUpEvents = makeRollUpEvents({ summaries });
const moveDuties = makeMoveDuties({ summaries });
const processor = new BatchProcessor(EventType.SQS);

export const handler = middy<SQSEvent>()
  .use(observe())
  .handler(async (event) => {
    const parsed: IncidentEvent[] = [];
    processor.register(event.Records, async (record: SQSRecord) => {
      const incidentEvent = incidentEventSchema.parse(JSON.parse(record.body));
      // Work out its contribution now, so an event the roll-up cannot use fails alone instead of
      // failing the whole batch when the batch is applied.
      rollUp([incidentEvent]);
      latestStandings([incidentEvent]);
      parsed.push(incidentEvent);
    });
    await processor.process();
    // If applying fails, the whole batch is retried: every event in it is applied at most once.
    const result = await rollUpEvents(parsed);
    // The offices' punctuality counters: each duty's standing guards itself, so this needs no marker.
    const duties = await moveDuties(parsed);
    pipelineMetrics.rolledUp(parsed);
    logger.debug('rolled up', { ...result, dutiesMoved: duties.moved, dutyWrites: duties.writes });
    return processor.response();
  });
