import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { eventSk, HEAD_SK, incidentPk } from '../../shared/adapters/dynamodb/keys';
import { eventFromStreamRecord } from '../../shared/adapters/dynamodb/stream-events';

// A record as DynamoDB Streams delivers it: the item in the wire format, under NewImage.
const record = (eventName: DynamoDBRecord['eventName'], item: Record<string, unknown> | undefined): DynamoDBRecord => ({
  eventName,
  // The stream's AttributeValue type and the SDK's describe the same wire format.
  dynamodb: item ? { NewImage: marshall(item) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'] } : {},
});

const event = { incidentId: 'inc-1', seq: 3, type: 'ReportAcknowledged', hash: 'ab'.repeat(32) };
const stored = { pk: incidentPk('inc-1'), sk: eventSk(3), ...event };

describe('eventFromStreamRecord', () => {
  it('reads an inserted event item as the event, without the table keys', () => {
    expect(eventFromStreamRecord(record('INSERT', stored))).toEqual(event);
  });

  it('ignores a head, which is put and updated in place and is not an event', () => {
    expect(eventFromStreamRecord(record('INSERT', { ...stored, sk: HEAD_SK }))).toBeUndefined();
  });

  it('ignores an event item that was modified or removed: only an insert appends', () => {
    expect(eventFromStreamRecord(record('MODIFY', stored))).toBeUndefined();
    expect(eventFromStreamRecord(record('REMOVE', stored))).toBeUndefined();
  });

  it('ignores a record without a new image (a keys-only stream view)', () => {
    expect(eventFromStreamRecord(record('INSERT', undefined))).toBeUndefined();
  });

  it('ignores items of other kinds stored beside the events', () => {
    expect(eventFromStreamRecord(record('INSERT', { pk: 'DENIED#11', sk: 'x', reason: 'r' }))).toBeUndefined();
    expect(eventFromStreamRecord(record('INSERT', { pk: 'PERIODS', sk: 7 }))).toBeUndefined();
  });
});
