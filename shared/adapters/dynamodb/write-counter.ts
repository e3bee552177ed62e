/**
 * Counts the item writes a process makes to DynamoDB, and the write units they consume, by the
 * function that made them and the kind of item written, from the calls themselves: the
 * benchmarks' measure of write amplification (`npm run bench:pipeline`).
 *
 * It is off unless `DYNAMODB_COUNT_WRITES=true`, and off means absent: no middleware on the client
 * and no async context, so the handlers on AWS run exactly as without it. On, every write asks
 * for `ReturnConsumedCapacity: 'INDEXES'` (DynamoDB Local answers it as DynamoDB does, base table
 * and each index), and a refused transaction is counted by the reasons its items were refused.
 * Reads are counted too, by function, with the read units they consumed (`TOTAL`), for the cost
 * model. And every call, of whatever operation, is counted by function, operation and shape (the
 * table and index it reads, the items it carries, the items it returns): what DynamoDB Local's
 * CPU per report is spent on (`npm run bench:engine` measures the CPU of each kind of call).
 *
 * Which function wrote is the name given to `attributeWritesTo` by whoever invokes the handler
 * (the local twin, once per invocation), or else the Lambda's own name.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { readEnv } from '../../config/env';

const countingEnv = z.object({ DYNAMODB_COUNT_WRITES: z.enum(['true', 'false']).default('false') });

/** Whether this process counts its writes (see above). */
export const writeCountingWanted = (env: NodeJS.ProcessEnv = process.env): boolean =>
  readEnv(countingEnv, env).DYNAMODB_COUNT_WRITES === 'true';

/** What one function wrote of one kind of item to one table. */
export interface WriteCount {
  readonly fn: string;
  readonly table: string;
  /** The item's kind: its partition key's prefix, and for incidents `HEAD` or `EVT` (keys.ts). */
  readonly kind: string;
  /** Items written (a transaction's or batch's items each count). */
  items: number;
  /** Write capacity units consumed, base table and indexes together, as DynamoDB reported them. */
  units: number;
  /** Of `units`, those consumed by the table's global secondary indexes. */
  indexUnits: number;
  /**
   * The least DynamoDB charges for these items on the base table: 2 units each in a transaction,
   * 1 otherwise. DynamoDB Local reports fewer for some transactions (the roll-up's), so the cost
   * model takes the greater of this and `units`.
   */
  floorUnits: number;
}

/** Write calls that did not happen: refused transactions and failed single writes. */
export interface RefusalCount {
  readonly fn: string;
  readonly command: string;
  /**
   * Why: a refused transaction's reasons (`ConditionalCheckFailed`, `TransactionConflict`, both
   * joined by `+`), or the error's name.
   */
  readonly reason: string;
  count: number;
}

/** A function's reads and the read units they consumed, as DynamoDB reported them. */
export interface ReadCount {
  readonly fn: string;
  calls: number;
  units: number;
}

/** A function's invocations and their total duration, as this process ran them. */
export interface InvocationCount {
  readonly fn: string;
  count: number;
  ms: number;
}

/** Calls of one kind a function made, whether they read, wrote or only waited on the engine. */
export interface CallCount {
  readonly fn: string;
  /** The API's operation: `GetItem`, `Query`, `TransactWriteItems`, the streams' `GetRecords`, … */
  readonly operation: string;
  /** What tells calls of one operation apart in cost: see `callShape`. */
  readonly shape: string;
  count: number;
}

export interface WriteTally {
  readonly writes: readonly WriteCount[];
  readonly refusals: readonly RefusalCount[];
  readonly invocations: readonly InvocationCount[];
  readonly reads: readonly ReadCount[];
  /** Absent from counts saved before calls were counted. */
  readonly calls?: readonly CallCount[];
  /**
   * How many of this process's calls were in flight as each call began, itself included: calls by
   * that number (`"1"`: none other was). The concurrency DynamoDB sees from the process.
   */
  readonly inFlight?: Readonly<Record<string, number>>;
}

