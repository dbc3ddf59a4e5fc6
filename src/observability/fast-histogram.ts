// Histograms for the hot paths (every request, every MongoDB operation): a Map update per observation, rendered for
// prom-client only when /metrics is read (prom-client's own metrics validate and hash their labels on every call).
import type { Metric, Registry } from 'prom-client';

interface Series {
  labels: Record<string, string>;
  count: number;
  sum: number;
  /** Observations per bucket (not yet cumulative); the last slot is +Inf only. */
  buckets: number[];
}

export interface HistogramOptions {
  name: string;
  help: string;
  buckets: number[];
  /** Also expose the observation counts as this counter (e.g. requests_total beside the latency histogram). */
  counter?: { name: string; help: string };
}

export class FastHistogram {
  private readonly series = new Map<string, Series>();

  constructor(
    private readonly options: HistogramOptions,
    /** The label names, in the order observe() receives their values. */
    private readonly labelNames: readonly string[],
  ) {}

  observe(values: readonly string[], seconds: number): void {
    const key = values.join('\u0000');
    let series = this.series.get(key);
    if (!series) {
      const labels = Object.fromEntries(this.labelNames.map((name, index) => [name, values[index]!]));
      series = { labels, count: 0, sum: 0, buckets: new Array(this.options.buckets.length + 1).fill(0) };
      this.series.set(key, series);
    }
    series.count++;
    series.sum += seconds;
    const bounds = this.options.buckets;
    let bucket = 0;
    while (bucket < bounds.length && seconds > bounds[bucket]!) bucket++;
    series.buckets[bucket]!++;
  }

  /** Adds the histogram (and its counter) to a registry, rendered as prom-client renders its own. */
  register(registry: Registry): void {
    const { name, help, buckets, counter } = this.options;
    const all = () => [...this.series.values()];
    const reset = () => this.series.clear();
    const histogram = {
      name,
      help,
      type: 'histogram',
      aggregator: 'sum',
      reset,
      get: async () => ({
        ...histogram,
        values: all().flatMap((series) => {
          let cumulative = 0;
          const counts = [...buckets.map(String), '+Inf'].map((le, index) => {
            cumulative += series.buckets[index]!;
            return { labels: { le, ...series.labels }, value: cumulative, metricName: `${name}_bucket` };
          });
          return [
            ...counts,
            { labels: series.labels, value: series.sum, metricName: `${name}_sum` },
            { labels: series.labels, value: series.count, metricName: `${name}_count` },
          ];
        }),
      }),
    };
    registry.registerMetric(histogram as unknown as Metric);
    if (!counter) return;
    const total = {
      ...counter,
      type: 'counter',
      aggregator: 'sum',
      reset,
      get: async () => ({ ...total, values: all().map((series) => ({ labels: series.labels, value: series.count })) }),
    };
    registry.registerMetric(total as unknown as Metric);
  }
}
