/**
 * `@pulse/collector`: RUM ingest, scoring and Prometheus export as a fastify server.
 *
 * ```ts
 * const app = await createCollector({ allowOrigins: ['https://shop.example.com'] });
 * await app.listen({ port: 8080, host: '0.0.0.0' });
 * ```
 */
export { createCollector, resolveCollectorOptions, type PulseShutdown } from './server.js';
export { ScrapeWatermark } from './series/scrapeWatermark.js';
export {
  defaultCollectorOptions,
  type CollectorOptions,
  type RateLimitOptions,
  type ScriptName,
} from './options.js';
export {
  OTHER,
  CAPPED_LABELS,
  RANKED_LABELS,
  createPulseMetrics,
  type CappedLabel,
  type RankedLabel,
  type PulseMetrics,
  type PulseMetricsDecoration,
} from './series/metrics.js';
export { RANKED_SLOTS } from './labels/rankedLabels.js';
export {
  SeriesCounter,
  SeriesGauge,
  SeriesHistogram,
  type LabelValues,
  type RenderedMetric,
  type Sample,
} from './series/series.js';
export { REJECT_REASONS, type RejectReason, type RejectionBody } from './http/rejection.js';
export { BeaconEnvelopeSchema, BeaconSchema, PulseEventSchema } from './beacon/schema.js';
export { INGEST_PATH } from './beacon/ingest.js';
export { INGEST_KEY_HEADER, REFUSED_EVENTS_HEADER } from './http/headers.js';
export { exampleBeacon, exampleEvents } from './beacon/exampleBeacons.js';
export { PROTOCOL_VERSION } from '@pulse/sdk/protocol';
export type { Beacon, PulseEvent } from '@pulse/sdk/protocol';
