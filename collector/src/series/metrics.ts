/**
 * The Prometheus series of SPEC.md ("Prometheus series"), registered in one prom-client Registry
 * per collector.
 *
 * Histograms, never summaries: histogram buckets add up across collector replicas
 * (`sum by (le)`), summary quantiles do not. Buckets are chosen for the data: vitals straddle
 * the web-vitals good/poor thresholds so "% good" and p75 can be read off the buckets exactly.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { REJECT_REASONS } from '../http/rejection.js';
import { SeriesCounter, SeriesGauge, SeriesHistogram } from './series.js';

/** `__other__`: the label value every capped label falls back to. */
export const OTHER = '__other__';

/** Labels whose values the label model admits (labelModel.ts), as counted by `pulse_label_*_total{label}`. */
export const CAPPED_LABELS = ['app', 'route', 'name'] as const;
export type CappedLabel = (typeof CAPPED_LABELS)[number];

/**
 * Labels whose values are ranked per scope, the heaviest few keeping series of their own
 * (labels/rankedLabels.ts): those of the diagnosis, and the opt-in `country`; counted by
 * `pulse_label_*_total{label}` as well (`country` only with geography on).
 */
export const RANKED_LABELS = [
  'release',
  'target',
  'script',
  'fingerprint',
  'country',
  'event',
] as const;
export type RankedLabel = (typeof RANKED_LABELS)[number];

/** The families that gain a `country` label with geography on (SPEC.md "Geography and fleet"). */
export const COUNTRY_FAMILIES = [
  'pulse_page_views_total',
  'pulse_page_score',
  'pulse_web_vital_rating_total',
] as const;

/** Vitals whose culprits are counted. */
export const CULPRIT_METRICS = ['LCP', 'INP', 'CLS'] as const;

// Thresholds (s): INP 0.2/0.5, TTFB 0.8/1.8, FCP 1.8/3, LCP 2.5/4 — each one is a bucket bound.
const VITAL_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1, 1.2, 1.8, 2.5, 3, 4, 6, 10, 20];
// CLS thresholds 0.1/0.25.
const LAYOUT_SHIFT_BUCKETS = [0.01, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2];
const SCORE_BUCKETS = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
// A long task is > 50 ms by definition.
const LONG_TASK_BUCKETS = [0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2, 5];
// TBT thresholds 0.2/0.6.
const BLOCKING_TIME_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.6, 1, 2, 5, 10];
// 4 MiB .. 4 GiB, doubling.
const HEAP_BUCKETS = Array.from({ length: 11 }, (_, i) => 2 ** (22 + i));
const RTT_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2, 5];
const JITTER_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.5, 1];
// Most windows lose nothing: `le="0"` separates clean windows from lossy ones.
const LOSS_BUCKETS = [0, 0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1];
// G.107 Annex B user satisfaction: 4.3 very satisfied, 4.0 satisfied, 3.6 some, 3.1 many, 2.6
// nearly all users dissatisfied; a bucket bound at each, so shares can be read off exactly.
const MOS_BUCKETS = [1.5, 2, 2.6, 3.1, 3.6, 4, 4.3, 4.5];
const CUSTOM_TIMING_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
// Parts of LCP and INP: from a few ms (an input delay) to seconds (a slow image).
const PHASE_BUCKETS = [0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 4, 8, 15];
// Message delivery: an ack on a LAN (ms) up to a server slow to answer (s); finer where most
// acks fall, so p75 and p95 read off the buckets within a few ms there.
export const DELIVERY_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2.5, 5, 10,
];

