/**
 * The Incidents table's stream read as the log it carries: a record is an appended event when it
 * inserts an item under an event's sort key (`EVT#<seq>`). Heads are put and updated in place and
 * are not events. Consumers of the stream (the fan-out, the local runtime's console) ask here
 * instead of knowing the table's key layout.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { EVENT_SK_PREFIX } from './keys';

/** Whether an item of the Incidents table is one of an incident's events. */
const isEventItem = (item: Readonly<Record<string, unknown>>): boolean =>
  typeof item.sk === 'string' && item.sk.startsWith(EVENT_SK_PREFIX);

/**
 * The event a stream record appended, as it was stored without the table's keys (to be validated by
 * the consumer), or `undefined` when the record is not an appended event.
 */
export const eventFromStreamRecord = (record: DynamoDBRecord): Record<string, unknown> | undefined => {
  // Events are only ever inserted: a modified or removed item is never a new event.
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image) return undefined;
  // The stream's attribute values are DynamoDB's wire format, which the SDK's type describes too.
  const item = unmarshall(image as Record<string, AttributeValue>);
  if (!isEventItem(item)) return undefined;
  const { pk: _pk, sk: _sk, ...event } = item;
  return event;
};
