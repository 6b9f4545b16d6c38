/**
 * Counters and histograms for the ingest hot path, registered in a prom-client Registry beside
 * prom-client's own metrics and rendered by it.
 *
 * Why not prom-client's Counter and Histogram here: every `inc`/`observe` of theirs builds a
 * string key from the label object, looks it up among thousands of object keys, and (histograms)
 * converts the bucket bound to a property name. Under the ingest bench that was 45% of the
 * collector's CPU (section 3 of BENCHMARKS.md before these classes). These keep one record per
 * label set in nested Maps, one level per label in declaration order, so an update is a few Map
 * lookups on label values and an increment; a scrape produces exactly the values prom-client's
 * own classes would.
 */
import type { Metric } from 'prom-client';

/** Label values of one series; a label left out is absent from the series, as in prom-client. */
export type LabelValues<L extends string> = Partial<Record<L, string>>;

/** One rendered sample, in the shape prom-client's registry reads from `get()`. */
export interface Sample {
  labels: Record<string, string | number>;
  value: number;
  /** Set on histogram samples: `name_bucket`, `name_sum`, `name_count`. */
  metricName?: string;
}

/** What `get()` returns: the metric family with its samples, as prom-client's registry reads it. */
export interface RenderedMetric<S = Sample> {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  /** How prom-client's cluster aggregation merges this metric across workers. */
  aggregator: 'sum';
  values: S[];
}

/**
 * Where a series keeps its numbers. A histogram keeps them in a Float64Array from `at` on
 * (`count, sum, bucket 0 … bucket n`), a counter in a field. The ingest path moves the series of
 * one page context into one shared Float64Array (`moveTo`, used by seriesHandles.ts), so
 * recording a beacon reads and writes a few neighbouring cache lines instead of an object, an
 * array and its elements per series: at the default caps, most of recording's time is waiting
 * on memory.
 */
interface SeriesRecord {
  /** The series' own labels: only declared names, only those set. */
  readonly labels: Record<string, string>;
  /** True when the numbers live at `values[at]` onwards. */
  isAt(values: Float64Array, at: number): boolean;
  /** Carries the numbers over to `values[at]` onwards, where they stay from now on. */
  moveTo(values: Float64Array, at: number): void;
}

/** A branch of the label tree: label value → next branch, or the series record at the last label. */
type LabelBranch = Map<string | undefined, unknown>;

export interface SeriesConfig<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
}

