/**
 * The series a beacon writes to, found once per label context and kept.
 *
 * Why: at the default caps the collector holds tens of thousands of series, far more than the
 * CPU caches keep, and under load recording waits on memory more than it computes. Every event
 * of a beacon shares its app, route and device, so the label-tree walk happens once per context.
 * The page-level series of a route (ratings, views, errors, long tasks, blocking time), and
 * those of each device class on it (vitals, score), keep their numbers side by side in one
 * Float64Array per block, so a beacon's page-level updates land in a few neighbouring cache
 * lines. Counted with cachegrind over the bench's beacons (1 MiB last-level cache simulated,
 * each beacon parsed fresh): 90 cache misses per beacon in recording with a handle object per
 * series, 43 with the blocks. App-level series (custom names, sockets) are shared by every
 * route and stay warm; they keep a handle per series.
 *
 * Series are made on first use, never ahead: a series exists only once something was recorded
 * in it, exactly as when recording through the metrics directly (seriesHandles.test.ts).
 */
import {
  INP_PHASES,
  LCP_PHASES,
  type DeviceClass,
  type Engine,
  type ErrorEvent,
  type LongTaskEvent,
  type NavigationType,
  type Rating,
  type VitalName,
} from '@pulse/sdk/protocol';
import type { LabelCosts } from '../labels/labelModel.js';
import { LazyMap } from './lazyMap.js';
import { CULPRIT_METRICS, type CappedLabel, type PulseMetrics } from '../series/metrics.js';
import { RANKED_SLOTS } from '../labels/rankedLabels.js';
import { RELEASE_VITALS } from './recordDiagnosis.js';
import {
  DEVICE_CLASSES,
  ENGINES,
  ERROR_KINDS,
  EVENT_KINDS,
  LONG_TASK_KINDS,
  NAVIGATION_TYPES,
  RATINGS,
  SCRIPT_INVOKERS,
  SocketEventSchema,
} from '../beacon/schema.js';
import {
  addTo,
  observeInto,
  type CounterSeries,
  type HistogramSeries,
  type SeriesCounter,
  type SeriesHistogram,
} from '../series/series.js';

type ErrorKind = ErrorEvent['kind'];
type LongTaskKind = LongTaskEvent['kind'];

/**
 * Every vital, in the order `PageHandles.observeVital(index, ...)` and `countRating(index, ...)`
 * number them.
 */
export const VITAL_NAMES: readonly VitalName[] = ['LCP', 'INP', 'FCP', 'TTFB', 'CLS'];

/** The series of one socket transport within an app. */
export interface SocketHandles {
  rtt: HistogramSeries;
  jitter: HistogramSeries;
  loss: HistogramSeries;
  score: HistogramSeries;
}

/** Everything keyed by app alone (or app and one more label). */
export class AppHandles {
  readonly beacons: CounterSeries;
  readonly events: LazyMap<string, CounterSeries>;
  readonly heap: LazyMap<string, HistogramSeries>;
  readonly customEvents: LazyMap<string, CounterSeries>;
  readonly customTimings: LazyMap<string, HistogramSeries>;
  readonly disconnects: LazyMap<string, CounterSeries>;
  readonly socket: LazyMap<string, SocketHandles>;
  private droppedHandle?: CounterSeries;
  private reconnectsHandle?: CounterSeries;

  constructor(
    private readonly metrics: PulseMetrics,
    readonly app: string,
  ) {
    this.beacons = metrics.beaconsTotal.labels(app);
    this.events = new LazyMap((kind) => metrics.eventsTotal.labels(app, kind));
    this.heap = new LazyMap((device) => metrics.jsHeapUsedBytes.labels(app, device));
    this.customEvents = new LazyMap((name) => metrics.customEventsTotal.labels(app, name));
    this.customTimings = new LazyMap((name) => metrics.customTimingSeconds.labels(app, name));
    this.disconnects = new LazyMap((reason) => metrics.socketDisconnectsTotal.labels(app, reason));
    this.socket = new LazyMap((transport) => ({
      rtt: metrics.socketRttSeconds.labels(app, transport),
      jitter: metrics.socketJitterSeconds.labels(app, transport),
      loss: metrics.socketLossRatio.labels(app, transport),
      score: metrics.socketScore.labels(app, transport),
    }));
  }

