/**
 * Builds a collector: two fastify instances sharing one registry, each with one plugin per
 * concern. Nothing here listens; the CLI (or an embedding app, or a test with `inject()`)
 * decides where to serve each.
 *
 * - The ingest side (the instance returned) faces the internet: `POST /v1/rum` and its
 *   preflight, `/pulse.js`, `/pulse.socket.js` (and their maps), `/healthz`, `/readyz`. Nothing
 *   on it reads the collected data back.
 * - The admin side (`app.pulseAdmin`) is the read side: the dashboard, `/api/*`, `/metrics`.
 *   The CLI binds it to loopback unless told otherwise, and `adminToken` guards it wherever it
 *   is reachable by others (adminAccess.ts).
 *
 * Closing closes the ingest side first (in-flight beacons are answered, later ones get 503),
 * then the admin side: after a last scrape when `app.pulseShutdown.awaitLastScrape()` asked for
 * one, so counters answered for are read before the process exits (scrapeWatermark.ts).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { assetsPlugin } from './http/assets.js';
import { createClientErrorHandler } from './http/clientErrors.js';
import { adminConnectionLimitsPlugin, connectionLimitsPlugin } from './http/connectionLimits.js';
import { dashboardPlugin } from './dashboard/index.js';
import { healthPlugin } from './http/health.js';
import { ingestPlugin, type DiagnosisState } from './beacon/ingest.js';
import { diagnosisPlugin } from './diagnosis/diagnosisPlugin.js';
import { geographyPlugin } from './geography/geographyPlugin.js';
import { adminAccess } from './http/adminAccess.js';
import { withoutClientAddress } from './http/requestLogging.js';
import { metricsPlugin } from './series/metrics.js';
import { metricsRoute } from './series/metricsRoute.js';
import { ScrapeWatermark, awaitLastScrape } from './series/scrapeWatermark.js';
import { defaultCollectorOptions, type CollectorOptions } from './options.js';
import type { RejectReason } from './http/rejection.js';
import { checkedTrustProxy } from './http/trustProxy.js';

/** Fills unset options with `defaultCollectorOptions`. */
export function resolveCollectorOptions(options: Partial<CollectorOptions> = {}): CollectorOptions {
  const defined = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<CollectorOptions>;
  return { ...defaultCollectorOptions, ...defined };
}

/** Node's HTTP server settings that hold a slow client to `headersTimeout` and `requestTimeout`. */
const slowClientTimeouts = (config: CollectorOptions) => ({
  // Node checks request deadlines only this often (30 s by default), which would let a slow
  // client hold a socket far past `requestTimeout`.
  connectionsCheckingInterval: Math.min(1000, config.headersTimeout, config.requestTimeout),
  headersTimeout: Math.min(config.headersTimeout, config.requestTimeout),
});

/** Creates a collector, registered and ready, not listening. */
export async function createCollector(
  options: Partial<CollectorOptions> = {},
): Promise<FastifyInstance> {
  const config = resolveCollectorOptions(options);
  // Client errors happen in Node's parser, before any plugin; they are counted once the
  // metrics exist.
  let countClientError: (reason: RejectReason) => void = () => {};
  const scrapes = new ScrapeWatermark();
  const app = Fastify({
    logger: withoutClientAddress(config.logger),
    trustProxy: checkedTrustProxy(config.trustProxy),
    requestTimeout: config.requestTimeout,
    keepAliveTimeout: config.keepAliveTimeout,
    http: slowClientTimeouts(config),
    clientErrorHandler: createClientErrorHandler((reason) => countClientError(reason)),
    // Beacons never need more; other routes take no body at all.
    bodyLimit: config.bodyLimit,
  });

  await app.register(metricsPlugin, {
    registry: config.registry,
    processMetrics: config.processMetrics,
    geography: config.countryHeader !== undefined,
  });
  // Not counted by `scrapes`: requests that never became a beacon (slow, malformed) are no loss
  // to a shutdown, and under a slow-loris flood they would hold every stop for a scrape.
  countClientError = (reason) => app.pulse.metrics.rejectedTotal.inc({ reason });
  await app.register(connectionLimitsPlugin, config);
  await app.register(healthPlugin);
  await app.register(assetsPlugin, { scripts: config.scripts });
  await app.register(ingestPlugin, { ...config, scrapes });

  const admin = await createAdminSide(app.pulse.registry, app.pulseDiagnosis, scrapes, config);
  app.decorate('pulseAdmin', admin);
  let lastScrapeWaitMs = 0;
  app.decorate('pulseShutdown', {
    scrapes,
    awaitLastScrape(waitMs: number) {
      lastScrapeWaitMs = waitMs;
    },
  });
  // Registered last, so it runs first of the onClose hooks: right after the ingest listener
  // closed, before any plugin takes its series out of the registry.
  app.addHook('onClose', async () => {
    if (lastScrapeWaitMs > 0) await awaitLastScrape(scrapes, lastScrapeWaitMs, app.log);
    await admin.close();
  });
  await app.ready();
  return app;
}

/** The read side: dashboard, `/api/*` and `/metrics` over `registry`, on an instance of its own. */
async function createAdminSide(
  registry: Registry,
  diagnosis: DiagnosisState,
  scrapes: ScrapeWatermark,
  config: CollectorOptions,
): Promise<FastifyInstance> {
  const admin = Fastify({
    logger: withoutClientAddress(config.logger),
    requestTimeout: config.requestTimeout,
    keepAliveTimeout: config.keepAliveTimeout,
    // This side may be published too (behind its token): slow clients are cut off alike.
    http: slowClientTimeouts(config),
    bodyLimit: 1024,
  });
  await admin.register(adminConnectionLimitsPlugin, { registry, trustProxy: config.trustProxy });
  await admin.register(adminAccess, { adminToken: config.adminToken });
  await admin.register(metricsRoute, {
    registry,
    renderMaxAgeMs: config.metricsRenderMaxAge,
    scrapes,
  });
  await admin.register(dashboardPlugin, {
    registry,
    prometheus: config.prometheus,
    dataDir: config.dataDir,
  });
  await admin.register(diagnosisPlugin, { registry, state: diagnosis });
  await admin.register(geographyPlugin, { registry, enabled: config.countryHeader !== undefined });
  await admin.ready();
  return admin;
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The collector's read side (dashboard, `/api/*`, `/metrics`): listen on it apart from the
     * ingest side, e.g. `app.pulseAdmin.listen({ port: 8081, host: '127.0.0.1' })`. Closed with
     * the collector.
     */
    pulseAdmin: FastifyInstance;
    /** Lossless shutdown behind Prometheus (scrapeWatermark.ts). */
    pulseShutdown: PulseShutdown;
  }
}

/** What `app.pulseShutdown` offers. */
export interface PulseShutdown {
  /** Beacons answered, and how far scrapes sent in full have read them. */
  readonly scrapes: ScrapeWatermark;
  /**
   * Makes the next `close()` keep the admin listener, and `/metrics`, open after the ingest
   * listener has closed, until a scrape has read every beacon answered or `waitMs` has passed
   * (logged as a warning with the beacons left unread). Not called, `close()` closes both at once.
   */
  awaitLastScrape(waitMs: number): void;
}