export abstract class LabelledSeries<L extends string, R extends SeriesRecord> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly aggregator = 'sum';
  abstract readonly type: 'counter' | 'gauge' | 'histogram';
  private root: LabelBranch = new Map();
  /** Every record, in creation order (the order prom-client renders series in). */
  protected records: R[] = [];

  constructor(config: SeriesConfig<L>) {
    this.name = config.name;
    this.help = config.help;
    this.labelNames = config.labelNames;
  }

  protected abstract createRecord(labels: Record<string, string>): R;

  /**
   * The series of these label values, given in `labelNames` order (prom-client's `labels()`),
   * created on first use. The hot path: positional values make every lookup the same shape.
   */
  labels(...values: (string | undefined)[]): R {
    const last = this.labelNames.length - 1;
    let branch = this.root;
    for (let i = 0; i < last; i++) {
      let next = branch.get(values[i]) as LabelBranch | undefined;
      if (next === undefined) {
        next = new Map();
        branch.set(values[i], next);
      }
      branch = next;
    }
    const leaf = last < 0 ? undefined : values[last];
    let record = branch.get(leaf) as R | undefined;
    if (record === undefined) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((name, i) => {
        if (values[i] !== undefined) labels[name] = values[i];
      });
      record = this.createRecord(labels);
      branch.set(leaf, record);
      this.records.push(record);
    }
    return record;
  }

  /** How many numbers one series of this family keeps. */
  abstract readonly slots: number;

  /** Records into the series held at `values[at]`: a counter adds `value`, a histogram observes it. */
  abstract recordAt(values: Float64Array, at: number, value: number): void;

  /**
   * The series of these label values (as `labels()`), its numbers moved to `values[at]` onwards
   * if they live elsewhere. The caller then records through `recordAt` with the same
   * `values` and `at`; only one caller may hold a series this way, or the other's writes are lost.
   */
  labelsAt(values: Float64Array, at: number, ...labelValues: (string | undefined)[]): R {
    const record = this.labels(...labelValues);
    if (!record.isAt(values, at)) record.moveTo(values, at);
    return record;
  }

  /** The series of a label object; a label not declared is a programming error, as in prom-client. */
  protected labelled(labels: LabelValues<L>): R {
    for (const name of Object.keys(labels)) {
      if (!this.labelNames.includes(name as L)) {
        throw new Error(`Added label "${name}" is not included in initial labelset`);
      }
    }
    return this.labels(...this.labelNames.map((name) => labels[name]));
  }

  /**
   * Forgets the series whose labels include every pair of `match` (an evicted app, route or
   * name) and returns how many. Rebuilds the label tree from the series kept: evictions are
   * rare (a periodic sweep), so this trades their cost for a hot path without parent links.
   */
  removeWhere(match: Readonly<Record<string, string>>): number {
    const pairs = Object.entries(match);
    const kept = this.records.filter(
      (record) => !pairs.every(([name, value]) => record.labels[name] === value),
    );
    const removed = this.records.length - kept.length;
    if (removed === 0) return 0;
    this.reset();
    for (const record of kept) {
      const values = this.labelNames.map((name) => record.labels[name]);
      let branch = this.root;
      for (let i = 0; i < values.length - 1; i++) {
        let next = branch.get(values[i]) as LabelBranch | undefined;
        if (next === undefined) branch.set(values[i], (next = new Map()));
        branch = next;
      }
      branch.set(values.length === 0 ? undefined : values[values.length - 1], record);
      this.records.push(record);
    }
    return removed;
  }

  /** Forgets every series. */
  reset(): void {
    this.root = new Map();
    this.records = [];
  }

  /**
   * This family in parts of at most `maxSamples` rendered samples each (one part at least), as
   * views that share these series: the series held now, split in creation order. A render of
   * the largest family at the ceiling is tens of milliseconds of the event loop; in parts,
   * beacons are taken between them (renderMetrics.ts). Each series is still read at one
   * instant, so its buckets, sum and count agree.
   */
  parts(maxSamples: number): this[] {
    const perPart = Math.max(1, Math.floor(maxSamples / this.slots));
    if (this.records.length <= perPart) return [this];
    const held = this.records.slice();
    const views: this[] = [];
    for (let start = 0; start < held.length; start += perPart) {
      const view = Object.create(this) as this;
      view.records = held.slice(start, start + perPart);
      views.push(view);
    }
    return views;
  }

  /** For `registry.registerMetric`, whose type names only prom-client's own classes. */
  asRegistryMetric(): Metric {
    return this as unknown as Metric;
  }

  abstract get(): Promise<RenderedMetric>;

  protected rendered<S>(values: S[]): RenderedMetric<S> {
    const { name, help, type, aggregator } = this;
    return { name, help, type, aggregator, values };
  }
}

function assertFinite(value: number): void {
  if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
}

function checkIncrement(by: number): void {
  assertFinite(by);
  if (by < 0) throw new Error('It is not possible to decrease a counter');
}

/**
 * Adds `by` to the counter held at `values[at]`: `SeriesCounter.recordAt` without the method
 * call, for a caller that knows the family's type (seriesHandles.ts).
 */
export function addTo(values: Float64Array, at: number, by: number): void {
  checkIncrement(by);
  values[at] = values[at]! + by;
}

/** Numbers a histogram series keeps: count, sum, and one per bucket (`+Inf` included). */
const histogramSlots = (upperBounds: readonly number[]) => upperBounds.length + 3;

/**
 * Observes `value` into the histogram with these bounds held at `values[at]`:
 * `SeriesHistogram.recordAt` without the method call (see `addTo`).
 */
