/**
 * `GET /metrics` on the admin listener: the registry in the Prometheus text format, or
 * OpenMetrics when the scraper's `Accept` asks for it (Prometheus sends it first).
 *
 * Concurrent and repeated scrapes share one render per format (sharedRender.ts), and each
 * response streams the rendered families one by one instead of sending one joined string, so a
 * scraper that reads slowly holds no copy of its own and the number of scrapers multiplies
 * neither memory nor render time.
 *
 * Each render is stamped with the beacons answered when it started, and a response handed to
 * the scraper in full tells the watermark so (scrapeWatermark.ts): a collector shutting down
 * waits for that before it exits.
 */
import { Readable } from 'node:stream';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Registry } from 'prom-client';
import { renderOpenMetricsChunks, renderPrometheusChunks } from './renderMetrics.js';
import { SeriesCounter } from './series.js';
import { sharedRender } from './sharedRender.js';
import type { ScrapeWatermark } from './scrapeWatermark.js';

/** True when the scraper prefers OpenMetrics (Prometheus sends it first in its Accept). */
const wantsOpenMetrics = (accept: string | undefined) =>
  accept !== undefined && accept.includes('application/openmetrics-text');

export interface MetricsRouteOptions {
  registry: Registry;
  /** How long a finished render is served to later scrapes, in ms. */
  renderMaxAgeMs: number;
  /** Told which answered beacons each scrape sent in full has read. */
  scrapes: ScrapeWatermark;
}

/** A render of the registry, and the watermark's stamp of the moment it started. */
interface StampedRender {
  stamp: number;
  chunks: string[];
}

export const metricsRoute = fp(
  async (app: FastifyInstance, options: MetricsRouteOptions) => {
    const { registry, scrapes } = options;
    const renders = new SeriesCounter<'format'>({
      name: 'pulse_metrics_renders_total',
      help: 'Renders of /metrics, by format; concurrent and repeated scrapes share one render.',
      labelNames: ['format'],
    });
    const counted = (format: 'prometheus' | 'openmetrics', render: () => Promise<string[]>) =>
      sharedRender<StampedRender>(async () => {
        // Taken before the registry is read: every beacon answered so far is in this render.
        const stamp = scrapes.stamp();
        renders.inc({ format });
        return { stamp, chunks: await render() };
      }, options.renderMaxAgeMs);
    const prometheus = counted('prometheus', () => renderPrometheusChunks(registry));
    const openMetrics = counted('openmetrics', () => renderOpenMetricsChunks(registry));
    // Both series exist from the start, so rate() sees the first render.
    for (const format of ['prometheus', 'openmetrics'] as const) renders.inc({ format }, 0);
    registry.registerMetric(renders.asRegistryMetric());
    app.addHook('onClose', async () => registry.removeSingleMetric(renders.name));

    app.get(
      '/metrics',
      // Scrapes every 15 s per Prometheus would flood the info log.
      { logLevel: 'warn' },
      async (request: FastifyRequest, reply: FastifyReply) => {
        const open = wantsOpenMetrics(request.headers.accept);
        const shared = open ? openMetrics : prometheus;
        const cached = await shared.get();
        const render = scrapes.outdated(cached.stamp) ? await shared.renew() : cached;
        // 'finish': the whole text was handed to the operating system for this scraper; a
        // scraper gone midway never gets there. A HEAD request gets no text at all.
        if (request.method === 'GET') reply.raw.once('finish', () => scrapes.sent(render.stamp));
        return reply
          .type(open ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE)
          .header('cache-control', 'no-store')
          .send(Readable.from(render.chunks, { objectMode: false }));
      },
    );
  },
  { fastify: '5.x', name: 'pulse-metrics-route' },
);
