/**
 * @pulse/react in real Chromium against a real collector and a real socket.io server: what the
 * hooks show on screen is what /metrics received, and a render error caught by
 * PulseErrorBoundary is counted once, without its message leaving the page.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { attachPulse } from '@pulse/collector/socket.io';
import { connectionScore } from '@pulse/sdk/score';
import { Server } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { waitForScrape, type Scrape } from '../helpers/metrics.js';
import { serveHtml, type StaticServer } from '../helpers/static-server.js';
import { bundlePage } from './page/bundle.js';

const APP = 'e2e-react';
const PATH = '/shop/mug-42';
const ROUTE = '/shop/:item';
const TIMED_VITALS = ['LCP', 'FCP', 'TTFB', 'INP'] as const;

/** What the page showed for one vital: its value and rating, as rendered by useWebVitals. */
interface Shown {
  value: number;
  rating: string;
}

/**
 * The socket summary fields useSocketQuality's values correspond to (the collector's RTT series
 * takes the window's median, which live updates do not carry; the score takes this smoothed rtt).
 */
interface SocketSummary {
  k: 'socket';
  transport: string;
  rtt: number;
  jitter: number;
  loss: number;
}

/** Every event of every beacon body the page sent. */
const eventsOf = (bodies: string[]) =>
  bodies.flatMap((body) => (JSON.parse(body) as { events: { k: string }[] }).events);