  dropped(): CounterSeries {
    return (this.droppedHandle ??= this.metrics.sdkDroppedEventsTotal.labels(this.app));
  }

  reconnects(): CounterSeries {
    return (this.reconnectsHandle ??= this.metrics.socketReconnectsTotal.labels(this.app));
  }
}

/** The labels every series of a block shares. */
interface BlockContext {
  app: string;
  route: string;
  device?: DeviceClass;
  engine?: Engine;
}

/** Where one series sits in a block, and how to make it. */
interface BlockEntry {
  at: number;
  family: SeriesCounter<string> | SeriesHistogram<string>;
  labelValues: (context: BlockContext) => string[];
  /** The family's bucket bounds if it is a histogram; undefined for a counter. */
  upperBounds: readonly number[] | undefined;
}

/** The series of one kind of block, laid out one after another; the same for every block. */
class BlockLayout {
  readonly entries: BlockEntry[] = [];
  size = 0;

  /** Adds a series; returns its position, which `SeriesBlock.record` takes. */
  add(family: BlockEntry['family'], labelValues: BlockEntry['labelValues']): number {
    const upperBounds = family.type === 'histogram' ? family.upperBounds : undefined;
    const position = this.entries.push({ at: this.size, family, labelValues, upperBounds }) - 1;
    this.size += family.slots;
    return position;
  }
}

/**
 * The series of one context (a route, or a route on one device class) with their numbers side
 * by side in one Float64Array: a beacon's page-level updates land in a few neighbouring cache
 * lines instead of an object, an array and its elements per series (see series.ts). A series
 * is made on its first use, never ahead, exactly as when recording through the metrics directly.
 */
class SeriesBlock {
  private readonly values: Float64Array;
  /** 1 where the series at that position exists. */
  private readonly made: Uint8Array;

  constructor(
    private readonly layout: BlockLayout,
    private readonly context: BlockContext,
  ) {
    this.values = new Float64Array(layout.size);
    this.made = new Uint8Array(layout.entries.length);
  }

  /** Adds `value` to the counter, or observes it into the histogram, at `position`. */
  record(position: number, value: number): void {
    const entry = this.layout.entries[position]!;
    if (this.made[position] === 0) {
      entry.family.labelsAt(this.values, entry.at, ...entry.labelValues(this.context));
      this.made[position] = 1;
    }
    // Not `entry.family.recordAt`: that one call site meets both family classes, and the
    // dispatch cost more than the memory it reaches (recordCost.ts, median of 4 alternating
    // runs: 8.2 µs per bench beacon warm and 11.7 at 4 MiB evicted, 7.6 and 10.9 this way).
    if (entry.upperBounds === undefined) addTo(this.values, entry.at, value);
    else observeInto(this.values, entry.at, entry.upperBounds, value);
  }
}

/**
 * Positions of the series of a route: ratings (per engine), views, errors, long tasks, blocking
 * time.
 */
function routeLayout(metrics: PulseMetrics) {
  const layout = new BlockLayout();
  return {
    layout,
    rating: ENGINES.map((engine) =>
      VITAL_NAMES.map((metric) =>
        RATINGS.map((rating) =>
          layout.add(metrics.webVitalRatingTotal, ({ app, route }) => [
            app,
            route,
            metric,
            rating,
            engine,
          ]),
        ),
      ),
    ),
    view: NAVIGATION_TYPES.map((navigation) =>
      layout.add(metrics.pageViewsTotal, ({ app, route }) => [app, route, navigation]),
    ),
    error: ERROR_KINDS.map((kind) =>
      layout.add(metrics.jsErrorsTotal, ({ app, route }) => [app, route, kind]),
    ),
    longTask: LONG_TASK_KINDS.map((kind) =>
      layout.add(metrics.longTaskSeconds, ({ app, route }) => [app, route, kind]),
    ),
    blockingTime: layout.add(metrics.totalBlockingTimeSeconds, ({ app, route }) => [app, route]),
  };
}

