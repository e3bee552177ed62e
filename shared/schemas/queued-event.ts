/**
 * An incident event as a queue consumer receives it: an SQS record whose body is the event (the
 * incident-events topic delivers raw). Checked record by record, so a malformed one fails alone.
 */
import * as z from 'zod';
import { incidentEventSchema } from './events';

const json = z.string().transform((text, context) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    context.addIssue({ code: 'custom', message: 'is not JSON' });
    return z.NEVER;
  }
});

export const queuedEventSchema = z
  .looseObject({
    receiptHandle: z.string().min(1),
    eventSourceARN: z.string().min(1),
    attributes: z.looseObject({ ApproximateReceiveCount: z.coerce.number().int().positive() }),
    body: json.pipe(incidentEventSchema),
  })
  .transform((record) => ({
    event: record.body,
    message: {
      queueArn: record.eventSourceARN,
      receiptHandle: record.receiptHandle,
      receiveCount: record.attributes.ApproximateReceiveCount,
    },
  }));
