/**
 * The summary from PromQL over a Prometheus-compatible query API (`--prometheus-url`): the whole
 * fleet, every replica that Prometheus scrapes, over any of the dashboard's ranges.
 *
 * Each series family is asked for once per poll, summed by the labels the summary keeps
 * (summaryGrouping.ts) and counted over the range in the engine-robust form of
 * windowIncrease.ts. Histograms come back bucket by bucket and go through the same summarize()
 * as the collector's own registry, so quantiles are computed as `histogram_quantile` computes
 * them, here rather than in the engine (whose implementations of it differ at the edges).
 * The charts are range queries of the same form, one window per step.
 */
import { histogramQuantile } from './histogramQuantile.js';
import { promqlClient, type PrometheusQueryOptions, type RangeSeries } from './promqlClient.js';
import type { HistogramSeries, Labels, RegistryReading } from './registryReading.js';
import { SERIES } from './seriesNames.js';
import { summarize, type SummaryTimeline } from './summarize.js';
import { HISTOGRAM_SERIES, SUMMARY_GROUPING } from './summaryGrouping.js';
import { RANGE_NAMES, RANGES, type RangeName } from './summaryRanges.js';
import type { AppTimeline, Summary } from './summarySchema.js';
import type { SummarySource } from './summarySource.js';
import { windowIncrease } from './windowIncrease.js';

export interface PromqlSourceOptions {
  prometheus: PrometheusQueryOptions;
  pollIntervalMs: number;
}

const pick = (metric: Record<string, string>, names: readonly string[]): Labels => {
  const labels: Labels = {};
  for (const name of names) if (metric[name] !== undefined) labels[name] = metric[name];
  return labels;
};
const keyOf = (metric: Record<string, string>, names: readonly string[]) =>
  JSON.stringify(names.map((name) => metric[name] ?? ''));
const bound = (le: string | undefined) => (le === '+Inf' ? Infinity : Number(le));

/** Bucket samples (with `le`) and sums regrouped into one histogram per key of `by`. */
function histograms(
  buckets: { metric: Record<string, string>; value: number }[],
  sums: { metric: Record<string, string>; value: number }[],
  by: readonly string[],
): HistogramSeries[] {
  const byKey = new Map<string, HistogramSeries>();
  for (const sample of buckets) {
    const le = bound(sample.metric.le);
    if (Number.isNaN(le)) continue;
    const key = keyOf(sample.metric, by);
    let series = byKey.get(key);
    if (series === undefined) {
      series = { labels: pick(sample.metric, by), buckets: [], count: 0, sum: 0 };
      byKey.set(key, series);
    }
    series.buckets.push({ le, count: sample.value });
  }
  const sumOf = new Map(sums.map((sample) => [keyOf(sample.metric, by), sample.value]));
  for (const [key, series] of byKey) {
    series.buckets.sort((a, b) => a.le - b.le);
    series.count = series.buckets.at(-1)?.le === Infinity ? series.buckets.at(-1)!.count : 0;
    series.sum = sumOf.get(key) ?? 0;
  }
  return [...byKey.values()];
}

/** The charted histograms of each app, and the quantile or mean each chart draws. */
const CHARTED: ReadonlyArray<{
  field: Exclude<keyof AppTimeline, 'pageViewsPerSecond' | 'lossMean'>;
  series: string;
  q: number;
}> = [
  { field: 'scoreMedian', series: SERIES.pageScore, q: 0.5 },
  { field: 'heapMedian', series: SERIES.jsHeap, q: 0.5 },
  { field: 'rttP75', series: SERIES.socketRtt, q: 0.75 },
  { field: 'jitterP75', series: SERIES.socketJitter, q: 0.75 },
  { field: 'socketScoreMedian', series: SERIES.socketScore, q: 0.5 },
];

