/**
 * The shape of `GET /api/v1/summary`, defined once as a JSON schema (fastify serialises the
 * response with it) from which the TypeScript types are derived. The dashboard page imports the
 * types only. Documented with an example in docs/DASHBOARD.md.
 *
 * Units follow the Prometheus series they come from: seconds, bytes, ratios 0..1, scores 0..100.
 * A figure that cannot be computed yet (no observations) is `null`, never NaN.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Count = Type.Number({ minimum: 0 });
const CountBy = (what: string) =>
  Type.Record(Type.String(), Count, { description: `Totals by ${what}.` });

export const RatingSchema = Type.Union([
  Type.Literal('good'),
  Type.Literal('needs-improvement'),
  Type.Literal('poor'),
]);

/** One vital on one route (or all routes): p75 as histogram_quantile, ratings as CrUX shares. */
export const VitalSummarySchema = Type.Object({
  /** Observations in the vital's histogram. */
  samples: Count,
  /** `histogram_quantile(0.75, ...)`: seconds for LCP/INP/FCP/TTFB, unitless for CLS. */
  p75: Nullable(Type.Number()),
  /** The web-vitals rating of the p75 value. */
  rating: Nullable(RatingSchema),
  /** Page views per rating, from `pulse_web_vital_rating_total`; shares are count / total. */
  ratings: Type.Object({
    good: Count,
    'needs-improvement': Count,
    poor: Count,
  }),
});

/** One bucket of a score histogram, non-cumulative: scores in (from, to]. */
export const ScoreBucketSchema = Type.Object({
  from: Type.Number(),
  to: Type.Number(),
  count: Count,
});

/** A 0..100 score histogram (`pulse_page_score` or `pulse_socket_score`). */
export const ScoreSummarySchema = Type.Object({
  samples: Count,
  median: Nullable(Type.Number()),
  buckets: Type.Array(ScoreBucketSchema),
  /** Share of samples scoring 50 or less (the `le="50"` bucket), Lighthouse's "poor". */
  poorShare: Nullable(Type.Number()),
});

/** Median, p75 and p95 of a histogram, in the series' unit. */
export const QuantilesSchema = Type.Object({
  samples: Count,
  median: Nullable(Type.Number()),
  p75: Nullable(Type.Number()),
  p95: Nullable(Type.Number()),
  /** `_sum / _count`. */
  mean: Nullable(Type.Number()),
});

export const VitalsSchema = Type.Object({
  LCP: VitalSummarySchema,
  INP: VitalSummarySchema,
  CLS: VitalSummarySchema,
  FCP: VitalSummarySchema,
  TTFB: VitalSummarySchema,
});

/**
 * The page views of one browser engine (the `engine` label): scores and the Core Web Vitals
 * compared within an engine, since each reports a different set (no INP in Firefox ESR, no CLS
 * outside Chromium). A vital an engine never reported has 0 samples.
 */
export const EngineSummarySchema = Type.Object({
  engine: Type.String(),
  /** `pulse_page_score` of this engine's page views. */
  score: ScoreSummarySchema,
  vitals: Type.Object({
    LCP: VitalSummarySchema,
    INP: VitalSummarySchema,
    CLS: VitalSummarySchema,
  }),
});

/** Everything known about one route of one app; route `*` is every route together. */
export const RouteSummarySchema = Type.Object({
  route: Type.String(),
  /** `pulse_page_views_total`, every navigation type. */
  pageViews: Count,
  /** `pulse_page_score`, every device. */
  score: ScoreSummarySchema,
  vitals: VitalsSchema,
  /** `pulse_long_task_seconds`: count and quantiles of durations, in seconds. */
  longTasks: Type.Object({ ...QuantilesSchema.properties, byKind: CountBy('kind') }),
  /** `pulse_total_blocking_time_seconds` per page view, in seconds. */
  tbt: QuantilesSchema,
  /** `pulse_js_errors_total`. */
  errors: Count,
  /** One entry per engine with scored or measured page views, most scored first. */
  engines: Type.Array(EngineSummarySchema),
});

/** Socket quality of one app, every transport; RTT and jitter in seconds, loss 0..1. */
export const SocketSummarySchema = Type.Object({
  rtt: QuantilesSchema,
  jitter: QuantilesSchema,
  loss: QuantilesSchema,
  score: ScoreSummarySchema,
  reconnects: Count,
  disconnects: CountBy('reason'),
});

/** One media kind in one direction of an app's WebRTC calls; jitter in seconds, loss 0..1. */
export const CallLegSummarySchema = Type.Object({
  kind: Type.String(),
  direction: Type.String(),
  jitter: QuantilesSchema,
  loss: QuantilesSchema,
});

/** WebRTC call quality of one app (docs/WEBRTC.md): every `pulse_webrtc_*` series. */
export const CallSummarySchema = Type.Object({
  /** `pulse_webrtc_score`, every media kind. */
  score: ScoreSummarySchema,
  /** `pulse_webrtc_mos`: median, windows per MOS bucket, and the share below 3.6. */
  mos: Type.Object({
    samples: Count,
    median: Nullable(Type.Number()),
    buckets: Type.Array(ScoreBucketSchema),
    /** Share of windows with a MOS of 3.6 or less: some users dissatisfied (G.107). */
    lowShare: Nullable(Type.Number()),
  }),
  /** `pulse_webrtc_rtt_seconds`, every candidate type, in seconds. */
  rtt: QuantilesSchema,
  /** Share of the RTT windows whose local candidate was a TURN relay. */
  relayShare: Nullable(Type.Number()),
  /** Each kind and direction with windows, audio first, inbound first. */
  legs: Type.Array(CallLegSummarySchema),
  /** `pulse_webrtc_state_changes_total` by state. */
  states: CountBy('state'),
  /** `failed` over `connected` + `failed`: connections that reached an outcome and failed. */
  failedShare: Nullable(Type.Number()),
});

