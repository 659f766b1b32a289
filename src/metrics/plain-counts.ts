import { type Metric, type Registry } from 'prom-client';

/**
 * Counts kept in plain numbers on the hot path and handed to prom-client only
 * when the registry is scraped: `inc` costs a Map lookup and an addition
 * instead of prom-client's label validation and hashing on every message.
 */
export class PlainCounts {
  /** Count by label value. */
  private readonly counts = new Map<string, number>();

  inc(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Each counted key with its count (for a `collect()` callback). */
  entries(): IterableIterator<[string, number]> {
    return this.counts.entries();
  }

  reset(): void {
    this.counts.clear();
  }
}

interface Series {
  /** Observations per bucket (not cumulative); the last one is +Inf. */
  buckets: Float64Array;
  sum: number;
  count: number;
}

interface ValuePair {
  labels: Record<string, string | number>;
  sharedLabels?: Record<string, string>;
  value: number;
  metricName: string;
  exemplar?: null;
}

/**
 * A Prometheus histogram with one label, fed in plain numbers and rendered by
 * prom-client's registry exactly as its own `Histogram` renders
 * (`_bucket{le,...}` cumulative, `+Inf`, `_sum`, `_count`).
 */
export class PlainHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelName: string,
    private readonly upperBounds: readonly number[],
    registers: Registry[],
  ) {
    for (const registry of registers) registry.registerMetric(this as unknown as Metric);
  }

  observe(labelValue: string, value: number): void {
    let series = this.series.get(labelValue);
    if (!series) {
      series = { buckets: new Float64Array(this.upperBounds.length + 1), sum: 0, count: 0 };
      this.series.set(labelValue, series);
    }
    const bounds = this.upperBounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    (series.buckets as Float64Array)[i] = (series.buckets[i] as number) + 1;
    series.sum += value;
    series.count += 1;
  }

  reset(): void {
    this.series.clear();
  }

  /** What the registry renders: bucket labels first, the series' label shared. */
  getForPromString(): {
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: ValuePair[];
  } {
    const values: ValuePair[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const [labelValue, series] of this.series) {
      const shared = { [this.labelName]: labelValue };
      let cumulative = 0;
      this.upperBounds.forEach((le, i) => {
        cumulative += series.buckets[i] as number;
        values.push({
          labels: { le },
          sharedLabels: shared,
          value: cumulative,
          metricName: bucketName,
        });
      });
      values.push({
        labels: { le: '+Inf' },
        sharedLabels: shared,
        value: series.count,
        metricName: bucketName,
      });
      values.push({ labels: shared, value: series.sum, metricName: `${this.name}_sum` });
      values.push({ labels: shared, value: series.count, metricName: `${this.name}_count` });
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    };
  }

  /** The same with every label in `labels` (prom-client's JSON form). */
  get(): { name: string; help: string; type: string; aggregator: string; values: ValuePair[] } {
    const data = this.getForPromString();
    return {
      ...data,
      values: data.values.map(({ labels, sharedLabels, value, metricName }) =>
        // prom-client gives buckets an (empty) exemplar slot.
        sharedLabels
          ? { labels: { ...labels, ...sharedLabels }, value, metricName, exemplar: null }
          : { labels, value, metricName },
      ),
    };
  }
}