/** Every Pulse series, typed by its label names. */
export interface PulseMetrics {
  webVitalSeconds: SeriesHistogram<'app' | 'route' | 'metric' | 'device' | 'engine'>;
  layoutShiftScore: SeriesHistogram<'app' | 'route' | 'device' | 'engine'>;
  /** `country` last, and only with geography on (as on `pageScore` and `pageViewsTotal`). */
  webVitalRatingTotal: SeriesCounter<'app' | 'route' | 'metric' | 'rating' | 'engine' | 'country'>;
  pageScore: SeriesHistogram<'app' | 'route' | 'device' | 'engine' | 'country'>;
  pageViewsTotal: SeriesCounter<'app' | 'route' | 'navigation' | 'country'>;
  longTaskSeconds: SeriesHistogram<'app' | 'route' | 'kind'>;
  totalBlockingTimeSeconds: SeriesHistogram<'app' | 'route'>;
  jsHeapUsedBytes: SeriesHistogram<'app' | 'device'>;
  socketRttSeconds: SeriesHistogram<'app' | 'transport'>;
  socketJitterSeconds: SeriesHistogram<'app' | 'transport'>;
  socketLossRatio: SeriesHistogram<'app' | 'transport'>;
  socketScore: SeriesHistogram<'app' | 'transport'>;
  socketReconnectsTotal: SeriesCounter<'app'>;
  socketDisconnectsTotal: SeriesCounter<'app' | 'reason'>;
  webrtcRttSeconds: SeriesHistogram<'app' | 'candidate'>;
  webrtcJitterSeconds: SeriesHistogram<'app' | 'kind' | 'direction'>;
  webrtcLossRatio: SeriesHistogram<'app' | 'kind' | 'direction'>;
  webrtcScore: SeriesHistogram<'app' | 'kind'>;
  webrtcMos: SeriesHistogram<'app'>;
  webrtcStateChangesTotal: SeriesCounter<'app' | 'state'>;
  customEventsTotal: SeriesCounter<'app' | 'name'>;
  customTimingSeconds: SeriesHistogram<'app' | 'name'>;
  jsErrorsTotal: SeriesCounter<'app' | 'route' | 'kind'>;
  beaconsTotal: SeriesCounter<'app'>;
  eventsTotal: SeriesCounter<'app' | 'kind'>;
  sdkDroppedEventsTotal: SeriesCounter<'app'>;
  rejectedTotal: SeriesCounter<'reason'>;
  labelOverflowTotal: SeriesCounter<'label'>;
  labelPendingTotal: SeriesCounter<'label'>;
  labelAdmissionsTotal: SeriesCounter<'label'>;
  labelEvictionsTotal: SeriesCounter<'label'>;
  releasePageViewsTotal: SeriesCounter<'app' | 'release'>;
  releasePageScore: SeriesHistogram<'app' | 'release'>;
  releaseWebVitalSeconds: SeriesHistogram<'app' | 'release' | 'metric'>;
  releaseLayoutShiftScore: SeriesHistogram<'app' | 'release'>;
  releaseJsErrorsTotal: SeriesCounter<'app' | 'release' | 'kind'>;
  releaseFirstSeenTimestampSeconds: SeriesGauge<'app' | 'release'>;
  lcpPhaseSeconds: SeriesHistogram<'app' | 'route' | 'phase'>;
  inpPhaseSeconds: SeriesHistogram<'app' | 'route' | 'phase'>;
  culpritTotal: SeriesCounter<'app' | 'route' | 'metric' | 'target'>;
  scriptBlockingSecondsTotal: SeriesCounter<'app' | 'script' | 'invoker'>;
  errorGroupTotal: SeriesCounter<'app' | 'fingerprint' | 'kind'>;
  socketDeliverySeconds: SeriesHistogram<'app' | 'event'>;
  socketDeliveriesTotal: SeriesCounter<'app' | 'event' | 'outcome'>;
  socketMessagesTotal: SeriesCounter<'app' | 'event' | 'direction'>;
}

export interface PulseMetricsOptions {
  /**
   * Page views, page scores and vital ratings get a `country` label (docs/GEOGRAPHY.md).
   * Off, those families have no such label at all.
   */
  geography?: boolean;
}

/** True when the page-view families carry the `country` label (created with geography on). */
export const recordsCountry = (metrics: PulseMetrics): boolean =>
  metrics.pageViewsTotal.labelNames.includes('country');

