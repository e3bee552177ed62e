/**
 * On-demand on AWS: imports an officer directory file, then syncs the officers' delivery
 * subscriptions on the officer-notifications topic for the offices it names, each redriving to the
 * officer-delivery dead-letter queue (existing ones are pointed at it in place). A file with any bad
 * row, or an office that could not be notified (a role nobody holds, an hour nobody is on duty),
 * is refused whole: the answer lists every problem where it is (`line 4` of a CSV, `officers[3]`
 * of a JSON file), and nothing is written or subscribed. `npm run officers -- import FILE` runs
 * the same use case locally.
 *
 * Invoked by an operator with `{ "format": "csv" | "json", "content": "<the file's text>" }`, or
 * with the file's bytes as they are, `{ "format", "contentBase64", "encoding"?: "utf-8" | "gb18030" }`,
 * which is how a GB18030 file (Excel's plain CSV on Chinese Windows) arrives intact: text put into
 * a JSON payload has already been decoded, rightly or not. A JSON directory may also be given as
 * the object itself. `effective` (an ISO instant with its offset) is when the file takes effect:
 * now if not given, and never before now, since the directory keeps what it held until then.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import * as z from 'zod';
import { makeOfficerDirectory, officersEnv } from '../../shared/adapters/dynamodb';
import { smsChannelEnv } from '../../shared/adapters/sms/channel';
import { makeSnsSubscriptionRegistry } from '../../shared/adapters/sns/officer-subscriptions';
import { systemClock } from '../../shared/adapters/system';
import { makeImportOfficers } from '../../shared/application/officers';
import { readEnv } from '../../shared/config/env';
import { ValidationError } from '../../shared/domain/errors';
import { logger, observe, tracer } from '../../shared/observability';
import { decodeFile, TEXT_ENCODINGS } from '../../shared/schemas/csv';
import { directoryRows } from '../../shared/schemas/officers';

const env = readEnv(
  officersEnv.merge(smsChannelEnv).extend({
    OFFICER_NOTIFICATIONS_TOPIC_ARN: z.string().min(1),
    // Required here, unlike in the use case: on AWS no officer subscription may be made without it.
    OFFICER_DELIVERY_DLQ_ARN: z.string().regex(/^arn:[^:]+:sqs:/, 'must be the ARN of an SQS queue'),
  }),
);
const importOfficers = makeImportOfficers({
  directory: makeOfficerDirectory(env),
  clock: systemClock,
  subscriptions: makeSnsSubscriptionRegistry({
    client: tracer.captureAWSv3Client(new SNSClient({})),
    topicArn: env.OFFICER_NOTIFICATIONS_TOPIC_ARN,
  }),
  deadLetterTarget: env.OFFICER_DELIVERY_DLQ_ARN,
  // Where the SMS worker sends officers' SMS through a provider, no phone is subscribed on SNS.
  smsBySns: env.OFFICER_SMS_CHANNEL === 'sns',
  // Who gained, lost or had a channel changed, without the address itself: the directory holds that.
  onSubscriptionChange: ({ change, subscription }) =>
    logger.info(`subscription ${change}`, {
      protocol: subscription.protocol,
      personIds: subscription.filterPolicy.personId,
    }),
});

const effective = { effective: z.iso.datetime({ offset: true }).optional() };
const input = z.union([
  z.strictObject({ format: z.literal('csv'), content: z.string(), ...effective }),
  z.strictObject({
    format: z.literal('json'),
    content: z.union([z.string(), z.record(z.string(), z.unknown())]),
    ...effective,
  }),
  z.strictObject({
    format: z.enum(['csv', 'json']),
    contentBase64: z.base64(),
    encoding: z.enum(TEXT_ENCODINGS).optional(),
    ...effective,
  }),
]);

/** The file's text, decoded here when it came as bytes (see `decodeFile`). */
const textOf = (file: z.output<typeof input>) => {
  if ('contentBase64' in file) return decodeFile(Buffer.from(file.contentBase64, 'base64'), file.encoding);
  return { ok: true, text: typeof file.content === 'string' ? file.content : JSON.stringify(file.content) } as const;
};

export const handler = middy()
  .use(observe())
  .handler(async (event: unknown) => {
    const file = input.parse(event);
    const decoded = textOf(file);
    const { rows, problems } = decoded.ok
      ? directoryRows(decoded.text, file.format)
      : { rows: [], problems: [decoded.problem] };
    try {
      const options = file.effective ? { effectiveAt: new Date(file.effective) } : {};
      return { imported: true, ...(await importOfficers(rows, problems, options)) };
    } catch (error) {
      // A bad file is the operator's to fix: answer with every problem, as the CLI prints them.
      // Anything else (a failed sync included) fails the invocation with its message.
      if (!(error instanceof ValidationError)) throw error;
      return { imported: false, message: error.message, problems: (error.details ?? []).map((d) => d.problem) };
    }
  });
