import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { exampleBeacon } from '../beacon/exampleBeacons.js';
import { createCollector } from '../server.js';
import { readRegistry } from './registryReading.js';
import { SERIES } from './seriesNames.js';
import { summarize, type SummaryContext, type SummaryTimeline } from './summarize.js';
import { appTimeline, collectorTimeline } from './timeline.js';

/** No chart points: these tests look at the figures. */
const NO_CHARTS: SummaryTimeline = {
  t: [],
  intervalSeconds: 5,
  rateWindowSeconds: 30,
  collector: collectorTimeline([], 30_000),
  app: (app) => appTimeline([], app, 30_000),
};
const CONTEXT: SummaryContext = {
  pollIntervalMs: 2000,
  range: { name: '1h', from: 0, to: 1, source: 'collector', available: ['1h'] },
};
const ROUTES = 25;

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A collector that has seen one beacon on each of `routes` routes, `/r-a` to `/r-y`. */
async function collectorWithRoutes(routes: number): Promise<FastifyInstance> {
  app = await createCollector({ processMetrics: false, rateLimit: false, admitAfterClients: 1 });
  for (let i = 0; i < routes; i++) {
    await app.inject({
      method: 'POST',
      url: '/v1/rum',
      headers: { 'content-type': 'text/plain' },
      // Letters, not digits: route normalisation would fold digits into `:id`.
      payload: JSON.stringify(
        exampleBeacon(undefined, { route: `/r-${String.fromCharCode(97 + i)}` }),
      ),
    });
  }
  return app;
}

describe('summarize', () => {
  it('lets other work run while it groups series and summarises routes', async () => {
    const { pulse } = await collectorWithRoutes(ROUTES);
    const reading = await readRegistry(pulse.registry, Object.values(SERIES));
    let finished = false;
    let turns = 0;
    const countTurns = () => {
      if (finished) return;
      turns += 1;
      setImmediate(countTurns);
    };
    setImmediate(countTurns);
    const summary = await summarize(reading, NO_CHARTS, CONTEXT);
    finished = true;
    // Every route is there, whatever turn it was summarised in.
    expect(summary.apps.map((one) => one.app)).toEqual(['shop']);
    expect(summary.apps[0]!.routes).toHaveLength(ROUTES);
    // Done in one turn, the counter would not have run at all; it runs once per turn handed back.
    expect(turns).toBeGreaterThan(ROUTES / 10);
  });
});

describe('summarize by engine', () => {
  it('splits each route and the app by engine, with what each engine reported', async () => {
    app = await createCollector({ processMetrics: false, rateLimit: false, admitAfterClients: 1 });
    const send = (beacon: ReturnType<typeof exampleBeacon>) =>
      app!.inject({
        method: 'POST',
        url: '/v1/rum',
        headers: { 'content-type': 'text/plain' },
        payload: JSON.stringify(beacon),
      });
    const page = (vitals: Record<string, { value: number; rating: 'good' | 'poor' }>) => ({
      k: 'page' as const,
      vitals,
    });
    // Chromium reports LCP, INP and CLS; Firefox ESR only LCP; a page view with none is unscored.
    await send(
      exampleBeacon(
        [
          {
            ...page({
              LCP: { value: 1200, rating: 'good' },
              INP: { value: 640, rating: 'poor' },
              CLS: { value: 0.01, rating: 'good' },
            }),
            tbt: 0,
          },
        ],
        { engine: 'chromium' },
      ),
    );
    await send(
      exampleBeacon([page({ LCP: { value: 5200, rating: 'poor' } })], { engine: 'firefox' }),
    );
    await send(exampleBeacon([{ k: 'view' }, page({})], { engine: 'firefox', route: '/cart' }));
    const reading = await readRegistry(app.pulse.registry, Object.values(SERIES));
    const [shop] = (await summarize(reading, NO_CHARTS, CONTEXT)).apps;
    const product = shop!.routes.find((route) => route.route === '/products/:id')!;
    for (const engines of [product.engines, shop!.overall.engines]) {
      expect(engines.map((one) => [one.engine, one.score.samples])).toEqual([
        ['chromium', 1],
        ['firefox', 1],
      ]);
      const [chromium, firefox] = engines;
      expect(chromium!.vitals.INP.samples).toBe(1);
      expect(chromium!.vitals.INP.ratings.poor).toBe(1);
      expect(firefox!.vitals.LCP.ratings.poor).toBe(1);
      expect(firefox!.vitals.INP.samples).toBe(0);
      expect(firefox!.vitals.CLS.samples).toBe(0);
      expect(chromium!.score.median).toBeGreaterThan(firefox!.score.median!);
    }
    // The page view without LCP, INP or CLS was not scored: /cart has no engine to show.
    expect(shop!.routes.find((route) => route.route === '/cart')!.engines).toEqual([]);
  });
});
