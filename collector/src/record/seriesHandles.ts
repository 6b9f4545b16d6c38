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
import {
  CULPRIT_METRICS,
  recordsCountry,
  type CappedLabel,
  type PulseMetrics,
  type RankedLabel,
} from '../series/metrics.js';
import { UNKNOWN_COUNTRY } from '../geography/countryCode.js';
import { RANKED_SLOTS } from '../labels/rankedLabels.js';
import { RELEASE_VITALS } from './recordDiagnosis.js';
import { DELIVERY_OUTCOMES, MESSAGE_DIRECTIONS } from './recordMessages.js';
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
  CANDIDATE_TYPES,
  PEER_STATE_NAMES,
} from '../beacon/schema.js';
import {
  addTo,
  observeInto,
  type CounterSeries,
  type HistogramSeries,
  type SeriesCounter,
  type SeriesHistogram,
} from '../series/series.js';

/** Media kinds of a WebRTC window, each in two directions (inbound, outbound). */
export const MEDIA_KINDS = ['audio', 'video'] as const;

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

/** The series of a WebRTC call's media kind in one direction within an app. */
export interface MediaHandles {
  jitter: HistogramSeries;
  loss: HistogramSeries;
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
  /** WebRTC: RTT by candidate type, media by `kind direction`, score by kind, state changes. */
  readonly webrtcRtt: LazyMap<string, HistogramSeries>;
  readonly webrtcMedia: LazyMap<string, MediaHandles>;
  readonly webrtcScore: LazyMap<string, HistogramSeries>;
  readonly webrtcStates: LazyMap<string, CounterSeries>;
  private droppedHandle?: CounterSeries;
  private mosHandle?: HistogramSeries;
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
    this.webrtcRtt = new LazyMap((candidate) => metrics.webrtcRttSeconds.labels(app, candidate));
    this.webrtcMedia = new LazyMap((kindDirection) => {
      const [kind = '', direction = ''] = kindDirection.split(' ');
      return {
        jitter: metrics.webrtcJitterSeconds.labels(app, kind, direction),
        loss: metrics.webrtcLossRatio.labels(app, kind, direction),
      };
    });
    this.webrtcScore = new LazyMap((kind) => metrics.webrtcScore.labels(app, kind));
    this.webrtcStates = new LazyMap((state) => metrics.webrtcStateChangesTotal.labels(app, state));
  }

  webrtcMos(): HistogramSeries {
    return (this.mosHandle ??= this.metrics.webrtcMos.labels(this.app));
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
  /** Only in the blocks of series that carry `country` (geography on). */
  country?: string;
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
 * Where each series of a page context sits. Without geography, two kinds of block: a route's
 * (ratings per engine, views, errors, long tasks, blocking time) and a route's on one device
 * class in one engine (vitals, score). With geography, the series that carry `country` move to
 * blocks keyed by country as well, since a series may live in one block only (series.ts
 * `labelsAt`): a route's views and ratings per country (`routeCountry`), and its score per
 * device class, engine and country (`deviceCountry`). Errors, long tasks, blocking time and
 * vitals are not split by country. Without geography, `routeCountry` is `route` and
 * `deviceCountry` is `device`: the same blocks, laid out as before geography existed.
 */
function pageLayouts(metrics: PulseMetrics) {
  const byCountry = recordsCountry(metrics);
  const route = new BlockLayout();
  const routeCountry = byCountry ? new BlockLayout() : route;
  const device = new BlockLayout();
  const deviceCountry = byCountry ? new BlockLayout() : device;
  /** The `country` label value, last, of a series that carries it. */
  const country = byCountry ? ({ country }: BlockContext) => [country!] : () => [];
  const onDevice = ({ device, engine }: BlockContext) => [device!, engine!];
  return {
    layouts: { route, routeCountry, device, deviceCountry },
    rating: ENGINES.map((engine) =>
      VITAL_NAMES.map((metric) =>
        RATINGS.map((rating) =>
          routeCountry.add(metrics.webVitalRatingTotal, (c) => [
            c.app,
            c.route,
            metric,
            rating,
            engine,
            ...country(c),
          ]),
        ),
      ),
    ),
    view: NAVIGATION_TYPES.map((navigation) =>
      routeCountry.add(metrics.pageViewsTotal, (c) => [c.app, c.route, navigation, ...country(c)]),
    ),
    error: ERROR_KINDS.map((kind) =>
      route.add(metrics.jsErrorsTotal, ({ app, route }) => [app, route, kind]),
    ),
    longTask: LONG_TASK_KINDS.map((kind) =>
      route.add(metrics.longTaskSeconds, ({ app, route }) => [app, route, kind]),
    ),
    blockingTime: route.add(metrics.totalBlockingTimeSeconds, ({ app, route }) => [app, route]),
    // CLS has a histogram of its own.
    vital: VITAL_NAMES.map((metric) =>
      metric === 'CLS'
        ? device.add(metrics.layoutShiftScore, (c) => [c.app, c.route, ...onDevice(c)])
        : device.add(metrics.webVitalSeconds, (c) => [c.app, c.route, metric, ...onDevice(c)]),
    ),
    score: deviceCountry.add(metrics.pageScore, (c) => [
      c.app,
      c.route,
      ...onDevice(c),
      ...country(c),
    ]),
  };
}

type PageLayouts = ReturnType<typeof pageLayouts>;

/** The blocks one page context records into (the same block twice without geography). */
interface PageBlocks {
  route: SeriesBlock;
  routeCountry: SeriesBlock;
  device: SeriesBlock;
  deviceCountry: SeriesBlock;
}

/**
 * Everything keyed by app, route, device, engine and (with geography) country, or a subset of
 * them and one more label.
 */
export class PageHandles {
  /** Positions of this page's ratings: those of its engine. */
  private readonly ratingPositions: number[][];
  private readonly routeSeries: SeriesBlock;
  private readonly routeCountrySeries: SeriesBlock;
  private readonly deviceSeries: SeriesBlock;
  private readonly deviceCountrySeries: SeriesBlock;

  constructor(
    readonly app: AppHandles,
    readonly device: DeviceClass,
    engine: Engine,
    private readonly positions: PageLayouts,
    blocks: PageBlocks,
  ) {
    this.ratingPositions = positions.rating[ENGINES.indexOf(engine)]!;
    this.routeSeries = blocks.route;
    this.routeCountrySeries = blocks.routeCountry;
    this.deviceSeries = blocks.device;
    this.deviceCountrySeries = blocks.deviceCountry;
  }

  countView(navigation: NavigationType): void {
    this.routeCountrySeries.record(this.positions.view[NAVIGATION_TYPES.indexOf(navigation)]!, 1);
  }

  /** Counts a rating of the vital at `index` of `VITAL_NAMES`. */
  countRating(index: number, rating: Rating): void {
    this.routeCountrySeries.record(this.ratingPositions[index]![RATINGS.indexOf(rating)]!, 1);
  }

  countError(kind: ErrorKind): void {
    this.routeSeries.record(this.positions.error[ERROR_KINDS.indexOf(kind)]!, 1);
  }

  observeLongTask(kind: LongTaskKind, seconds: number): void {
    this.routeSeries.record(this.positions.longTask[LONG_TASK_KINDS.indexOf(kind)]!, seconds);
  }

  observeBlockingTime(seconds: number): void {
    this.routeSeries.record(this.positions.blockingTime, seconds);
  }

  /**
   * Observes the vital at `index` of `VITAL_NAMES`, in its series' unit: seconds, or the score
   * itself for CLS (which has a histogram of its own).
   */
  observeVital(index: number, value: number): void {
    this.deviceSeries.record(this.positions.vital[index]!, value);
  }

  observeScore(score: number): void {
    this.deviceCountrySeries.record(this.positions.score, score);
  }
}

/** A route's series of one country (geography on): its views and ratings, its page handles. */
interface CountryEntry {
  series: SeriesBlock;
  pages: (PageHandles | undefined)[];
}

/**
 * The blocks of one route: its own series, and those of each device class and engine met on
 * it; with geography, those of each country too.
 */
interface RouteEntry {
  series: SeriesBlock;
  /** Without geography, the page handles by device class and engine (`pageSlot`). */
  pages: (PageHandles | undefined)[];
  /** With geography, the vitals of each device class and engine, shared by every country. */
  devices: (SeriesBlock | undefined)[];
  /** With geography, by `country` label value. */
  countries: LazyMap<string, CountryEntry> | undefined;
}

const pageSlot = (device: DeviceClass, engine: Engine) =>
  DEVICE_CLASSES.indexOf(device) * ENGINES.length + ENGINES.indexOf(engine);

/**
 * The handles of every context seen. Bounded like the series themselves: apps, routes and
 * devices are capped label values, and countries ranked ones, so there are at most (apps) x
 * (routes per app) x (devices) x (engines) x (countries per app) page contexts.
 */
export class SeriesHandles {
  private readonly apps: LazyMap<
    string,
    { handles: AppHandles; routes: LazyMap<string, RouteEntry> }
  >;
  private readonly positions: PageLayouts;
  private readonly byCountry: boolean;

  constructor(metrics: PulseMetrics) {
    const positions = (this.positions = pageLayouts(metrics));
    const { layouts } = positions;
    this.byCountry = recordsCountry(metrics);
    const byCountry = this.byCountry;
    this.apps = new LazyMap((app) => ({
      handles: new AppHandles(metrics, app),
      routes: new LazyMap((route) => ({
        series: new SeriesBlock(layouts.route, { app, route }),
        pages: [],
        devices: [],
        countries: byCountry
          ? new LazyMap((country) => ({
              series: new SeriesBlock(layouts.routeCountry, { app, route, country }),
              pages: [],
            }))
          : undefined,
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

  /**
   * Drops the handles of a country that lost its slot in its app (its series were removed), so
   * a later slot makes them anew. Other ranked labels keep no handles here.
   */
  retire(label: RankedLabel, scope: Readonly<Record<string, string>>, value: string): void {
    if (label !== 'country' || scope.app === undefined) return;
    for (const route of this.apps.peek(scope.app)?.routes.values() ?? []) {
      route.countries?.delete(value);
    }
  }

  /**
   * `app` and `route` are capped label values; `country` the ranked one (read only with
   * geography on).
   */
  page(
    app: string,
    route: string,
    device: DeviceClass,
    engine: Engine,
    country = UNKNOWN_COUNTRY,
  ): PageHandles {
    const entry = this.apps.get(app);
    const routeEntry = entry.routes.get(route);
    const slot = pageSlot(device, engine);
    const { layouts } = this.positions;
    if (!this.byCountry) {
      const page = routeEntry.pages[slot];
      if (page !== undefined) return page;
      const block = new SeriesBlock(layouts.device, { app, route, device, engine });
      return (routeEntry.pages[slot] = new PageHandles(
        entry.handles,
        device,
        engine,
        this.positions,
        {
          route: routeEntry.series,
          routeCountry: routeEntry.series,
          device: block,
          deviceCountry: block,
        },
      ));
    }
    const countryEntry = routeEntry.countries!.get(country);
    const page = countryEntry.pages[slot];
    if (page !== undefined) return page;
    return (countryEntry.pages[slot] = new PageHandles(
      entry.handles,
      device,
      engine,
      this.positions,
      {
        route: routeEntry.series,
        routeCountry: countryEntry.series,
        device: (routeEntry.devices[slot] ??= new SeriesBlock(layouts.device, {
          app,
          route,
          device,
          engine,
        })),
        deviceCountry: new SeriesBlock(layouts.deviceCountry, {
          app,
          route,
          device,
          engine,
          country,
        }),
      },
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

/**
 * The message series of an app (recordMessages.ts): per event name slot and `__other__`, its
 * delivery times, each outcome and each direction.
 */
const messagesAppCost = (metrics: PulseMetrics) =>
  (RANKED_SLOTS.event + 1) *
  (metrics.socketDeliverySeconds.slots +
    DELIVERY_OUTCOMES.length * metrics.socketDeliveriesTotal.slots +
    MESSAGE_DIRECTIONS.length * metrics.socketMessagesTotal.slots);

/**
 * The `country` values of an app with geography on: its slots, `__other__` and `__unknown__`;
 * one (no label) without.
 */
const countryValues = (metrics: PulseMetrics) =>
  recordsCountry(metrics) ? RANKED_SLOTS.country + 2 : 1;

/** An app's WebRTC series: every candidate type, kind, direction and state (fixed enums). */
const webrtcCost = (metrics: PulseMetrics) =>
  CANDIDATE_TYPES.length * metrics.webrtcRttSeconds.slots +
  MEDIA_KINDS.length *
    (2 * (metrics.webrtcJitterSeconds.slots + metrics.webrtcLossRatio.slots) +
      metrics.webrtcScore.slots) +
  metrics.webrtcMos.slots +
  PEER_STATE_NAMES.length * metrics.webrtcStateChangesTotal.slots;

export function labelCosts(metrics: PulseMetrics): LabelCosts {
  const { route: own, routeCountry, device, deviceCountry } = pageLayouts(metrics).layouts;
  const countries = countryValues(metrics);
  /** Series of a layout apart from `shared`: none where it is the same (geography off). */
  const apart = (layout: BlockLayout, shared: BlockLayout) => (layout === shared ? 0 : layout.size);
  const route =
    own.size +
    countries * apart(routeCountry, own) +
    DEVICE_CLASSES.length *
      ENGINES.length *
      (device.size + countries * apart(deviceCountry, device)) +
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
    transport.anyOf.length * socket +
    webrtcCost(metrics);
  // An admitted app also has its own `__other__` route and name.
  const app = appOwn + diagnosisAppCost(metrics) + messagesAppCost(metrics);
  return { app: app + route + name, route, name };
}
