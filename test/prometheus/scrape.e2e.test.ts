/**
 * Scale-out on a real Prometheus: two collector replicas, Debian's Prometheus scraping both with
 * Pulse's recording and alert rules loaded, and real Chromium sessions split between the replicas
 * through the script tag. Every PromQL query of the Grafana dashboard and every recording rule
 * must return data, and the sums over both replicas must equal what the browsers sent.
 *
 * Sessions run in two rounds with a scrape in between: a series a replica creates is first
 * scraped with its value already above zero, and rate() only sees increases between scrapes, so
 * the second round is what gives every rate, quantile and share a value.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exampleBeacon, exampleEvents } from '@pulse/collector';
import { attachPulse } from '@pulse/collector/socket.io';
import type { Browser } from 'playwright-core';
import { Server } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { eventually } from '../helpers/eventually.js';
import { scrape, waitForScrape } from '../helpers/metrics.js';
import { serveHtml, type StaticServer } from '../helpers/static-server.js';
import {
  ALERT_RULES,
  RECORDING_RULES,
  dashboardQueries,
  expandDashboardQuery,
  loadDashboard,
  loadRuleGroups,
  type DashboardQuery,
} from './assets.js';
import { startPrometheus, type RunningPrometheus, type Sample } from './prometheusServer.js';
import { BUSY_SCRIPT, lateBannerScript } from '../fixtures/page-scripts.js';

const APP = 'e2e-scale';
const PRODUCT_PATH = '/products/12345';
const CHECKOUT_PATH = '/checkout/3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const REPLICAS = 2;
const ROUNDS = 2;
/** Each session views the product page, then the checkout page. */
const VIEWS_PER_SESSION = 2;
/** The product page counts an uncaught error and an unhandled rejection... */
const ERRORS_PER_SESSION = 2;
/** ...and tracks two custom events of value 1. */
const EVENTS_PER_SESSION = 2;
/**
 * Custom event names admitted per app. The product page uses three names, so the third of them
 * goes to `__other__` and `pulse_label_overflow_total{label="name"}` has something to count.
 */
const EVENT_NAME_CAP = 2;
/** What Grafana's windows (`$__rate_interval`, `$__range`...) stand for here: longer than the test. */
const RATE_INTERVAL_SECONDS = 120;

/**
 * The release each replica's site runs. Replica 0's sessions come first in each round, so its
 * release is first seen first: the release comparison has a newest (2.0.0) and a previous (1.9.0)
 * release, both with page views in both rounds.
 */
const RELEASES = ['1.9.0', '2.0.0'];

const head = (
  collector: string,
  release: string,
) => `<meta charset="utf-8"><link rel="icon" href="data:,">
<script src="${collector}/pulse.js" data-app="${APP}" data-release="${release}"></script>`;

/**
 * Product page: large headline (LCP), late banner (CLS), a long task, a slow click handler (INP),
 * a monitored socket, a custom timing, custom events, and two errors.
 */
const productPage = (collector: string, release: string, socketServer: string) => `<!doctype html>
<html><head>${head(collector, release)}
<script src="${collector}/pulse.socket.js"></script>
<script src="${socketServer}/socket.io/socket.io.js"></script>
</head><body>
<h1 style="font-size:56px">Handmade ceramic mug, 350 ml</h1>
<div id="slot"></div>
<button id="buy" style="font-size:20px">Add to basket</button>
<p><a id="next" href="${CHECKOUT_PATH}">Checkout</a></p>
<script>
  ${BUSY_SCRIPT}
  window.socketSummaries = 0;
  Pulse.onMetric((update) => { if (update.k === 'socket') window.socketSummaries++; });
  Pulse.monitorSocket(io(${JSON.stringify(socketServer)}, { transports: ['websocket'] }), {
    interval: 100, timeout: 1000, reportEvery: 500,
  });
  Pulse.time('search-results', 120);
  Pulse.track('newsletter-signup');
  setTimeout(() => busy(120), 200);
  setTimeout(() => { throw new Error('e2e: uncaught'); }, 300);
  Promise.reject(new Error('e2e: unhandled'));
  ${lateBannerScript(600)}
  new PerformanceObserver((list) => {
    if (list.getEntries().some((entry) => entry.name === 'click')) window.clickTimed = true;
  }).observe({ type: 'event', durationThreshold: 16 });
  document.getElementById('buy').addEventListener('click', () => {
    busy(250);
    Pulse.track('add-to-cart');
  });
</script></body></html>`;

const checkoutPage = (collector: string, release: string) => `<!doctype html>
<html><head>${head(collector, release)}</head><body>
<h1 style="font-size:48px">Checkout</h1><p>Your basket: one mug.</p></body></html>`;

/** Grafana's template variables, as the dashboard would expand them for this app, all routes. */
const expand = (expr: string) => expandDashboardQuery(expr, APP, RATE_INTERVAL_SECONDS);

const total = (samples: Sample[]) => samples.reduce((sum, sample) => sum + sample.value, 0);