/** Registers every Pulse series in `registry` and returns them. */
export function createPulseMetrics(
  registry: Registry,
  { geography = false }: PulseMetricsOptions = {},
): PulseMetrics {
  const register = <
    M extends SeriesCounter<string> | SeriesGauge<string> | SeriesHistogram<string>,
  >(
    metric: M,
  ) => {
    registry.registerMetric(metric.asRegistryMetric());
    return metric;
  };
  const histogram = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets: number[],
  ) => register(new SeriesHistogram<L>({ name, help, labelNames, buckets }));
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    register(new SeriesCounter<L>({ name, help, labelNames }));
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    register(new SeriesGauge<L>({ name, help, labelNames }));
  // Last, so label values given by position (seriesHandles.ts) only gain one at the end.
  const byCountry = <L extends string>(labelNames: readonly L[]): readonly (L | 'country')[] =>
    geography ? [...labelNames, 'country'] : labelNames;

  const metrics: PulseMetrics = {
    webVitalSeconds: histogram(
      'pulse_web_vital_seconds',
      'Final Core Web Vital value of a page view (LCP, INP, FCP, TTFB), seconds.',
      ['app', 'route', 'metric', 'device', 'engine'],
      VITAL_BUCKETS,
    ),
    layoutShiftScore: histogram(
      'pulse_layout_shift_score',
      'Final Cumulative Layout Shift of a page view.',
      ['app', 'route', 'device', 'engine'],
      LAYOUT_SHIFT_BUCKETS,
    ),
    webVitalRatingTotal: counter(
      'pulse_web_vital_rating_total',
      'Page views by Core Web Vital rating (good, needs-improvement, poor), CLS included.',
      byCountry(['app', 'route', 'metric', 'rating', 'engine']),
    ),
    pageScore: histogram(
      'pulse_page_score',
      'Page experience score of a page view with LCP, INP or CLS, 0..100 (docs/SCORING.md).',
      byCountry(['app', 'route', 'device', 'engine']),
      SCORE_BUCKETS,
    ),
    pageViewsTotal: counter(
      'pulse_page_views_total',
      'Page views started, by navigation type.',
      byCountry(['app', 'route', 'navigation']),
    ),
    longTaskSeconds: histogram(
      'pulse_long_task_seconds',
      'Duration of long tasks and long animation frames, seconds.',
      ['app', 'route', 'kind'],
      LONG_TASK_BUCKETS,
    ),
    totalBlockingTimeSeconds: histogram(
      'pulse_total_blocking_time_seconds',
      'Total blocking time of a page view, seconds; only from browsers with the Long Tasks API.',
      ['app', 'route'],
      BLOCKING_TIME_BUCKETS,
    ),
    jsHeapUsedBytes: histogram(
      'pulse_js_heap_used_bytes',
      'Used JavaScript heap at the end of a page view, bytes.',
      ['app', 'device'],
      HEAP_BUCKETS,
    ),
    socketRttSeconds: histogram(
      'pulse_socket_rtt_seconds',
      'Median socket.io probe round-trip time per reporting window, seconds.',
      ['app', 'transport'],
      RTT_BUCKETS,
    ),
    socketJitterSeconds: histogram(
      'pulse_socket_jitter_seconds',
      'RFC 3550 interarrival jitter of probe RTT per reporting window, seconds.',
      ['app', 'transport'],
      JITTER_BUCKETS,
    ),
    socketLossRatio: histogram(
      'pulse_socket_loss_ratio',
      'Share of probes lost per reporting window, 0..1.',
      ['app', 'transport'],
      LOSS_BUCKETS,
    ),
    socketScore: histogram(
      'pulse_socket_score',
      'Connection quality score per reporting window, 0..100 (docs/SCORING.md).',
      ['app', 'transport'],
      SCORE_BUCKETS,
    ),
    socketReconnectsTotal: counter(
      'pulse_socket_reconnects_total',
      'socket.io reconnect attempts seen by browsers.',
      ['app'],
    ),
    socketDisconnectsTotal: counter(
      'pulse_socket_disconnects_total',
      'socket.io disconnects seen by browsers, by reason.',
      ['app', 'reason'],
    ),
    webrtcRttSeconds: histogram(
      'pulse_webrtc_rtt_seconds',
      'WebRTC call round-trip time per reporting window (selected candidate pair), seconds, by local candidate type.',
      ['app', 'candidate'],
      RTT_BUCKETS,
    ),
    webrtcJitterSeconds: histogram(
      'pulse_webrtc_jitter_seconds',
      'RFC 3550 jitter of WebRTC media per reporting window, seconds (outbound as the remote receiver reports it).',
      ['app', 'kind', 'direction'],
      JITTER_BUCKETS,
    ),
    webrtcLossRatio: histogram(
      'pulse_webrtc_loss_ratio',
      'Share of WebRTC media packets lost per reporting window, 0..1.',
      ['app', 'kind', 'direction'],
      LOSS_BUCKETS,
    ),
    webrtcScore: histogram(
      'pulse_webrtc_score',
      'Call quality score per reporting window and media kind, 0..100 (docs/SCORING.md).',
      ['app', 'kind'],
      SCORE_BUCKETS,
    ),
    webrtcMos: histogram(
      'pulse_webrtc_mos',
      'Estimated mean opinion score of a call per reporting window (audio, else video), 1..4.5.',
      ['app'],
      MOS_BUCKETS,
    ),
    webrtcStateChangesTotal: counter(
      'pulse_webrtc_state_changes_total',
      'WebRTC connection state changes (and ICE checking/completed) seen by browsers, by new state.',
      ['app', 'state'],
    ),
    customEventsTotal: counter(
      'pulse_custom_events_total',
      'Custom business events from track(name, value), summed by value.',
      ['app', 'name'],
    ),
    customTimingSeconds: histogram(
      'pulse_custom_timing_seconds',
      'Custom timings from time(name, ms), seconds.',
      ['app', 'name'],
      CUSTOM_TIMING_BUCKETS,
    ),
    jsErrorsTotal: counter('pulse_js_errors_total', 'JavaScript errors in pages, by source.', [
      'app',
      'route',
      'kind',
    ]),
    beaconsTotal: counter('pulse_beacons_total', 'Beacons accepted.', ['app']),
    eventsTotal: counter('pulse_events_total', 'Events accepted, by kind.', ['app', 'kind']),
    sdkDroppedEventsTotal: counter(
      'pulse_sdk_dropped_events_total',
      'Events the SDK dropped from its bounded queue before delivery, as it reported them.',
      ['app'],
    ),
    rejectedTotal: counter(
      'pulse_rejected_total',
      'Requests refused (beacons, and requests Node could not read in time or at all), by reason; for event_schema, events refused.',
      ['reason'],
    ),
    labelOverflowTotal: counter(
      'pulse_label_overflow_total',
      'Label values recorded as __other__ because a per-app cap or the series ceiling was reached.',
      ['label'],
    ),
    labelPendingTotal: counter(
      'pulse_label_pending_total',
      'Label values recorded as __other__ while they wait for evidence from enough client networks.',
      ['label'],
    ),
    labelAdmissionsTotal: counter(
      'pulse_label_admissions_total',
      'Label values admitted to series of their own, on evidence from enough client networks.',
      ['label'],
    ),
    labelEvictionsTotal: counter(
      'pulse_label_evictions_total',
      'Admitted label values evicted (idle, or outweighed by a heavier value); their series were removed.',
      ['label'],
    ),
    releasePageViewsTotal: counter(
      'pulse_release_page_views_total',
      'Page views started, by release (the newest releases of each app; the rest __other__).',
      ['app', 'release'],
    ),
    releasePageScore: histogram(
      'pulse_release_page_score',
      'Page experience score of a page view by release, 0..100 (docs/SCORING.md).',
      ['app', 'release'],
      SCORE_BUCKETS,
    ),
    releaseWebVitalSeconds: histogram(
      'pulse_release_web_vital_seconds',
      'Final Core Web Vital value of a page view by release (LCP, INP, FCP, TTFB), seconds.',
      ['app', 'release', 'metric'],
      VITAL_BUCKETS,
    ),
    releaseLayoutShiftScore: histogram(
      'pulse_release_layout_shift_score',
      'Final Cumulative Layout Shift of a page view by release.',
      ['app', 'release'],
      LAYOUT_SHIFT_BUCKETS,
    ),
    releaseJsErrorsTotal: counter(
      'pulse_release_js_errors_total',
      'JavaScript errors in pages, by release and source.',
      ['app', 'release', 'kind'],
    ),
    releaseFirstSeenTimestampSeconds: gauge(
      'pulse_release_first_seen_timestamp_seconds',
      'When this collector first saw the release (Unix seconds): the newest release of an app has the largest.',
      ['app', 'release'],
    ),
    lcpPhaseSeconds: histogram(
      'pulse_lcp_phase_seconds',
      "Parts of a page view's LCP (ttfb, load_delay, load_duration, render_delay), seconds; they add up to its LCP.",
      ['app', 'route', 'phase'],
      PHASE_BUCKETS,
    ),
    inpPhaseSeconds: histogram(
      'pulse_inp_phase_seconds',
      "Parts of a page view's INP (input_delay, processing, presentation), seconds; they add up to its INP.",
      ['app', 'route', 'phase'],
      PHASE_BUCKETS,
    ),
    culpritTotal: counter(
      'pulse_culprit_total',
      'Page views whose LCP, INP or CLS was needs-improvement or poor, by the element or interaction to blame.',
      ['app', 'route', 'metric', 'target'],
    ),
    scriptBlockingSecondsTotal: counter(
      'pulse_script_blocking_seconds_total',
      'Time scripts ran in long animation frames, by script (origin and path) and invoker type, seconds.',
      ['app', 'script', 'invoker'],
    ),
    errorGroupTotal: counter(
      'pulse_error_group_total',
      'JavaScript errors by fingerprint (one group per error name, message shape and top frame).',
      ['app', 'fingerprint', 'kind'],
    ),
    socketDeliverySeconds: histogram(
      'pulse_socket_delivery_seconds',
      "Delivery time of an app's acknowledged socket.io emit (sent to ack received), seconds, by event name.",
      ['app', 'event'],
      DELIVERY_BUCKETS,
    ),
    socketDeliveriesTotal: counter(
      'pulse_socket_deliveries_total',
      "The app's acknowledged socket.io emits by outcome: delivered, failed (ack timed out) or lost (in flight at a disconnect).",
      ['app', 'event', 'outcome'],
    ),
    socketMessagesTotal: counter(
      'pulse_socket_messages_total',
      'socket.io messages of the app seen by browsers with delivery tracking on, by event name and direction (in, out).',
      ['app', 'event', 'direction'],
    ),
  };

  // Start every bounded series at 0, so rate() and alerts see the first increment.
  for (const reason of REJECT_REASONS) metrics.rejectedTotal.inc({ reason }, 0);
  const counted = RANKED_LABELS.filter((label) => geography || label !== 'country');
  for (const label of [...CAPPED_LABELS, ...counted]) {
    metrics.labelOverflowTotal.inc({ label }, 0);
    metrics.labelPendingTotal.inc({ label }, 0);
    metrics.labelAdmissionsTotal.inc({ label }, 0);
    metrics.labelEvictionsTotal.inc({ label }, 0);
  }
  return metrics;
}

