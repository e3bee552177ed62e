/**
 * What the handlers print for CloudWatch: Powertools writes each batch of metrics to stdout as one
 * line of Embedded Metric Format JSON. `captureEmf` catches those lines while `act` runs (letting
 * every other line through) and returns them parsed, for tests to assert the metric names,
 * dimensions and values CloudWatch would make of them.
 *
 * The suite runs with POWERTOOLS_METRICS_DISABLED=true (test/vitest.config.ts); a test of metrics
 * sets it to `false` before the `Metrics` it observes is created.
 */
import { vi } from 'vitest';

/** One EMF document, as CloudWatch reads it. */
export interface EmfDocument {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string; readonly Unit: string }[];
    }[];
  };
  readonly [key: string]: unknown;
}

const isEmf = (value: unknown): value is EmfDocument => typeof value === 'object' && value !== null && '_aws' in value;

export const captureEmf = async (act: () => unknown): Promise<EmfDocument[]> => {
  const documents: EmfDocument[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    const others: string[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const parsed: unknown = JSON.parse(line);
        if (isEmf(parsed)) {
          documents.push(parsed);
          continue;
        }
      } catch {
        // not JSON: someone else's line
      }
      others.push(line);
    }
    return others.length > 0 ? write(`${others.join('\n')}\n`, ...(rest as [])) : true;
  }) as typeof process.stdout.write);
  try {
    await act();
  } finally {
    spy.mockRestore();
  }
  return documents;
};

/** Every value each metric took across the documents, by metric name, with the dimension sets it was filed under. */
export const metricValues = (
  documents: readonly EmfDocument[],
): Record<string, { values: number[]; dimensions: string[][]; unit: string }> => {
  const out: Record<string, { values: number[]; dimensions: string[][]; unit: string }> = {};
  for (const document of documents) {
    for (const directive of document._aws.CloudWatchMetrics) {
      for (const metric of directive.Metrics) {
        const value = document[metric.Name];
        const values = (Array.isArray(value) ? value : [value]) as number[];
        const entry = out[metric.Name] ?? { values: [], dimensions: [], unit: metric.Unit };
        entry.values.push(...values);
        for (const set of directive.Dimensions) {
          const named = set.map((d) => `${d}=${String(document[d])}`);
          if (!entry.dimensions.some((s) => s.join() === named.join())) entry.dimensions.push(named);
        }
        out[metric.Name] = entry;
      }
    }
  }
  return out;
};
