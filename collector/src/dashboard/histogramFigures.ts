import { histogramQuantile } from './histogramQuantile.js';
import type { HistogramSeries } from './registryReading.js';
import type { Quantiles, ScoreSummary } from './summarySchema.js';

/** Page and connection scores at or below this are "poor" (Lighthouse's red band). */
const POOR_SCORE = 50;

/** Median, p75, p95 and mean of a histogram, as Prometheus would compute them. */
export function quantiles(histogram: HistogramSeries | undefined): Quantiles {
  if (histogram === undefined || histogram.count === 0) {
    return { samples: histogram?.count ?? 0, median: null, p75: null, p95: null, mean: null };
  }
  return {
    samples: histogram.count,
    median: histogramQuantile(0.5, histogram.buckets),
    p75: histogramQuantile(0.75, histogram.buckets),
    p95: histogramQuantile(0.95, histogram.buckets),
    mean: histogram.sum / histogram.count,
  };
}

/** A 0..100 score histogram as per-bucket counts, its median and its poor share. */
export function scoreSummary(histogram: HistogramSeries | undefined): ScoreSummary {
  const buckets: ScoreSummary['buckets'] = [];
  let previous = { le: 0, count: 0 };
  for (const bucket of histogram?.buckets ?? []) {
    // Scores never exceed 100, so the +Inf bucket adds nothing a chart could show.
    if (bucket.le === Infinity) break;
    buckets.push({ from: previous.le, to: bucket.le, count: bucket.count - previous.count });
    previous = bucket;
  }
  const samples = histogram?.count ?? 0;
  const poor = [...(histogram?.buckets ?? [])].reverse().find((bucket) => bucket.le <= POOR_SCORE);
  return {
    samples,
    median: histogram === undefined ? null : histogramQuantile(0.5, histogram.buckets),
    buckets,
    poorShare: samples > 0 ? (poor?.count ?? 0) / samples : null,
  };
}

/**
 * The histogram of what was observed between two readings of the same series, as `increase()`
 * sees it: bucket by bucket, and taken whole when the series went backwards (a counter reset).
 */
export function histogramIncrease(
  now: HistogramSeries | undefined,
  before: HistogramSeries | undefined,
): HistogramSeries | undefined {
  if (now === undefined) return undefined;
  if (before === undefined || now.count < before.count) return now;
  return {
    labels: now.labels,
    count: now.count - before.count,
    sum: now.sum - before.sum,
    buckets: now.buckets.map((bucket) => ({
      le: bucket.le,
      count: bucket.count - (before.buckets.find((old) => old.le === bucket.le)?.count ?? 0),
    })),
  };
}
