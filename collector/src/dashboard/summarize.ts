import { setImmediate as nextTurn } from 'node:timers/promises';
import type { VitalName } from '@pulse/sdk/protocol';
import { rateMetric } from '@pulse/sdk/score';
import { callsSummary } from './callsSummary.js';
import { messagesSummary } from './messagesSummary.js';
import { quantiles, scoreSummary } from './histogramFigures.js';
import { histogramQuantile } from './histogramQuantile.js';
import {
  seriesKey,
  sumHistograms,
  sumScalars,
  totalScalar,
  type HistogramSeries,
  type Labels,
  type RegistryReading,
  type ScalarSeries,
} from './registryReading.js';
import { SERIES } from './seriesNames.js';
import type {
  AppSummary,
  AppTimeline,
  CollectorHealth,
  EngineSummary,
  RouteSummary,
  Summary,
  SummaryRange,
  VitalSummary,
} from './summarySchema.js';

/** Vitals recorded in `pulse_web_vital_seconds`; CLS has its own unitless histogram. */
const TIMED_VITALS = ['LCP', 'INP', 'FCP', 'TTFB'] as const;
/** The vitals compared between engines: those that decide whether a page view is scored. */
const ENGINE_VITALS = ['LCP', 'INP'] as const;
/** How many routes `worstRoutes` lists. */
const WORST_ROUTES = 5;
/** Route summaries computed per event-loop turn (a tenth of the default route cap). */
const ROUTES_PER_TURN = 10;

/**
 * The charted values of a summary, however a source computes them: from the collector's stored
 * snapshots or from a range query. Every array is aligned with `t`.
 */
export interface SummaryTimeline {
  /** Unix seconds of each point, oldest first. */
  t: number[];
  intervalSeconds: number;
  rateWindowSeconds: number;
  collector: CollectorHealth['timeline'];
  /** One app's charted values; an app the timeline has no data for gets nulls. */
  app(app: string): AppTimeline;
}

/** What a summary says about itself besides the figures. */
export interface SummaryContext {
  /** How often the page polls, in ms (echoed for the page). */
  pollIntervalMs: number;
  range: SummaryRange;
}

/**
 * The dashboard's whole view of one reading: figures from the reading's series (counts over the
 * range, or since the collector started) and the charts from `timeline`.
 *
 * At the default caps this is ~3,000 series to group and ~100 routes to summarise, 12–18 ms of
 * work for every poll of every open dashboard. It is done a family or a few routes per
 * event-loop turn, like `readRegistry`, so beacons and scrapes are served in between.
 */
export async function summarize(
  reading: RegistryReading,
  timeline: SummaryTimeline,
  context: SummaryContext,
): Promise<Summary> {
  const collector = collectorHealth(reading, timeline.collector);
  const apps: AppSummary[] = [];
  for (const app of appNames(reading)) {
    apps.push(await appSummary(reading, timeline.app(app), app));
  }
  return {
    generatedAt: reading.at,
    pollIntervalMs: context.pollIntervalMs,
    range: context.range,
    timeline: {
      t: timeline.t,
      intervalSeconds: timeline.intervalSeconds,
      rateWindowSeconds: timeline.rateWindowSeconds,
    },
    collector,
    apps,
  };
}

function collectorHealth(
  reading: RegistryReading,
  timeline: CollectorHealth['timeline'],
): CollectorHealth {
  const byLabel = (name: string, label: string) =>
    Object.fromEntries(
      [...sumScalars(reading, name, [label]).values()].map((s) => [s.labels[label] ?? '', s.value]),
    );
  return {
    beacons: totalScalar(reading, SERIES.beacons),
    events: totalScalar(reading, SERIES.events),
    eventsByKind: byLabel(SERIES.events, 'kind'),
    rejected: totalScalar(reading, SERIES.rejected),
    rejectedByReason: byLabel(SERIES.rejected, 'reason'),
    labelOverflow: totalScalar(reading, SERIES.labelOverflow),
    labelOverflowByLabel: byLabel(SERIES.labelOverflow, 'label'),
    beaconsPerSecond: timeline.beaconsPerSecond.at(-1) ?? null,
    rejectedPerSecond: timeline.rejectedPerSecond.at(-1) ?? null,
    timeline,
  };
}