describe('@pulse/react → SDK → collector → /metrics', () => {
  let collector: RunningCollector;
  let site: StaticServer;
  let browser: Browser;
  let socketHttp: HttpServer;
  let socketServer: Server;
  let metrics: Scrape;
  const shownSocket: Record<string, string> = {};
  const shown: Record<string, Shown> = {};
  let shownTbt = 0;
  let shownScore = 0;
  const beaconBodies: string[] = [];
  const uncaught: string[] = [];

  beforeAll(async () => {
    const script = await bundlePage(
      fileURLToPath(new URL('./page/app.tsx', import.meta.url)),
      'development',
    );
    // The app's own socket.io server, answering Pulse's probes.
    socketHttp = createServer();
    socketServer = new Server(socketHttp, { cors: { origin: '*' } });
    attachPulse(socketServer);
    await new Promise<void>((resolve) => socketHttp.listen(0, '127.0.0.1', resolve));
    const socketUrl = `http://127.0.0.1:${(socketHttp.address() as AddressInfo).port}`;

    site = await serveHtml((path) =>
      path === PATH
        ? `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>
<link rel="icon" href="data:,"></head><body>
<div id="root" data-app="${APP}" data-collector="${collector.url}" data-socket="${socketUrl}"></div>
<script>${script.replaceAll('</script', '<\\/script')}</script></body></html>`
        : undefined,
    );
    collector = await startCollector({ allowOrigins: [site.url], rateLimit: false });
    browser = await launchChromium();

    const tab = await browser.newPage();
    tab.on('pageerror', (error) => uncaught.push(error.message));
    tab.on('request', (request) => {
      if (request.url().endsWith('/v1/rum')) beaconBodies.push(request.postData() ?? '');
    });
    await tab.goto(`${site.url}${PATH}`);
    await tab.waitForSelector('#fallback');

    // A few probes, then stop monitoring: the monitor sends its summary, the screen keeps the last
    // reading.
    await tab.waitForFunction(() => document.getElementById('socket-rtt')?.textContent);
    await tab.waitForTimeout(1000);
    await tab.click('#stop-socket');
    await tab.waitForFunction(
      () => document.getElementById('socket-state')?.textContent === 'stopped',
    );
    for (const name of ['rtt', 'jitter', 'loss', 'score', 'transport']) {
      shownSocket[name] = String(await tab.locator(`#socket-${name}`).textContent());
    }
    // A click ends LCP and gives INP an interaction.
    await tab.click('#buy');
    await tab.waitForFunction(() =>
      ['LCP', 'FCP', 'TTFB', 'INP'].every((id) => document.getElementById(id)?.textContent),
    );
    // Hiding the page, as a tab switch does, makes web-vitals report CLS and INP and the SDK end
    // the page view and send it by beacon, while the page stays there to be read.
    await tab.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      Object.defineProperty(document, 'hidden', { value: true, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await tab.waitForFunction(() => document.getElementById('CLS')?.textContent);

    for (const name of [...TIMED_VITALS, 'CLS']) {
      const cell = tab.locator(`#${name}`);
      shown[name] = {
        value: Number(await cell.textContent()),
        rating: String(await cell.getAttribute('data-rating')),
      };
    }
    shownTbt = Number(await tab.locator('#TBT').textContent());
    shownScore = Number(await tab.locator('#score').textContent());

    metrics = await waitForScrape(
      collector.adminUrl,
      (m) =>
        m.count('pulse_page_score', { app: APP }) >= 1 &&
        m.value('pulse_js_errors_total', { app: APP, kind: 'react' }) >= 1 &&
        m.count('pulse_socket_score', { app: APP }) >= 1,
    );
  });

  afterAll(async () => {
    await browser?.close();
    await socketServer?.close();
    await site?.close();
    await collector?.close();
  });

  const labels = { app: APP, route: ROUTE };

  it('reports the page view under the route template the app gave, not the path', () => {
    expect(metrics.value('pulse_page_views_total', { ...labels, navigation: 'navigate' })).toBe(1);
    expect(metrics.value('pulse_page_views_total', { app: APP })).toBe(1);
  });

  it('shows each timed vital exactly as the collector recorded it', () => {
    for (const name of TIMED_VITALS) {
      const { value, rating } = shown[name] as Shown;
      const series = { ...labels, metric: name };
      expect(metrics.count('pulse_web_vital_seconds', series), name).toBe(1);
      expect(metrics.sum('pulse_web_vital_seconds', series) * 1000, name).toBeCloseTo(value, 6);
      expect(metrics.value('pulse_web_vital_rating_total', { ...series, rating }), name).toBe(1);
    }
  });

  it('shows CLS as the collector recorded it', () => {
    const { value, rating } = shown.CLS as Shown;
    expect(metrics.count('pulse_layout_shift_score', labels)).toBe(1);
    expect(metrics.sum('pulse_layout_shift_score', labels)).toBeCloseTo(value, 9);
    expect(
      metrics.value('pulse_web_vital_rating_total', { ...labels, metric: 'CLS', rating }),
    ).toBe(1);
  });

  it("shows the collector's page score and total blocking time", () => {
    // The SDK sends long tasks rounded to the millisecond but sums TBT unrounded.
    const longTasks = metrics.count('pulse_long_task_seconds', { ...labels, kind: 'longtask' });
    const tbt = metrics.sum('pulse_total_blocking_time_seconds', labels) * 1000;
    expect(Math.abs(tbt - shownTbt)).toBeLessThanOrEqual(0.5 * longTasks + 1e-6);
    expect(metrics.count('pulse_page_score', labels)).toBe(1);
    expect(metrics.sum('pulse_page_score', labels)).toBeCloseTo(shownScore, 1);
  });

  it('shows the socket quality of the last summary sent, which /metrics received', () => {
    const summaries = eventsOf(beaconBodies).filter(
      (event): event is SocketSummary => event.k === 'socket',
    );
    expect(summaries.length).toBeGreaterThan(0);
    const last = summaries.at(-1) as SocketSummary;
    expect(Number(shownSocket.rtt)).toBe(last.rtt);
    expect(Number(shownSocket.jitter)).toBe(last.jitter);
    expect(Number(shownSocket.loss)).toBe(last.loss);
    expect(shownSocket.transport).toBe(last.transport);

    // The hook scores live values with the collector's own function: same inputs, same score.
    expect(Number(shownSocket.score)).toBe(connectionScore(last).score);

    const series = { app: APP, transport: String(shownSocket.transport) };
    const total = (pick: (summary: SocketSummary) => number) =>
      summaries.reduce((sum, summary) => sum + pick(summary), 0);
    for (const [name, pick] of [
      ['pulse_socket_jitter_seconds', (summary: SocketSummary) => summary.jitter / 1000],
      ['pulse_socket_loss_ratio', (summary: SocketSummary) => summary.loss],
      ['pulse_socket_score', (summary: SocketSummary) => connectionScore(summary).score],
    ] as const) {
      expect(metrics.count(name, series), name).toBe(summaries.length);
      expect(metrics.sum(name, series), name).toBeCloseTo(total(pick), 9);
    }
  });

  it('counts the render error once, as kind react, and nowhere else', () => {
    expect(metrics.value('pulse_js_errors_total', { ...labels, kind: 'react' })).toBe(1);
    expect(metrics.value('pulse_js_errors_total', { app: APP })).toBe(1);
    expect(uncaught).toEqual([]);
  });

  it('sends no error message or stack', () => {
    expect(beaconBodies.length).toBeGreaterThan(0);
    expect(beaconBodies.join('\n')).toContain('"kind":"react"');
    expect(beaconBodies.join('\n')).not.toMatch(/Price of item|PriceTag|"msg"/);
  });

  it('reports the profiled mount once under StrictMode, and the tracked click', () => {
    expect(metrics.count('pulse_custom_timing_seconds', { app: APP, name: 'vitals-panel' })).toBe(
      1,
    );
    expect(metrics.value('pulse_custom_events_total', { app: APP, name: 'add-to-basket' })).toBe(1);
  });
});