/** Delivery figures of socket.io messages, for one event name or all of an app's together. */
const DeliveryFigures = {
  delivered: Count,
  failed: Count,
  lost: Count,
  in: Count,
  out: Count,
  /** Delivery times in seconds. */
  p75: Nullable(Type.Number()),
  p95: Nullable(Type.Number()),
  /** `failed` + `lost` over every acknowledged emit; null without any. */
  undeliveredShare: Nullable(Type.Number()),
};

/** The messages of one socket.io event name of an app. */
export const MessageEventSummarySchema = Type.Object({
  event: Type.String(),
  ...DeliveryFigures,
});

/**
 * socket.io message delivery of one app (docs/REALTIME.md): the `pulse_socket_delivery_seconds`,
 * `pulse_socket_deliveries_total` and `pulse_socket_messages_total` series, every event together
 * and the busiest events (most acknowledged emits first, at most 10).
 */
export const MessageSummarySchema = Type.Object({
  ...DeliveryFigures,
  events: Type.Array(MessageEventSummarySchema),
});

/**
 * Values over time, one per stored snapshot (aligned with `Summary.timeline.t`), each computed
 * over the rate window ending at that snapshot, like `rate(...[window])` in PromQL.
 */
export const AppTimelineSchema = Type.Object({
  pageViewsPerSecond: Type.Array(Nullable(Type.Number())),
  scoreMedian: Type.Array(Nullable(Type.Number())),
  heapMedian: Type.Array(Nullable(Type.Number())),
  rttP75: Type.Array(Nullable(Type.Number())),
  jitterP75: Type.Array(Nullable(Type.Number())),
  lossMean: Type.Array(Nullable(Type.Number())),
  socketScoreMedian: Type.Array(Nullable(Type.Number())),
});

export const AppSummarySchema = Type.Object({
  app: Type.String(),
  /** Every route of the app together (route `*`). */
  overall: RouteSummarySchema,
  /** One entry per route, most page views first. */
  routes: Type.Array(RouteSummarySchema),
  /** Up to five routes with scored page views, highest poor share first (ties: more views). */
  worstRoutes: Type.Array(Type.String()),
  /** `pulse_js_heap_used_bytes`, every device, in bytes. */
  memory: QuantilesSchema,
  socket: SocketSummarySchema,
  calls: CallSummarySchema,
  messages: MessageSummarySchema,
  timeline: AppTimelineSchema,
});

/** The collector's own health. Rates are per second over the rate window; null until known. */
export const CollectorHealthSchema = Type.Object({
  beacons: Count,
  events: Count,
  eventsByKind: CountBy('event kind'),
  rejected: Count,
  rejectedByReason: CountBy('reason'),
  labelOverflow: Count,
  labelOverflowByLabel: CountBy('label'),
  beaconsPerSecond: Nullable(Type.Number()),
  rejectedPerSecond: Nullable(Type.Number()),
  timeline: Type.Object({
    beaconsPerSecond: Type.Array(Nullable(Type.Number())),
    eventsPerSecond: Type.Array(Nullable(Type.Number())),
    rejectedPerSecond: Type.Array(Nullable(Type.Number())),
  }),
});

/** The time range the figures cover and where they come from. */
export const SummaryRangeSchema = Type.Object({
  /** The range asked for (`range` query parameter): `15m`, `1h`, `6h`, `24h` or `7d`. */
  name: Type.String(),
  /**
   * Unix ms the figures count from: the range's start, or later where the source holds less
   * (the collector's own history starts when it started).
   */
  from: Type.Number(),
  /** Unix ms the figures count to. */
  to: Type.Number(),
  /**
   * `collector`: this collector's own series; `prometheus`: PromQL over the whole fleet
   * (`--prometheus-url`).
   */
  source: Type.Union([Type.Literal('collector'), Type.Literal('prometheus')]),
  /** The ranges this source answers, shortest first. */
  available: Type.Array(Type.String()),
});

export const SummarySchema = Type.Object({
  /** Unix time in ms when the registry (or the query engine) was read. */
  generatedAt: Type.Number(),
  /** How often the dashboard page polls this endpoint, in ms. */
  pollIntervalMs: Type.Number(),
  range: SummaryRangeSchema,
  timeline: Type.Object({
    /** Unix seconds of each chart point (a stored snapshot, or a range query step), oldest first. */
    t: Type.Array(Type.Number()),
    /** Seconds between points, and the window each timeline value is computed over. */
    intervalSeconds: Type.Number(),
    rateWindowSeconds: Type.Number(),
  }),
  collector: CollectorHealthSchema,
  /** One entry per app, by name. */
  apps: Type.Array(AppSummarySchema),
});

export type VitalSummary = Static<typeof VitalSummarySchema>;
export type EngineSummary = Static<typeof EngineSummarySchema>;
export type ScoreSummary = Static<typeof ScoreSummarySchema>;
export type Quantiles = Static<typeof QuantilesSchema>;
export type RouteSummary = Static<typeof RouteSummarySchema>;
export type SocketSummary = Static<typeof SocketSummarySchema>;
export type CallSummary = Static<typeof CallSummarySchema>;
export type MessageSummary = Static<typeof MessageSummarySchema>;
export type AppTimeline = Static<typeof AppTimelineSchema>;
export type AppSummary = Static<typeof AppSummarySchema>;
export type CollectorHealth = Static<typeof CollectorHealthSchema>;
export type SummaryRange = Static<typeof SummaryRangeSchema>;
export type Summary = Static<typeof SummarySchema>;