/** Every app any series has seen, sorted by name. */
function appNames(reading: RegistryReading): string[] {
  const names = new Set<string>();
  for (const name of [
    SERIES.beacons,
    SERIES.pageViews,
    SERIES.socketReconnects,
    SERIES.webrtcStates,
  ]) {
    for (const series of reading.scalars.get(name) ?? []) names.add(series.labels.app ?? '');
  }
  for (const name of [
    SERIES.pageScore,
    SERIES.webVital,
    SERIES.socketScore,
    SERIES.jsHeap,
    SERIES.webrtcScore,
  ]) {
    for (const series of reading.histograms.get(name) ?? []) names.add(series.labels.app ?? '');
  }
  names.delete('');
  return [...names].sort();
}

async function appSummary(
  reading: RegistryReading,
  timeline: AppTimeline,
  app: string,
): Promise<AppSummary> {
  const routes = await routeFigures(reading, { app }, ['route']);
  const overall = await routeFigures(reading, { app }, []);
  const routeNames = new Set<string>();
  for (const family of [
    routes.views,
    routes.scores,
    routes.timed,
    routes.cls,
    routes.ratings,
    routes.longTasks,
    routes.tbt,
    routes.errors,
  ]) {
    for (const series of family.values()) routeNames.add(series.labels.route ?? '');
  }
  routeNames.delete('');
  const routeSummaries: RouteSummary[] = [];
  for (const route of routeNames) {
    routeSummaries.push(routeSummary(routes, route, [route]));
    if (routeSummaries.length % ROUTES_PER_TURN === 0) await nextTurn();
  }
  routeSummaries.sort((a, b) => b.pageViews - a.pageViews || a.route.localeCompare(b.route));

  const socket = (name: string) => sumHistograms(reading, name, [], { app }).get(seriesKey({}, []));
  const disconnects = sumScalars(reading, SERIES.socketDisconnects, ['reason'], { app });
  return {
    app,
    overall: routeSummary(overall, '*', []),
    routes: routeSummaries,
    worstRoutes: routeSummaries
      .filter((route) => route.score.poorShare !== null)
      .sort(
        (a, b) => (b.score.poorShare ?? 0) - (a.score.poorShare ?? 0) || b.pageViews - a.pageViews,
      )
      .slice(0, WORST_ROUTES)
      .map((route) => route.route),
    memory: quantiles(socket(SERIES.jsHeap)),
    socket: {
      rtt: quantiles(socket(SERIES.socketRtt)),
      jitter: quantiles(socket(SERIES.socketJitter)),
      loss: quantiles(socket(SERIES.socketLoss)),
      score: scoreSummary(socket(SERIES.socketScore)),
      reconnects: totalScalar(reading, SERIES.socketReconnects, { app }),
      disconnects: Object.fromEntries(
        [...disconnects.values()].map((series) => [series.labels.reason ?? '', series.value]),
      ),
    },
    calls: callsSummary(reading, app),
    messages: messagesSummary(reading, app),
    timeline,
  };
}

/** The per-route families of one app, grouped by `by` (route, or nothing for all routes). */
interface RouteFigures {
  views: Map<string, ScalarSeries>;
  scores: Map<string, HistogramSeries>;
  timed: Map<string, HistogramSeries>;
  cls: Map<string, HistogramSeries>;
  ratings: Map<string, ScalarSeries>;
  longTasks: Map<string, HistogramSeries>;
  longTaskKinds: Map<string, HistogramSeries>;
  /** The `kind` values among `longTaskKinds`, looked up per route rather than scanned. */
  longTaskKindNames: string[];
  tbt: Map<string, HistogramSeries>;
  errors: Map<string, ScalarSeries>;
  /** Scores, vitals and ratings grouped by engine as well. */
  engines: {
    scores: Map<string, HistogramSeries>;
    timed: Map<string, HistogramSeries>;
    cls: Map<string, HistogramSeries>;
    ratings: Map<string, ScalarSeries>;
  };
}

/** Groups one family, then hands the event loop back before the next one. */
async function grouped<T>(group: () => T): Promise<T> {
  const result = group();
  await nextTurn();
  return result;
}

