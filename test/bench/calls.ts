/**
 * The calls the pipeline makes to DynamoDB Local, as the write counter counts them (by function,
 * operation and shape): the difference between two snapshots, and the table `bench:pipeline`
 * prints of them per accepted report, by kind of call and by function. `bench:engine` prices the
 * same kinds in CPU.
 */
import type { CallCount } from '../../shared/adapters/dynamodb/write-counter';

/** The calls counted in `to` and not yet in `from` (two snapshots of one process's counts). */
export const callsBetween = (from: readonly CallCount[], to: readonly CallCount[]): CallCount[] => {
  const before = new Map(from.map((c) => [`${c.fn}\t${c.operation}\t${c.shape}`, c.count]));
  return to
    .map((c) => ({ ...c, count: c.count - (before.get(`${c.fn}\t${c.operation}\t${c.shape}`) ?? 0) }))
    .filter((c) => c.count > 0);
};

/** Calls by how many were in flight as each began: those in `to` and not yet in `from`. */
export const inFlightBetween = (
  from: Readonly<Record<string, number>> = {},
  to: Readonly<Record<string, number>> = {},
): Record<string, number> =>
  Object.fromEntries(
    Object.entries(to)
      .map(([n, count]) => [n, count - (from[n] ?? 0)] as const)
      .filter(([, count]) => count > 0),
  );

/** The mean and percentiles of the calls in flight as each call began. */
export const describeInFlight = (inFlight: Readonly<Record<string, number>>): string => {
  const levels = Object.entries(inFlight)
    .map(([n, count]) => [Number(n), count] as const)
    .sort((a, b) => a[0] - b[0]);
  const calls = levels.reduce((n, [, count]) => n + count, 0);
  if (calls === 0) return 'no calls';
  const at = (p: number) => {
    let seen = 0;
    for (const [n, count] of levels) {
      seen += count;
      if (seen >= p * calls) return n;
    }
    return levels.at(-1)?.[0] ?? 0;
  };
  const mean = levels.reduce((n, [level, count]) => n + level * count, 0) / calls;
  return `mean ${mean.toFixed(2)}, p50 ${at(0.5)}, p90 ${at(0.9)}, p99 ${at(0.99)}, most ${levels.at(-1)?.[0]}`;
};

/** Table names without the runtime's prefix, as the rest of the printout names them. */
export const shortShape = (shape: string): string =>
  shape.replace(/[\w-]*?(Incidents|Summaries|Idempotency|AccessLog|Officers|ZeroReports|Drills)\b/g, '$1');

/** A kind of call: its operation and shape, as printed. */
export const kindOf = (call: Pick<CallCount, 'operation' | 'shape'>): string =>
  `${call.operation} ${shortShape(call.shape)}`.trim();

const sumBy = <K>(calls: readonly CallCount[], key: (c: CallCount) => K): Map<K, number> => {
  const sums = new Map<K, number>();
  for (const c of calls) sums.set(key(c), (sums.get(key(c)) ?? 0) + c.count);
  return new Map([...sums].sort((a, b) => b[1] - a[1]));
};

/**
 * Prints calls per accepted report by kind (with the functions that made them, largest first) and
 * by function; `idle` are the calls the idle runtime makes a second over as long, if known.
 */
export const printCalls = (
  calls: readonly CallCount[],
  reports: number,
  idle?: { readonly calls: readonly CallCount[]; readonly seconds: number; readonly windowSeconds: number },
): void => {
  const per = (n: number) => (n / reports).toFixed(2).padStart(7);
  const total = calls.reduce((n, c) => n + c.count, 0);
  console.log(`\nDynamoDB calls per accepted report, by kind (${per(total).trim()} in all)`);
  for (const [kind, n] of sumBy(calls, kindOf)) {
    const byFn = [
      ...sumBy(
        calls.filter((c) => kindOf(c) === kind),
        (c) => c.fn,
      ),
    ]
      .map(([fn, m]) => `${fn} ${(m / reports).toFixed(2)}`)
      .join(', ');
    console.log(`  ${kind.padEnd(58)} ${per(n)}   ${byFn}`);
  }
  console.log('\nDynamoDB calls per accepted report, by function');
  for (const [fn, n] of sumBy(calls, (c) => c.fn)) console.log(`  ${fn.padEnd(24)} ${per(n)}`);
  if (idle && idle.seconds > 0) {
    const idleTotal = idle.calls.reduce((n, c) => n + c.count, 0);
    const within = (idleTotal / idle.seconds) * idle.windowSeconds;
    console.log(
      `  (the idle runtime makes ${(idleTotal / idle.seconds).toFixed(1)} calls a second: ${per(within).trim()} a report over this run's ${idle.windowSeconds.toFixed(0)} s are its pollers' and sweeps')`,
    );
  }
};
