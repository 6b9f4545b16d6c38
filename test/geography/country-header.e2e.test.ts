/**
 * Geography through the real parts: the built `pulse-collector` started with `--country-header
 * CF-IPCountry --trust-proxy 127.0.0.2`, Debian's nginx in front of it naming each client's
 * country from its address as a CDN does (countryProxy.ts), real Chromium page views through the
 * proxy, and clients that forge the header: one through the proxy (which overwrites it) and one
 * straight to the collector, with the proxy's address forged in X-Forwarded-For too. Only the
 * proxy's countries reach `country`; the forged ones are `__unknown__`. No client address is
 * exported or logged. The dashboard's Countries section (in Chromium) and the Grafana dashboard's
 * Geography panels (on Debian's Prometheus scraping the collector) break experience down by
 * country. Two rounds with a scrape between them, so rate() and increase() see every country
 * grow. About 20 s.
 */
import { get } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleBeacon, type PulseEvent } from '@pulse/collector';
import { beaconAgent, postBeacon } from '../helpers/beaconClient.js';
import { launchChromium } from '../helpers/browser.js';
import { startCliCollector, type CliCollector } from '../helpers/cliCollector.js';
import { scrape } from '../helpers/metrics.js';
import { serveHtml, type StaticServer } from '../helpers/static-server.js';
import { dashboardQueries, expandDashboardQuery, loadDashboard } from '../prometheus/assets.js';
import { startPrometheus, type RunningPrometheus } from '../prometheus/prometheusServer.js';
import { startCountryProxy, type CountryProxy } from './countryProxy.js';

const APP = 'geo-e2e';
const HEADER = 'CF-IPCountry';
/** The address nginx connects to the collector from: the only one the collector trusts. */
const PROXY_ADDRESS = '127.0.0.2';
/** Chromium reaches nginx from 127.0.0.1; the node clients from addresses of their own. */
const BROWSER = '127.0.0.1';
const GERMANY = '127.0.0.11';
const JAPAN = '127.0.0.12';
/** An address the proxy's database does not know: nginx sends XX, Cloudflare's "unknown". */
const NOWHERE = '127.0.0.13';
/** Goes around the proxy, straight to the collector. */
const FORGER = '127.0.0.14';
const CLIENTS = [GERMANY, JAPAN, NOWHERE, FORGER];
/** Beacons each node client sends per round. */
const BEACONS = 3;
const ROUNDS = 2;
/** What Grafana's windows (`$__rate_interval`, `$__range`...) stand for here: longer than the test. */
const WINDOW_SECONDS = 120;

/** A page view whose LCP is `lcp` ms: Japan's are good, Germany's poor. */
const pageView = (lcp: number): PulseEvent[] => [
  { k: 'view' },
  {
    k: 'page',
    vitals: {
      LCP: { value: lcp, rating: lcp <= 2500 ? 'good' : 'poor' },
      CLS: { value: 0.02, rating: 'good' },
    },
  },
];

/** GETs `url` from the local address `from`; its status. */
const getFrom = (url: string, from: string) =>
  new Promise<number>((resolve, reject) => {
    get(url, { localAddress: from }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    }).on('error', reject);
  });

const page = (proxy: string) => `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script src="${proxy}/pulse.js" data-app="${APP}"></script></head>
<body><h1 style="font-size:56px">Stroopwafels, fresh from Gouda</h1></body></html>`;

/** Grafana's template variables, as the dashboard expands them for this app, all routes. */
const expand = (expr: string) => expandDashboardQuery(expr, APP, WINDOW_SECONDS);

