import { histogramIncrease, quantiles } from './histogramFigures.js';
import { histogramQuantile } from './histogramQuantile.js';
import {
  sumHistograms,
  sumScalars,
  totalScalar,
  type HistogramSeries,
  type RegistryReading,
} from './registryReading.js';
import { SERIES } from './seriesNames.js';
import type { AppTimeline, CollectorHealth } from './summarySchema.js';

/** The histograms kept per app in each snapshot: only what the time charts draw. */
export const CHARTED = {
  score: SERIES.pageScore,
  heap: SERIES.jsHeap,
  rtt: SERIES.socketRtt,
  jitter: SERIES.socketJitter,
  loss: SERIES.socketLoss,
  socketScore: SERIES.socketScore,
} as const;
type Charted = keyof typeof CHARTED;

/** The families a snapshot reads: never the per-route ones, the bulk of the registry. */
export const TIMELINE_SERIES: readonly string[] = [
  SERIES.beacons,
  SERIES.events,
  SERIES.rejected,
  SERIES.pageViews,
  ...Object.values(CHARTED),
];

/**
 * What one periodic snapshot keeps: counter totals and per-app merged histograms, a few hundred
 * numbers however many routes and devices the registry holds.
 */
export interface TimelinePoint {
  /** Unix time in ms. */
  at: number;
  beacons: number;
  events: number;
  rejected: number;
  apps: Map<string, { pageViews: number; histograms: Partial<Record<Charted, HistogramSeries>> }>;
}

/** Reduces a full registry reading to a {@link TimelinePoint}. */
export function timelinePoint(reading: RegistryReading): TimelinePoint {
  const point: TimelinePoint = {
    at: reading.at,
    beacons: totalScalar(reading, SERIES.beacons),
    events: totalScalar(reading, SERIES.events),
    rejected: totalScalar(reading, SERIES.rejected),
    apps: new Map(),
  };
  const appOf = (app: string) => {
    let entry = point.apps.get(app);
    if (entry === undefined) point.apps.set(app, (entry = { pageViews: 0, histograms: {} }));
    return entry;
  };
  for (const views of sumScalars(reading, SERIES.pageViews, ['app']).values()) {
    appOf(views.labels.app ?? '').pageViews = views.value;
  }
  for (const [field, name] of Object.entries(CHARTED) as [Charted, string][]) {
    for (const histogram of sumHistograms(reading, name, ['app']).values()) {
      appOf(histogram.labels.app ?? '').histograms[field] = histogram;
    }
  }
  return point;
}

/**
 * For each point, the index of the point its window starts at: the latest one at least
 * `windowMs` older, or the oldest point while history is shorter than the window.
 */
function windowStarts(points: readonly TimelinePoint[], windowMs: number): (number | null)[] {
  let start = 0;
  return points.map((point, i) => {
    if (i === 0) return null;
    while (start + 1 < i && points[start + 1]!.at <= point.at - windowMs) start++;
    return start;
  });
}

const perSecond = (now: number, before: number, ms: number) =>
  ms > 0 ? (now >= before ? now - before : now) / (ms / 1000) : null;

/** Collector-wide rates per snapshot, over the rate window. */
export function collectorTimeline(
  points: readonly TimelinePoint[],
  windowMs: number,
): CollectorHealth['timeline'] {
  const starts = windowStarts(points, windowMs);
  const rate = (field: 'beacons' | 'events' | 'rejected') =>
    points.map((point, i) => {
      const start = starts[i];
      if (start === null || start === undefined) return null;
      const base = points[start]!;
      return perSecond(point[field], base[field], point.at - base.at);
    });
  return {
    beaconsPerSecond: rate('beacons'),
    eventsPerSecond: rate('events'),
    rejectedPerSecond: rate('rejected'),
  };
}

/** One app's charted values per snapshot, each over the rate window ending there. */
export function appTimeline(
  points: readonly TimelinePoint[],
  app: string,
  windowMs: number,
): AppTimeline {
  const starts = windowStarts(points, windowMs);
  const timeline: AppTimeline = {
    pageViewsPerSecond: [],
    scoreMedian: [],
    heapMedian: [],
    rttP75: [],
    jitterP75: [],
    lossMean: [],
    socketScoreMedian: [],
  };
  points.forEach((point, i) => {
    const start = starts[i];
    const now = point.apps.get(app);
    const base = start === null || start === undefined ? undefined : points[start];
    const before = base?.apps.get(app);
    const increase = (field: Charted) =>
      base === undefined
        ? undefined
        : histogramIncrease(now?.histograms[field], before?.histograms[field]);
    const quantile = (q: number, field: Charted) => {
      const window = increase(field);
      return window === undefined || window.count === 0
        ? null
        : histogramQuantile(q, window.buckets);
    };
    timeline.pageViewsPerSecond.push(
      base === undefined
        ? null
        : perSecond(now?.pageViews ?? 0, before?.pageViews ?? 0, point.at - base.at),
    );
    timeline.scoreMedian.push(quantile(0.5, 'score'));
    timeline.heapMedian.push(quantile(0.5, 'heap'));
    timeline.rttP75.push(quantile(0.75, 'rtt'));
    timeline.jitterP75.push(quantile(0.75, 'jitter'));
    timeline.lossMean.push(quantiles(increase('loss')).mean);
    timeline.socketScoreMedian.push(quantile(0.5, 'socketScore'));
  });
  return timeline;
}

/** `now` less `carry`, bucket by bucket, negative where `carry` is larger (no reset logic). */
function minusHistogram(now: HistogramSeries | undefined, carry: HistogramSeries): HistogramSeries {
  const les = now?.buckets.map((bucket) => bucket.le) ?? carry.buckets.map((bucket) => bucket.le);
  const countAt = (series: HistogramSeries | undefined, le: number) =>
    series?.buckets.find((bucket) => bucket.le === le)?.count ?? 0;
  return {
    labels: now?.labels ?? carry.labels,
    count: (now?.count ?? 0) - carry.count,
    sum: (now?.sum ?? 0) - carry.sum,
    buckets: les.map((le) => ({ le, count: countAt(now, le) - countAt(carry, le) })),
  };
}

/**
 * `point` moved onto the counters of a new process, as rebaseReading() moves a reading: less
 * `carry`, the previous process's last point, so that the charts' windows across a restart
 * count what they did before it.
 */
export function rebasePoint(point: TimelinePoint, carry: TimelinePoint): TimelinePoint {
  const apps: TimelinePoint['apps'] = new Map();
  for (const app of new Set([...point.apps.keys(), ...carry.apps.keys()])) {
    const now = point.apps.get(app);
    const old = carry.apps.get(app);
    const histograms: Partial<Record<Charted, HistogramSeries>> = { ...now?.histograms };
    for (const [field, series] of Object.entries(old?.histograms ?? {}) as [
      Charted,
      HistogramSeries,
    ][]) {
      histograms[field] = minusHistogram(now?.histograms[field], series);
    }
    apps.set(app, { pageViews: (now?.pageViews ?? 0) - (old?.pageViews ?? 0), histograms });
  }
  return {
    at: point.at,
    beacons: point.beacons - carry.beacons,
    events: point.events - carry.events,
    rejected: point.rejected - carry.rejected,
    apps,
  };
}