/**
 * Positions of the series of a route on one device class in one engine: vitals (CLS its own)
 * and score.
 */
function deviceLayout(metrics: PulseMetrics) {
  const layout = new BlockLayout();
  const device = ({ device }: BlockContext) => device!;
  const engine = ({ engine }: BlockContext) => engine!;
  return {
    layout,
    vital: VITAL_NAMES.map((metric) =>
      metric === 'CLS'
        ? layout.add(metrics.layoutShiftScore, (c) => [c.app, c.route, device(c), engine(c)])
        : layout.add(metrics.webVitalSeconds, (c) => [
            c.app,
            c.route,
            metric,
            device(c),
            engine(c),
          ]),
    ),
    score: layout.add(metrics.pageScore, (c) => [c.app, c.route, device(c), engine(c)]),
  };
}

type RouteLayout = ReturnType<typeof routeLayout>;
type DeviceLayout = ReturnType<typeof deviceLayout>;

/** Everything keyed by app, route, device and engine (or a subset of them and one more label). */
export class PageHandles {
  /** Positions of this page's ratings: those of its engine. */
  private readonly ratingPositions: number[][];

  constructor(
    readonly app: AppHandles,
    readonly device: DeviceClass,
    engine: Engine,
    private readonly routePositions: RouteLayout,
    private readonly routeSeries: SeriesBlock,
    private readonly devicePositions: DeviceLayout,
    private readonly deviceSeries: SeriesBlock,
  ) {
    this.ratingPositions = routePositions.rating[ENGINES.indexOf(engine)]!;
  }

  countView(navigation: NavigationType): void {
    this.routeSeries.record(this.routePositions.view[NAVIGATION_TYPES.indexOf(navigation)]!, 1);
  }

  /** Counts a rating of the vital at `index` of `VITAL_NAMES`. */
  countRating(index: number, rating: Rating): void {
    this.routeSeries.record(this.ratingPositions[index]![RATINGS.indexOf(rating)]!, 1);
  }

  countError(kind: ErrorKind): void {
    this.routeSeries.record(this.routePositions.error[ERROR_KINDS.indexOf(kind)]!, 1);
  }

  observeLongTask(kind: LongTaskKind, seconds: number): void {
    this.routeSeries.record(this.routePositions.longTask[LONG_TASK_KINDS.indexOf(kind)]!, seconds);
  }

  observeBlockingTime(seconds: number): void {
    this.routeSeries.record(this.routePositions.blockingTime, seconds);
  }

  /**
   * Observes the vital at `index` of `VITAL_NAMES`, in its series' unit: seconds, or the score
   * itself for CLS (which has a histogram of its own).
   */
  observeVital(index: number, value: number): void {
    this.deviceSeries.record(this.devicePositions.vital[index]!, value);
  }

  observeScore(score: number): void {
    this.deviceSeries.record(this.devicePositions.score, score);
  }
}

/** The blocks of one route: its own series, and those of each device class and engine met on it. */
interface RouteEntry {
  series: SeriesBlock;
  pages: (PageHandles | undefined)[];
}

/**
 * The handles of every context seen. Bounded like the series themselves: apps, routes and
 * devices are capped label values, so there are at most (apps) x (routes per app) x (devices)
 * page contexts.
 */
export class SeriesHandles {
  private readonly apps: LazyMap<
    string,
    { handles: AppHandles; routes: LazyMap<string, RouteEntry> }
  >;
  private readonly routePositions: RouteLayout;
  private readonly devicePositions: DeviceLayout;

  constructor(metrics: PulseMetrics) {
    this.routePositions = routeLayout(metrics);
    this.devicePositions = deviceLayout(metrics);
    this.apps = new LazyMap((app) => ({
      handles: new AppHandles(metrics, app),
      routes: new LazyMap((route) => ({
        series: new SeriesBlock(this.routePositions.layout, { app, route }),
        pages: [],
      })),
    }));
  }

