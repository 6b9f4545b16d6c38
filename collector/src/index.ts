/**
 * `@pulse/collector`: RUM ingest, scoring and Prometheus export as a fastify server.
 *
 * ```ts
 * const app = await createCollector({ allowOrigins: ['https://shop.example.com'] });
 * await app.listen({ port: 8080, host: '0.0.0.0' });
 * ```
 */
export { createCollector, resolveCollectorOptions } from './server.js';
export {
  defaultCollectorOptions,
  type CollectorOptions,
  type RateLimitOptions,
  type ScriptName,
} from './options.js';
export {
  OTHER,
  CAPPED_LABELS,
  createPulseMetrics,
  type CappedLabel,
  type PulseMetrics,
  type PulseMetricsDecoration,
} from './metrics.js';
export {
  SeriesCounter,
  SeriesHistogram,
  type LabelValues,
  type RenderedMetric,
  type Sample,
} from './series.js';
export { REJECT_REASONS, type RejectReason, type RejectionBody } from './rejection.js';
export { BeaconEnvelopeSchema, BeaconSchema, PulseEventSchema } from './schema.js';
export { INGEST_PATH } from './ingest.js';
export { INGEST_KEY_HEADER, REFUSED_EVENTS_HEADER } from './headers.js';
export { exampleBeacon, exampleEvents } from './exampleBeacons.js';
export { PROTOCOL_VERSION } from '@pulse/sdk/protocol';
export type { Beacon, PulseEvent } from '@pulse/sdk/protocol';