const scope = new AsyncLocalStorage<string>();
const writes = new Map<string, WriteCount>();
const refusals = new Map<string, RefusalCount>();
const invocations = new Map<string, InvocationCount>();
const reads = new Map<string, ReadCount>();
const calls = new Map<string, CallCount>();
const inFlightAtStart = new Map<number, number>();
let inFlight = 0;
let counting = false;

/**
 * Runs one invocation of `fn` with its writes counted as `fn`'s, and counts the invocation and
 * how long it took (for the cost model); just runs it when nothing is counted.
 */
export const attributeWritesTo = <T>(fn: string, work: () => Promise<T>): Promise<T> => {
  if (!counting) return work();
  const started = performance.now();
  return scope.run(fn, work).finally(() => {
    const count = invocations.get(fn) ?? { fn, count: 0, ms: 0 };
    count.count += 1;
    count.ms += performance.now() - started;
    invocations.set(fn, count);
  });
};

const currentFunction = (): string => scope.getStore() ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'runtime';

/** A snapshot of everything counted so far in this process. */
export const writeTally = (): WriteTally => ({
  writes: [...writes.values()].map((w) => ({ ...w })),
  refusals: [...refusals.values()].map((r) => ({ ...r })),
  invocations: [...invocations.values()].map((i) => ({ ...i })),
  reads: [...reads.values()].map((r) => ({ ...r })),
  calls: [...calls.values()].map((c) => ({ ...c })),
  inFlight: Object.fromEntries(inFlightAtStart),
});

/** Forgets what was counted (tests). */
export const resetWriteTally = (): void => {
  writes.clear();
  refusals.clear();
  invocations.clear();
  reads.clear();
  calls.clear();
  inFlightAtStart.clear();
};

/**
 * Counts one call made outside the counted client (the local stream poller's, over plain HTTP),
 * as `fn`'s; `shape` as `callShape` would say it.
 */
export const countCall = (fn: string, operation: string, shape: string): void => {
  const id = `${fn}\t${operation}\t${shape}`;
  const count = calls.get(id) ?? { fn, operation, shape, count: 0 };
  count.count += 1;
  calls.set(id, count);
};

/**
 * A number of items as a band: exact up to 5 (an append's items), then 6–10, 11–20, 21–50 and
 * 51–100, so that calls whose cost grows with their items are told apart without a row for every count.
 */
export const itemBand = (n: number): string =>
  n <= 5 ? String(n) : n <= 10 ? '6–10' : n <= 20 ? '11–20' : n <= 50 ? '21–50' : n <= 100 ? '51–100' : '>100';

type AttributeValue = { readonly S?: string; readonly N?: string } | string | number | undefined;
type Key = Readonly<Record<string, AttributeValue>>;

/** A key attribute as text, whether the document client has marshalled it yet or not. */
const text = (value: AttributeValue): string =>
  typeof value === 'object' ? (value.S ?? value.N ?? '') : value === undefined ? '' : String(value);

/** The kind of an item from its key: `INC/HEAD`, `INC/EVT`, `SUM`, `APPLIED`, `report`, … */
export const itemKind = (key: Key | undefined): string => {
  if (!key) return '?';
  const partition = text(key.pk ?? key.id);
  const prefix = partition.includes('#') ? partition.slice(0, partition.indexOf('#')) : partition;
  const sort = text(key.sk);
  if (sort === 'HEAD') return `${prefix}/HEAD`;
  if (sort.startsWith('EVT#')) return `${prefix}/EVT`;
  return prefix;
};

interface WriteRequest {
  readonly TableName?: string;
  readonly Item?: Key;
  readonly Key?: Key;
}
interface TransactItem {
  readonly Put?: WriteRequest;
  readonly Update?: WriteRequest;
  readonly Delete?: WriteRequest;
  readonly ConditionCheck?: WriteRequest;
}
interface Capacity {
  readonly TableName?: string;
  readonly CapacityUnits?: number;
  readonly GlobalSecondaryIndexes?: Readonly<Record<string, { readonly CapacityUnits?: number }>>;
}

