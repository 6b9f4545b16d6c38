/**
 * Accuracy of the plain-WebSocket monitor in real Chromium and Firefox ESR: the socket.io
 * accuracy scenarios (accuracy.test.ts) rerun in each engine against a `ws` server made with
 * `pulseWebSocketServer` (`@pulse/collector/ws`), through the same impairment proxy, with the same
 * bars (accuracyChecks.ts): median RTT within max(5 ms, 5%) of the proxy's log; jitter within 25%
 * of the truth's; loss within 2 points of the log; scores ranking clean > jitter > loss on the
 * collector's /metrics. As there, the bars assume a machine that is not heavily oversubscribed. A plain WebSocket never reopens, so the restart scenario asks what the
 * monitor can see: the close as a disconnect, and monitoring going on over the app's new socket.
 *
 * On both sides the app's own message handlers are watched: they get the app's messages (the
 * server sends a tick every 250 ms) and never a probe or an answer.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pulseWebSocketServer } from '@pulse/collector/ws';
import type { ProbeUpdate, SocketEvent } from '@pulse/sdk';
import type { WebSocket, WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startImpairmentProxyThread,
  type ImpairmentProxyThread,
} from '../fixtures/impairment-proxy-thread.js';
import { launchChromium } from '../helpers/browser.js';
import { launchFirefox } from '../helpers/firefox.js';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { waitForScrape, type Scrape } from '../helpers/metrics.js';
import { serveHtml, type StaticServer } from '../helpers/static-server.js';
import {
  chromiumUnderTest,
  firefoxUnderTest,
  TEST_ENGINES,
  type TestBrowser,
  type TestEngine,
  type TestTab,
} from '../helpers/testBrowser.js';
import {
  checkRtt,
  meanJitter,
  type Figures,
  type Outcome,
  type Reading,
} from './accuracyChecks.js';
import { ackedRtts, median, rfc3550Jitter, trueProbes } from './groundTruth.js';

const INTERVAL = 200;
const TIMEOUT = 1000;
const REPORT_EVERY = 2000;
const TICK_MS = 250;

interface PageState {
  readings: Reading[];
  connects: number;
  acked: number;
  lost: number;
  /** Messages the app's onmessage got, and those among them (or any listener's) that were probes. */
  appMessages: number;
  probesSeenByApp: number;
}

const page = (app: string, collector: string, proxy: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>websocket accuracy</title><link rel="icon" href="data:,">
<script src="${collector}/pulse.js" data-app="${app}"></script>
<script src="${collector}/pulse.websocket.js"></script>
</head><body><script>
  window.state = { readings: [], connects: 0, acked: 0, lost: 0, appMessages: 0, probesSeenByApp: 0 };
  const waiters = new Set();
  const check = () => waiters.forEach((w) => state[w.key] >= w.n && (waiters.delete(w), w.resolve()));
  window.until = (key, n) => new Promise((resolve) => { waiters.add({ key, n, resolve }); check(); });
  Pulse.onMetric((u) => {
    if (u.k !== 'probe' && u.k !== 'socket') return;
    state.readings.push(u);
    if (u.k === 'probe') u.rtt === null ? state.lost++ : state.acked++;
    check();
  });
  const isProbe = (data) => typeof data === 'string' && data.includes('pulse:p');
  // The app's own socket, reopened by the app when it closes, as plain-WebSocket apps do.
  const connect = () => {
    const ws = new WebSocket(${JSON.stringify(proxy)});
    window.stopMonitor = Pulse.monitorWebSocket(ws, {
      interval: ${INTERVAL}, timeout: ${TIMEOUT}, reportEvery: ${REPORT_EVERY},
    });
    ws.onopen = () => { state.connects++; ws.send('hello'); check(); };
    ws.onmessage = (event) => { state.appMessages++; if (isProbe(event.data)) state.probesSeenByApp++; };
    ws.addEventListener('message', (event) => { if (isProbe(event.data)) state.probesSeenByApp++; });
    ws.onclose = () => setTimeout(connect, 100);
  };
  connect();
</script></body></html>`;

const until = (tab: TestTab, key: 'acked' | 'lost' | 'connects', n: number) =>
  tab.evaluate(
    ([k, count]) =>
      (window as unknown as { until(key: string, n: number): Promise<void> }).until(k, count),
    [key, n] as const,
  );

/** A `ws` server answering probes, that can be stopped and started again on its port. */
function restartableServer() {
  let port = 0;
  let http: HttpServer | undefined;
  let wss: WebSocketServer | undefined;
  const server = {
    wsUrl: '',
    /** Messages the app's own `message` listeners got, and how many of them were probes. */
    appMessages: 0,
    probesSeenByApp: 0,
    async start() {
      http = createServer();
      wss = pulseWebSocketServer({ server: http });
      wss.on('connection', (ws: WebSocket) => {
        ws.on('message', (data) => {
          server.appMessages++;
          if (data.toString().includes('pulse:p')) server.probesSeenByApp++;
        });
        const tick = setInterval(() => ws.send(JSON.stringify({ tick: Date.now() })), TICK_MS);
        ws.on('close', () => clearInterval(tick));
      });
      await new Promise<void>((resolve) => http!.listen(port, '127.0.0.1', resolve));
      port = (http.address() as AddressInfo).port;
      server.wsUrl = `ws://127.0.0.1:${port}`;
    },
    async stop() {
      wss?.clients.forEach((ws) => ws.terminate());
      await new Promise((resolve) => wss?.close(resolve));
      http?.closeAllConnections();
      await new Promise((resolve) => http?.close(resolve));
    },
  };
  return server;
}