/** prom-client default metrics that are gauges with a counter's `_total` suffix. */
const MISNAMED_DEFAULT_GAUGES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** What the metrics plugin decorates the fastify instance with, as `app.pulse`. */
export interface PulseMetricsDecoration {
  /** The registry `/metrics` renders (on the admin listener); other plugins may register their own series here. */
  registry: Registry;
  /** The Pulse series. */
  metrics: PulseMetrics;
}

export interface MetricsPluginOptions extends PulseMetricsOptions {
  registry?: Registry;
  processMetrics: boolean;
}

/**
 * Creates (or adopts) the registry, registers the series, and on close removes the series again,
 * so a supplied registry can be reused by a later collector. `GET /metrics` is served by the
 * admin listener (metricsRoute.ts), never by the internet-facing one.
 */
export const metricsPlugin = fp(
  async (app: FastifyInstance, options: MetricsPluginOptions) => {
    const ownRegistry = options.registry === undefined;
    const registry = options.registry ?? new Registry();
    const namesBefore = new Set(registry.getMetricsAsArray().map((metric) => metric.name));
    const metrics = createPulseMetrics(registry, { geography: options.geography });
    const ownNames = registry
      .getMetricsAsArray()
      .map((metric) => metric.name)
      .filter((name) => !namesBefore.has(name));
    if (ownRegistry && options.processMetrics) {
      collectDefaultMetrics({ register: registry });
      // prom-client names these gauges `_total`, which Prometheus reserves for counters
      // (`promtool check metrics` fails on them); the handle and request counts add little.
      for (const name of MISNAMED_DEFAULT_GAUGES) registry.removeSingleMetric(name);
    }
    app.decorate('pulse', { registry, metrics });

    app.addHook('onClose', async () => {
      if (ownRegistry) registry.clear();
      else for (const name of ownNames) registry.removeSingleMetric(name);
    });
  },
  { fastify: '5.x', name: 'pulse-metrics' },
);

declare module 'fastify' {
  interface FastifyInstance {
    /** Pulse's Prometheus registry and series, for plugins that read or add to them. */
    pulse: PulseMetricsDecoration;
  }
}