describe('country from a trusted proxy header, through the CLI collector', () => {
  let collector: CliCollector;
  let proxy: CountryProxy;
  let prometheus: RunningPrometheus;
  let site: StaticServer;
  let browser: Browser;
  const agent = beaconAgent();

  /** One Chromium page view through the proxy: load, then leave so the view is sent. */
  async function browserView() {
    const netherlands = async () =>
      (await scrape(collector.metricsUrl)).value('pulse_page_views_total', {
        app: APP,
        country: 'NL',
      });
    const before = await netherlands();
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(`${site.url}/stroopwafels`);
    await tab.waitForFunction(() => (window as unknown as { Pulse?: unknown }).Pulse !== undefined);
    await tab.goto('about:blank');
    // The page's beacon is on its way through nginx: closing the context before it arrives can
    // cancel it, and `scraped()` only waits for what the collector has already answered.
    const deadline = Date.now() + 15_000;
    while ((await netherlands()) === before && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await context.close();
  }

  async function round() {
    const sends: Promise<{ status: number }>[] = [];
    for (let i = 0; i < BEACONS; i++) {
      const viaProxy = (from: string, lcp: number) =>
        postBeacon(proxy.url, exampleBeacon(pageView(lcp), { app: APP, route: '/' }), {
          agent,
          from,
          // Forged by the client; the proxy overwrites it with the country it finds.
          headers: { [HEADER]: 'FR' },
        });
      sends.push(viaProxy(GERMANY, 5200), viaProxy(JAPAN, 1200), viaProxy(NOWHERE, 1200));
      sends.push(
        postBeacon(collector.url, exampleBeacon(pageView(1200), { app: APP, route: '/' }), {
          agent,
          from: FORGER,
          headers: { [HEADER]: 'FR', 'x-forwarded-for': PROXY_ADDRESS },
        }),
      );
    }
    const answers = await Promise.all(sends);
    expect(answers.map((answer) => answer.status)).toEqual(sends.map(() => 204));
    // A script load through the proxy: a request the collector logs at info level.
    expect(await getFrom(`${proxy.url}/pulse.js`, GERMANY)).toBe(200);
    await browserView();
  }

  /** Waits until Prometheus has scraped every beacon the collector has answered so far. */
  async function scraped() {
    const beacons = (await scrape(collector.metricsUrl)).value('pulse_beacons_total', { app: APP });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [sample] = await prometheus.query(`sum(pulse_beacons_total{app="${APP}"})`);
      if (sample?.value === beacons) return;
      if (Date.now() > deadline) throw new Error(`Prometheus saw ${sample?.value} of ${beacons}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  beforeAll(async () => {
    collector = await startCliCollector([
      '--trust-proxy',
      PROXY_ADDRESS,
      '--country-header',
      HEADER,
      '--admit-after-clients',
      '1',
    ]);
    proxy = await startCountryProxy({
      upstream: collector.url,
      bindAddress: PROXY_ADDRESS,
      header: HEADER,
      countries: { [BROWSER]: 'NL', [GERMANY]: 'DE', [JAPAN]: 'JP' },
    });
    prometheus = await startPrometheus({
      targets: [new URL(collector.metricsUrl).host],
      job: 'pulse',
      ruleFiles: [],
      interval: '1s',
    });
    site = await serveHtml((path) => (path === '/stroopwafels' ? page(proxy.url) : undefined));
    browser = await launchChromium();
    for (let i = 0; i < ROUNDS; i++) {
      await round();
      await scraped();
    }
  });

  afterAll(async () => {
    agent.destroy();
    await browser?.close();
    await site?.close();
    await prometheus?.close();
    await proxy?.close();
    await collector?.stop();
  });

  it("counts each page view under the proxy's country, and forged headers as __unknown__", async () => {
    const metrics = await scrape(collector.metricsUrl);
    const views = (country: string) =>
      metrics.value('pulse_page_views_total', { app: APP, country });
    expect(views('DE')).toBe(ROUNDS * BEACONS);
    expect(views('JP')).toBe(ROUNDS * BEACONS);
    expect(views('NL')).toBe(ROUNDS);
    // The client nginx does not place, and the one that went around it.
    expect(views('__unknown__')).toBe(ROUNDS * BEACONS * 2);
    for (const family of ['pulse_page_views_total', 'pulse_web_vital_rating_total']) {
      const countries = new Set(metrics.labelSets(family).map((labels) => labels.country));
      expect([...countries].sort(), family).toEqual(['DE', 'JP', 'NL', '__unknown__']);
    }
    expect(metrics.count('pulse_page_score', { app: APP, country: 'DE' })).toBe(ROUNDS * BEACONS);
    // Series not split by country carry no country label.
    expect(metrics.labelSets('pulse_web_vital_seconds').some((l) => 'country' in l)).toBe(false);
  });

  it('exports and logs no client address, scripts loaded through the proxy included', async () => {
    const metrics = (await scrape(collector.metricsUrl)).text;
    const geography = await (
      await fetch(`${collector.metricsUrl}/api/v1/geography?app=${APP}`)
    ).text();
    for (const address of [...CLIENTS, PROXY_ADDRESS]) {
      expect(metrics).not.toContain(address);
      expect(geography).not.toContain(address);
    }
    // The log names the trusted proxy in the settings line, and no client.
    expect(collector.output()).toMatch(/"msg":"incoming request"/);
    for (const address of CLIENTS) expect(collector.output()).not.toContain(address);
  });

  it("shows the countries in the dashboard's Countries section", async () => {
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(`${collector.metricsUrl}/#app=${APP}`);
    const rows = tab.locator('#countries tbody tr');
    await rows.nth(3).waitFor();
    const cells = await rows.evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
    );
    await context.close();
    // Most page views first, then the unplaced ones.
    expect(cells.map((row) => row[0])).toEqual([
      'Germany (DE)',
      'Japan (JP)',
      'Netherlands (NL)',
      'Unknown',
    ]);
    const byName = new Map(cells.map((row) => [row[0], row]));
    expect(byName.get('Germany (DE)')![1]).toBe(String(ROUNDS * BEACONS));
    // LCP good share: none of Germany's page views, all of Japan's.
    expect(byName.get('Germany (DE)')![3]).toBe('0%');
    expect(byName.get('Japan (JP)')![3]).toBe('100%');
  });

  it("breaks experience down by country in Grafana's Geography panels", async () => {
    const dashboard = loadDashboard();
    const row = dashboard.panels.findIndex((panel) => panel.title === 'Geography');
    expect(row).toBeGreaterThan(0);
    const panels = dashboard.panels.slice(row + 1);
    const queries = dashboardQueries({ ...dashboard, panels }).filter((query) =>
      /country/.test(query.expr),
    );
    expect(queries.map((query) => query.name)).toEqual([
      'Median page score by country [A]',
      'Page views by country [A]',
      'Good LCP, INP and CLS share by country [A]',
    ]);
    const [score, views, good] = await Promise.all(
      queries.map((query) => prometheus.query(expand(query.expr))),
    );
    const by = (samples: typeof score, metric?: string) =>
      new Map(
        samples!
          .filter((sample) => metric === undefined || sample.metric.metric === metric)
          .map((sample) => [sample.metric.country, sample.value]),
      );
    // Each country's second round, as rate() and increase() see it (extrapolated: not exact).
    expect([...by(views!).keys()].sort()).toEqual(['DE', 'JP', 'NL', '__unknown__']);
    expect(by(views!).get('DE')).toBeGreaterThan(0);
    const medians = by(score!);
    expect(medians.get('DE')).toBeLessThan(medians.get('JP')!);
    const lcpGood = by(good!, 'LCP');
    expect(lcpGood.get('DE')).toBe(0);
    expect(lcpGood.get('JP')).toBe(1);
    expect(lcpGood.has('FR')).toBe(false);
  });
});