/** The items a write command writes, each with its table and kind (condition checks write none). */
const itemsOf = (command: string, input: Record<string, unknown>): { table: string; kind: string }[] => {
  switch (command) {
    case 'PutItemCommand':
      return [{ table: String(input.TableName), kind: itemKind(input.Item as Key) }];
    case 'UpdateItemCommand':
    case 'DeleteItemCommand':
      return [{ table: String(input.TableName), kind: itemKind(input.Key as Key) }];
    case 'TransactWriteItemsCommand':
      return ((input.TransactItems ?? []) as TransactItem[]).flatMap((t) => {
        const write = t.Put ?? t.Update ?? t.Delete;
        return write ? [{ table: String(write.TableName), kind: itemKind(write.Item ?? write.Key) }] : [];
      });
    case 'BatchWriteItemCommand':
      return Object.entries((input.RequestItems ?? {}) as Record<string, { PutRequest?: WriteRequest }[]>).flatMap(
        ([table, requests]) =>
          requests.map((r) => ({
            table,
            kind: itemKind(r.PutRequest?.Item ?? (r as { DeleteRequest?: WriteRequest }).DeleteRequest?.Key),
          })),
      );
    default:
      return [];
  }
};

/** Items a batch write handed back unwritten, by table. */
const unprocessedOf = (output: Record<string, unknown>): Map<string, number> =>
  new Map(Object.entries((output.UnprocessedItems ?? {}) as Record<string, unknown[]>).map(([t, r]) => [t, r.length]));

const record = (
  fn: string,
  table: string,
  kind: string,
  items: number,
  units: number,
  indexUnits: number,
  perItem: number,
) => {
  const id = `${fn}\t${table}\t${kind}`;
  const count = writes.get(id) ?? { fn, table, kind, items: 0, units: 0, indexUnits: 0, floorUnits: 0 };
  count.items += items;
  count.units += units;
  count.indexUnits += indexUnits;
  count.floorUnits += items * perItem;
  writes.set(id, count);
};

const refuse = (fn: string, command: string, reason: string) => {
  const id = `${fn}\t${command}\t${reason}`;
  const count = refusals.get(id) ?? { fn, command, reason, count: 0 };
  count.count += 1;
  refusals.set(id, count);
};

/**
 * Shares each table's reported units among the kinds of item written to it, in proportion to the
 * items of each kind (DynamoDB reports units per table, not per item).
 */
const countWrites = (
  fn: string,
  items: readonly { table: string; kind: string }[],
  capacity: readonly Capacity[],
  perItem: number,
) => {
  const byTable = new Map<string, Map<string, number>>();
  for (const { table, kind } of items) {
    const kinds = byTable.get(table) ?? new Map<string, number>();
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    byTable.set(table, kinds);
  }
  for (const [table, kinds] of byTable) {
    const reported = capacity.find((c) => c.TableName === table);
    const total = [...kinds.values()].reduce((a, b) => a + b, 0);
    const units = reported?.CapacityUnits ?? 0;
    const indexUnits = Object.values(reported?.GlobalSecondaryIndexes ?? {}).reduce(
      (n, i) => n + (i.CapacityUnits ?? 0),
      0,
    );
    for (const [kind, n] of kinds) record(fn, table, kind, n, (units * n) / total, (indexUnits * n) / total, perItem);
  }
};

const MIDDLEWARE_NAME = 'dynamoDbWriteCounter';

/** The reads whose units are counted too, for the cost model. */
const READS = new Set([
  'GetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'TransactGetItemsCommand',
]);

type Input = Record<string, unknown>;

/** The tables a call names, each once, in order. */
const tablesOf = (command: string, input: Input): string[] => {
  const names =
    command === 'TransactWriteItemsCommand' || command === 'TransactGetItemsCommand'
      ? ((input.TransactItems ?? []) as Record<string, WriteRequest>[]).flatMap((t) =>
          Object.values(t).map((w) => String(w.TableName)),
        )
      : command.startsWith('Batch')
        ? Object.keys((input.RequestItems ?? {}) as Input)
        : input.TableName === undefined
          ? []
          : [String(input.TableName)];
  return [...new Set(names)];
};

