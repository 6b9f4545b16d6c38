import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleBeacon, exampleEvents } from '../beacon/exampleBeacons.js';
import { createCollector } from '../server.js';
import { SUMMARY_PATH } from './dashboardPlugin.js';
import type { Summary } from './summarySchema.js';

/** The dashboard as `createCollector()` wires it: reading the collector's own registry. */
describe('dashboard on a collector', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await createCollector({ rateLimit: false, processMetrics: false, admitAfterClients: 1 });
    for (const route of ['/products/:id', '/products/:id', '/checkout']) {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/rum',
        payload: exampleBeacon(undefined, { route }),
      });
      expect(response.statusCode).toBe(204);
    }
  });
  afterAll(() => app.close());

  it('serves the page at / and figures that follow the beacons ingested', async () => {
    expect((await app.pulseAdmin.inject({ method: 'GET', url: '/' })).body).toContain(
      'data-figure="vital"',
    );
    const summary = (
      await app.pulseAdmin.inject({ method: 'GET', url: SUMMARY_PATH })
    ).json<Summary>();
    const shop = summary.apps.find((one) => one.app === 'shop')!;
    expect(shop.overall.pageViews).toBe(3);
    const product = shop.routes.find((route) => route.route === '/products/:id')!;
    expect(product.pageViews).toBe(2);
    expect(product.vitals.LCP.samples).toBe(2);
    // Both LCPs are 2.14 s, in the (1.8, 2.5] bucket: PromQL's p75 is 1.8 + 0.7 · 1.5/2.
    expect(exampleEvents.page.vitals.LCP?.value).toBe(2140);
    expect(product.vitals.LCP.p75).toBeCloseTo(2.325, 12);
    expect(product.vitals.INP.ratings['needs-improvement']).toBe(2);
    expect(product.longTasks.byKind).toEqual({ longtask: 2 });
    expect(shop.socket.rtt.samples).toBe(3);
    expect(shop.socket.disconnects).toEqual({ 'transport close': 3 });
    expect(shop.memory.samples).toBe(3);
    expect(summary.collector.beacons).toBe(3);
    expect(summary.collector.eventsByKind.page).toBe(3);
  });

  it('files long tasks by kind under the route that had them', async () => {
    const loaf = { ...exampleEvents.long, kind: 'loaf' as const };
    for (const [route, events] of [
      ['/search', [loaf, loaf]],
      ['/cart', [exampleEvents.long, loaf]],
    ] as const) {
      const payload = exampleBeacon(events, { route });
      expect((await app.inject({ method: 'POST', url: '/v1/rum', payload })).statusCode).toBe(204);
    }
    const summary = (
      await app.pulseAdmin.inject({ method: 'GET', url: SUMMARY_PATH })
    ).json<Summary>();
    const routes = summary.apps.find((one) => one.app === 'shop')!.routes;
    const byKind = (name: string) => routes.find((route) => route.route === name)?.longTasks.byKind;
    expect(byKind('/search')).toEqual({ loaf: 2 });
    expect(byKind('/cart')).toEqual({ longtask: 1, loaf: 1 });
    expect(byKind('/checkout')).toEqual({ longtask: 1 });
  });
});
