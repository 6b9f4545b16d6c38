import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { exampleBeacon } from '../beacon/exampleBeacons.js';
import { createCollector } from '../server.js';

let app: FastifyInstance;
afterEach(async () => {
  await app.close();
});

describe('health endpoints', () => {
  it('reports live and ready while running', async () => {
    app = await createCollector({ processMetrics: false });
    const live = await app.inject({ method: 'GET', url: '/healthz' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
  });

  it('reports not ready while draining, and keeps accepting beacons', async () => {
    app = await createCollector({ processMetrics: false });
    app.pulseReadiness.drain();
    expect(app.pulseReadiness.ready).toBe(false);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'draining' });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const beacon = await app.inject({ method: 'POST', url: '/v1/rum', payload: exampleBeacon() });
    expect(beacon.statusCode).toBe(204);
  });

  it('turns not ready when closing', async () => {
    app = await createCollector({ processMetrics: false });
    expect(app.pulseReadiness.ready).toBe(true);
    await app.close();
    expect(app.pulseReadiness.ready).toBe(false);
  });
});
