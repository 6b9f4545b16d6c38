/**
 * Message delivery of socket.io emits in real Chromium (`monitorSocket(..., { delivery: true })`
 * through `/pulse.socket.js` and `/pulse.delivery.js`), against a real socket.io server with `attachPulse(io, { delivery:
 * true })`, through the message-level impairment proxy (test/fixtures/impairment-proxy.ts),
 * whose log is the ground truth.
 *
 * - **Server delays and drops.** The server acks each `order` after a known, seeded delay and
 *   never acks a known share; the page emits with `socket.timeout(ms)`. The SDK's delivery p50
 *   and p95 must be within max(5 ms, 10%) of the truth's (event in at the proxy to ack out), and
 *   its delivered and failed counts exact; the app's callbacks get exactly what socket.io gives.
 * - **Proxy drops.** The proxy drops a seeded share of socket.io packets both ways: every emit
 *   whose packet or ack the log shows dropped must count as failed, every other as delivered.
 * - **Lost on disconnect.** Emits the server holds when it disconnects the socket count as
 *   lost, with and without a timeout on the emit.
 *
 * The collector's /metrics must then show the same counts per event name, and the server's
 * registry its own side. The bars allow for the browser's own scheduling (the truth is taken at
 * the proxy, a loopback hop away), so they assume a machine that is not heavily oversubscribed.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { attachPulse } from '@pulse/collector/socket.io';
import type { MessageStats, SocketEvent } from '@pulse/sdk';
import type { Browser, Page } from 'playwright-core';
import { Registry } from 'prom-client';
import { Server } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../fixtures/impairment-proxy.js';
import {
  startImpairmentProxyThread,
  type ImpairmentProxyThread,
} from '../fixtures/impairment-proxy-thread.js';
import { launchChromium } from '../helpers/browser.js';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { waitForScrape } from '../helpers/metrics.js';
import { serveHtml, type StaticServer } from '../helpers/static-server.js';
import { quantileOf, trueDeliveries } from './groundTruth.js';

const ORDERS = 80;
/** Time between two emits of the page, ms: the acks overlap, as in a busy app. */
const SPACING = 15;
const ACK_TIMEOUT = 1500;
/** Seeded plan of the server: each order's ack delay (ms), or null for never acked. */
const plan = (() => {
  const random = mulberry32(19);
  return Array.from({ length: ORDERS }, () =>
    random() < 0.1 ? null : Math.round(20 + random() * 380),
  );
})();
const DROPPED_BY_SERVER = plan.filter((delay) => delay === null).length;

type Summary = SocketEvent;

