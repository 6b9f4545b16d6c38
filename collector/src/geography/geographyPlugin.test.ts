/**
 * Geography inside one collector: beacons from a trusted proxy with a country header and from
 * an untrusted client with a forged one, then `/metrics` and `GET /api/v1/geography`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { PulseEvent } from '@pulse/sdk/protocol';
import { exampleBeacon, exampleEvents } from '../beacon/exampleBeacons.js';
import { createCollector } from '../server.js';
import type { CollectorOptions } from '../options.js';
import type { Geography } from './geographyReport.js';

const PROXY = '127.0.0.2';
let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(options: Partial<CollectorOptions> = {}) {
  app = await createCollector({
    admitAfterClients: 1,
    rateLimit: false,
    processMetrics: false,
    ...options,
  });
  return app;
}

const geography = { countryHeader: 'CF-IPCountry', trustProxy: PROXY };

/** A page view whose LCP is `lcp` ms (good up to 2,500) and whose CLS is good. */
const pageView = (lcp: number): PulseEvent[] => [
  exampleEvents.view,
  {
    k: 'page',
    vitals: {
      LCP: {
        value: lcp,
        rating: lcp <= 2500 ? 'good' : lcp <= 4000 ? 'needs-improvement' : 'poor',
      },
      CLS: { value: 0.01, rating: 'good' },
    },
  },
];

const send = async (
  target: FastifyInstance,
  from: string,
  country: string | undefined,
  events: PulseEvent[],
) => {
  const response = await target.inject({
    method: 'POST',
    url: '/v1/rum',
    remoteAddress: from,
    headers: {
      'content-type': 'text/plain',
      ...(country === undefined ? {} : { 'cf-ipcountry': country }),
    },
    payload: JSON.stringify(exampleBeacon(events)),
  });
  expect(response.statusCode).toBe(204);
};

const report = async (target: FastifyInstance, app = 'shop') => {
  const response = await target.pulseAdmin.inject({ url: `/api/v1/geography?app=${app}` });
  expect(response.statusCode).toBe(200);
  return response.json<Geography>();
};

describe('geography', () => {
  it('records the country a trusted proxy names, and never a forged one', async () => {
    const collector = await start(geography);
    await send(collector, PROXY, 'nl', pageView(1200));
    await send(collector, PROXY, 'NL', pageView(1800));
    await send(collector, PROXY, 'DE', pageView(5200));
    // Cloudflare's Tor, and a proxy that names no country.
    await send(collector, PROXY, 'T1', pageView(1200));
    await send(collector, PROXY, undefined, pageView(1200));
    // Straight from a client, with the proxy's header and the proxy's address forged.
    const response = await collector.inject({
      method: 'POST',
      url: '/v1/rum',
      remoteAddress: '127.0.0.1',
      headers: { 'content-type': 'text/plain', 'cf-ipcountry': 'FR', 'x-forwarded-for': PROXY },
      payload: JSON.stringify(exampleBeacon(pageView(1200))),
    });
    expect(response.statusCode).toBe(204);

    const metrics = (await collector.pulseAdmin.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/^pulse_page_views_total\{.*,country="NL"\} 2$/m);
    expect(metrics).toMatch(/^pulse_page_views_total\{.*,country="__unknown__"\} 3$/m);
    expect(metrics).not.toMatch(/country="(FR|T1|nl)"/);

    const answer = await report(collector);
    expect(answer.enabled).toBe(true);
    expect(answer.countries.map((country) => country.country)).toEqual(['NL', 'DE', '__unknown__']);
    const [nl, de, unknown] = answer.countries;
    expect(nl).toMatchObject({ pageViews: 2, scored: 2 });
    expect(nl!.goodShare).toEqual({ LCP: 1, INP: null, CLS: 1, FCP: null, TTFB: null });
    expect(de).toMatchObject({ pageViews: 1, scored: 1 });
    expect(de!.goodShare.LCP).toBe(0);
    expect(de!.medianScore!).toBeLessThan(nl!.medianScore!);
    expect(unknown).toMatchObject({ pageViews: 3, scored: 3 });
  });

  it('answers enabled: false and records no country without a country header', async () => {
    const collector = await start({ trustProxy: PROXY });
    await send(collector, PROXY, 'NL', pageView(1200));
    expect(await report(collector)).toEqual({ app: 'shop', enabled: false, countries: [] });
    const metrics = (await collector.pulseAdmin.inject({ url: '/metrics' })).body;
    expect(metrics).not.toMatch(/country/);
  });

  it('answers an unknown app with no countries, and a request without an app with 400', async () => {
    const collector = await start(geography);
    expect((await report(collector, 'blog')).countries).toEqual([]);
    const response = await collector.pulseAdmin.inject({ url: '/api/v1/geography' });
    expect(response.statusCode).toBe(400);
  });

  it('refuses to start with a country header but no proxy to believe it from', async () => {
    await expect(createCollector({ countryHeader: 'cf-ipcountry' })).rejects.toThrow(
      /countryHeader: the header is believed only from the proxies that set it/,
    );
  });
});