async function routeFigures(
  reading: RegistryReading,
  match: Labels,
  by: string[],
): Promise<RouteFigures> {
  const histograms = (name: string, labels: string[]) =>
    grouped(() => sumHistograms(reading, name, labels, match));
  const scalars = (name: string, labels: string[]) =>
    grouped(() => sumScalars(reading, name, labels, match));
  const longTaskKinds = await histograms(SERIES.longTask, [...by, 'kind']);
  const kindNames = [...longTaskKinds.values()].map((series) => series.labels.kind ?? '');
  return {
    views: await scalars(SERIES.pageViews, by),
    scores: await histograms(SERIES.pageScore, by),
    timed: await histograms(SERIES.webVital, [...by, 'metric']),
    cls: await histograms(SERIES.layoutShift, by),
    ratings: await scalars(SERIES.vitalRating, [...by, 'metric', 'rating']),
    longTasks: await histograms(SERIES.longTask, by),
    longTaskKinds,
    longTaskKindNames: [...new Set(kindNames)],
    tbt: await histograms(SERIES.totalBlockingTime, by),
    errors: await scalars(SERIES.jsErrors, by),
    engines: {
      scores: await histograms(SERIES.pageScore, [...by, 'engine']),
      timed: await histograms(SERIES.webVital, [...by, 'engine', 'metric']),
      cls: await histograms(SERIES.layoutShift, [...by, 'engine']),
      ratings: await scalars(SERIES.vitalRating, [...by, 'engine', 'metric', 'rating']),
    },
  };
}

/**
 * One vital's summary: p75 from its histogram, ratings looked up by name. The rating
 * thresholds are in ms; the histograms are in seconds (CLS is unitless).
 */
function vitalSummary(
  metric: VitalName,
  histogram: HistogramSeries | undefined,
  rating: (name: string) => number,
): VitalSummary {
  const p75 = histogram === undefined ? null : histogramQuantile(0.75, histogram.buckets);
  const thresholdUnit = metric === 'CLS' ? 1 : 1000;
  return {
    samples: histogram?.count ?? 0,
    p75,
    rating: p75 === null ? null : rateMetric(metric, p75 * thresholdUnit),
    ratings: {
      good: rating('good'),
      'needs-improvement': rating('needs-improvement'),
      poor: rating('poor'),
    },
  };
}

/** The engines seen in `figures` under `key`, each with its score and LCP, INP and CLS. */
function engineSummaries(figures: RouteFigures, key: string[]): EngineSummary[] {
  const { scores, timed, cls, ratings } = figures.engines;
  const names = new Set<string>();
  const prefix = JSON.stringify(key).slice(0, -1);
  for (const family of [scores, timed, cls]) {
    for (const [at, series] of family) {
      // Keys extend the scope's own key: `["/cart","firefox"...`.
      if (at.startsWith(key.length === 0 ? '[' : `${prefix},`))
        names.add(series.labels.engine ?? '');
    }
  }
  names.delete('');
  const at = (...extra: string[]) => JSON.stringify([...key, ...extra]);
  return [...names]
    .map((engine): EngineSummary => {
      const vital = (metric: VitalName, histogram: HistogramSeries | undefined) =>
        vitalSummary(
          metric,
          histogram,
          (name) => ratings.get(at(engine, metric, name))?.value ?? 0,
        );
      return {
        engine,
        score: scoreSummary(scores.get(at(engine))),
        vitals: {
          ...(Object.fromEntries(
            ENGINE_VITALS.map((metric) => [metric, vital(metric, timed.get(at(engine, metric)))]),
          ) as Record<(typeof ENGINE_VITALS)[number], VitalSummary>),
          CLS: vital('CLS', cls.get(at(engine))),
        },
      };
    })
    .sort((a, b) => b.score.samples - a.score.samples || a.engine.localeCompare(b.engine));
}

/** `key` holds the values of the grouping labels (`[route]`, or `[]` for all routes). */
function routeSummary(figures: RouteFigures, route: string, key: string[]): RouteSummary {
  const at = (...extra: string[]) => JSON.stringify([...key, ...extra]);
  const vital = (metric: VitalName, histogram: HistogramSeries | undefined) =>
    vitalSummary(metric, histogram, (name) => figures.ratings.get(at(metric, name))?.value ?? 0);
  const timed = Object.fromEntries(
    TIMED_VITALS.map((metric) => [metric, vital(metric, figures.timed.get(at(metric)))]),
  ) as Record<(typeof TIMED_VITALS)[number], VitalSummary>;
  const byKind: Record<string, number> = {};
  for (const kind of figures.longTaskKindNames) {
    const series = figures.longTaskKinds.get(at(kind));
    if (series !== undefined) byKind[kind] = series.count;
  }
  return {
    route,
    pageViews: figures.views.get(at())?.value ?? 0,
    score: scoreSummary(figures.scores.get(at())),
    vitals: { ...timed, CLS: vital('CLS', figures.cls.get(at())) },
    longTasks: { ...quantiles(figures.longTasks.get(at())), byKind },
    tbt: quantiles(figures.tbt.get(at())),
    errors: figures.errors.get(at())?.value ?? 0,
    engines: engineSummaries(figures, key),
  };
}
