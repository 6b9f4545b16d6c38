import Fastify, { type FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dashboardPlugin, SUMMARY_PATH } from './dashboardPlugin.js';
import type { Summary } from './summarySchema.js';

const VITAL_BUCKETS = [0.1, 0.2, 0.5, 0.8, 1, 1.8, 2.5, 3, 4, 6, 10];
const SCORE_BUCKETS = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];

/** A registry holding the few SPEC series these tests fill, with the collector's label names. */
function registryWithTraffic() {
  const registry = new Registry();
  const registers = [registry];
  const vital = new Histogram({
    name: 'pulse_web_vital_seconds',
    help: 'vitals',
    labelNames: ['app', 'route', 'metric', 'device'],
    buckets: VITAL_BUCKETS,
    registers,
  });
  const rating = new Counter({
    name: 'pulse_web_vital_rating_total',
    help: 'ratings',
    labelNames: ['app', 'route', 'metric', 'rating'],
    registers,
  });
  const score = new Histogram({
    name: 'pulse_page_score',
    help: 'scores',
    labelNames: ['app', 'route', 'device'],
    buckets: SCORE_BUCKETS,
    registers,
  });
  const views = new Counter({
    name: 'pulse_page_views_total',
    help: 'views',
    labelNames: ['app', 'route', 'navigation'],
    registers,
  });
  const beacons = new Counter({
    name: 'pulse_beacons_total',
    help: 'beacons',
    labelNames: ['app'],
    registers,
  });
  const pageView = (route: string, device: string, lcp: number, pageScore: number) => {
    vital.observe({ app: 'shop', route, metric: 'LCP', device }, lcp);
    rating.inc({ app: 'shop', route, metric: 'LCP', rating: lcp <= 2.5 ? 'good' : 'poor' });
    score.observe({ app: 'shop', route, device }, pageScore);
    views.inc({ app: 'shop', route, navigation: 'navigate' });
    beacons.inc({ app: 'shop' });
  };
  return { registry, pageView };
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(registry: Registry, options: Record<string, number> = {}) {
  app = Fastify();
  await app.register(dashboardPlugin, { registry, ...options });
  await app.ready();
  return app;
}

const summaryOf = async (server: FastifyInstance, range = '1h') =>
  (await server.inject({ method: 'GET', url: `${SUMMARY_PATH}?range=${range}` })).json<Summary>();

describe('dashboard plugin', () => {
  it('serves the page skeleton at / with every figure in place', async () => {
    const server = await start(new Registry());
    const response = await server.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    for (const metric of ['LCP', 'INP', 'CLS', 'FCP', 'TTFB']) {
      expect(response.body).toContain(`data-metric="${metric}"`);
    }
    expect(response.body).toContain('/dashboard/uplot.js');
    // The diagnosis panels have their places too; the page script fills them.
    for (const region of ['why', 'releases', 'errors']) {
      expect(response.body).toContain(`id="${region}"`);
    }
  });

  it('serves uPlot with a validator and answers 304 to a matching If-None-Match', async () => {
    const server = await start(new Registry());
    const first = await server.inject({ method: 'GET', url: '/dashboard/uplot.js' });
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('uPlot');
    const again = await server.inject({
      method: 'GET',
      url: '/dashboard/uplot.js',
      headers: { 'if-none-match': String(first.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
  });

  it('summarises per app and route: p75 as histogram_quantile, CrUX rating counts', async () => {
    const { registry, pageView } = registryWithTraffic();
    // LCP on /p/:id: 1.0, 2.0 (desktop), 3.5, 3.6 (mobile). Summed over devices, rank 3 of 4 is
    // half-way into the (3, 4] bucket: p75 = 3.5 s exactly.
    pageView('/p/:id', 'desktop', 1.0, 95);
    pageView('/p/:id', 'desktop', 2.0, 85);
    pageView('/p/:id', 'mobile', 3.5, 45);
    pageView('/p/:id', 'mobile', 3.6, 35);
    pageView('/', 'desktop', 0.9, 99);
    const summary = await summaryOf(await start(registry));

    expect(summary.apps.map((one) => one.app)).toEqual(['shop']);
    const shop = summary.apps[0]!;
    const product = shop.routes.find((route) => route.route === '/p/:id')!;
    expect(product.pageViews).toBe(4);
    expect(product.vitals.LCP.samples).toBe(4);
    expect(product.vitals.LCP.p75).toBeCloseTo(3.5, 12);
    expect(product.vitals.LCP.rating).toBe('needs-improvement');
    expect(product.vitals.LCP.ratings).toEqual({ good: 2, 'needs-improvement': 0, poor: 2 });
    expect(product.vitals.INP.p75).toBeNull();
    // Scores 35, 45, 85, 95: two at or below 50; median rank 2 sits at the top of (40, 50].
    expect(product.score.poorShare).toBe(0.5);
    expect(product.score.median).toBeCloseTo(50, 12);
    expect(product.score.buckets).toHaveLength(10);
    expect(product.score.buckets.find((bucket) => bucket.to === 90)!.count).toBe(1);
    expect(shop.worstRoutes[0]).toBe('/p/:id');
    expect(shop.overall.route).toBe('*');
    expect(shop.overall.pageViews).toBe(5);
    expect(shop.overall.vitals.LCP.samples).toBe(5);
    expect(summary.collector.beacons).toBe(5);
  });

  it('answers null, not NaN, for series with no observations', async () => {
    const { registry, pageView } = registryWithTraffic();
    pageView('/', 'desktop', 1.2, 90);
    // A series that exists with zero observations, as after a restart of a labelled child.
    (registry.getSingleMetric('pulse_web_vital_seconds') as Histogram).zero({
      app: 'shop',
      route: '/',
      metric: 'INP',
      device: 'desktop',
    });
    const server = await start(registry);
    const body = (await server.inject({ method: 'GET', url: SUMMARY_PATH })).body;
    expect(body).not.toContain('NaN');
    const inp = (JSON.parse(body) as Summary).apps[0]!.routes[0]!.vitals.INP;
    expect(inp).toMatchObject({ samples: 0, p75: null, rating: null });
    expect((JSON.parse(body) as Summary).collector.beaconsPerSecond).toBeNull();
  });

  it('keeps a bounded history of snapshots for the 15 min range and derives rates from it', async () => {
    const { registry, pageView } = registryWithTraffic();
    const server = await start(registry, {
      snapshotIntervalMs: 20,
      historySize: 4,
      rateWindowMs: 40,
    });
    pageView('/', 'desktop', 1, 90);
    await vi.waitFor(
      async () => expect((await summaryOf(server, '15m')).timeline.t).toHaveLength(4),
      { timeout: 10_000 },
    );
    pageView('/', 'desktop', 1, 90);
    // Still four points after several more intervals: the ring drops the oldest.
    await vi.waitFor(
      async () => {
        const summary = await summaryOf(server, '15m');
        expect(summary.apps[0]?.overall.pageViews).toBe(2);
        expect(summary.timeline.t).toHaveLength(4);
        expect(summary.apps[0]!.timeline.scoreMedian).toHaveLength(4);
        expect(
          summary.collector.timeline.beaconsPerSecond.every((rate) => rate === null || rate >= 0),
        ).toBe(true);
      },
      { timeout: 10_000 },
    );
  });

  it('answers the ranges its history holds, and refuses longer ones with a reason', async () => {
    const { registry, pageView } = registryWithTraffic();
    pageView('/', 'desktop', 1, 90);
    const server = await start(registry);
    for (const range of ['15m', '1h', '6h', '24h']) {
      const summary = await summaryOf(server, range);
      expect(summary.range).toMatchObject({ name: range, source: 'collector' });
      expect(summary.range.available).toEqual(['15m', '1h', '6h', '24h']);
      // The collector is younger than every range: its figures count since it started.
      expect(summary.apps[0]!.overall.pageViews).toBe(1);
      expect(summary.range.from).toBeLessThanOrEqual(summary.range.to);
    }
    const week = await server.inject({ method: 'GET', url: `${SUMMARY_PATH}?range=7d` });
    expect(week.statusCode).toBe(400);
    expect(week.json<{ message: string }>().message).toMatch(/--prometheus-url/);
    const unknown = await server.inject({ method: 'GET', url: `${SUMMARY_PATH}?range=2h` });
    expect(unknown.statusCode).toBe(400);
    const page = await server.inject({ method: 'GET', url: '/' });
    expect(page.body).toContain('<option value="1h" selected>1 h</option>');
    expect(page.body).not.toContain('value="7d"');
  });
});
