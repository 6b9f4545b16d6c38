/**
 * Builds a collector: one fastify instance with one plugin per concern. Nothing here listens;
 * the CLI (or an embedding app, or a test with `inject()`) decides where to serve it.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { assetsPlugin } from './assets.js';
import { createClientErrorHandler } from './clientErrors.js';
import { corsPlugin } from './cors.js';
import { dashboardPlugin } from './dashboard/index.js';
import { healthPlugin } from './health.js';
import { ingestPlugin } from './ingest.js';
import { metricsPlugin } from './metrics.js';
import { defaultCollectorOptions, type CollectorOptions } from './options.js';
import type { RejectReason } from './rejection.js';

/** Fills unset options with `defaultCollectorOptions`. */
export function resolveCollectorOptions(options: Partial<CollectorOptions> = {}): CollectorOptions {
  const defined = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<CollectorOptions>;
  return { ...defaultCollectorOptions, ...defined };
}

/** Creates a collector, registered and ready, not listening. */
export async function createCollector(
  options: Partial<CollectorOptions> = {},
): Promise<FastifyInstance> {
  const config = resolveCollectorOptions(options);
  // Client errors happen in Node's parser, before any plugin; they are counted once the
  // metrics exist.
  let countClientError: (reason: RejectReason) => void = () => {};
  const app = Fastify({
    logger: config.logger,
    trustProxy: config.trustProxy,
    requestTimeout: config.requestTimeout,
    http: {
      // Node checks request deadlines only this often (30 s by default), which would let a
      // slow client hold a socket far past `requestTimeout`.
      connectionsCheckingInterval: Math.min(1000, config.requestTimeout),
      headersTimeout: Math.min(60_000, config.requestTimeout),
    },
    clientErrorHandler: createClientErrorHandler((reason) => countClientError(reason)),
    // Beacons never need more; other routes take no body at all.
    bodyLimit: config.bodyLimit,
  });

  await app.register(metricsPlugin, {
    registry: config.registry,
    processMetrics: config.processMetrics,
  });
  countClientError = (reason) => app.pulse.metrics.rejectedTotal.inc({ reason });
  await app.register(corsPlugin, { allowOrigins: config.allowOrigins });
  await app.register(healthPlugin);
  await app.register(assetsPlugin, { scripts: config.scripts });
  await app.register(ingestPlugin, config);
  await app.register(dashboardPlugin, { registry: app.pulse.registry });
  await app.ready();
  return app;
}
