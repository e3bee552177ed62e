/**
 * The writes of one append to a hash-chained log (the incident log, a unit's zero-report log):
 * the head on the condition that its version is the one the change was computed from (or that
 * there is none yet), and each event on the condition that its sequence number is free. Both logs
 * append through this, so "no Put overwrites evidence" holds in one place.
 */
import type { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { withStorableNumbers } from './exact-numbers';
import { eventSk } from './keys';

export type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

export const chainAppendItems = (change: {
  readonly table: string;
  readonly pk: string;
  /** The head item as it is to be stored, keys included. */
  readonly head: Record<string, unknown>;
  readonly expectedVersion: number | null;
  readonly events: readonly { readonly seq: number }[];
}): TransactItems => [
  {
    Put: {
      TableName: change.table,
      // A head is rebuilt from the one read: a number read exactly goes back with the same digits.
      Item: withStorableNumbers(change.head),
      ...(change.expectedVersion === null
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': change.expectedVersion },
          }),
    },
  },
  ...change.events.map((event) => ({
    Put: {
      TableName: change.table,
      Item: withStorableNumbers({ pk: change.pk, sk: eventSk(event.seq), ...event }),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  })),
];