  /** Drops the handles of an evicted app, route or name, so its series can be made anew. */
  forget(label: CappedLabel, app: string, value: string): void {
    if (label === 'app') return this.apps.delete(app);
    const entry = this.apps.peek(app);
    if (entry === undefined) return;
    if (label === 'route') return entry.routes.delete(value);
    entry.handles.customEvents.delete(value);
    entry.handles.customTimings.delete(value);
  }

  /** `app` and `route` are capped label values. */
  page(app: string, route: string, device: DeviceClass, engine: Engine): PageHandles {
    const entry = this.apps.get(app);
    const routeEntry = entry.routes.get(route);
    const slot = DEVICE_CLASSES.indexOf(device) * ENGINES.length + ENGINES.indexOf(engine);
    return (routeEntry.pages[slot] ??= new PageHandles(
      entry.handles,
      device,
      engine,
      this.routePositions,
      routeEntry.series,
      this.devicePositions,
      new SeriesBlock(this.devicePositions.layout, { app, route, device, engine }),
    ));
  }
}

/**
 * The most series one admitted value can make, counted as Prometheus counts them (a histogram
 * series is one per bucket, `+Inf` included, plus `_sum` and `_count`: exactly its `slots`).
 * The label model reserves these against the series ceiling.
 */
/**
 * The diagnosis series of a route: its phases, and the culprit slots of each metric (with
 * `__other__`), reserved with the route so ranked values never take the ceiling by surprise.
 */
const diagnosisRouteCost = (metrics: PulseMetrics) =>
  LCP_PHASES.length * metrics.lcpPhaseSeconds.slots +
  INP_PHASES.length * metrics.inpPhaseSeconds.slots +
  CULPRIT_METRICS.length * (RANKED_SLOTS.target + 1) * metrics.culpritTotal.slots;

/** The diagnosis series of an app: its release, script and error group slots, `__other__` included. */
const diagnosisAppCost = (metrics: PulseMetrics) => {
  const release =
    metrics.releasePageViewsTotal.slots +
    metrics.releasePageScore.slots +
    RELEASE_VITALS.length * metrics.releaseWebVitalSeconds.slots +
    metrics.releaseLayoutShiftScore.slots +
    ERROR_KINDS.length * metrics.releaseJsErrorsTotal.slots;
  return (
    (RANKED_SLOTS.release + 1) * release +
    // Only releases with a slot have a first sighting to export; `__other__` has none.
    RANKED_SLOTS.release * metrics.releaseFirstSeenTimestampSeconds.slots +
    (RANKED_SLOTS.script + 1) * SCRIPT_INVOKERS.length * metrics.scriptBlockingSecondsTotal.slots +
    (RANKED_SLOTS.fingerprint + 1) * ERROR_KINDS.length * metrics.errorGroupTotal.slots
  );
};

export function labelCosts(metrics: PulseMetrics): LabelCosts {
  const route =
    routeLayout(metrics).layout.size +
    DEVICE_CLASSES.length * ENGINES.length * deviceLayout(metrics).layout.size +
    diagnosisRouteCost(metrics);
  const name = metrics.customEventsTotal.slots + metrics.customTimingSeconds.slots;
  const { transport, disconnects } = SocketEventSchema.properties;
  const socket =
    metrics.socketRttSeconds.slots +
    metrics.socketJitterSeconds.slots +
    metrics.socketLossRatio.slots +
    metrics.socketScore.slots;
  const appOwn =
    metrics.beaconsTotal.slots +
    EVENT_KINDS.length * metrics.eventsTotal.slots +
    metrics.sdkDroppedEventsTotal.slots +
    metrics.socketReconnectsTotal.slots +
    DEVICE_CLASSES.length * metrics.jsHeapUsedBytes.slots +
    disconnects.items.anyOf.length * metrics.socketDisconnectsTotal.slots +
    transport.anyOf.length * socket;
  // An admitted app also has its own `__other__` route and name.
  return { app: appOwn + diagnosisAppCost(metrics) + route + name, route, name };
}
