/**
 * The local twin of a DynamoDB stream event source mapping: reads the table's stream from
 * DynamoDB Local and calls the consumer with Lambda-shaped batches, honouring partial batch
 * failures (a failed record is retried, and the shard does not move past it).
 *
 * It speaks the Streams API over plain HTTP: the SDK's streams client is not available at the
 * SDK version the rest of the project is locked to, and DynamoDB Local does not check signatures.
 */
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { onLocalWrite } from '../../shared/adapters/dynamodb/local-writes';
import { countCall, itemBand, writeCountingWanted } from '../../shared/adapters/dynamodb/write-counter';
import { LOCAL_REGION } from './aws-local';

export type StreamConsumer = (
  event: DynamoDBStreamEvent,
) => Promise<{ batchItemFailures?: { itemIdentifier: string }[] } | undefined>;

interface ShardDescription {
  readonly ShardId: string;
  readonly ParentShardId?: string;
  readonly SequenceNumberRange?: { readonly EndingSequenceNumber?: string };
}

export interface StreamPollerOptions {
  readonly endpoint: string;
  readonly streamArn: string;
  readonly batchSize: number;
  readonly consumer: StreamConsumer;
  /** Where to start in shards that exist when polling begins: LATEST skips what was already there. */
  readonly startAt: 'LATEST' | 'TRIM_HORIZON';
  /**
   * The wait between reads that found nothing, within a second of the last write or record, and the
   * least time between two such reads.
   */
  readonly pollMs?: number;
  /**
   * The wait between reads once a second has passed with no write and no record: an idle runtime
   * then keeps Java less busy. A write this process announces (`local-writes.ts`) ends any wait at
   * once; only another process's writes (the command-line tools') wait for the next read.
   */
  readonly idleMs?: number;
  /** Failed records are retried this often before they are parked (logged) and skipped. */
  readonly maxRetries?: number;
  readonly onParked?: (record: DynamoDBRecord, error: string) => void;
}

/** The benchmarks count the poller's calls beside the handlers' (write-counter.ts), as this function's. */
const POLLER = 'streamPoller';

/** A streams call's shape, as write-counter.ts names shapes: for a page of records, how many came. */
const shapeOf = (operation: string, answer: { Records?: unknown[] } | undefined): string =>
  operation === 'GetRecords' ? `stream, ${itemBand(answer?.Records?.length ?? 0)} returned` : 'stream';

/** One Streams API call to DynamoDB Local (`bench:engine` prices them too). */
export const callStreams = async <T>(endpoint: string, operation: string, body: object): Promise<T> => {
  if (!writeCountingWanted()) return send<T>(endpoint, operation, body);
  const answer = await send<T>(endpoint, operation, body).catch((error: unknown) => {
    countCall(POLLER, operation, shapeOf(operation, undefined));
    throw error;
  });
  countCall(POLLER, operation, shapeOf(operation, answer as { Records?: unknown[] }));
  return answer;
};

const send = async <T>(endpoint: string, operation: string, body: object): Promise<T> => {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDBStreams_20120810.${operation}`,
      authorization: `AWS4-HMAC-SHA256 Credential=local/20260101/${LOCAL_REGION}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as T & { __type?: string; message?: string };
  if (!response.ok) throw new Error(`${operation} failed: ${json.__type ?? response.status} ${json.message ?? ''}`);
  return json;
};

class SkipDescribe extends Error {}

export interface StreamPoller {
  /**
   * Whether every write this process announced has been read: a whole pass over the shards began
   * after the last of them and found nothing new, and nothing read is still being delivered.
   */
  caughtUp(): boolean;
  stop(): Promise<void>;
}

/** The pollers running in this process, for {@link streamPollersCaughtUp}. */
const runningPollers = new Set<StreamPoller>();

/**
 * Whether every stream poller in this process has passed on all that this process wrote: with the
 * queues empty, what an accepted write sets off (notifications, timers, roll-ups) has landed or is
 * being handled. Tests that compare the tables before and after a request wait for it.
 */
export const streamPollersCaughtUp = (): boolean => [...runningPollers].every((poller) => poller.caughtUp());

