import { createCollector, type CollectorOptions } from '@pulse/collector';
import type { FastifyInstance } from 'fastify';

export interface RunningCollector {
  /** The ingest side: beacons, `/pulse.js`, health. */
  url: string;
  /** The admin side: dashboard, `/api/*`, `/metrics`. */
  adminUrl: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * Starts the built collector with both sides on random loopback ports, quiet unless
 * PULSE_TEST_LOGS is set. Every test browser is one client on this machine, so label values are
 * admitted on the first client's word (`admitAfterClients: 1`) unless a test says otherwise; the
 * tests of admission itself set their own. Tests read counters right after they move them, so
 * every scrape renders afresh (`metricsRenderMaxAge: 0`); the scrape-loop test covers the cache.
 */
export async function startCollector(
  options: Partial<CollectorOptions> = {},
): Promise<RunningCollector> {
  const app = await createCollector({
    logger: Boolean(process.env.PULSE_TEST_LOGS),
    admitAfterClients: 1,
    metricsRenderMaxAge: 0,
    ...options,
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const adminUrl = await app.pulseAdmin.listen({ port: 0, host: '127.0.0.1' });
  return { url, adminUrl, app, close: () => app.close() };
}