export function promqlSource(options: PromqlSourceOptions): SummarySource {
  const client = promqlClient(options.prometheus);
  const { pollIntervalMs } = options;

  /** Every family over the range ending at `at`, grouped as the summary needs. */
  async function reading(seconds: number, at: number): Promise<RegistryReading> {
    const result: RegistryReading = { at, scalars: new Map(), histograms: new Map() };
    await Promise.all(
      Object.entries(SUMMARY_GROUPING).map(async ([name, by]) => {
        if (!HISTOGRAM_SERIES.has(name)) {
          const samples = await client.instant(windowIncrease(name, seconds, by), at);
          result.scalars.set(
            name,
            samples.map((sample) => ({ labels: pick(sample.metric, by), value: sample.value })),
          );
          return;
        }
        const [buckets, sums] = await Promise.all([
          client.instant(windowIncrease(`${name}_bucket`, seconds, [...by, 'le']), at),
          client.instant(windowIncrease(`${name}_sum`, seconds, by), at),
        ]);
        result.histograms.set(name, histograms(buckets, sums, by));
      }),
    );
    return result;
  }

  /**
   * The charts: one window per step, the last one ending now, so the newest beacons are charted
   * as soon as they are counted (steps aligned to the clock would leave up to a step out).
   */
  async function timeline(range: RangeName, at: number): Promise<SummaryTimeline> {
    const { seconds, stepSeconds: step } = RANGES[range];
    const end = Math.floor(at / 1000);
    const t = Array.from(
      { length: Math.round(seconds / step) },
      (_, i) => end - seconds + step * (i + 1),
    );
    const ask = (selector: string, by: readonly string[]) =>
      client.range(windowIncrease(selector, step, by), t[0]! * 1000, end * 1000, step);
    const perSecond = (series: RangeSeries | undefined) =>
      t.map((time) => {
        const value = series?.values.get(time);
        return value === undefined ? null : value / step;
      });
    const [beacons, events, rejected, views, loss, ...charted] = await Promise.all([
      ask(SERIES.beacons, []),
      ask(SERIES.events, []),
      ask(SERIES.rejected, []),
      ask(SERIES.pageViews, ['app']),
      ask(`${SERIES.socketLoss}_sum`, ['app']),
      ...CHARTED.map((chart) => ask(`${chart.series}_bucket`, ['app', 'le'])),
      ask(`${SERIES.socketLoss}_bucket{le="+Inf"}`, ['app']),
    ]);
    const lossCounts = charted.pop()!;
    const ofApp = (series: RangeSeries[], app: string) =>
      series.find((one) => (one.metric.app ?? '') === app);

    /** One app's histogram at each point, its quantile `q`. */
    const quantileLine = (series: RangeSeries[], app: string, q: number) =>
      t.map((time) => {
        const buckets = series
          .filter((one) => (one.metric.app ?? '') === app && one.values.has(time))
          .map((one) => ({ le: bound(one.metric.le), count: one.values.get(time)! }))
          .filter((bucket) => !Number.isNaN(bucket.le));
        const count = buckets.find((bucket) => bucket.le === Infinity)?.count ?? 0;
        return count > 0 ? histogramQuantile(q, buckets) : null;
      });

    return {
      t,
      intervalSeconds: step,
      rateWindowSeconds: step,
      collector: {
        beaconsPerSecond: perSecond(beacons[0]),
        eventsPerSecond: perSecond(events[0]),
        rejectedPerSecond: perSecond(rejected[0]),
      },
      app(app) {
        const lossSum = ofApp(loss, app);
        const lossCount = ofApp(lossCounts, app);
        const lines = Object.fromEntries(
          CHARTED.map((chart, i) => [chart.field, quantileLine(charted[i]!, app, chart.q)]),
        ) as Pick<AppTimeline, (typeof CHARTED)[number]['field']>;
        return {
          pageViewsPerSecond: perSecond(ofApp(views, app)),
          ...lines,
          lossMean: t.map((time) => {
            const count = lossCount?.values.get(time) ?? 0;
            return count > 0 ? (lossSum?.values.get(time) ?? 0) / count : null;
          }),
        };
      },
    };
  }

  /**
   * Answers in flight or just given, per range: every open dashboard polls, and they share one
   * round of queries per half poll interval rather than each asking the engine for its own.
   */
  const recent = new Map<RangeName, { at: number; summary: Promise<Summary> }>();

  return {
    kind: 'prometheus',
    ranges: RANGE_NAMES,
    summary(range) {
      // A whole second, the end of the charts' last window too: the figures then count exactly
      // what the charts draw, where a sample in the last fraction of a second would be in the
      // figures only.
      const now = Math.floor(Date.now() / 1000) * 1000;
      const cached = recent.get(range);
      if (cached !== undefined && now - cached.at < pollIntervalMs / 2) return cached.summary;
      const { seconds } = RANGES[range];
      const summary = Promise.all([reading(seconds, now), timeline(range, now)]).then(
        ([figures, charts]) =>
          summarize(figures, charts, {
            pollIntervalMs,
            range: {
              name: range,
              from: now - seconds * 1000,
              to: now,
              source: 'prometheus',
              available: RANGE_NAMES,
            },
          }),
      );
      recent.set(range, { at: now, summary });
      // A failed round is not kept: the next poll asks again.
      summary.catch(() => {
        if (recent.get(range)?.summary === summary) recent.delete(range);
      });
      return summary;
    },
    async close() {
      recent.clear();
    },
  };
}
