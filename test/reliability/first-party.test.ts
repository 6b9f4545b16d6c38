/**
 * The ad-blocker friendly setup of docs/RELIABILITY.md: the site serves Pulse and takes its
 * beacons under its own origin (`/rum/...`) and forwards them to the collector, as an nginx
 * `location /rum/ { proxy_pass ... }` would. The page never talks to the collector's origin,
 * and the collector still applies its origin allow-list and sees the real client address.
 */
import { createServer, request as forward, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { waitForScrape, type Scrape } from '../helpers/metrics.js';

const APP = 'first-party';

const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>Shop</title><link rel="icon" href="data:,">
<script src="/rum/pulse.js" data-app="${APP}" data-collector="/rum" defer></script>
</head><body><h1 style="font-size:48px">Handmade ceramic mug</h1></body></html>`;

let collector: RunningCollector;
let site: Server;
let siteUrl = '';
let browser: Browser;
const requestedOrigins = new Set<string>();
const forwardedFor: string[] = [];
let metrics: Scrape;

beforeAll(async () => {
  site = createServer((incoming, outgoing) => {
    const path = incoming.url ?? '/';
    if (!path.startsWith('/rum/')) {
      outgoing.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      outgoing.end(page);
      return;
    }
    const target = new URL(path.slice('/rum'.length), collector.url);
    const clientAddress = incoming.socket.remoteAddress ?? '';
    forwardedFor.push(clientAddress);
    const proxied = forward(
      target,
      {
        method: incoming.method,
        headers: { ...incoming.headers, host: target.host, 'x-forwarded-for': clientAddress },
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    incoming.pipe(proxied);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  collector = await startCollector({
    allowOrigins: [siteUrl],
    rateLimit: { max: 100, timeWindow: 60_000 },
    trustProxy: '127.0.0.1',
  });
  browser = await launchChromium();
  const tab = await browser.newPage();
  tab.on('request', (request) => requestedOrigins.add(new URL(request.url()).origin));
  await tab.goto(siteUrl);
  await tab.waitForFunction(() => (window as unknown as { Pulse?: unknown }).Pulse !== undefined);
  await tab.goto('about:blank');
  metrics = await waitForScrape(
    collector.adminUrl,
    (m) => m.count('pulse_total_blocking_time_seconds', { app: APP }) >= 1,
  );
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await collector?.close();
  await new Promise<void>((resolve) => {
    site?.closeAllConnections();
    site?.close(() => resolve());
  });
});

describe('first-party proxy (endpoint under the site origin)', () => {
  it('delivers the page view through the proxy', () => {
    expect(metrics.value('pulse_page_views_total', { app: APP, navigation: 'navigate' })).toBe(1);
    expect(metrics.count('pulse_total_blocking_time_seconds', { app: APP })).toBe(1);
  });

  it('makes the page talk to its own origin only', () => {
    const origins = [...requestedOrigins].filter((origin) => origin.startsWith('http'));
    expect(origins).toEqual([siteUrl]);
    expect(forwardedFor.length).toBeGreaterThanOrEqual(2); // the script and at least one beacon
  });

  it('still applies the origin allow-list behind the proxy', async () => {
    const response = await fetch(`${siteUrl}/rum/v1/rum`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'http://elsewhere.example' },
      body: '{}',
    });
    expect(response.status).toBe(403);
  });
});