export function observeInto(
  values: Float64Array,
  at: number,
  upperBounds: readonly number[],
  value: number,
): void {
  assertFinite(value);
  let bucket = 0;
  while (bucket < upperBounds.length && value > upperBounds[bucket]!) bucket++;
  values[at] = values[at]! + 1;
  values[at + 1] = values[at + 1]! + value;
  values[at + 2 + bucket] = values[at + 2 + bucket]! + 1;
}

/** One counter series. */
export class CounterSeries implements SeriesRecord {
  private count = 0;
  /** Set once the series moved into a shared array: its value is then `block[at]`. */
  private block?: Float64Array;
  private at = 0;

  constructor(readonly labels: Record<string, string>) {}

  get value(): number {
    return this.block === undefined ? this.count : this.block[this.at]!;
  }

  inc(by = 1): void {
    if (this.block === undefined) {
      checkIncrement(by);
      this.count += by;
    } else addTo(this.block, this.at, by);
  }

  isAt(values: Float64Array, at: number): boolean {
    return this.block === values && this.at === at;
  }

  moveTo(values: Float64Array, at: number): void {
    values[at] = this.value;
    this.block = values;
    this.at = at;
  }
}

/** A Prometheus counter: `inc(labels, by)`, or `labels(...values).inc(by)` on the hot path. */
export class SeriesCounter<L extends string> extends LabelledSeries<L, CounterSeries> {
  readonly type = 'counter';
  readonly slots = 1;

  protected createRecord(labels: Record<string, string>): CounterSeries {
    return new CounterSeries(labels);
  }

  inc(labels: LabelValues<L>, by = 1): void {
    this.labelled(labels).inc(by);
  }

  /** Adds `by` to the series held at `values[at]` (see `labelsAt`). */
  recordAt(values: Float64Array, at: number, by: number): void {
    addTo(values, at, by);
  }

  async get(): Promise<RenderedMetric> {
    return this.rendered(this.records.map(({ labels, value }) => ({ labels, value })));
  }
}

/**
 * One gauge series. Gauges here are set rarely (a release's first sighting), never on the hot
 * path, so the value stays in a field.
 */
export class GaugeSeries implements SeriesRecord {
  value = 0;

  constructor(readonly labels: Record<string, string>) {}

  set(value: number): void {
    assertFinite(value);
    this.value = value;
  }

  isAt(): boolean {
    return false;
  }

  moveTo(values: Float64Array, at: number): void {
    values[at] = this.value;
  }
}

/** A Prometheus gauge: `set(labels, value)`. */
export class SeriesGauge<L extends string> extends LabelledSeries<L, GaugeSeries> {
  readonly type = 'gauge';
  readonly slots = 1;

  protected createRecord(labels: Record<string, string>): GaugeSeries {
    return new GaugeSeries(labels);
  }

  set(labels: LabelValues<L>, value: number): void {
    this.labelled(labels).set(value);
  }

  /** Sets the value held at `values[at]`. */
  recordAt(values: Float64Array, at: number, value: number): void {
    assertFinite(value);
    values[at] = value;
  }

  async get(): Promise<RenderedMetric> {
    return this.rendered(this.records.map(({ labels, value }) => ({ labels, value })));
  }
}

/** One histogram series. */
export class HistogramSeries implements SeriesRecord {
  private values: Float64Array;
  private at = 0;

  constructor(
    readonly labels: Record<string, string>,
    private readonly upperBounds: readonly number[],
  ) {
    this.values = new Float64Array(histogramSlots(upperBounds));
  }

  get count(): number {
    return this.values[this.at]!;
  }

  get sum(): number {
    return this.values[this.at + 1]!;
  }

  /** Observations in the bucket at `index`, not cumulative; the last counts those above every bound. */
  bucket(index: number): number {
    return this.values[this.at + 2 + index]!;
  }

  observe(value: number): void {
    observeInto(this.values, this.at, this.upperBounds, value);
  }

