/**
 * The series a beacon writes to, found once per label context and kept.
 *
 * Why: at the default caps the collector holds tens of thousands of series, far more than the
 * CPU caches keep, and every label-tree walk (a few Map lookups) misses them. Recording a bench
 * beacon with a walk per observation took about 7 µs with warm caches and 28 µs with 4 MiB of
 * other memory written between beacons; through these handles, about 4 and 17 µs (BENCHMARKS.md,
 * section 3, times the latter). Every event of a beacon shares its app, route and device, so the
 * walk happens once per context; later beacons of the same context read their handles from
 * small arrays and Maps that stay warm together.
 *
 * Handles are made on first use, never ahead: a series exists only once something was recorded
 * in it, exactly as when recording through the metrics directly.
 */
import type { DeviceClass, Rating, VitalName } from '@pulse/sdk/protocol';
import type { PulseMetrics } from './metrics.js';
import { RATINGS } from './schema.js';
import type { CounterSeries, HistogramSeries } from './series.js';

/** Every vital, in the order `PageHandles.vital(index)` and `rating(index, ...)` number them. */
export const VITAL_NAMES: readonly VitalName[] = ['LCP', 'INP', 'FCP', 'TTFB', 'CLS'];

/** Handles of one series family within a context, by the label value that still varies. */
class HandlesBy<S> {
  private readonly handles = new Map<string, S>();
  constructor(private readonly find: (value: string) => S) {}

  get(value: string): S {
    let handle = this.handles.get(value);
    if (handle === undefined) {
      handle = this.find(value);
      this.handles.set(value, handle);
    }
    return handle;
  }
}

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
  readonly events: HandlesBy<CounterSeries>;
  readonly heap: HandlesBy<HistogramSeries>;
  readonly customEvents: HandlesBy<CounterSeries>;
  readonly customTimings: HandlesBy<HistogramSeries>;
  readonly disconnects: HandlesBy<CounterSeries>;
  readonly socket: HandlesBy<SocketHandles>;
  private droppedHandle?: CounterSeries;
  private reconnectsHandle?: CounterSeries;

  constructor(
    private readonly metrics: PulseMetrics,
    readonly app: string,
  ) {
    this.beacons = metrics.beaconsTotal.labels(app);
    this.events = new HandlesBy((kind) => metrics.eventsTotal.labels(app, kind));
    this.heap = new HandlesBy((device) => metrics.jsHeapUsedBytes.labels(app, device));
    this.customEvents = new HandlesBy((name) => metrics.customEventsTotal.labels(app, name));
    this.customTimings = new HandlesBy((name) => metrics.customTimingSeconds.labels(app, name));
    this.disconnects = new HandlesBy((reason) =>
      metrics.socketDisconnectsTotal.labels(app, reason),
    );
    this.socket = new HandlesBy((transport) => ({
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

/** Everything keyed by app, route and device (or a subset of them and one more label). */
export class PageHandles {
  /**
   * A page event writes up to 13 series of its context; vitals and ratings sit in plain arrays
   * (by position in `VITAL_NAMES`, then in the schema's `RATINGS`) rather than Maps, one memory
   * access fewer each. Ratings reach here validated, so a rating's position is never -1.
   */
  private readonly vitalHandles: (HistogramSeries | undefined)[] = [];
  private readonly ratingHandles: (CounterSeries | undefined)[] = [];
  readonly longTasks: HandlesBy<HistogramSeries>;
  readonly errors: HandlesBy<CounterSeries>;
  readonly views: HandlesBy<CounterSeries>;
  private layoutShiftHandle?: HistogramSeries;
  private scoreHandle?: HistogramSeries;
  private blockingTimeHandle?: HistogramSeries;

  constructor(
    private readonly metrics: PulseMetrics,
    readonly app: AppHandles,
    readonly route: string,
    readonly device: DeviceClass,
  ) {
    const name = app.app;
    this.longTasks = new HandlesBy((kind) => metrics.longTaskSeconds.labels(name, route, kind));
    this.errors = new HandlesBy((kind) => metrics.jsErrorsTotal.labels(name, route, kind));
    this.views = new HandlesBy((navigation) =>
      metrics.pageViewsTotal.labels(name, route, navigation),
    );
  }

  /** The vital's histogram; `index` is the vital's position in `VITAL_NAMES`. */
  vital(index: number): HistogramSeries {
    return (this.vitalHandles[index] ??= this.metrics.webVitalSeconds.labels(
      this.app.app,
      this.route,
      VITAL_NAMES[index],
      this.device,
    ));
  }

  /** The rating counter of the vital at `index` of `VITAL_NAMES`. */
  rating(index: number, rating: Rating): CounterSeries {
    const slot = index * RATINGS.length + RATINGS.indexOf(rating);
    return (this.ratingHandles[slot] ??= this.metrics.webVitalRatingTotal.labels(
      this.app.app,
      this.route,
      VITAL_NAMES[index],
      rating,
    ));
  }

  layoutShift(): HistogramSeries {
    return (this.layoutShiftHandle ??= this.metrics.layoutShiftScore.labels(
      this.app.app,
      this.route,
      this.device,
    ));
  }

  score(): HistogramSeries {
    return (this.scoreHandle ??= this.metrics.pageScore.labels(
      this.app.app,
      this.route,
      this.device,
    ));
  }

  blockingTime(): HistogramSeries {
    return (this.blockingTimeHandle ??= this.metrics.totalBlockingTimeSeconds.labels(
      this.app.app,
      this.route,
    ));
  }
}

/**
 * The handles of every context seen. Bounded like the series themselves: apps, routes and
 * devices are capped label values, so there are at most (apps) x (routes per app) x (devices)
 * page contexts.
 */
export class SeriesHandles {
  private readonly apps = new Map<
    string,
    { handles: AppHandles; pages: Map<string, PageHandles> }
  >();

  constructor(private readonly metrics: PulseMetrics) {}

  /** `app` and `route` are capped label values. */
  page(app: string, route: string, device: DeviceClass): PageHandles {
    let entry = this.apps.get(app);
    if (entry === undefined) {
      entry = { handles: new AppHandles(this.metrics, app), pages: new Map() };
      this.apps.set(app, entry);
    }
    // One key for route and device: devices are a handful of fixed words without a space.
    const key = `${device} ${route}`;
    let page = entry.pages.get(key);
    if (page === undefined) {
      page = new PageHandles(this.metrics, entry.handles, route, device);
      entry.pages.set(key, page);
    }
    return page;
  }
}
