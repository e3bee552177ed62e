/**
 * The local twin of the dashboard. The handlers print their metrics as they do in Lambda: one
 * line of Embedded Metric Format JSON on stdout per flush, which CloudWatch would turn into
 * metrics. Locally the runtime takes those lines off stdout before they reach the console, adds
 * them up, and prints one short line a minute — reports, deadlines missed, roll-up lag, and
 * whatever else happened — so that a drill shows the numbers an operator would see on AWS, from
 * the same handlers, unchanged.
 */
import { METRIC, METRICS_NAMESPACE } from '../../shared/observability/metric-names';

/** One EMF document, as far as the tally reads it. */
interface EmfDocument {
  readonly _aws?: {
    readonly CloudWatchMetrics?: readonly {
      readonly Namespace?: string;
      readonly Metrics?: readonly { readonly Name?: string }[];
    }[];
  };
  readonly [key: string]: unknown;
}

/** What the metrics said since the last line. */
export interface MetricsWindow {
  /** Sums of the counting metrics, by name. */
  readonly counts: Map<string, number>;
  readonly reportsByKind: Map<string, number>;
  readonly reportsByGrade: Map<string, number>;
  /** Every roll-up lag value, in milliseconds. */
  readonly lags: number[];
}

export const emptyWindow = (): MetricsWindow => ({
  counts: new Map(),
  reportsByKind: new Map(),
  reportsByGrade: new Map(),
  lags: [],
});

const add = (map: Map<string, number>, key: string, value: number): void => {
  map.set(key, (map.get(key) ?? 0) + value);
};

const numbers = (value: unknown): number[] =>
  (Array.isArray(value) ? value : [value]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));

/** Adds one EMF document of the pipeline's namespace to `window`; anything else is ignored. */
export const tallyDocument = (window: MetricsWindow, document: EmfDocument): void => {
  for (const directive of document._aws?.CloudWatchMetrics ?? []) {
    if (directive.Namespace !== METRICS_NAMESPACE) continue;
    for (const { Name: name } of directive.Metrics ?? []) {
      if (!name) continue;
      const values = numbers(document[name]);
      if (name === METRIC.rollUpLag) {
        window.lags.push(...values);
        continue;
      }
      const total = values.reduce((sum, v) => sum + v, 0);
      add(window.counts, name, total);
      if (name === METRIC.reportsAccepted) {
        if (typeof document.kind === 'string') add(window.reportsByKind, document.kind, total);
        if (typeof document.grade === 'string') add(window.reportsByGrade, document.grade, total);
      }
    }
  }
};

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;

const breakdown = (map: ReadonlyMap<string, number>, prefix = ''): string =>
  [...map.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, n]) => `${prefix}${key} ${n}`)
    .join(', ');

/**
 * The line for a window: reports (by kind and grade), deadlines missed and roll-up lag always;
 * escalations, lost timers, notifications, zero reports missed and broken chains when there were any.
 */
export const describeWindow = (window: MetricsWindow, span = 'last minute'): string => {
  const count = (name: string) => window.counts.get(name) ?? 0;
  const reports = count(METRIC.reportsAccepted);
  const parts = [
    `reports ${reports}` +
      (reports > 0 ? ` (${breakdown(window.reportsByKind)}; ${breakdown(window.reportsByGrade, 'grade ')})` : ''),
    `deadlines missed ${count(METRIC.deadlinesMissed)}`,
  ];
  const sorted = [...window.lags].sort((a, b) => a - b);
  parts.push(
    sorted.length === 0
      ? 'roll-up lag – (nothing rolled up)'
      : `roll-up lag p50 ${seconds(percentile(sorted, 50))}, max ${seconds(sorted.at(-1) ?? 0)} (${sorted.length} events)`,
  );
  const optional: [string, string][] = [
    [METRIC.autoEscalations, 'auto-escalations'],
    [METRIC.lostTimers, 'LOST TIMERS'],
    [METRIC.notificationsSent, 'notifications sent'],
    [METRIC.notificationsFailed, 'notifications failed'],
    [METRIC.zeroReportsMissed, 'zero reports missed'],
    [METRIC.chainVerificationFailures, 'CHAINS BROKEN'],
  ];
  for (const [name, label] of optional) {
    if (count(name) > 0) parts.push(`${label} ${count(name)}`);
  }
  return `metrics, ${span}: ${parts.join(' · ')}`;
};

export interface MetricsTally {
  /** The line for what was counted since the last one, starting a new window. */
  report(): string;
  /** Stops printing and gives stdout back. */
  stop(): void;
}

const EMF_PREFIX = '{"_aws":';

/**
 * Takes the EMF lines off stdout from now on (Powertools writes each as one `write` of one line
 * starting with `{"_aws":`; every other write passes untouched) and prints the tally every
 * `everyMs` through `print`.
 */
export const startMetricsTally = (options: {
  readonly everyMs: number;
  readonly print: (line: string) => void;
}): MetricsTally => {
  let window = emptyWindow();
  const stdout = process.stdout;
  const original = stdout.write;
  const intercept = function (this: typeof stdout, chunk: unknown, ...rest: unknown[]): boolean {
    const text = typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString() : '';
    if (text.startsWith(EMF_PREFIX)) {
      const others: string[] = [];
      for (const line of text.split('\n')) {
        if (!line.startsWith(EMF_PREFIX)) {
          if (line !== '') others.push(line);
          continue;
        }
        try {
          tallyDocument(window, JSON.parse(line) as EmfDocument);
        } catch {
          others.push(line);
        }
      }
      // Nothing of Powertools' waits on the callback, but honour one if given.
      const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
      if (others.length === 0) {
        callback?.();
        return true;
      }
      return original.call(this, `${others.join('\n')}\n`, ...(rest as [])) as boolean;
    }
    return original.call(this, chunk as string, ...(rest as [])) as boolean;
  };
  stdout.write = intercept as typeof stdout.write;

  const report = (): string => {
    const line = describeWindow(window);
    window = emptyWindow();
    return line;
  };
  const timer = setInterval(() => options.print(report()), options.everyMs);
  timer.unref();
  return {
    report,
    stop: () => {
      clearInterval(timer);
      if (stdout.write === (intercept as typeof stdout.write)) stdout.write = original;
    },
  };
};
