/**
 * Turns one validated beacon into observations on the Pulse series. Pure bookkeeping: the
 * beacon is already schema-checked, and every label value passes through the label caps.
 * Units: the wire carries ms; Prometheus convention is base units, so durations become seconds.
 * Label values go to `labels(...)` in the order each series declares its label names
 * (metrics.ts): positional lookups keep the per-event cost down (collector/src/series.ts).
 */
import type {
  Beacon,
  CustomEvent,
  ErrorEvent,
  LongTaskEvent,
  PageEvent,
  PulseEvent,
  SocketEvent,
  TimingEvent,
  VitalName,
} from '@pulse/sdk/protocol';
import { connectionScore, pageScore, type PageValues } from '@pulse/sdk/score';
import type { LabelCaps } from './labels.js';
import type { PulseMetrics } from './metrics.js';

/** Labels every event of a beacon shares, already capped. */
interface BeaconContext {
  app: string;
  route: string;
  device: Beacon['device'];
  navigation: Beacon['nav'];
}

const MS = 1000;
const VITALS_IN_MS = ['LCP', 'INP', 'FCP', 'TTFB'] as const;
const ALL_VITALS: readonly VitalName[] = [...VITALS_IN_MS, 'CLS'];

/**
 * The end of a page view with its final values. The SDK sends exactly one `page` event per page
 * view, so the page is scored here, once, and never from partial reports.
 */
function recordPage(metrics: PulseMetrics, context: BeaconContext, event: PageEvent): void {
  const { app, route, device } = context;
  for (const metric of VITALS_IN_MS) {
    const vital = event.vitals[metric];
    if (vital === undefined) continue;
    metrics.webVitalSeconds.labels(app, route, metric, device).observe(vital.value / MS);
  }
  const cls = event.vitals.CLS;
  if (cls !== undefined) metrics.layoutShiftScore.labels(app, route, device).observe(cls.value);
  metrics.totalBlockingTimeSeconds.labels(app, route).observe(event.tbt / MS);
  if (event.heap !== undefined) metrics.jsHeapUsedBytes.labels(app, device).observe(event.heap);

  const values: PageValues = { TBT: event.tbt };
  for (const metric of ALL_VITALS) {
    const vital = event.vitals[metric];
    if (vital === undefined) continue;
    metrics.webVitalRatingTotal.labels(app, route, metric, vital.rating).inc();
    values[metric] = vital.value;
  }
  const score = pageScore(values);
  if (score !== undefined) metrics.pageScore.labels(app, route, device).observe(score);
}

function recordLongTask(metrics: PulseMetrics, context: BeaconContext, event: LongTaskEvent) {
  const { app, route } = context;
  metrics.longTaskSeconds.labels(app, route, event.kind).observe(event.d / MS);
}

function recordError(metrics: PulseMetrics, context: BeaconContext, event: ErrorEvent) {
  const { app, route } = context;
  metrics.jsErrorsTotal.labels(app, route, event.kind).inc();
}

function recordCustomEvent(metrics: PulseMetrics, app: string, name: string, event: CustomEvent) {
  metrics.customEventsTotal.labels(app, name).inc(event.value ?? 1);
}

function recordTiming(metrics: PulseMetrics, app: string, name: string, event: TimingEvent) {
  metrics.customTimingSeconds.labels(app, name).observe(event.d / MS);
}

/**
 * One socket's reporting window. Windows without an answered probe carry no RTT or jitter
 * (zeros there would read as a perfect link), but their loss and score still count.
 */
function recordSocket(metrics: PulseMetrics, app: string, event: SocketEvent): void {
  const { transport } = event;
  if (event.probes > 0) {
    if (event.lost < event.probes) {
      metrics.socketRttSeconds.labels(app, transport).observe(event.p50 / MS);
      metrics.socketJitterSeconds.labels(app, transport).observe(event.jitter / MS);
    }
    metrics.socketLossRatio.labels(app, transport).observe(event.loss);
    const { score } = connectionScore({ rtt: event.rtt, jitter: event.jitter, loss: event.loss });
    metrics.socketScore.labels(app, transport).observe(score);
  }
  if (event.reconnects > 0) metrics.socketReconnectsTotal.labels(app).inc(event.reconnects);
  for (const reason of event.disconnects) metrics.socketDisconnectsTotal.labels(app, reason).inc();
}

function recordEvent(
  metrics: PulseMetrics,
  labels: LabelCaps,
  context: BeaconContext,
  event: PulseEvent,
): void {
  switch (event.k) {
    case 'view':
      metrics.pageViewsTotal.labels(context.app, context.route, context.navigation).inc();
      return;
    case 'page':
      return recordPage(metrics, context, event);
    case 'long':
      return recordLongTask(metrics, context, event);
    case 'error':
      return recordError(metrics, context, event);
    case 'event':
      return recordCustomEvent(metrics, context.app, labels.name(context.app, event.name), event);
    case 'timing':
      return recordTiming(metrics, context.app, labels.name(context.app, event.name), event);
    case 'socket':
      return recordSocket(metrics, context.app, event);
  }
}

/** Records every event of an accepted beacon, and the beacon itself. */
export function recordBeacon(metrics: PulseMetrics, labels: LabelCaps, beacon: Beacon): void {
  const app = labels.app(beacon.app);
  const context: BeaconContext = {
    app,
    route: labels.route(app, beacon.route),
    device: beacon.device,
    navigation: beacon.nav,
  };
  metrics.beaconsTotal.labels(app).inc();
  if (beacon.dropped !== undefined && beacon.dropped > 0) {
    metrics.sdkDroppedEventsTotal.labels(app).inc(beacon.dropped);
  }
  // One increment per kind rather than per event: each update walks the label tree.
  const kinds = new Map<PulseEvent['k'], number>();
  for (const event of beacon.events) {
    kinds.set(event.k, (kinds.get(event.k) ?? 0) + 1);
    recordEvent(metrics, labels, context, event);
  }
  for (const [kind, count] of kinds) metrics.eventsTotal.labels(app, kind).inc(count);
}
