import type { FastifyPluginAsync } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { Registry } from 'prom-client';
import { loadAssets } from './assets.js';
import type { HistoryTier } from './localHistory.js';
import { renderPage } from './page.js';
import type { PrometheusQueryOptions } from './promqlClient.js';
import { promqlSource } from './promqlSource.js';
import { registrySource } from './registrySource.js';
import { DEFAULT_RANGE, RANGE_NAMES, RANGES, type RangeName } from './summaryRanges.js';
import { SummarySchema } from './summarySchema.js';
import { SourceUnavailableError, type SummarySource } from './summarySource.js';

/** Path of the JSON endpoint the page reads; documented in docs/DASHBOARD.md. */
export const SUMMARY_PATH = '/api/v1/summary';

export interface DashboardOptions {
  /** The registry `/metrics` renders: the dashboard shows exactly what Prometheus would scrape. */
  registry: Registry;
  /**
   * A Prometheus-compatible query API to read the whole fleet from instead of `registry`
   * (promqlSource.ts). The local history is then not kept.
   */
  prometheus?: PrometheusQueryOptions;
  /** How often the page polls the summary, in ms. Default 2000. */
  pollIntervalMs?: number;
  /** How often a chart point is stored for the 15 min range, in ms. Default 5000. */
  snapshotIntervalMs?: number;
  /** Chart points kept for it. Default 180 (15 minutes at the default interval). */
  historySize?: number;
  /** Window each of its chart values is computed over, like `rate(...[30s])`, in ms. Default 30000. */
  rateWindowMs?: number;
  /** The longer local history (localHistory.ts); default an hour by minute and a day by 15 min. */
  historyTiers?: readonly HistoryTier[];
  /** Where the longer local history is kept across restarts (historyFile.ts). */
  dataDir?: string;
}

interface SummaryQuery {
  range?: RangeName;
}

const dashboard: FastifyPluginAsync<DashboardOptions> = async (app, options) => {
  const {
    registry,
    pollIntervalMs = 2000,
    snapshotIntervalMs = 5000,
    historySize = 180,
    rateWindowMs = 30_000,
  } = options;
  const assets = await loadAssets();

  const source: SummarySource =
    options.prometheus === undefined
      ? await registrySource({
          registry,
          pollIntervalMs,
          snapshotIntervalMs,
          historySize,
          rateWindowMs,
          tiers: options.historyTiers,
          dataDir: options.dataDir,
          log: app.log,
        })
      : promqlSource({ prometheus: options.prometheus, pollIntervalMs });
  app.addHook('onClose', () => source.close());
  const page = renderPage({
    pollIntervalMs,
    ranges: source.ranges.map((name) => ({ name, label: RANGES[name].label })),
    defaultRange: DEFAULT_RANGE,
    source: source.kind,
  });

  app.get('/', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page),
  );

  app.get<{ Querystring: SummaryQuery }>(
    SUMMARY_PATH,
    {
      schema: {
        querystring: {
          type: 'object',
          properties: { range: { type: 'string', enum: RANGE_NAMES } },
        },
        response: { 200: SummarySchema },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const range = request.query.range ?? DEFAULT_RANGE;
      if (!source.ranges.includes(range)) {
        return reply.code(400).send({
          statusCode: 400,
          error: 'Bad Request',
          message:
            `range ${range} is longer than this collector's own history ` +
            `(${source.ranges.join(', ')}): start it with --prometheus-url for longer ranges`,
        });
      }
      try {
        return await source.summary(range);
      } catch (error) {
        if (!(error instanceof SourceUnavailableError)) throw error;
        request.log.warn({ err: error }, 'dashboard query engine unavailable');
        return reply
          .code(502)
          .send({ statusCode: 502, error: 'Bad Gateway', message: error.message });
      }
    },
  );

  for (const [path, asset] of assets) {
    app.get(path, async (request, reply) => {
      reply.header('etag', asset.etag).header('cache-control', 'public, max-age=300');
      if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
      return reply.type(asset.contentType).send(asset.body);
    });
  }
};

/** The built-in live dashboard: `GET /`, its files under `/dashboard/`, and `GET /api/v1/summary`. */
export const dashboardPlugin = fastifyPlugin(dashboard, {
  fastify: '5.x',
  name: 'pulse-dashboard',
});
