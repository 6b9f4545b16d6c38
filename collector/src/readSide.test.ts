/**
 * The split between the internet-facing ingest side and the private read side: what an
 * anonymous client of each gets, which responses carry CORS, the admin token, the dashboard's
 * security headers, and scrapes sharing one render.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { exampleBeacon } from './beacon/exampleBeacons.js';
import { createCollector } from './server.js';

const ORIGIN = 'https://shop.example.com';
const TOKEN = 'a-long-enough-admin-token';
const READ_PATHS = ['/', '/api/v1/summary', '/metrics', '/dashboard/dashboard.css'];

let apps: FastifyInstance[] = [];
async function collector(options: Parameters<typeof createCollector>[0] = {}) {
  const app = await createCollector({ processMetrics: false, allowOrigins: [ORIGIN], ...options });
  apps.push(app);
  return app;
}
afterEach(async () => {
  await Promise.all(apps.map((app) => app.close()));
  apps = [];
});

describe('the ingest side', () => {
  it('answers nothing of the read side, with or without credentials or an origin', async () => {
    const app = await collector({ adminToken: TOKEN });
    for (const url of READ_PATHS) {
      for (const headers of [{}, { origin: ORIGIN }, { authorization: `Bearer ${TOKEN}` }]) {
        const response = await app.inject({ method: 'GET', url, headers });
        expect(response.statusCode, url).toBe(404);
        expect(response.body, url).not.toContain('pulse_');
      }
    }
  });

  it('still takes beacons and serves health', async () => {
    const app = await collector();
    const beacon = await app.inject({
      method: 'POST',
      url: '/v1/rum',
      headers: { 'content-type': 'text/plain', origin: ORIGIN },
      payload: JSON.stringify(exampleBeacon()),
    });
    expect(beacon.statusCode).toBe(204);
    expect(beacon.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('puts CORS headers on the beacon route and its preflight only', async () => {
    const app = await collector();
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/v1/rum',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ORIGIN);
    for (const url of ['/healthz', '/readyz']) {
      const response = await app.inject({ method: 'GET', url, headers: { origin: ORIGIN } });
      expect(response.headers['access-control-allow-origin'], url).toBeUndefined();
      const health = await app.inject({
        method: 'OPTIONS',
        url,
        headers: { origin: ORIGIN, 'access-control-request-method': 'GET' },
      });
      expect(health.headers['access-control-allow-origin'], url).toBeUndefined();
    }
  });
});

describe('the admin side', () => {
  it('serves the dashboard, the summary and /metrics, with no CORS for any origin', async () => {
    const app = await collector();
    for (const url of READ_PATHS) {
      const response = await app.pulseAdmin.inject({
        method: 'GET',
        url,
        headers: { origin: 'https://evil.example' },
      });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['access-control-allow-origin'], url).toBeUndefined();
    }
  });

  it('sends the dashboard with a CSP that forbids framing, and nosniff', async () => {
    const app = await collector();
    const page = await app.pulseAdmin.inject({ method: 'GET', url: '/' });
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  it('with a token, refuses anonymous and wrong credentials and takes Bearer or Basic', async () => {
    const app = await collector({ adminToken: TOKEN });
    const get = (url: string, authorization?: string) =>
      app.pulseAdmin.inject({
        method: 'GET',
        url,
        headers: authorization === undefined ? {} : { authorization },
      });
    const basic = (user: string, password: string) =>
      `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    for (const url of READ_PATHS) {
      const anonymous = await get(url);
      expect(anonymous.statusCode, url).toBe(401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Basic realm=/);
      expect(anonymous.body).not.toContain('pulse_');
      expect((await get(url, 'Bearer wrong-token-of-some-length')).statusCode).toBe(401);
      expect((await get(url, basic('admin', 'wrong'))).statusCode).toBe(401);
      expect((await get(url, `Bearer ${TOKEN}`)).statusCode, url).toBe(200);
      expect((await get(url, basic('anyone', TOKEN))).statusCode, url).toBe(200);
    }
  });

  it('renders once for scrapes that arrive together', async () => {
    const app = await collector({ metricsRenderMaxAge: 60_000 });
    const scrapes = await Promise.all(
      Array.from({ length: 20 }, () => app.pulseAdmin.inject({ method: 'GET', url: '/metrics' })),
    );
    expect(new Set(scrapes.map((scrape) => scrape.body)).size).toBe(1);
    const text = (await app.pulseAdmin.inject({ method: 'GET', url: '/metrics' })).body;
    // Twenty-one scrapes, one render (it counts itself before it reads the registry).
    expect(text).toContain('pulse_metrics_renders_total{format="prometheus"} 1');
    expect(text).toBe(scrapes[0]!.body);
    const fresh = await collector({ metricsRenderMaxAge: 0 });
    await fresh.pulseAdmin.inject({ method: 'GET', url: '/metrics' });
    const second = (await fresh.pulseAdmin.inject({ method: 'GET', url: '/metrics' })).body;
    expect(second).toContain('pulse_metrics_renders_total{format="prometheus"} 2');
  });
});