/** Each engine as accuracy.test.ts launches it. */
async function launch(engine: TestEngine): Promise<TestBrowser> {
  if (engine === 'firefox') return firefoxUnderTest(await launchFirefox());
  const chromium = await launchChromium({ args: ['--enable-features=NetworkServiceInProcess2'] });
  return chromiumUnderTest(await chromium.newContext());
}

describe.each(TEST_ENGINES)(
  'plain WebSocket monitor accuracy through an impairment proxy (%s)',
  (engine) => {
    let collector: RunningCollector;
    let site: StaticServer;
    let browser: TestBrowser;
    const server = restartableServer();
    const pages = new Map<string, string>();
    const proxies: ImpairmentProxyThread[] = [];
    const pageErrors: string[] = [];
    const outcomes = new Map<string, Outcome>();
    const figures: Figures = {};
    let metrics: Scrape;

    beforeAll(async () => {
      site = await serveHtml((path) => pages.get(path));
      collector = await startCollector({ allowOrigins: [site.url], rateLimit: false });
      await server.start();
      browser = await launch(engine);
    });

    afterAll(async () => {
      console.info(
        `websocket accuracy figures in ${engine} (ms unless noted):`,
        JSON.stringify(figures, null, 1),
      );
      await browser?.close();
      await Promise.all(proxies.map((p) => p.close()));
      await server.stop();
      await site?.close();
      await collector?.close();
    });

    const startProxy = async (seed: number, impairment = {}) => {
      const proxy = await startImpairmentProxyThread({ target: server.wsUrl, seed, impairment });
      proxies.push(proxy);
      return proxy;
    };

    async function open(app: string, proxy: ImpairmentProxyThread): Promise<TestTab> {
      pages.set(`/${app}`, page(app, collector.url, proxy.url));
      // The restart scenario's refused reconnects, as each engine reports them (accuracy.test.ts);
      // anything else is an error.
      const record = (message: string) => {
        const refused =
          /WebSocket connection to .* failed|establish a connection to the server at ws:/.test(
            message,
          );
        if (!refused) pageErrors.push(`${app}: ${message}`);
      };
      const tab = await browser.newTab({ onPageError: record, onConsoleError: record });
      await tab.goto(`${site.url}/${app}`);
      return tab;
    }

    /** Stops monitoring, flushes, and pairs measured with truth (as accuracy.test.ts does). */
    async function finish(app: string, tab: TestTab, proxy: ImpairmentProxyThread) {
      const state = await tab.evaluate(() => {
        const w = window as unknown as { stopMonitor(): void; Pulse: { flush(): void } };
        w.stopMonitor();
        w.Pulse.flush();
        return (window as unknown as { state: PageState }).state;
      });
      await tab.close();
      const probes = state.readings.filter((r): r is ProbeUpdate => r.k === 'probe');
      const summaries = state.readings.filter((r): r is SocketEvent => r.k === 'socket');
      const measuredRtts = probes.filter((p) => p.rtt !== null).map((p) => p.rtt!);
      const log = await proxy.log();
      const truth = trueProbes(log.frames);
      const outcome: Outcome = {
        readings: state.readings,
        probes,
        summaries,
        measuredRtts,
        truthRtts: ackedRtts(truth).slice(0, measuredRtts.length),
        truthLost: truth.filter((p) => p.dropped).length,
        log,
      };
      outcomes.set(app, outcome);
      // The app's handlers got its messages, and never a probe or an answer.
      expect(state.appMessages).toBeGreaterThan(0);
      expect(state.probesSeenByApp).toBe(0);
      return { outcome, state };
    }

    it('clean: median RTT matches the proxy log, nothing is lost', async () => {
      const proxy = await startProxy(1);
      const tab = await open('ws-clean', proxy);
      await until(tab, 'acked', 40);
      const { outcome: o } = await finish('ws-clean', tab, proxy);
      checkRtt(figures, 'clean', o);
      expect(o.probes.filter((p) => p.rtt === null)).toEqual([]);
      expect(o.truthLost).toBe(0);
      expect(o.summaries.every((s) => s.transport === 'websocket')).toBe(true);
    });

    it('50 ms each way ±20 ms: median RTT within max(5 ms, 5%), jitter within 25%', async () => {
      const proxy = await startProxy(2, { delayMs: 50, jitterMs: 20 });
      const tab = await open('ws-jitter', proxy);
      await until(tab, 'acked', 80);
      const { outcome: o } = await finish('ws-jitter', tab, proxy);
      checkRtt(figures, 'jitter', o);
      const jitter = meanJitter(o);
      figures.jitter!['jitter over windows measured'] = +jitter.measured.toFixed(2);
      figures.jitter!['jitter over windows truth'] = +jitter.truth.toFixed(2);
      expect(Math.abs(jitter.measured - jitter.truth)).toBeLessThanOrEqual(0.25 * jitter.truth);
      expect(meanJitter(outcomes.get('ws-clean')!).measured).toBeLessThan(jitter.measured);
      expect(median(o.truthRtts)).toBeGreaterThan(90);
      expect(rfc3550Jitter(o.truthRtts)).toBeGreaterThan(5);
    });

    it('5% message loss: probe loss within 2 points of the log', async () => {
      const proxy = await startProxy(3, { dropRate: 0.05 });
      const tab = await open('ws-loss', proxy);
      await until(tab, 'acked', 80);
      await proxy.setImpairment({ dropRate: 0 });
      const settled = (await proxy.log()).frames.length;
      await until(tab, 'acked', 80 + Math.ceil((TIMEOUT + 2 * INTERVAL) / INTERVAL));
      const { outcome: o } = await finish('ws-loss', tab, proxy);
      expect(o.log.frames.slice(settled).some((f) => f.dropped)).toBe(false);
      const measuredLost = o.probes.filter((p) => p.rtt === null).length;
      const measuredLoss = measuredLost / o.probes.length;
      const truthLoss = o.truthLost / (o.truthLost + o.truthRtts.length);
      const summaryLoss =
        o.summaries.reduce((n, s) => n + s.lost, 0) / o.summaries.reduce((n, s) => n + s.probes, 0);
      figures.loss = {
        probes: o.probes.length,
        'lost measured': measuredLost,
        'lost truth': o.truthLost,
        'loss measured %': +(100 * measuredLoss).toFixed(2),
        'loss in summaries %': +(100 * summaryLoss).toFixed(2),
        'loss truth %': +(100 * truthLoss).toFixed(2),
      };
      expect(o.truthLost).toBeGreaterThan(0);
      expect(Math.abs(measuredLoss - truthLoss)).toBeLessThanOrEqual(0.02);
      expect(Math.abs(summaryLoss - truthLoss)).toBeLessThanOrEqual(0.02);
      checkRtt(figures, 'loss (RTT of acked probes)', o);
    });

    it("server restart: the close is a disconnect, and monitoring goes on over the app's new socket", async () => {
      const proxy = await startProxy(4);
      const tab = await open('ws-restart', proxy);
      await until(tab, 'acked', 15);
      await server.stop();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await server.start();
      await until(tab, 'connects', 2);
      const ackedBefore = await tab.evaluate(
        () => (window as unknown as { state: PageState }).state.acked,
      );
      await until(tab, 'acked', ackedBefore + 15);
      const { outcome: o } = await finish('ws-restart', tab, proxy);
      const disconnects = o.summaries.flatMap((s) => s.disconnects);
      figures.restart = {
        disconnects: disconnects.join(','),
        'refused upgrades at proxy': o.log.refused,
        'connect ms after restart':
          o.summaries.filter((s) => s.connectMs !== undefined).at(-1)?.connectMs ?? '-',
      };
      expect(disconnects).toContain('transport close');
      const [, ...later] = o.log.connections;
      const resumed = later.find((c) =>
        trueProbes(o.log.frames).some((p) => p.conn === c.conn && p.rtt !== undefined),
      );
      expect(resumed).toBeDefined();
    });

    describe('collector /metrics', () => {
      beforeAll(async () => {
        const apps = ['ws-clean', 'ws-jitter', 'ws-loss', 'ws-restart'];
        metrics = await waitForScrape(collector.adminUrl, (m) =>
          apps.every(
            (app) =>
              m.count('pulse_socket_score', { app, transport: 'websocket' }) >=
              (outcomes.get(app)?.summaries.filter((s) => s.probes > 0).length ?? 1),
          ),
        );
      });

      it('ranks the connection score clean > jitter > loss, on transport="websocket"', () => {
        const mean = (app: string) =>
          metrics.sum('pulse_socket_score', { app, transport: 'websocket' }) /
          metrics.count('pulse_socket_score', { app, transport: 'websocket' });
        figures.score = {
          clean: +mean('ws-clean').toFixed(2),
          jitter: +mean('ws-jitter').toFixed(2),
          loss: +mean('ws-loss').toFixed(2),
        };
        expect(mean('ws-clean')).toBeGreaterThan(mean('ws-jitter'));
        expect(mean('ws-jitter')).toBeGreaterThan(mean('ws-loss'));
        expect(
          metrics.value('pulse_socket_disconnects_total', {
            app: 'ws-restart',
            reason: 'transport close',
          }),
        ).toBeGreaterThanOrEqual(1);
      });

      it("never hands a probe to the server app's message listeners, which get the page's messages", () => {
        expect(server.appMessages).toBeGreaterThanOrEqual(4);
        expect(server.probesSeenByApp).toBe(0);
        expect(pageErrors).toEqual([]);
      });
    });
  },
);
