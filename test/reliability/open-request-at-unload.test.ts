/**
 * A beacon whose request is still open when the page unloads counts once. Chromium rejects the
 * fetches a page has open when it unloads (a network error, after `pagehide`, before
 * `visibilitychange`), although the collector already has the request, and a keepalive request
 * goes on without the page: the SDK must not send that body again in its hide flush. A relay in
 * front of the real collector passes every request on at once but holds the collector's answers
 * until the page has gone, so the request is surely open at the unload.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { scrape, settledValue, waitForScrape, type Scrape } from '../helpers/metrics.js';
import { serveHtml, type StaticServer } from '../helpers/static-server.js';

const APP = 'open-at-unload';

interface HoldingRelay {
  url: string;
  /** Resolves once a beacon has reached the collector while answers are held. */
  beaconHeld(): Promise<void>;
  /** Holds the collector's answers from now on. */
  hold(): void;
  /** Sends the held answers and holds no more. */
  release(): void;
  close(): Promise<void>;
}

const bodyOf = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** Passes requests on to `target` and, while holding, keeps the answers back until release. */
async function holdingRelay(target: string): Promise<HoldingRelay> {
  let holding = false;
  const held: (() => void)[] = [];
  const heldWaiters: (() => void)[] = [];
  const relay = async (request: IncomingMessage, response: ServerResponse) => {
    const body = request.method === 'POST' ? await bodyOf(request) : undefined;
    const answer = await fetch(`${target}${request.url}`, {
      method: request.method,
      headers: {
        'content-type': request.headers['content-type'] ?? 'text/plain',
        ...(request.headers.origin ? { origin: request.headers.origin } : {}),
      },
      body,
    });
    const payload = Buffer.from(await answer.arrayBuffer());
    const reply = () => {
      const headers: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!['content-length', 'content-encoding', 'transfer-encoding'].includes(name)) {
          headers[name] = value;
        }
      });
      response.writeHead(answer.status, headers).end(payload);
    };
    if (holding && request.method === 'POST') {
      held.push(reply);
      heldWaiters.splice(0).forEach((resolve) => resolve());
    } else {
      reply();
    }
  };
  const server: Server = createServer((request, response) => {
    relay(request, response).catch(() => response.writeHead(502).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    beaconHeld: () => new Promise((resolve) => heldWaiters.push(resolve)),
    hold: () => void (holding = true),
    release: () => {
      holding = false;
      held.splice(0).forEach((reply) => reply());
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let collector: RunningCollector;
let relay: HoldingRelay;
let site: StaticServer;
let browser: Browser;

beforeAll(async () => {
  site = await serveHtml(
    (path) =>
      (path === '/' &&
        `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script src="${collector.url}/pulse.js" data-app="${APP}" data-collector="${relay.url}" defer></script>
</head><body><h1>A page that ends while its beacon is on the way</h1></body></html>`) ||
      undefined,
  );
  collector = await startCollector({ allowOrigins: [site.url], rateLimit: false });
  relay = await holdingRelay(collector.url);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await relay?.close();
  await collector?.close();
  await site?.close();
});

describe('a page that unloads while a beacon request is open', () => {
  it('counts that beacon once', async () => {
    const page = await browser.newPage();
    await page.goto(`${site.url}/`);
    await page.waitForFunction(() => 'Pulse' in window);
    relay.hold();
    const held = relay.beaconHeld();
    // A soft navigation ends the first view: its beacon goes by fetch, and stays unanswered.
    await page.evaluate(() =>
      (window as unknown as { Pulse: { setRoute(route: string): void } }).Pulse.setRoute('/second'),
    );
    await held;
    await page.goto('about:blank');
    relay.release();
    const pageEvents = (m: Scrape) => m.value('pulse_events_total', { app: APP, kind: 'page' });
    await waitForScrape(collector.adminUrl, (m) => pageEvents(m) >= 2);
    // The hide flush sends its bodies together: read once every one of them has landed.
    expect(await settledValue(collector.adminUrl, pageEvents)).toBe(2);
    const metrics = await scrape(collector.adminUrl);
    expect(metrics.value('pulse_page_views_total', { app: APP, route: '/' })).toBe(1);
    expect(metrics.value('pulse_page_views_total', { app: APP, route: '/second' })).toBe(1);
    await page.close();
  });
});
