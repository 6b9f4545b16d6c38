/**
 * `GET /metrics` on the admin listener: the registry in the Prometheus text format, or
 * OpenMetrics when the scraper's `Accept` asks for it (Prometheus sends it first).
 *
 * Concurrent and repeated scrapes share one render per format (sharedRender.ts), and each
 * response streams the rendered families one by one instead of sending one joined string, so a
 * scraper that reads slowly holds no copy of its own and the number of scrapers multiplies
 * neither memory nor render time.
 */
import { Readable } from 'node:stream';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Registry } from 'prom-client';
import { renderOpenMetricsChunks, renderPrometheusChunks } from './renderMetrics.js';
import { SeriesCounter } from './series.js';
import { sharedRender } from './sharedRender.js';

/** True when the scraper prefers OpenMetrics (Prometheus sends it first in its Accept). */
const wantsOpenMetrics = (accept: string | undefined) =>
  accept !== undefined && accept.includes('application/openmetrics-text');

export interface MetricsRouteOptions {
  registry: Registry;
  /** How long a finished render is served to later scrapes, in ms. */
  renderMaxAgeMs: number;
}

export const metricsRoute = fp(
  async (app: FastifyInstance, options: MetricsRouteOptions) => {
    const { registry } = options;
    const renders = new SeriesCounter<'format'>({
      name: 'pulse_metrics_renders_total',
      help: 'Renders of /metrics, by format; concurrent and repeated scrapes share one render.',
      labelNames: ['format'],
    });
    const counted = (format: 'prometheus' | 'openmetrics', render: () => Promise<string[]>) =>
      sharedRender(() => {
        renders.inc({ format });
        return render();
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
        const chunks = await (open ? openMetrics : prometheus).get();
        return reply
          .type(open ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE)
          .header('cache-control', 'no-store')
          .send(Readable.from(chunks, { objectMode: false }));
      },
    );
  },
  { fastify: '5.x', name: 'pulse-metrics-route' },
);
