/**
 * Turns one validated beacon into observations on the Pulse series. Pure bookkeeping: the
 * beacon is already schema-checked, and every label value passes through the label caps.
 * Units: the wire carries ms; Prometheus convention is base units, so durations become seconds.
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
    metrics.webVitalSeconds.observe({ app, route, metric, device }, vital.value / MS);
  }
  const cls = event.vitals.CLS;
  if (cls !== undefined) metrics.layoutShiftScore.observe({ app, route, device }, cls.value);
  metrics.totalBlockingTimeSeconds.observe({ app, route }, event.tbt / MS);
  if (event.heap !== undefined) metrics.jsHeapUsedBytes.observe({ app, device }, event.heap);

  const values: PageValues = { TBT: event.tbt };
  for (const metric of ALL_VITALS) {
    const vital = event.vitals[metric];
    if (vital === undefined) continue;
    metrics.webVitalRatingTotal.inc({ app, route, metric, rating: vital.rating });
    values[metric] = vital.value;
  }
  const score = pageScore(values);
  if (score !== undefined) metrics.pageScore.observe({ app, route, device }, score);
}

function recordLongTask(metrics: PulseMetrics, context: BeaconContext, event: LongTaskEvent) {
  const { app, route } = context;
  metrics.longTaskSeconds.observe({ app, route, kind: event.kind }, event.d / MS);
}

function recordError(metrics: PulseMetrics, context: BeaconContext, event: ErrorEvent) {
  const { app, route } = context;
  metrics.jsErrorsTotal.inc({ app, route, kind: event.kind });
}

function recordCustomEvent(metrics: PulseMetrics, app: string, name: string, event: CustomEvent) {
  metrics.customEventsTotal.inc({ app, name }, event.value ?? 1);
}

function recordTiming(metrics: PulseMetrics, app: string, name: string, event: TimingEvent) {
  metrics.customTimingSeconds.observe({ app, name }, event.d / MS);
}

/**
 * One socket's reporting window. Windows without an answered probe carry no RTT or jitter
 * (zeros there would read as a perfect link), but their loss and score still count.
 */
function recordSocket(metrics: PulseMetrics, app: string, event: SocketEvent): void {
  const { transport } = event;
  if (event.probes > 0) {
    if (event.lost < event.probes) {
      metrics.socketRttSeconds.observe({ app, transport }, event.p50 / MS);
      metrics.socketJitterSeconds.observe({ app, transport }, event.jitter / MS);
    }
    metrics.socketLossRatio.observe({ app, transport }, event.loss);
    const { score } = connectionScore({ rtt: event.rtt, jitter: event.jitter, loss: event.loss });
    metrics.socketScore.observe({ app, transport }, score);
  }
  if (event.reconnects > 0) metrics.socketReconnectsTotal.inc({ app }, event.reconnects);
  for (const reason of event.disconnects) metrics.socketDisconnectsTotal.inc({ app, reason });
}

function recordEvent(
  metrics: PulseMetrics,
  labels: LabelCaps,
  context: BeaconContext,
  event: PulseEvent,
): void {
  switch (event.k) {
    case 'view':
      metrics.pageViewsTotal.inc({
        app: context.app,
        route: context.route,
        navigation: context.navigation,
      });
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
  metrics.beaconsTotal.inc({ app });
  if (beacon.dropped !== undefined && beacon.dropped > 0) {
    metrics.sdkDroppedEventsTotal.inc({ app }, beacon.dropped);
  }
  // One increment per kind rather than per event: each prom-client update hashes its labels.
  const kinds = new Map<PulseEvent['k'], number>();
  for (const event of beacon.events) {
    kinds.set(event.k, (kinds.get(event.k) ?? 0) + 1);
    recordEvent(metrics, labels, context, event);
  }
  for (const [kind, count] of kinds) metrics.eventsTotal.inc({ app, kind }, count);
}