/** How many items a batch or transaction carries (keys asked for, items written or checked). */
const carried = (command: string, input: Input): number | undefined => {
  if (command === 'TransactWriteItemsCommand' || command === 'TransactGetItemsCommand')
    return ((input.TransactItems ?? []) as unknown[]).length;
  if (command === 'BatchGetItemCommand')
    return Object.values((input.RequestItems ?? {}) as Record<string, { Keys?: unknown[] }>).reduce(
      (n, r) => n + (r.Keys?.length ?? 0),
      0,
    );
  if (command === 'BatchWriteItemCommand')
    return Object.values((input.RequestItems ?? {}) as Record<string, unknown[]>).reduce((n, r) => n + r.length, 0);
  return undefined;
};

/**
 * What shapes a call's cost beside its operation: the tables it names (a query's index after a
 * dot), the items a transaction or batch carries, and for a query or scan the items it returned.
 */
export const callShape = (command: string, input: Input, output: Input | undefined): string => {
  const index = typeof input.IndexName === 'string' ? `.${input.IndexName}` : '';
  const parts = [`${tablesOf(command, input).join('+')}${index}`];
  const items = carried(command, input);
  if (items !== undefined) parts.push(`${itemBand(items)} items`);
  if ((command === 'QueryCommand' || command === 'ScanCommand') && output)
    parts.push(`${itemBand(Number(output.Count ?? 0))} returned`);
  return parts.filter(Boolean).join(', ');
};

/** Adds the counter to `client` (once) and turns counting on in this process. */
export const withWriteCounter = (client: DynamoDBClient): DynamoDBClient => {
  counting = true;
  if (client.middlewareStack.identify().some((entry) => entry.startsWith(MIDDLEWARE_NAME))) return client;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      const input = args.input as Record<string, unknown>;
      const fn = currentFunction();
      const counted = (output: Input | undefined) =>
        countCall(fn, command.replace(/Command$/, ''), callShape(command, input, output));
      inFlight += 1;
      inFlightAtStart.set(inFlight, (inFlightAtStart.get(inFlight) ?? 0) + 1);
      try {
        const result = await next(args);
        counted(result.output as unknown as Input);
        return result;
      } catch (error) {
        counted(undefined);
        throw error;
      } finally {
        inFlight -= 1;
      }
    },
    { step: 'initialize', name: `${MIDDLEWARE_NAME}Calls` },
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      const input = args.input as Record<string, unknown>;
      const items = itemsOf(command, input);
      if (items.length === 0) {
        if (!READS.has(command)) return next(args);
        const result = await next({ ...args, input: { ReturnConsumedCapacity: 'TOTAL', ...input } });
        const consumed = (result.output as unknown as Record<string, unknown>).ConsumedCapacity;
        const capacity = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as Capacity[];
        const fn = currentFunction();
        const count = reads.get(fn) ?? { fn, calls: 0, units: 0 };
        count.calls += 1;
        count.units += capacity.reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
        reads.set(fn, count);
        return result;
      }
      const fn = currentFunction();
      try {
        // A copy: the caller's command is left as it was given.
        const result = await next({ ...args, input: { ReturnConsumedCapacity: 'INDEXES', ...input } });
        const output = result.output as unknown as Record<string, unknown>;
        const skipped = unprocessedOf(output);
        const written = items.filter(({ table }) => {
          const left = skipped.get(table) ?? 0;
          if (left === 0) return true;
          skipped.set(table, left - 1);
          return false;
        });
        const consumed = output.ConsumedCapacity;
        const capacity = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as Capacity[];
        countWrites(fn, written, capacity, command === 'TransactWriteItemsCommand' ? 2 : 1);
        return result;
      } catch (error) {
        const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
        const codes = [...new Set(reasons.flatMap((r) => (r.Code && r.Code !== 'None' ? [r.Code] : [])))].sort();
        refuse(fn, command, codes.length > 0 ? codes.join('+') : (error as Error).name);
        throw error;
      }
    },
    { step: 'initialize', name: MIDDLEWARE_NAME },
  );
  return client;
};
