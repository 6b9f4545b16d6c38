import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Metric, Registry } from 'prom-client';
import { SeriesHistogram, type CumulativeHistogram } from '../series/series.js';

/** Label values of one series, as prom-client reports them. */
export type Labels = Record<string, string>;

/** One counter or gauge series. */
export interface ScalarSeries {
  labels: Labels;
  value: number;
}

/**
 * One histogram series: its cumulative buckets (ascending `le`, ending in `+Inf`), count and sum.
 * The shape `SeriesHistogram.cumulativeSeries()` gives, so Pulse's own histograms need no copy.
 */
export type HistogramSeries = CumulativeHistogram;

/** Everything the registry held at one instant, by series family name. */
export interface RegistryReading {
  /** Unix time in ms when the registry was read. */
  at: number;
  scalars: Map<string, ScalarSeries[]>;
  histograms: Map<string, HistogramSeries[]>;
}

type MetricJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>[number];

/**
 * Reads the families `names` of the registry /metrics is rendered from, so the dashboard and a
 * Prometheus scrape see the same numbers. One family per event-loop turn, as /metrics renders
 * them: at the default caps the registry holds tens of thousands of series, and reading them all
 * at once held up ingest for over 100 ms. Pulse's histograms are read as numbers
 * (`cumulativeSeries`); other metrics through prom-client's JSON view.
 */
export async function readRegistry(
  registry: Registry,
  names: readonly string[],
  at = Date.now(),
): Promise<RegistryReading> {
  const reading: RegistryReading = { at, scalars: new Map(), histograms: new Map() };
  for (const name of names) {
    await nextTurn();
    const metric = registry.getSingleMetric(name) as unknown;
    if (metric instanceof SeriesHistogram) {
      reading.histograms.set(name, metric.cumulativeSeries());
      continue;
    }
    if (metric === undefined) continue;
    const family = (await (metric as Metric).get()) as MetricJson;
    // prom-client types `type` as a numeric enum, but the JSON view carries its text name.
    const type = family.type as unknown as string;
    if (type === 'histogram') reading.histograms.set(family.name, histogramSeries(family));
    else if (type === 'counter' || type === 'gauge') {
      reading.scalars.set(
        family.name,
        family.values.map((sample) => ({
          labels: stringLabels(sample.labels),
          value: sample.value,
        })),
      );
    }
  }
  return reading;
}

/** Regroups prom-client's flat `_bucket` / `_sum` / `_count` samples into one entry per series. */
function histogramSeries(family: MetricJson): HistogramSeries[] {
  const byKey = new Map<string, HistogramSeries>();
  for (const sample of family.values) {
    const { le, ...rest } = sample.labels;
    const labels = stringLabels(rest);
    const key = seriesKey(labels, Object.keys(labels).sort());
    let series = byKey.get(key);
    if (series === undefined) {
      series = { labels, buckets: [], count: 0, sum: 0 };
      byKey.set(key, series);
    }
    const name = (sample as { metricName?: string }).metricName ?? '';
    if (name.endsWith('_bucket')) {
      series.buckets.push({ le: le === '+Inf' ? Infinity : Number(le), count: sample.value });
    } else if (name.endsWith('_sum')) series.sum = sample.value;
    else if (name.endsWith('_count')) series.count = sample.value;
  }
  for (const series of byKey.values()) series.buckets.sort((a, b) => a.le - b.le);
  return [...byKey.values()];
}

function stringLabels(labels: Partial<Record<string, string | number>>): Labels {
  const out: Labels = {};
  for (const [name, value] of Object.entries(labels)) {
    if (value !== undefined) out[name] = String(value);
  }
  return out;
}

/** A stable key for the values of `by` in `labels`. */
export function seriesKey(labels: Labels, by: readonly string[]): string {
  return JSON.stringify(by.map((name) => labels[name] ?? ''));
}

/** Keeps series whose labels include every pair in `match`. */
const matching = <T extends { labels: Labels }>(series: readonly T[], match: Labels): T[] =>
  series.filter((one) =>
    Object.entries(match).every(([name, value]) => one.labels[name] === value),
  );

/**
 * `sum by (<by>) (<name>{<match>})` over counters or gauges: the grouped totals, keyed by
 * {@link seriesKey}, each with the grouping labels.
 */
export function sumScalars(
  reading: RegistryReading,
  name: string,
  by: readonly string[],
  match: Labels = {},
): Map<string, ScalarSeries> {
  const groups = new Map<string, ScalarSeries>();
  for (const series of matching(reading.scalars.get(name) ?? [], match)) {
    const key = seriesKey(series.labels, by);
    const group = groups.get(key);
    if (group === undefined)
      groups.set(key, { labels: pick(series.labels, by), value: series.value });
    else group.value += series.value;
  }
  return groups;
}

/** The total of a counter family over the series matching `match`. */
export function totalScalar(reading: RegistryReading, name: string, match: Labels = {}): number {
  return sumScalars(reading, name, [], match).get(seriesKey({}, []))?.value ?? 0;
}

/**
 * `sum by (le, <by>) (<name>_bucket{<match>})` with count and sum: histograms merged bucket by
 * bucket, as PromQL does before `histogram_quantile`.
 */
export function sumHistograms(
  reading: RegistryReading,
  name: string,
  by: readonly string[],
  match: Labels = {},
): Map<string, HistogramSeries> {
  const groups = new Map<string, HistogramSeries>();
  for (const series of matching(reading.histograms.get(name) ?? [], match)) {
    const key = seriesKey(series.labels, by);
    const group = groups.get(key);
    if (group === undefined) {
      groups.set(key, {
        labels: pick(series.labels, by),
        buckets: series.buckets.map((bucket) => ({ ...bucket })),
        count: series.count,
        sum: series.sum,
      });
      continue;
    }
    group.count += series.count;
    group.sum += series.sum;
    let added = false;
    series.buckets.forEach((bucket, i) => {
      // Series of one family share their bounds, so the bucket at the same index is the one.
      const mine = group.buckets[i];
      const same = mine?.le === bucket.le ? mine : group.buckets.find((b) => b.le === bucket.le);
      if (same !== undefined) same.count += bucket.count;
      else {
        group.buckets.push({ ...bucket });
        added = true;
      }
    });
    if (added) group.buckets.sort((a, b) => a.le - b.le);
  }
  return groups;
}

/** One histogram: every series matching `match` merged. */
export function totalHistogram(
  reading: RegistryReading,
  name: string,
  match: Labels = {},
): HistogramSeries | undefined {
  return sumHistograms(reading, name, [], match).get(seriesKey({}, []));
}

function pick(labels: Labels, names: readonly string[]): Labels {
  const out: Labels = {};
  for (const name of names) if (labels[name] !== undefined) out[name] = labels[name];
  return out;
}