const page = (app: string, collector: string, sio: string, proxy: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>socket delivery</title><link rel="icon" href="data:,">
<script src="${collector}/pulse.js" data-app="${app}"></script>
<script src="${collector}/pulse.socket.js"></script>
<script src="${collector}/pulse.delivery.js"></script>
<script src="${sio}/socket.io/socket.io.js"></script>
</head><body><script>
  window.summaries = [];
  Pulse.onMetric((u) => u.k === 'socket' && summaries.push(u));
  const socket = io(${JSON.stringify(proxy)}, { transports: ['websocket'], reconnection: false });
  window.socket = socket;
  window.connected = new Promise((resolve) => socket.once('connect', resolve));
  window.disconnected = new Promise((resolve) => socket.once('disconnect', resolve));
  window.stopMonitor = Pulse.monitorSocket(socket, {
    interval: 500, timeout: 2000, reportEvery: 1000, delivery: true,
  });
  // Emits n acknowledged messages, one every spacing ms; resolves with what each callback got.
  window.emitAll = (event, n, spacing, timeout) => new Promise((resolve) => {
    const results = [];
    let done = 0;
    for (let i = 0; i < n; i++) {
      setTimeout(() => {
        const target = timeout ? socket.timeout(timeout) : socket;
        target.emit(event, i, (...args) => {
          results[i] = args.map((a) => (a instanceof Error ? 'Error: ' + a.message : a));
          if (++done === n) resolve(results);
        });
      }, i * spacing);
    }
  });
</script></body></html>`;

interface PageWindow {
  summaries: Summary[];
  socket: { emit(...args: unknown[]): void };
  connected: Promise<void>;
  disconnected: Promise<void>;
  stopMonitor(): void;
  emitAll(event: string, n: number, spacing: number, timeout?: number): Promise<unknown[][]>;
  Pulse: { flush(): void };
}

/** The page's summaries' stats of `event`, added up, delivery times in order. */
function totals(summaries: Summary[], event: string) {
  const all = summaries.flatMap((s) => s.msgs ?? []).filter((m) => m.e === event);
  const sum = (key: keyof Omit<MessageStats, 'e' | 'd'>) =>
    all.reduce((total, m) => total + m[key], 0);
  return {
    out: sum('out'),
    ok: sum('ok'),
    fail: sum('fail'),
    lost: sum('lost'),
    d: all.flatMap((m) => m.d),
  };
}

describe('socket.io message delivery through an impairment proxy (chromium)', () => {
  let collector: RunningCollector;
  let site: StaticServer;
  let browser: Browser;
  let io: Server;
  let sio: string;
  let wsUrl: string;
  const serverRegistry = new Registry();
  const pages = new Map<string, string>();
  const proxies: ImpairmentProxyThread[] = [];
  const pageErrors: string[] = [];
  const figures: Record<string, Record<string, number>> = {};

  beforeAll(async () => {
    collector = await startCollector();
    site = await serveHtml((path) => pages.get(path));
    const http = createServer();
    io = new Server(http, { cors: { origin: '*' } });
    attachPulse(io, { registry: serverRegistry, delivery: true });
    io.on('connection', (socket) => {
      socket.on('order', (i: number, ack: (value: number) => void) => {
        const delay = plan[i];
        if (delay !== null && delay !== undefined) setTimeout(() => ack(i), delay);
      });
      socket.on('fast', (i: number, ack: (value: number) => void) => ack(i));
      // Held: never acked, until the server disconnects the socket.
      socket.on('hold', () => {});
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as AddressInfo).port;
    sio = `http://127.0.0.1:${port}`;
    wsUrl = `ws://127.0.0.1:${port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    console.info('delivery figures (ms):', JSON.stringify(figures, null, 1));
    await browser?.close();
    await Promise.all(proxies.map((proxy) => proxy.close()));
    await io?.close();
    await site?.close();
    await collector?.close();
  });

  async function open(app: string, proxy: ImpairmentProxyThread): Promise<Page> {
    pages.set(`/${app}`, page(app, collector.url, sio, proxy.httpUrl));
    const tab = await browser.newPage();
    tab.on('pageerror', (error) => pageErrors.push(`${app}: ${error.message}`));
    await tab.goto(`${site.url}/${app}`);
    await tab.evaluate(() => (window as unknown as PageWindow).connected);
    return tab;
  }

  async function proxyWith(seed: number, dropRate: number, delayMs = 0, jitterMs = 0) {
    const proxy = await startImpairmentProxyThread({
      target: wsUrl,
      seed,
      impairment: { delayMs, jitterMs, dropRate },
    });
    proxies.push(proxy);
    return proxy;
  }

  /** Stops monitoring (the last window is recorded then) and returns the page's summaries. */
  const finish = (tab: Page) =>
    tab.evaluate(() => {
      const w = window as unknown as PageWindow;
      w.stopMonitor();
      w.Pulse.flush();
      return w.summaries;
    });

  it('measures delivery times and failures of acks the server delays and drops', async () => {
    const proxy = await proxyWith(1, 0);
    const tab = await open('delivery-server', proxy);
    const results = await tab.evaluate(
      ([n, spacing, timeout]) =>
        (window as unknown as PageWindow).emitAll('order', n, spacing, timeout),
      [ORDERS, SPACING, ACK_TIMEOUT] as const,
    );
    // The app's callbacks got exactly what socket.io gives: its answer, or the timeout error.
    expect(results).toEqual(
      plan.map((delay, i) => (delay === null ? ['Error: operation has timed out'] : [null, i])),
    );
    const measured = totals(await finish(tab), 'order');
    await tab.close();
    const truth = trueDeliveries((await proxy.log()).frames);
    const truthTimes = truth.flatMap((t) => (t.delivery === undefined ? [] : [t.delivery]));
    expect(truth).toHaveLength(ORDERS);
    expect(truthTimes).toHaveLength(ORDERS - DROPPED_BY_SERVER);
    expect(measured).toMatchObject({
      out: ORDERS,
      ok: ORDERS - DROPPED_BY_SERVER,
      fail: DROPPED_BY_SERVER,
      lost: 0,
    });
    const p50 = quantileOf(measured.d, 0.5);
    const p95 = quantileOf(measured.d, 0.95);
    const truthP50 = quantileOf(truthTimes, 0.5);
    const truthP95 = quantileOf(truthTimes, 0.95);
    figures.server = { p50, truthP50, p95, truthP95, failed: measured.fail };
    expect(Math.abs(p50 - truthP50)).toBeLessThanOrEqual(Math.max(5, truthP50 * 0.1));
    expect(Math.abs(p95 - truthP95)).toBeLessThanOrEqual(Math.max(5, truthP95 * 0.1));
    // Delivery is never shorter than the server's own delay.
    const planned = plan.filter((delay): delay is number => delay !== null);
    expect(quantileOf(truthTimes, 0.5)).toBeGreaterThanOrEqual(quantileOf(planned, 0.5));
  });

  it('counts every emit whose packet or ack the proxy dropped as failed, the rest delivered', async () => {
    const proxy = await proxyWith(7, 0.15, 10, 5);
    const tab = await open('delivery-proxy', proxy);
    const results = await tab.evaluate(
      ([n, spacing, timeout]) =>
        (window as unknown as PageWindow).emitAll('fast', n, spacing, timeout),
      [ORDERS, SPACING, ACK_TIMEOUT] as const,
    );
    const measured = totals(await finish(tab), 'fast');
    await tab.close();
    const truth = trueDeliveries((await proxy.log()).frames);
    const truthFailed = truth.filter((t) => t.dropped).length;
    const truthTimes = truth.flatMap((t) => (t.delivery === undefined ? [] : [t.delivery]));
    // The seed drops a few both ways: a test that would pass with no failures proves nothing.
    expect(truthFailed).toBeGreaterThanOrEqual(5);
    expect(results.filter((r) => r[0] !== null)).toHaveLength(truthFailed);
    expect(measured).toMatchObject({
      out: ORDERS,
      ok: ORDERS - truthFailed,
      fail: truthFailed,
      lost: 0,
    });
    const p50 = quantileOf(measured.d, 0.5);
    const truthP50 = quantileOf(truthTimes, 0.5);
    figures.proxy = { p50, truthP50, failed: measured.fail, truthFailed };
    expect(Math.abs(p50 - truthP50)).toBeLessThanOrEqual(Math.max(5, truthP50 * 0.1));
  });

  it('counts emits in flight at a disconnect as lost', async () => {
    const proxy = await proxyWith(3, 0);
    const tab = await open('delivery-lost', proxy);
    await tab.evaluate(() => {
      const w = window as unknown as PageWindow;
      // Three with a timeout (their callback gets an error), two without (never called).
      void w.emitAll('hold', 3, 0, 30_000);
      void w.emitAll('hold', 2, 0);
    });
    // Every held emit reached the server before it disconnects the socket.
    const held = async () => (await proxy.log()).frames.filter((f) => f.kind === 'event').length;
    for (let i = 0; i < 100 && (await held()) < 5; i++) await new Promise((r) => setTimeout(r, 50));
    io.of('/').disconnectSockets();
    await tab.evaluate(() => (window as unknown as PageWindow).disconnected);
    const measured = totals(await finish(tab), 'hold');
    await tab.close();
    expect(measured).toMatchObject({ out: 5, ok: 0, fail: 0, lost: 5 });
  });

  it('shows the same counts per event name on the collector and on the server', async () => {
    const failed = (app: string, event: string) => ({ app, event, outcome: 'failed' });
    const scrape = await waitForScrape(
      collector.adminUrl,
      (m) =>
        m.value('pulse_socket_deliveries_total', failed('delivery-server', 'order')) ===
          DROPPED_BY_SERVER &&
        m.value('pulse_socket_deliveries_total', { app: 'delivery-lost', outcome: 'lost' }) === 5,
    );
    const app = 'delivery-server';
    expect(scrape.value('pulse_socket_deliveries_total', failed(app, 'order'))).toBe(
      DROPPED_BY_SERVER,
    );
    expect(
      scrape.value('pulse_socket_deliveries_total', { app, event: 'order', outcome: 'delivered' }),
    ).toBe(ORDERS - DROPPED_BY_SERVER);
    expect(scrape.count('pulse_socket_delivery_seconds', { app, event: 'order' })).toBe(
      ORDERS - DROPPED_BY_SERVER,
    );
    expect(
      scrape.value('pulse_socket_messages_total', { app, event: 'order', direction: 'out' }),
    ).toBe(ORDERS);
    expect(
      scrape.value('pulse_socket_deliveries_total', {
        app: 'delivery-lost',
        event: 'hold',
        outcome: 'lost',
      }),
    ).toBe(5);
    // The server's side: every order and hold arrived there (none is dropped in those scenarios).
    const incoming = await serverRegistry
      .getSingleMetric('pulse_socket_server_messages_total')!
      .get();
    const inOf = (event: string) =>
      incoming.values
        .filter((v) => v.labels.event === event && v.labels.direction === 'in')
        .reduce((sum, v) => sum + v.value, 0);
    expect(inOf('order')).toBe(ORDERS);
    expect(inOf('hold')).toBe(5);
    expect(pageErrors).toEqual([]);
  });
});
