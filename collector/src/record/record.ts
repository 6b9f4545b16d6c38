/**
 * Turns one validated beacon into observations on the Pulse series. Pure bookkeeping: the
 * beacon is already schema-checked, and every label value passes through the label model
 * (labelModel.ts), whose evictions remove series here.
 * Units: the wire carries ms; Prometheus convention is base units, so durations become seconds.
 * Series are reached through handles kept per app and per page context (seriesHandles.ts),
 * which keeps the per-event cost down at tens of thousands of series.
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
} from '@pulse/sdk/protocol';
import { connectionScore, pageScore, type PageValues } from '@pulse/sdk/score';
import { sightingOf, type LabelModel, type Sighting } from '../labels/labelModel.js';
import type { CappedLabel, PulseMetrics } from '../series/metrics.js';
import type { SeriesCounter, SeriesHistogram } from '../series/series.js';
import { EVENT_KINDS } from '../beacon/schema.js';
import { SeriesHandles, VITAL_NAMES, type AppHandles, type PageHandles } from './seriesHandles.js';

const MS = 1000;

/**
 * The end of a page view with its final values. The SDK sends exactly one `page` event per page
 * view, so the page is scored here, once, and never from partial reports.
 */
function recordPage(page: PageHandles, event: PageEvent): void {
  // Every key from the start: one object of one shape per page event, never grown.
  const { LCP, INP, CLS, FCP, TTFB } = event.vitals;
  const values: PageValues = {
    LCP: LCP?.value,
    INP: INP?.value,
    CLS: CLS?.value,
    FCP: FCP?.value,
    TTFB: TTFB?.value,
    TBT: event.tbt,
  };
  VITAL_NAMES.forEach((metric, index) => {
    const vital = event.vitals[metric];
    if (vital === undefined) return;
    page.countRating(index, vital.rating);
    // CLS is a score, not a duration: no unit conversion.
    page.observeVital(index, metric === 'CLS' ? vital.value : vital.value / MS);
  });
  page.observeBlockingTime(event.tbt / MS);
  if (event.heap !== undefined) page.app.heap.get(page.device).observe(event.heap);
  const score = pageScore(values);
  if (score !== undefined) page.observeScore(score);
}

function recordLongTask(page: PageHandles, event: LongTaskEvent) {
  page.observeLongTask(event.kind, event.d / MS);
}

function recordError(page: PageHandles, event: ErrorEvent) {
  page.countError(event.kind);
}

function recordCustomEvent(app: AppHandles, name: string, event: CustomEvent) {
  app.customEvents.get(name).inc(event.value ?? 1);
}

function recordTiming(app: AppHandles, name: string, event: TimingEvent) {
  app.customTimings.get(name).observe(event.d / MS);
}

/**
 * One socket's reporting window. Windows without an answered probe carry no RTT or jitter
 * (zeros there would read as a perfect link), but their loss and score still count.
 */
function recordSocket(app: AppHandles, event: SocketEvent): void {
  if (event.probes > 0) {
    const socket = app.socket.get(event.transport);
    if (event.lost < event.probes) {
      socket.rtt.observe(event.p50 / MS);
      socket.jitter.observe(event.jitter / MS);
    }
    socket.loss.observe(event.loss);
    const { score } = connectionScore({ rtt: event.rtt, jitter: event.jitter, loss: event.loss });
    socket.score.observe(score);
  }
  if (event.reconnects > 0) app.reconnects().inc(event.reconnects);
  for (const reason of event.disconnects) app.disconnects.get(reason).inc();
}

function recordEvent(
  labels: LabelModel,
  page: PageHandles,
  beacon: Beacon,
  event: PulseEvent,
  sighting: Sighting,
) {
  const { app } = page;
  switch (event.k) {
    case 'view':
      return page.countView(beacon.nav);
    case 'page':
      return recordPage(page, event);
    case 'long':
      return recordLongTask(page, event);
    case 'error':
      return recordError(page, event);
    case 'event':
      return recordCustomEvent(app, labels.name(app.app, event.name, sighting), event);
    case 'timing':
      return recordTiming(app, labels.name(app.app, event.name, sighting), event);
    case 'socket':
      return recordSocket(app, event);
  }
}

/** Records accepted beacons, and removes the series of label values the model evicted. */
export interface BeaconRecorder {
  /**
   * Records every event of an accepted beacon, and the beacon itself. `client` sent it (a
   * fastify request will do: its address is read only for label values not admitted yet).
   */
  record(beacon: Beacon, client: { readonly ip: string }, now: number): void;
  /** Removes every series of an evicted app, route or name, and the handles that reach them. */
  forget(label: CappedLabel, app: string, value: string): void;
}

export function createBeaconRecorder(metrics: PulseMetrics, labels: LabelModel): BeaconRecorder {
  const handles = new SeriesHandles(metrics);
  const families = Object.values(metrics) as (SeriesCounter<string> | SeriesHistogram<string>)[];
  const kindCounts = new Uint32Array(EVENT_KINDS.length);
  const record = (beacon: Beacon, client: { readonly ip: string }, now: number) => {
    const sighting = sightingOf(client, now);
    const app = labels.app(beacon.app, sighting);
    const route = labels.route(app, beacon.route, sighting);
    const page = handles.page(app, route, beacon.device);
    page.app.beacons.inc();
    if (beacon.dropped !== undefined && beacon.dropped > 0) page.app.dropped().inc(beacon.dropped);
    // One increment per kind rather than per event, counted in one array kept for every beacon.
    kindCounts.fill(0);
    for (const event of beacon.events) {
      const kind = EVENT_KINDS.indexOf(event.k);
      kindCounts[kind] = kindCounts[kind]! + 1;
      recordEvent(labels, page, beacon, event, sighting);
    }
    kindCounts.forEach((count, kind) => {
      if (count > 0) page.app.events.get(EVENT_KINDS[kind]!).inc(count);
    });
  };
  const forget = (label: CappedLabel, app: string, value: string) => {
    const match: Record<string, string> = label === 'app' ? { app } : { app, [label]: value };
    for (const family of families) {
      if (family.labelNames.includes('app') && family.labelNames.includes(label)) {
        family.removeWhere(match);
      }
    }
    handles.forget(label, app, value);
  };
  return { record, forget };
}