describe('two collector replicas scraped by a real Prometheus', () => {
  const collectors: RunningCollector[] = [];
  const sites: StaticServer[] = [];
  let socketServer: Server;
  let socketServerUrl = '';
  let prometheus: RunningPrometheus;
  let browser: Browser;
  const pageErrors: string[] = [];
  let sessions = 0;
  let rejectsSent = 0;

  /** One browser session on replica `replica`: product page, checkout page, then away. */
  async function session(replica: number) {
    const context = await browser.newContext();
    const tab = await context.newPage();
    tab.on('pageerror', (error) => pageErrors.push(error.message));
    await tab.goto(`${sites[replica]!.url}${PRODUCT_PATH}`);
    await tab.waitForFunction(() => {
      const page = window as unknown as { pageDone?: boolean; socketSummaries: number };
      return page.pageDone === true && page.socketSummaries > 0;
    });
    await tab.click('#buy');
    // The click's event-timing entry (INP) must be delivered before the page is left.
    await tab.waitForFunction(() => (window as unknown as { clickTimed?: boolean }).clickTimed);
    await Promise.all([tab.waitForURL(`**${CHECKOUT_PATH}`), tab.click('#next')]);
    await tab.waitForFunction(() => (window as unknown as { Pulse?: unknown }).Pulse !== undefined);
    // Leaving hides the checkout page: its page view ends and is sent by beacon.
    await tab.goto('about:blank');
    await context.close();
    sessions++;
  }

  /** A beacon no collector accepts (not JSON), counted as `pulse_rejected_total`. */
  async function sendMalformedBeacon(replica: number) {
    const response = await fetch(`${collectors[replica]!.url}/v1/rum`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"v":1,"app":',
    });
    expect(response.status).toBe(400);
    rejectsSent++;
  }

  /**
   * A beacon with WebRTC calls' windows and a socket window with message delivery, as
   * /pulse.webrtc.js and /pulse.delivery.js send them, so the Calls and Messages rules and panels
   * have series to read. Their browser side is proven in test/webrtc/ and test/socket/; here
   * what matters is what Prometheus makes of the series.
   */
  async function sendRealtimeBeacon(replica: number) {
    // A call through TURN that then failed, so relay share and failures have series too.
    const failedCall = {
      ...exampleEvents.webrtc,
      cand: 'relay' as const,
      states: ['disconnected' as const, 'failed' as const],
    };
    const beacon = exampleBeacon([exampleEvents.webrtc, failedCall, exampleEvents.socket], {
      app: APP,
      release: RELEASES[replica]!,
    });
    const response = await fetch(`${collectors[replica]!.url}/v1/rum`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify(beacon),
    });
    expect(response.status).toBe(204);
  }

  /** Waits until each replica has scored every page view its sessions sent so far. */
  async function waitForReplicas(sessionsPerReplica: number) {
    for (const collector of collectors) {
      const metrics = await waitForScrape(
        collector.adminUrl,
        (m) => m.count('pulse_page_score', { app: APP }) >= sessionsPerReplica * VIEWS_PER_SESSION,
      );
      expect(metrics.count('pulse_page_score', { app: APP })).toBe(
        sessionsPerReplica * VIEWS_PER_SESSION,
      );
    }
  }

  /** Sum of a counter over every replica's own /metrics. */
  const sumOfReplicas = async (name: string) => {
    const scrapes = await Promise.all(collectors.map((collector) => scrape(collector.adminUrl)));
    return scrapes.reduce((sum, metrics) => sum + metrics.value(name), 0);
  };

  /** Waits until Prometheus has scraped what every replica holds now. */
  async function waitForPrometheus() {
    const expected = await sumOfReplicas('pulse_beacons_total');
    const seen = await eventually(
      async () => total(await prometheus.query('sum(pulse_beacons_total)')),
      (value) => value === expected,
    );
    expect(seen, prometheus.log()).toBe(expected);
  }

  beforeAll(async () => {
    const pages = (path: string, collector: RunningCollector, release: string) => {
      if (path === PRODUCT_PATH) return productPage(collector.url, release, socketServerUrl);
      if (path === CHECKOUT_PATH) return checkoutPage(collector.url, release);
      return undefined;
    };
    // One site origin per replica, so each page loads /pulse.js from (and beacons to) its own.
    for (let replica = 0; replica < REPLICAS; replica++) {
      sites.push(await serveHtml((path) => pages(path, collectors[replica]!, RELEASES[replica]!)));
    }
    for (let replica = 0; replica < REPLICAS; replica++) {
      collectors.push(
        await startCollector({
          allowOrigins: sites.map((site) => site.url),
          rateLimit: false,
          eventNameCap: EVENT_NAME_CAP,
        }),
      );
    }

    const http = createServer();
    socketServer = new Server(http, { cors: { origin: '*' } });
    attachPulse(socketServer, { registry: collectors[0]!.app.pulse.registry });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    socketServerUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

    prometheus = await startPrometheus({
      targets: collectors.map((collector) => new URL(collector.adminUrl).host),
      job: 'pulse-collector',
      ruleFiles: [RECORDING_RULES, ALERT_RULES],
      interval: '1s',
    });
    browser = await launchChromium();

    for (let round = 1; round <= ROUNDS; round++) {
      for (let replica = 0; replica < REPLICAS; replica++) {
        await session(replica);
        await sendMalformedBeacon(replica);
        await sendRealtimeBeacon(replica);
      }
      await waitForReplicas(round);
      await waitForPrometheus();
    }
  });

  afterAll(async () => {
    await browser?.close();
    await prometheus?.close();
    await socketServer?.close();
    await Promise.all(sites.map((site) => site.close()));
    await Promise.all(collectors.map((collector) => collector.close()));
  });

  it('scrapes both replicas, each of which received sessions', async () => {
    const up = await prometheus.query('up{job="pulse-collector"}');
    expect(up.map((sample) => sample.value)).toEqual([1, 1]);
    const perReplica = await prometheus.query(
      `sum by (instance) (pulse_page_views_total{app="${APP}"})`,
    );
    expect(perReplica).toHaveLength(REPLICAS);
    for (const sample of perReplica) {
      expect(sample.value).toBe((sessions / REPLICAS) * VIEWS_PER_SESSION);
    }
  });

  it('sums page views, errors and custom events over the replicas to what was sent', async () => {
    expect(sessions).toBe(ROUNDS * REPLICAS);
    const sum = async (expr: string) => total(await prometheus.query(expr));
    expect(await sum(`sum(pulse_page_views_total{app="${APP}"})`)).toBe(
      sessions * VIEWS_PER_SESSION,
    );
    expect(await sum(`sum(pulse_page_score_count{app="${APP}"})`)).toBe(
      sessions * VIEWS_PER_SESSION,
    );
    expect(await sum(`sum(pulse_js_errors_total{app="${APP}"})`)).toBe(
      sessions * ERRORS_PER_SESSION,
    );
    expect(await sum(`sum(pulse_custom_events_total{app="${APP}"})`)).toBe(
      sessions * EVENTS_PER_SESSION,
    );
    expect(await sum('sum(pulse_rejected_total{reason="malformed_json"})')).toBe(rejectsSent);
    expect(await sum('sum(pulse_rejected_total)')).toBe(rejectsSent);
    expect(await sum('sum(pulse_label_overflow_total{label="name"})')).toBe(sessions);
  });

  it("sums beacons and events to the totals of the replicas' own /metrics", async () => {
    for (const name of ['pulse_beacons_total', 'pulse_events_total']) {
      const fromReplicas = await sumOfReplicas(name);
      expect(fromReplicas).toBeGreaterThan(0);
      expect(total(await prometheus.query(`sum(${name})`)), name).toBe(fromReplicas);
    }
  });

  it('offers the app and its routes to the dashboard variables', async () => {
    const { templating } = loadDashboard();
    const query = (name: string) => templating.list.find((v) => v.name === name)!.query;
    const [, appMatch] = /^label_values\((.+), app\)$/.exec(query('app'))!;
    expect(await prometheus.labelValues('app', appMatch!)).toContain(APP);
    const [, routeMatch] = /^label_values\((.+), route\)$/.exec(query('route'))!;
    expect(await prometheus.labelValues('route', expand(routeMatch!))).toEqual(
      expect.arrayContaining(['/products/:id', '/checkout/:id']),
    );
  });

  const recordingRules: DashboardQuery[] = loadRuleGroups(RECORDING_RULES).flatMap((group) =>
    group.rules.map((rule) => ({ name: rule.record!, expr: rule.expr })),
  );
  const panelQueries = dashboardQueries(loadDashboard());

  it.each([
    ...panelQueries.map((q) => [`dashboard: ${q.name}`, q.expr] as const),
    ...recordingRules.map((q) => [`recording rule: ${q.name}`, q.expr] as const),
  ])('%s returns data', async (_name, expr) => {
    // An expression over recorded series reads what the rules last evaluated, which may predate
    // the last scrape by an evaluation interval: waited for, as Grafana's next refresh would.
    const hasNumber = (found: { value: number }[]) =>
      found.some((sample) => Number.isFinite(sample.value));
    const samples = await eventually(() => prometheus.query(expand(expr)), hasNumber, 15_000);
    expect(samples.length, expand(expr)).toBeGreaterThan(0);
    // A rate of nothing gives NaN quantiles and shares: at least one value must be a number.
    expect(
      samples.some((sample) => Number.isFinite(sample.value)),
      `${expand(expr)} → ${JSON.stringify(samples)}`,
    ).toBe(true);
  });

  it('raised only the errors the page throws on purpose', () => {
    expect(pageErrors.length).toBe(sessions * ERRORS_PER_SESSION);
    expect(pageErrors.every((message) => message.startsWith('e2e: '))).toBe(true);
  });
});