export const startStreamPoller = async (options: StreamPollerOptions): Promise<StreamPoller> => {
  const pollMs = options.pollMs ?? 200;
  const idleMs = options.idleMs ?? 1_000;
  const maxRetries = options.maxRetries ?? 5;
  let running = true;

  // The wait between reads. A write announced in this process shortens it to what is left of
  // `pollMs`, so that reads never follow one another more often than every `pollMs` (a burst of
  // writes to other tables would otherwise have it read after each), and a write made during a
  // read makes the next wait `pollMs`: never longer than before there was an idle wait at all.
  let lastActivity = Date.now();
  let written = false;
  let wake: (() => void) | undefined;
  // Writes announced so far, and how many of them a pass that found nothing had begun after.
  let writesAnnounced = 0;
  let writesPassed = 0;
  const stopListening = onLocalWrite(() => {
    lastActivity = Date.now();
    written = true;
    writesAnnounced += 1;
    wake?.();
  });
  const pause = (): Promise<void> =>
    new Promise((resolve) => {
      const pausedAt = Date.now();
      const finish = () => {
        clearTimeout(timer);
        wake = undefined;
        written = false;
        resolve();
      };
      const shortest = () => (running ? Math.max(0, pausedAt + pollMs - Date.now()) : 0);
      let timer = setTimeout(
        finish,
        written || !running ? shortest() : Date.now() - lastActivity < 1_000 ? pollMs : idleMs,
      );
      wake = () => {
        clearTimeout(timer);
        timer = setTimeout(finish, shortest());
      };
    });
  const iterators = new Map<string, string | null>();
  const done = new Set<string>();

  const describe = async () =>
    (
      await callStreams<{ StreamDescription: { Shards: ShardDescription[] } }>(options.endpoint, 'DescribeStream', {
        StreamArn: options.streamArn,
      })
    ).StreamDescription.Shards;

  const iteratorFor = async (shardId: string, type: 'LATEST' | 'TRIM_HORIZON') =>
    (
      await callStreams<{ ShardIterator: string }>(options.endpoint, 'GetShardIterator', {
        StreamArn: options.streamArn,
        ShardId: shardId,
        ShardIteratorType: type,
      })
    ).ShardIterator;

  // Shards open now start where asked; shards that appear later (a rollover) start at their
  // beginning, so nothing written after polling began is skipped.
  for (const shard of await describe()) {
    const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
    if (closed && options.startAt === 'LATEST') {
      done.add(shard.ShardId);
      continue;
    }
    iterators.set(shard.ShardId, await iteratorFor(shard.ShardId, options.startAt));
  }

  const deliver = async (records: DynamoDBRecord[]): Promise<void> => {
    let pending = records;
    for (let attempt = 0; pending.length > 0; attempt++) {
      let failed: Set<string>;
      try {
        const result = await options.consumer({
          Records: pending.map((r) => ({ ...r, eventSourceARN: options.streamArn })),
        });
        failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch {
        failed = new Set(pending.map((r) => r.dynamodb?.SequenceNumber ?? ''));
      }
      if (failed.size === 0) return;
      // As Lambda does, retry from the first failure: later records wait, so order is kept.
      const first = pending.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''));
      pending = pending.slice(Math.max(0, first));
      if (attempt >= maxRetries) {
        const [parked, ...rest] = pending;
        if (parked) options.onParked?.(parked, `failed ${maxRetries + 1} times`);
        pending = rest;
        attempt = -1;
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
    }
  };

  // DescribeStream is only for finding new shards after a rollover: asking every few seconds (or
  // at once when a shard ends) keeps an idle runtime from keeping Java busy.
  let lastDescribe = Date.now();
  let shardEnded = false;
  const loop = (async () => {
    while (running) {
      let busy = false;
      let failed = false;
      const announcedBefore = writesAnnounced;
      for (const [shardId, iterator] of [...iterators]) {
        if (!running) break;
        if (!iterator) {
          iterators.delete(shardId);
          done.add(shardId);
          shardEnded = true;
          continue;
        }
        try {
          const page = await callStreams<{ Records?: DynamoDBRecord[]; NextShardIterator?: string }>(
            options.endpoint,
            'GetRecords',
            {
              ShardIterator: iterator,
              Limit: options.batchSize,
            },
          );
          const records = page.Records ?? [];
          if (records.length > 0) {
            busy = true;
            lastActivity = Date.now();
            await deliver(records);
          }
          iterators.set(shardId, page.NextShardIterator ?? null);
        } catch (error) {
          if (!running) break;
          failed = true;
          // An expired iterator: ask again from the last place we can be sure of.
          iterators.set(shardId, await iteratorFor(shardId, 'TRIM_HORIZON').catch(() => null));
          console.error(`stream poller: ${(error as Error).message}`);
        }
      }
      if (!running) break;
      try {
        if (!shardEnded && Date.now() - lastDescribe < 2_000) throw new SkipDescribe();
        lastDescribe = Date.now();
        shardEnded = false;
        for (const shard of await describe()) {
          if (!iterators.has(shard.ShardId) && !done.has(shard.ShardId)) {
            iterators.set(shard.ShardId, await iteratorFor(shard.ShardId, 'TRIM_HORIZON'));
          }
        }
      } catch {
        // Not time to look for new shards yet, or DynamoDB Local is stopping (the loop then ends
        // with `running`).
      }
      if (!busy && !failed) writesPassed = announcedBefore;
      if (!busy) await pause();
    }
  })();

  const poller: StreamPoller = {
    caughtUp: () => writesPassed >= writesAnnounced,
    stop: async () => {
      running = false;
      runningPollers.delete(poller);
      stopListening();
      wake?.();
      await loop;
    },
  };
  runningPollers.add(poller);
  return poller;
};