  isAt(values: Float64Array, at: number): boolean {
    return this.values === values && this.at === at;
  }

  moveTo(values: Float64Array, at: number): void {
    values.set(this.values.subarray(this.at, this.at + histogramSlots(this.upperBounds)), at);
    this.values = values;
    this.at = at;
  }
}

/** One histogram series as numbers: cumulative buckets, count and sum. */
export interface CumulativeHistogram {
  labels: Record<string, string>;
  buckets: { le: number; count: number }[];
  count: number;
  sum: number;
}

/** A rendered histogram sample before its labels are merged (prom-client's shape). */
interface HistogramSample {
  labels: { le?: number | string };
  sharedLabels: Record<string, string>;
  value: number;
  metricName: string;
}

/**
 * A Prometheus histogram with fixed upper bounds: `observe(labels, value)`, or
 * `labels(...values).observe(value)` on the hot path.
 */
export class SeriesHistogram<L extends string> extends LabelledSeries<L, HistogramSeries> {
  readonly type = 'histogram';
  /** Bucket upper bounds, ascending; `+Inf` is implied. */
  readonly upperBounds: readonly number[];

  constructor(config: SeriesConfig<L> & { buckets: readonly number[] }) {
    super(config);
    this.upperBounds = [...config.buckets].sort((a, b) => a - b);
  }

  get slots(): number {
    return histogramSlots(this.upperBounds);
  }

  protected createRecord(labels: Record<string, string>): HistogramSeries {
    return new HistogramSeries(labels, this.upperBounds);
  }

  /** Observes `value` into the series held at `values[at]` (see `labelsAt`). */
  recordAt(values: Float64Array, at: number, value: number): void {
    observeInto(values, at, this.upperBounds, value);
  }

  observe(labels: LabelValues<L>, value: number): void {
    this.labelled(labels).observe(value);
  }

  /** Creates the series of this label set with every bucket at 0. */
  zero(labels: LabelValues<L>): void {
    this.labelled(labels);
  }

  /**
   * The samples with the series labels kept apart from `le`, which is how prom-client's registry
   * renders histograms: `name_bucket{le="0.1",app="shop"}`.
   */
  async getForPromString(): Promise<RenderedMetric<HistogramSample>> {
    const bucketName = `${this.name}_bucket`;
    const values: HistogramSample[] = [];
    for (const series of this.records) {
      const { labels: sharedLabels, sum, count } = series;
      let cumulative = 0;
      this.upperBounds.forEach((le, i) => {
        cumulative += series.bucket(i);
        values.push({ labels: { le }, sharedLabels, value: cumulative, metricName: bucketName });
      });
      values.push(
        { labels: { le: '+Inf' }, sharedLabels, value: count, metricName: bucketName },
        { labels: {}, sharedLabels, value: sum, metricName: `${this.name}_sum` },
        { labels: {}, sharedLabels, value: count, metricName: `${this.name}_count` },
      );
    }
    return this.rendered(values);
  }

  /**
   * Every series with its cumulative buckets (ascending `le`, ending in `Infinity`), count and
   * sum: the figures `get()` renders as samples, without rendering and regrouping them (the
   * dashboard reads tens of thousands of series this way).
   */
  cumulativeSeries(): CumulativeHistogram[] {
    return this.records.map((series) => {
      let cumulative = 0;
      const buckets = this.upperBounds.map((le, i) => ({
        le,
        count: (cumulative += series.bucket(i)),
      }));
      buckets.push({ le: Infinity, count: series.count });
      return { labels: series.labels, buckets, count: series.count, sum: series.sum };
    });
  }

  /** The samples with `le` and the series labels in one label set, as prom-client's `get()`. */
  async get(): Promise<RenderedMetric> {
    const { values } = await this.getForPromString();
    return this.rendered(
      values.map(({ labels, sharedLabels, value, metricName }) => ({
        labels: { ...labels, ...sharedLabels },
        value,
        metricName,
      })),
    );
  }
}
