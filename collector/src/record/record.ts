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
  WebRtcEvent,
} from '@pulse/sdk/protocol';
import { callScore, connectionScore, pageViewScore, type PageValues } from '@pulse/sdk/score';
import { sightingOf, type LabelModel } from '../labels/labelModel.js';
import type { CappedLabel, PulseMetrics } from '../series/metrics.js';
import type { SeriesCounter, SeriesHistogram } from '../series/series.js';
import { EVENT_KINDS } from '../beacon/schema.js';
import {
  MEDIA_KINDS,
  SeriesHandles,
  VITAL_NAMES,
  type AppHandles,
  type PageHandles,
} from './seriesHandles.js';
import { DiagnosisRecorder, type DiagnosisContext } from './recordDiagnosis.js';
import type { ErrorGroups } from './errorGroups.js';
import { recordsCountry, type RankedLabel } from '../series/metrics.js';
import { CountryRanking } from './countryRanking.js';
import { MessageRecorder } from './recordMessages.js';

const MS = 1000;
const DIRECTIONS = ['inbound', 'outbound'] as const;

/**
 * The end of a page view with its final values. The SDK sends exactly one `page` event per page
 * view, so the page is scored here, once, and never from partial reports. What the browser could
 * not measure is absent (no TBT without the Long Tasks API) and stays out of the series and the
 * score; a page view with none of LCP, INP and CLS is not scored at all (`pageViewScore`).
 */
