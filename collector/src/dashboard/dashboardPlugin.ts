import type { FastifyPluginAsync } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { Registry } from 'prom-client';
import { loadAssets } from './assets.js';
import { renderPage } from './page.js';
import { readRegistry } from './registryReading.js';
import { SERIES } from './seriesNames.js';
import { SnapshotRing } from './snapshotRing.js';
import { summarize } from './summarize.js';
import { SummarySchema } from './summarySchema.js';
import { TIMELINE_SERIES, timelinePoint, type TimelinePoint } from './timeline.js';

/** Path of the JSON endpoint the page reads; documented in docs/DASHBOARD.md. */
export const SUMMARY_PATH = '/api/v1/summary';

export interface DashboardOptions {
  /** The registry `/metrics` renders: the dashboard shows exactly what Prometheus would scrape. */
  registry: Registry;
  /** How often the page polls the summary, in ms. Default 2000. */
  pollIntervalMs?: number;
  /** How often a snapshot is stored for the time charts, in ms. Default 5000. */
  snapshotIntervalMs?: number;
  /** Snapshots kept; older ones are dropped. Default 120 (10 minutes at the default interval). */
  historySize?: number;
  /** Window each time-chart value is computed over, like `rate(...[30s])`, in ms. Default 30000. */
  rateWindowMs?: number;
}

const dashboard: FastifyPluginAsync<DashboardOptions> = async (app, options) => {
  const {
    registry,
    pollIntervalMs = 2000,
    snapshotIntervalMs = 5000,
    historySize = 120,
    rateWindowMs = 30_000,
  } = options;
  const timing = { pollIntervalMs, snapshotIntervalMs, rateWindowMs };
  const assets = await loadAssets();
  const page = renderPage(pollIntervalMs);

  const history = new SnapshotRing<TimelinePoint>(historySize);
  const snapshot = async () =>
    history.push(timelinePoint(await readRegistry(registry, TIMELINE_SERIES)));
  await snapshot();
  const timer = setInterval(() => {
    snapshot().catch((error: unknown) => app.log.warn({ err: error }, 'dashboard snapshot failed'));
  }, snapshotIntervalMs);
  // The snapshots serve the page only; they must never keep a stopping process alive.
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    history.clear();
  });

  app.get('/', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page),
  );

  app.get(
    SUMMARY_PATH,
    { schema: { response: { 200: SummarySchema } } },
    async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return summarize(
        await readRegistry(registry, Object.values(SERIES)),
        history.toArray(),
        timing,
      );
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