function recordPage(page: PageHandles, event: PageEvent): number | undefined {
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
  if (event.tbt !== undefined) page.observeBlockingTime(event.tbt / MS);
  if (event.heap !== undefined) page.app.heap.get(page.device).observe(event.heap);
  const score = pageViewScore(values);
  if (score !== undefined) page.observeScore(score);
  return score;
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

/**
 * One WebRTC call's reporting window. RTT needs the candidate type it was measured over; jitter
 * and loss count per kind and direction only where packets were expected (a muted or absent
 * track is no evidence of a perfect one); the score of each kind comes from `callScore`, the
 * socket score's E-model, and the MOS from audio's (the E-model rates voice), else video's.
 */
function recordWebRtc(app: AppHandles, event: WebRtcEvent): void {
  if (event.rtt !== undefined && event.cand !== undefined) {
    app.webrtcRtt.get(event.cand).observe(event.rtt / MS);
  }
  let mos: number | undefined;
  for (const kind of MEDIA_KINDS) {
    const media = event[kind];
    for (const direction of DIRECTIONS) {
      const quality = media?.[direction === 'inbound' ? 'in' : 'out'];
      if (!quality || quality.packets === 0) continue;
      const series = app.webrtcMedia.get(`${kind} ${direction}`);
      if (quality.jitter !== undefined) series.jitter.observe(quality.jitter / MS);
      series.loss.observe(Math.min(1, quality.lost / quality.packets));
    }
    const score = callScore(event, kind);
    if (score === undefined) continue;
    app.webrtcScore.get(kind).observe(score.score);
    mos ??= score.mos;
  }
  if (mos !== undefined) app.webrtcMos().observe(mos);
  for (const state of event.states) app.webrtcStates.get(state).inc();
}

function recordEvent(
  labels: LabelModel,
  diagnosis: DiagnosisRecorder,
  messages: MessageRecorder,
  context: DiagnosisContext,
  page: PageHandles,
  beacon: Beacon,
  event: PulseEvent,
) {
  const { app } = page;
  const { sighting } = context;
  switch (event.k) {
    case 'view':
      diagnosis.view(context);
      return page.countView(beacon.nav);
    case 'page':
      return diagnosis.page(context, event, recordPage(page, event));
    case 'long':
      recordLongTask(page, event);
      return diagnosis.long(context, event);
    case 'error':
      recordError(page, event);
      return diagnosis.error(context, event);
    case 'event':
      return recordCustomEvent(app, labels.name(app.app, event.name, sighting), event);
    case 'timing':
      return recordTiming(app, labels.name(app.app, event.name, sighting), event);
    case 'socket':
      if (event.msgs !== undefined) messages.record(app.app, event.msgs, sighting);
      return recordSocket(app, event);
    case 'webrtc':
      return recordWebRtc(app, event);
  }
}

/** Page views a beacon starts: its release's and its country's weight in their rankings. */
const viewsIn = (events: readonly PulseEvent[]) =>
  events.reduce((views, event) => (event.k === 'view' ? views + 1 : views), 0);

/** Records accepted beacons, and removes the series of label values the model evicted. */
export interface BeaconRecorder {
  /**
   * Records every event of an accepted beacon, and the beacon itself. `client` sent it (a
   * fastify request will do: its address is read only for label values not admitted yet).
   * `country` is its client's (an assigned ISO 3166-1 alpha-2 code or `__unknown__`, from
   * geography/countryHeader.ts), with geography on; ignored without.
   * Returns the app it was recorded under (`__other__` when not admitted).
   */
  record(beacon: Beacon, client: { readonly ip: string }, now: number, country?: string): string;
  /** Removes every series of an evicted app, route or name, and the handles that reach them. */
  forget(label: CappedLabel, app: string, value: string): void;
  /** Removes the series of a ranked value that lost its slot in `scope`. */
  retire(label: RankedLabel, scope: Readonly<Record<string, string>>, value: string): void;
  /** The error groups behind `pulse_error_group_total`, for the dashboard. */
  readonly errorGroups: ErrorGroups;
}

export function createBeaconRecorder(metrics: PulseMetrics, labels: LabelModel): BeaconRecorder {
  const handles = new SeriesHandles(metrics);
  const diagnosis = new DiagnosisRecorder(labels, metrics);
  const messages = new MessageRecorder(labels, metrics);
  const countries = new CountryRanking(labels);
  const geography = recordsCountry(metrics);
  const families = Object.values(metrics) as (SeriesCounter<string> | SeriesHistogram<string>)[];
  /** Removes the series of every family with all of `match`'s labels that match it. */
  const removeWhere = (match: Readonly<Record<string, string>>) => {
    const names = Object.keys(match);
    for (const family of families) {
      if (names.every((name) => family.labelNames.includes(name))) family.removeWhere(match);
    }
  };
  const kindCounts = new Uint32Array(EVENT_KINDS.length);
  const record = (
    beacon: Beacon,
    client: { readonly ip: string },
    now: number,
    clientCountry?: string,
  ) => {
    const country = geography ? clientCountry : undefined;
    const sighting = sightingOf(client, now);
    const app = labels.app(beacon.app, sighting);
    const route = labels.route(app, beacon.route, sighting);
    const views =
      beacon.release === undefined && country === undefined ? 0 : viewsIn(beacon.events);
    const countryLabel =
      country === undefined ? undefined : countries.label(app, country, views, sighting);
    // Version 1 beacons carry no engine.
    const page = handles.page(app, route, beacon.device, beacon.engine ?? 'other', countryLabel);
    const context = diagnosis.context(app, route, beacon.release, views, sighting);
    page.app.beacons.inc();
    if (beacon.dropped !== undefined && beacon.dropped > 0) page.app.dropped().inc(beacon.dropped);
    // One increment per kind rather than per event, counted in one array kept for every beacon.
    kindCounts.fill(0);
    for (const event of beacon.events) {
      const kind = EVENT_KINDS.indexOf(event.k);
      kindCounts[kind] = kindCounts[kind]! + 1;
      recordEvent(labels, diagnosis, messages, context, page, beacon, event);
    }
    kindCounts.forEach((count, kind) => {
      if (count > 0) page.app.events.get(EVENT_KINDS[kind]!).inc(count);
    });
    return app;
  };
  const forget = (label: CappedLabel, app: string, value: string) => {
    removeWhere(label === 'app' ? { app } : { app, [label]: value });
    diagnosis.forget(label, app, value);
    handles.forget(label, app, value);
    if (label === 'app') {
      countries.forget(app);
      messages.forget(app);
    }
  };
  const retire = (label: RankedLabel, scope: Readonly<Record<string, string>>, value: string) => {
    removeWhere({ ...scope, [label]: value });
    diagnosis.retire(label, scope, value);
    handles.retire(label, scope, value);
  };
  return { record, forget, retire, errorGroups: diagnosis.errorGroups };
}
